"""Admin registrations that combine apps which do not import each other."""

from django.contrib import admin

from lus.audit.admin import AuditedAdminMixin
from lus.tenants.admin import MunicipalityAdmin
from lus.tenants.models import Municipality


@admin.register(Municipality)
class AuditedMunicipalityAdmin(AuditedAdminMixin, MunicipalityAdmin):
    """The municipality's own admin (``lus.tenants.admin``), its writes in the audit log."""
