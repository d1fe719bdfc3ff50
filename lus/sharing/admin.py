from django.contrib import admin

from lus.audit.admin import AuditedAdminMixin
from lus.tenants.admin import TenantAdminMixin

from .models import SharingPolicy


@admin.register(SharingPolicy)
class SharingPolicyAdmin(AuditedAdminMixin, TenantAdminMixin, admin.ModelAdmin):
    """HR enables sharing of development points with colleagues and names the shared fields.
    What is shared with whom is the leader's and never shown here."""

    list_display = ["__str__", "enabled"]
    fields = ["enabled", "shared_fields", "intro"]

    def has_add_permission(self, request) -> bool:
        # One policy per municipality: HR adds it once, then changes it.
        if not super().has_add_permission(request):
            return False
        municipality_id = getattr(request.user, "municipality_id", None)
        return (
            municipality_id is None
            or not SharingPolicy.objects.filter(municipality_id=municipality_id).exists()
        )
