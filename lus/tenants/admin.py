from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from lus.tenants.branding import process_logo
from lus.tenants.models import Municipality, MunicipalityLogo


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


class TenantAdminMixin:
    """The one explicit tenant filter for HR's ModelAdmins (django-scopes does not cover the
    admin's own lookups). HR staff see and edit only their own municipality's rows; objects of
    another municipality are simply not in the queryset, so the admin answers 404 for them.
    Platform admins (superusers) see everything. Writes are audited by combining it with
    ``lus.audit.admin.AuditedAdminMixin`` (a test checks every registered admin does)."""

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


class MunicipalityForm(forms.ModelForm):
    logo_upload = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_(
            "PNG, JPEG or WebP, at most 512 KB; shown in the menu beside the municipality's name. "
            "It is stored re-encoded as PNG."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    logo_remove = forms.BooleanField(label=_("Remove the logo"), required=False)

    class Meta:
        model = Municipality
        fields = (
            "name",
            "slug",
            "conversation_duration_minutes",
            "senior_conversation_age",
            "retention_years",
            "brand_colour",
        )
        widgets = {"brand_colour": forms.TextInput(attrs={"placeholder": "#0b4f6c", "size": 8})}

    def clean_logo_upload(self):
        upload = self.cleaned_data.get("logo_upload")
        if not upload:
            return None
        return process_logo(upload)


class MunicipalityAdmin(admin.ModelAdmin):
    """Registered, with the audit hook, by ``lus.orchestration.admin`` (tenants sits below the
    audit log's admin and does not import it)."""

    form = MunicipalityForm
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

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        logo = form.cleaned_data.get("logo_upload")
        if form.cleaned_data.get("logo_remove") and not logo:
            obj.logo_digest = ""
        elif logo:
            obj.logo_digest = logo[1]
        super().save_model(request, obj, form, change)
        if logo:
            MunicipalityLogo.objects.update_or_create(municipality=obj, defaults={"data": logo[0]})
        elif not obj.logo_digest:
            MunicipalityLogo.objects.filter(municipality=obj).delete()
