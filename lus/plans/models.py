"""The development plan ("udviklingsplan") agreed at a LUS.

Designed for co-editing: every editable value is its own row with a ``revision``
counter, so two people editing *different* fields never write the same row, and a save of the
*same* field based on an older revision can be detected and shown as a conflict.

- ``Plan``: one per conversation. Where the framework says the plan continues (Høje-Taastrup),
  each year's plan starts with the open points of the previous one (``continues``).
- ``PlanValue``: the value of one ``PlanField`` of the layout, for the plan, one item, one
  activity or one section (per ``PlanField.per``).
- ``PlanItem`` / ``PlanActivity``: development points and their activities.
- ``PlanItemEvaluation``: at the next LUS, "Hvordan er det gået?" + a status for each item.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lus.conversations.models import Role
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
    # The current approvals (the history is in ``PlanApproval``); cleared by any later edit.
    approved_by_leader_at = models.DateTimeField(null=True, blank=True)
    approved_by_leaders_leader_at = models.DateTimeField(null=True, blank=True)
    approved_by_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_by_leaders_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
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
    # For continuing plans: the point in the previous year's plan this one was carried over
    # from, so the history can show one point as one thread across the years.
    continues = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continued_by",
        verbose_name=_("continues"),
    )
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


# --- Agreeing the plan: approvals, reopenings, follow-ups ------------------------------------
class OfPlan:
    """Whose data it is (for audit and ``subject_of``): the plan's leader."""

    plan: Plan  # the subclass's foreign key

    @property
    def leader(self):
        return self.plan.leader


class PlanApproval(OfPlan, TenantOwned):
    """One approval of the plan by one party. ``cleared_at`` is set when a later edit (or a
    reopening) withdrew it; the current approvals are the rows with ``cleared_at`` empty."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="approvals")
    #: the conversation's role vocabulary (``lus.conversations.models.Role``)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"))
    cleared_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    cleared_reason = models.CharField(_("withdrawn because"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("plan approval")
        verbose_name_plural = _("plan approvals")
        ordering = ["approved_at", "pk"]


class PlanReopening(OfPlan, TenantOwned):
    """An agreed plan opened again for changes (needs a reason)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reopenings")
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField(_("reopened at"))
    reason = models.TextField(_("reason"), max_length=2_000)

    class Meta:
        verbose_name = _("reopening")
        verbose_name_plural = _("reopenings")
        ordering = ["reopened_at", "pk"]


class FollowUp(OfPlan, TenantOwned):
    """A follow-up date of an agreed plan, listed for both people and exportable as .ics."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="follow_ups")
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=300)
    # The plan value the date came from (the layout's follow-up date field).
    source = models.ForeignKey(
        PlanValue, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.date}: {self.title}"


class PlanEvent(TenantOwned):
    """Append-only log of what changed in one conversation's plan, notes and minutes, read by
    both browsers as a cursor (the id is the server-sent event id, so a reconnect resumes
    exactly after the last event it saw). Kind ``cell``: a saved value (``key``, ``revision``,
    ``value``); ``presence``: someone is typing in ``key``; ``panel``: approvals, structure or
    status changed (the browser fetches the state). ``token`` makes a resent save idempotent.
    Old rows are pruned (``plan_events_prune``); the cells themselves hold the saved text."""

    class Kind(models.TextChoices):
        CELL = "cell", "cell"
        PRESENCE = "presence", "presence"
        PANEL = "panel", "panel"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=40, blank=True)
    revision = models.PositiveIntegerField(default=0)
    value = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    by_name = models.CharField(max_length=200, blank=True)
    token = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "plan event"
        verbose_name_plural = "plan events"
        indexes = [
            models.Index(fields=["plan", "id"], name="planevent_cursor"),
            models.Index(fields=["plan", "token"], name="planevent_token"),
        ]
