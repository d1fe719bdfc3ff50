"""The development plan ("udviklingsplan") agreed at a LUS.

Designed for co-editing (issue 5): every editable value is its own row with a ``revision``
counter, so two people editing *different* fields never write the same row, and a save of the
*same* field based on an older revision can be detected and shown as a conflict.

- ``Plan``: one per conversation — or, where the framework says the plan continues
  (Høje-Taastrup), one per leader that is carried from year to year.
- ``PlanValue``: the value of one ``PlanField`` of the layout, for the plan, one item, one
  activity or one section (per ``PlanField.per``).
- ``PlanItem`` / ``PlanActivity``: development points and their activities.
- ``PlanItemEvaluation``: at the next LUS, "Hvordan er det gået?" + a status for each item.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lus.tenants.models import TenantOwned


class Plan(TenantOwned):
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("leader"),
    )
    # The conversation the plan was made in (for a continuing plan: where it started).
    conversation = models.OneToOneField(
        "conversations.Conversation",
        on_delete=models.PROTECT,
        related_name="plan",
        verbose_name=_("conversation"),
    )
    # The layout the plan follows.
    version = models.ForeignKey(
        "frameworks.FrameworkVersion", on_delete=models.PROTECT, related_name="+"
    )
    continues = models.BooleanField(_("continues across years"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    approved_by_leader_at = models.DateTimeField(null=True, blank=True)
    approved_by_conductor_at = models.DateTimeField(null=True, blank=True)
    agreed_at = models.DateTimeField(_("agreed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("development plan")
        verbose_name_plural = _("development plans")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.version.plan_title or _('Plan')} - {self.leader}"


class PlanItem(TenantOwned):
    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("development point"), max_length=300)
    # For continuing plans: the year the item was added.
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("development point")
        verbose_name_plural = _("development points")
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class PlanActivity(TenantOwned):
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="activities")
    order = models.PositiveIntegerField(_("order"), default=0)
    text = models.CharField(_("activity"), max_length=500)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["item", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class PlanValue(TenantOwned):
    """One field value. Exactly the targets its ``field.per`` needs are set."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="values")
    field = models.ForeignKey("frameworks.PlanField", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(
        PlanItem, on_delete=models.CASCADE, null=True, blank=True, related_name="values"
    )
    activity = models.ForeignKey(
        PlanActivity, on_delete=models.CASCADE, null=True, blank=True, related_name="values"
    )
    section = models.ForeignKey(
        "frameworks.Section", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    value = models.TextField(_("value"), blank=True, max_length=10_000)
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("plan value")
        verbose_name_plural = _("plan values")
        constraints = [
            # One row per target (per plan, item, activity or section).
            models.UniqueConstraint(
                fields=["plan", "field"],
                condition=models.Q(item__isnull=True, activity__isnull=True, section__isnull=True),
                name="planvalue_one_per_plan_field",
            ),
            models.UniqueConstraint(
                fields=["item", "field"],
                condition=models.Q(item__isnull=False, activity__isnull=True),
                name="planvalue_one_per_item_field",
            ),
            models.UniqueConstraint(
                fields=["activity", "field"],
                condition=models.Q(activity__isnull=False),
                name="planvalue_one_per_activity_field",
            ),
            models.UniqueConstraint(
                fields=["plan", "section", "field"],
                condition=models.Q(section__isnull=False),
                name="planvalue_one_per_section_field",
            ),
        ]


class PlanItemEvaluation(TenantOwned):
    """How a development point went, written while preparing the next LUS."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Achieved")
        DROPPED = "dropped", _("No longer relevant")

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="evaluations")
    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="evaluations"
    )
    text = models.TextField(_("How has it gone?"), blank=True, max_length=10_000)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "conversation"], name="evaluation_one_per_conversation"
            )
        ]
