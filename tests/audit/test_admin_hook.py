"""Every write through the admin lands in the audit log: each registered ModelAdmin of a LUS
model carries the audit hook (the audit log's own admin is read-only)."""

from django.contrib import admin

from lus.audit.admin import AuditedAdminMixin, AuditEventAdmin


def test_every_lus_model_admin_is_audited():
    unaudited = [
        f"{model._meta.label}: {type(model_admin).__name__}"
        for model, model_admin in admin.site._registry.items()
        if model.__module__.startswith("lus.")
        and not isinstance(model_admin, AuditedAdminMixin | AuditEventAdmin)
    ]
    assert unaudited == []
