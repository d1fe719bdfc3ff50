"""Sharing chosen development points ("øvebaner", Randers) with named leader colleagues.

The leader's explicit choice, per point and colleague; revocable at any time (the row is deleted,
so access ends at once; the audit log keeps who shared what with whom and when). A colleague
sees the point's title and the plan fields the municipality's policy names — never the
preparation, the notes, the other points or anything else of the conversation. Only where HR
has enabled it (``SharingPolicy``, data per municipality; the demo enables it for Randers).

The app sits above ``plans`` on the ladder: it imports plans, plans never import it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lus.tenants.models import TenantOwned


class SharingPolicy(TenantOwned):
    """The municipality's choice: may leaders share agreed development points with colleagues?"""

    enabled = models.BooleanField(
        _("leaders may share development points with leader colleagues"), default=False
    )
    shared_fields = models.TextField(
        _("plan fields shared with the title"),
        blank=True,
        max_length=2000,
        help_text=_(
            "Labels of the development point's plan fields that colleagues see with its title, "
            "one per line (e.g. “Handling / øvebane”). Nothing else is shared."
        ),
    )
    intro = models.TextField(
        _("text for the leader"),
        blank=True,
        max_length=2000,
        help_text=_("Shown above the sharing page, e.g. why sharing your øvebaner helps."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sharing with colleagues")
        verbose_name_plural = _("sharing with colleagues")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality"], name="sharingpolicy_one_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return str(_("Sharing with colleagues"))

    @property
    def field_labels(self) -> list[str]:
        return [line.strip() for line in self.shared_fields.splitlines() if line.strip()]


class ItemShare(TenantOwned):
    """One development point shared with one colleague (deleted when the leader revokes it)."""

    item = models.ForeignKey(
        "plans.PlanItem", on_delete=models.CASCADE, related_name="+", verbose_name=_("point")
    )
    colleague = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("colleague"),
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("shared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("shared development point")
        verbose_name_plural = _("shared development points")
        ordering = ["item", "colleague__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "colleague"], name="itemshare_once_per_colleague"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.colleague_id}"

    @property
    def leader(self):
        return self.shared_by
