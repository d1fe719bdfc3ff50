from django.contrib import admin
from django.http import HttpRequest

from lus.audit.models import AuditEvent
from lus.tenants.admin import TenantAdminMixin


@admin.register(AuditEvent)
class AuditEventAdmin(TenantAdminMixin, admin.ModelAdmin):
    """HR reads its municipality's configuration changes; nobody edits or deletes."""

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
        return qs.filter(category=AuditEvent.Category.CONFIG)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_actions(self, request: HttpRequest):
        return {}
