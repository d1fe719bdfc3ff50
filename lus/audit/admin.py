import json
from typing import Any

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.http import Http404, HttpRequest

from lus.audit.models import AuditEvent
from lus.audit.services import audit_record


class AuditedAdminMixin:
    """Every add/change/delete through the admin also writes an append-only AuditEvent
    (category "config"), which HR reads in the audit log's admin. Whose data the object is
    comes from :func:`lus.core.subjects.subject_of` (the person themself for a person)."""

    def _audit(self, request: HttpRequest, obj: Any, action: str, message: Any = "") -> None:
        if isinstance(obj, AuditEvent):
            return
        if isinstance(message, list):  # the admin's structured change message
            message = LogEntry(change_message=json.dumps(message)).get_change_message()
        audit_record(
            actor=request.user,
            action=action,
            target=obj,
            detail=str(message),
            category=AuditEvent.Category.CONFIG,
            request=request,
        )

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)  # type: ignore[misc]
        self._audit(request, obj, "admin_add", message)
        return entry

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_change(request, obj, message)  # type: ignore[misc]
        self._audit(request, obj, "admin_change", message)
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        objs = list(queryset)
        result = super().log_deletions(request, objs)  # type: ignore[misc]
        for obj in objs:
            self._audit(request, obj, "admin_delete")
        return result


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """HR reads its municipality's configuration changes; nobody edits or deletes. (The
    tenant filter is written out: the audit log sits below ``lus.tenants.admin``.)"""

    list_display = ["created_at", "actor_name", "role", "action", "target_repr", "detail"]
    list_filter = ["action", "created_at"]
    search_fields = ["actor_name", "target_repr", "detail"]
    date_hierarchy = "created_at"
    list_select_related = False
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def get_queryset(self, request: HttpRequest):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(
            municipality_id=request.user.municipality_id, category=AuditEvent.Category.CONFIG
        )

    def _is_own_hr(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or user.is_hr)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_own_hr(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        if not self._is_own_hr(request):
            return False
        return (
            obj is None
            or request.user.is_superuser
            or obj.municipality_id == request.user.municipality_id
        )

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts, object_id):
        raise Http404  # another municipality's row: the same answer as a missing one

    def get_actions(self, request: HttpRequest):
        return {}
