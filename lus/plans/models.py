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
    # The current approvals (the history is in ``PlanApproval``); cleared by any later edit.
    approved_by_leader_at = models.DateTimeField(null=True, blank=True)
    approved_by_conductor_at = models.DateTimeField(null=True, blank=True)
    approved_by_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_by_conductor = models.ForeignKey(
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


# --- issue 5: the conversation and agreeing the plan -------------------------------------------
class OfConversation:
    """Whose data it is (for audit and ``subject_of``): the conversation's leader."""

    @property
    def leader(self):
        return self.conversation.leader


class OfPlan:
    """Whose data it is (for audit and ``subject_of``): the plan's leader."""

    @property
    def leader(self):
        return self.plan.leader


class ConversationState(TenantOwned):
    """Per-conversation settings chosen during the meeting (Norddjurs: the dimension to start
    with). Kept here so the conversations app needs no migration for it."""

    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="plan_state"
    )
    start_section = models.ForeignKey(
        "frameworks.Section",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("start with"),
    )

    class Meta:
        verbose_name = _("conversation state")
        verbose_name_plural = _("conversation states")


class SectionNote(OfConversation, TenantOwned):
    """The notes both parties take on one section during the conversation (co-edited)."""

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="section_notes"
    )
    section = models.ForeignKey("frameworks.Section", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("notes"), blank=True, max_length=10_000)
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("section notes")
        verbose_name_plural = _("section notes")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "section"], name="sectionnote_one_per_section"
            )
        ]


class Minutes(OfConversation, TenantOwned):
    """The minutes ("referat") of a conversation, written by the agreed writer
    (``Conversation.minutes_by``); the other party reads them. Filed with the plan."""

    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="minutes"
    )
    text = models.TextField(_("minutes"), blank=True, max_length=50_000)
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")


class PlanApproval(OfPlan, TenantOwned):
    """One approval of the plan by one party. ``cleared_at`` is set when a later edit (or a
    reopening) withdrew it; the current approvals are the rows with ``cleared_at`` empty."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        LEADERS_LEADER = "leaders_leader", _("Leader's leader")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="approvals")
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
