import json

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from lus.tenants.models import Municipality


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget re-renders a rejected value by querying it: a non-numeric
    or out-of-range id ("abc", 10**30) then crashes with a 500 instead of showing the field
    error. Drop values the key field cannot hold before that query."""

    def optgroups(self, name, value, attr=None):
        model = self.choices.queryset.model
        key = model._meta.get_field(self.field.remote_field.field_name or model._meta.pk.name)
        valid = []
        for item in value:
            try:
                key.clean(item, None)
            except (ValidationError, TypeError, ValueError, OverflowError):
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class AuditedAdminMixin:
    """Every add/change/delete through the admin also writes an append-only AuditEvent
    (category "config"), which HR reads in the audit log's admin."""

    def _audit(self, request: HttpRequest, obj, action: str, message="") -> None:
        from lus.audit.models import AuditEvent
        from lus.audit.services import audit_record

        if isinstance(obj, AuditEvent):
            return
        if isinstance(message, list):  # the admin's structured change message
            message = LogEntry(change_message=json.dumps(message)).get_change_message()
        audit_record(
            actor=request.user,
            action=action,
            target=obj,
            subject=None if not hasattr(obj, "manager_id") else obj,
            detail=str(message),
            category=AuditEvent.Category.CONFIG,
            request=request,
        )

    def log_addition(self, request: HttpRequest, obj, message):
        entry = super().log_addition(request, obj, message)
        self._audit(request, obj, "admin_add", message)
        return entry

    def log_change(self, request: HttpRequest, obj, message):
        entry = super().log_change(request, obj, message)
        self._audit(request, obj, "admin_change", message)
        return entry

    def log_deletions(self, request: HttpRequest, queryset):
        objs = list(queryset)
        result = super().log_deletions(request, objs)
        for obj in objs:
            self._audit(request, obj, "admin_delete")
        return result


class TenantAdminMixin(AuditedAdminMixin):
    """The one explicit tenant filter for HR's ModelAdmins (django-scopes does not cover the
    admin's own lookups). HR staff see and edit only their own municipality's rows; objects of
    another municipality are simply not in the queryset, so the admin answers 404 for them.
    Platform admins (superusers) see everything."""

    tenant_field = "municipality"

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        inner = getattr(widget, "widget", widget)  # inside RelatedFieldWidgetWrapper
        if type(inner) is AutocompleteSelect:
            inner.__class__ = SafeAutocompleteSelect
        return formfield

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts, object_id):
        # Django redirects to the index with "doesn't exist" for an unknown id; another
        # municipality's object must be indistinguishable from a missing one: plain 404.
        raise Http404

    def get_queryset(self, request: HttpRequest):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{self.tenant_field: request.user.municipality_id})

    def _is_own_hr(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or user.is_hr)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_own_hr(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._is_own_hr(request) and self._owns(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._is_own_hr(request) and self._owns(request, obj)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return self._is_own_hr(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._is_own_hr(request) and self._owns(request, obj)

    def _owns(self, request: HttpRequest, obj) -> bool:
        if obj is None or request.user.is_superuser:
            return True
        return getattr(obj, f"{self.tenant_field}_id", None) == request.user.municipality_id

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        if not request.user.is_superuser and not change:
            setattr(obj, f"{self.tenant_field}_id", request.user.municipality_id)
        super().save_model(request, obj, form, change)

    def get_exclude(self, request: HttpRequest, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not request.user.is_superuser:
            exclude.append(self.tenant_field)
        return exclude


@admin.register(Municipality)
class MunicipalityAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts, object_id):
        raise Http404  # another municipality: same answer as a missing one

    def get_prepopulated_fields(self, request: HttpRequest, obj=None):
        # HR sees the slug read-only; prepopulating a read-only field crashes the form (500).
        return self.prepopulated_fields if request.user.is_superuser else {}

    # Only platform admins manage municipalities; HR edits its own process settings.
    def get_queryset(self, request: HttpRequest):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(pk=request.user.municipality_id)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_staff and (request.user.is_superuser or request.user.is_hr)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return [] if request.user.is_superuser else ["name", "slug"]
