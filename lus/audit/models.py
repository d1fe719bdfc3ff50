"""The append-only audit log.

Rows are only ever inserted. In code: ``save()`` refuses updates, ``delete()`` and the
queryset's ``update()``/``delete()`` refuse. On PostgreSQL a trigger (migration 0002) also
refuses UPDATE and DELETE, so not even raw SQL or another client can rewrite history.
Actor and subject are plain references without a database constraint (and never cascade),
with their names copied in, so the log outlives the people in it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lus.core.scoping import tenant_manager


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit row."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only.")

    def _raw_delete(self, using: Any) -> int:
        raise AppendOnlyError("The audit log is append-only.")


AuditManager = models.Manager.from_queryset(AuditQuerySet)


class AuditEvent(models.Model):
    class Category(models.TextChoices):
        ACCESS = "access", _("Access")
        CHANGE = "change", _("Change")
        CONFIG = "config", _("Configuration")

    # Tenant-owned like every other row; written out here (not ``TenantOwned``) because the
    # audit log sits below the domain apps and names the municipality model only by label.
    municipality = models.ForeignKey(
        "tenants.Municipality",
        on_delete=models.PROTECT,
        verbose_name=_("municipality"),
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        "accounts.User",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_name = models.CharField(_("who (name)"), max_length=200)
    role = models.CharField(_("role"), max_length=30)
    action = models.CharField(_("action"), max_length=60)
    category = models.CharField(
        _("category"), max_length=10, choices=Category.choices, default=Category.ACCESS
    )
    target_type = models.ForeignKey(
        ContentType,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("object type"),
    )
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=200, blank=True)
    subject = models.ForeignKey(
        "accounts.User",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("whose data"),
    )
    subject_name = models.CharField(_("whose data (name)"), max_length=200, blank=True)
    detail = models.TextField(_("purpose / detail"), blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = tenant_manager(AuditManager)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["municipality", "subject", "created_at"]),
            models.Index(fields=["municipality", "category", "created_at"]),
        ]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name}: {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")
