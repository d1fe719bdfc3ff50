"""HR's admin: the municipality's print and filing settings, and the filed records' metadata
(never the PDF itself: its content is for the leader and the leader's leader only). Filed
records are read-only and cannot be deleted, by anyone."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lus.audit.admin import AuditedAdminMixin
from lus.tenants.admin import TenantAdminMixin

from . import destinations, services
from .models import DeliveryAttempt, DocumentSettings, FiledRecord


class DocumentSettingsForm(forms.ModelForm):
    class Meta:
        model = DocumentSettings
        fields = [
            "municipality",
            "logo",
            "printable_layout",
            "include_preparation",
            "include_minutes",
            "destination",
            "journal_email",
            "journal_reference",
            "kle_number",
            "action_facet",
            "deletion_years",
            "deletion_basis",
        ]

    request: HttpRequest | None = None

    def clean(self):
        cleaned = super().clean()
        user = getattr(self.request, "user", None)
        if user is not None and not user.is_superuser:
            others = DocumentSettings.objects.filter(municipality_id=user.municipality_id)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                raise ValidationError(
                    _("The municipality already has print and filing settings. Change those.")
                )
        return cleaned


@admin.register(DocumentSettings)
class DocumentSettingsAdmin(AuditedAdminMixin, TenantAdminMixin, admin.ModelAdmin):
    form = DocumentSettingsForm
    list_display = ["__str__", "municipality", "destination", "kle_number", "action_facet"]
    fieldsets = [
        (gettext_lazy("Print"), {"fields": ["municipality", "logo", "printable_layout"]}),
        (
            gettext_lazy("Contents of the filed PDF"),
            {"fields": ["include_preparation", "include_minutes"]},
        ),
        (
            gettext_lazy("Filing"),
            {"fields": ["destination", "journal_email", "journal_reference"]},
        ),
        (
            gettext_lazy("Journal metadata"),
            {"fields": ["kle_number", "action_facet", "deletion_years", "deletion_basis"]},
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f != "municipality"]})
            for name, opts in fieldsets
        ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request = request
        return form


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ["attempted_at", "attempted_by", "destination", "ok", "error", "sha256"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FiledRecord)
class FiledRecordAdmin(AuditedAdminMixin, TenantAdminMixin, admin.ModelAdmin):
    list_display = [
        "leader_name",
        "year",
        "sequence",
        "filed_at",
        "filed_by_name",
        "destination",
        "delivery",
        "kle_number",
        "action_facet",
        "deletion",
    ]
    list_filter = ["year", "destination"]
    search_fields = ["leader_name", "journal_reference"]
    date_hierarchy = None
    inlines = [DeliveryAttemptInline]
    actions = ["retry_delivery"]
    # The file itself is not shown: HR sees that and how it was filed, not the content.
    fields = [
        "leader_name",
        "year",
        "sequence",
        "filename",
        "sha256",
        "size",
        "filed_at",
        "filed_by_name",
        "destination",
        "destination_address",
        "journal_reference",
        "framework_version_label",
        "kle_number",
        "action_facet",
        "deletion",
        "approved_by_leader_at",
        "approved_by_leaders_leader_at",
        "journal_metadata",
    ]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("delivery"))
    def delivery(self, obj: FiledRecord) -> str:
        last = obj.last_attempt
        if last is None:
            return _("not delivered")
        return _("delivered") if last.ok else _("failed")

    @admin.display(description=gettext_lazy("deletion date"))
    def deletion(self, obj: FiledRecord) -> str:
        return obj.deletion_text()

    @admin.display(description=gettext_lazy("sent to the journal"))
    def journal_metadata(self, obj: FiledRecord) -> str:
        return "; ".join(f"{k}: {v}" for k, v in destinations.journal_metadata(obj))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("leader").prefetch_related("attempts")

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # nobody deletes a filed record through the app

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=gettext_lazy("Send failed deliveries again (the same file)"))
    def retry_delivery(self, request, queryset):
        sent = failed = 0
        for record in queryset:
            if record.delivered:
                continue
            try:
                attempt = services.filed_record_retry(
                    record=record, actor=request.user, request=request
                )
            except ValidationError as exc:
                messages.error(request, f"{record}: {' '.join(exc.messages)}")
                continue
            if attempt.ok:
                sent += 1
            else:
                failed += 1
        messages.info(
            request,
            _("Delivered: %(sent)d. Failed: %(failed)d.") % {"sent": sent, "failed": failed},
        )
