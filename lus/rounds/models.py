"""LUS rounds ("LUS-runder") and the reminders sent for them.

A round is HR's yearly campaign: one conversation per leader of the municipality (or of chosen
org units) for a year, with a deadline. Conversations are not linked to a round by a foreign key:
a leader has one LUS per year (a constraint of ``Conversation``), so a round's conversations are
the year's conversations of the leaders in its units. Starting a round again only adds what is
missing (leaders added later).

``SentReminder`` records every reminder mail, so ``manage.py send_reminders`` never sends the
same reminder twice (unique per kind, recipient, conversation, due date and reference).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lus.tenants.models import TenantOwned


class LusRound(TenantOwned):
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    deadline = models.DateField(_("deadline"), help_text=_("The LUS should be held by this date."))
    version = models.ForeignKey(
        "frameworks.FrameworkVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("framework version"),
        help_text=_("Leave empty to use the newest published version when the round starts."),
    )
    org_units = models.ManyToManyField(
        "accounts.OrgUnit",
        blank=True,
        related_name="+",
        verbose_name=_("organisational units"),
        help_text=_("Leave empty for the whole municipality. Sub-units are included."),
    )
    invite_reminder_days = models.PositiveSmallIntegerField(
        _("remind about invitations (days before the deadline)"),
        default=21,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
        help_text=_(
            "Leaders' leaders who have not invited a leader are reminded this many days "
            "before the deadline."
        ),
    )
    preparation_reminder_days = models.PositiveSmallIntegerField(
        _("remind about preparation (days before the conversation)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("LUS round")
        verbose_name_plural = _("LUS rounds")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"],
                name="round_one_per_year",
                violation_error_message=_("The municipality already has a LUS round this year."),
            )
        ]

    def __str__(self) -> str:
        return _("LUS round %(year)s") % {"year": self.year}

    def clean(self) -> None:
        super().clean()
        version = self.version if self.version_id else None
        if version is not None and not version.is_published:
            raise ValidationError({"version": _("Choose a published framework version.")})
        if version is not None and version.municipality_id != self.municipality_id:
            raise ValidationError({"version": _("Choose a published framework version.")})


class SentReminder(TenantOwned):
    class Kind(models.TextChoices):
        PREPARATION_DUE = "preparation_due", _("Preparation due soon")
        NOT_INVITED = "not_invited", _("Leader not invited yet")
        FOLLOW_UP_DUE = "follow_up_due", _("Plan follow-up due")
        STATUS_TALK_DUE = "status_talk_due", _("Status talk coming up")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    conversation = models.ForeignKey(
        "conversations.Conversation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("conversation"),
    )
    due_date = models.DateField(_("due date"))

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    #: What else identifies the reminder (e.g. "follow_up:17"); empty when nothing does.
    #: Reminders HR sends by hand ("manual:…") and failed attempts ("failed:…") carry a
    #: unique one, so they never stop the scheduled reminder.
    ref = models.CharField(_("reference"), max_length=50, blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SENT
    )
    #: HR who pressed "remind now"; empty for the scheduled reminders.
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "conversation", "due_date", "ref"],
                name="reminder_sent_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient_id} ({self.due_date})"


class LeadersLeaderHandover(TenantOwned):
    """A proposal by HR to hand a leader's open conversation over to the leader's new leader's
    leader (an org change mid-year), and the leader's answer.

    Access follows ``Conversation.leaders_leader``, and HR can edit the hierarchy, so the hand-over
    is never HR's alone to grant: it takes effect only when the leader accepts (the data
    subject is the second pair of eyes), the new leaders_leader is the leader's current leader's
    leader, and the person proposing can never be the one who receives it (also a database
    constraint). Until the leader answers, the conversation stays where it is.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the leader's answer")
        ACCEPTED = "accepted", _("Accepted by the leader")
        DECLINED = "declined", _("Declined by the leader")
        SUPERSEDED = "superseded", _("Replaced by a newer proposal")

    conversation = models.ForeignKey(
        "conversations.Conversation",
        on_delete=models.CASCADE,
        related_name="handovers",
        verbose_name=_("conversation"),
    )
    from_leaders_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("from"),
    )
    to_leaders_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("to"),
    )
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    handed_over_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-handed_over_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_leaders_leader=models.F("to_leaders_leader")),
                name="handover_changes_leaders_leader",
            ),
            # Separation of duties: whoever proposes a hand-over never receives it. (Checked on
            # the proposal, which every hand-over starts as; rows from before proposals existed
            # are kept as they happened.)
            models.CheckConstraint(
                condition=~models.Q(status="pending", handed_over_by=models.F("to_leaders_leader")),
                name="handover_not_to_proposer",
            ),
            models.UniqueConstraint(
                fields=["conversation"],
                condition=models.Q(status="pending"),
                name="handover_one_pending_per_conversation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conversation}: {self.from_leaders_leader} -> {self.to_leaders_leader}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class RoundMember(TenantOwned):
    """A leader in a round, with the organisational unit they belonged to when the round
    started (or when they were added to it). The anonymous statistics group leaders by this
    frozen unit, so moving a person later changes nothing in the round's statistics. The unit
    is a plain reference with its name copied in: deleting or renaming a unit later changes
    nothing either."""

    lus_round = models.ForeignKey(
        LusRound, on_delete=models.CASCADE, related_name="members", verbose_name=_("LUS round")
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("leader"),
    )
    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisational unit at the start of the round"),
    )
    org_unit_name = models.CharField(_("unit (name)"), max_length=200, blank=True)
    joined_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("round member")
        verbose_name_plural = _("round members")
        constraints = [
            models.UniqueConstraint(fields=["lus_round", "leader"], name="round_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.lus_round}: {self.leader_id} ({self.org_unit_name})"


class RoundStatistics(TenantOwned):
    """The anonymous statistics of a round, computed once after its deadline and never again:
    a number HR has seen can never change, so two views of the page can never be subtracted
    from each other to reveal one leader's answers (see ``statistics.py``)."""

    lus_round = models.OneToOneField(
        LusRound,
        on_delete=models.CASCADE,
        related_name="statistics",
        verbose_name=_("LUS round"),
    )
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    data = models.JSONField(_("numbers"), default=dict)

    class Meta:
        verbose_name = _("round statistics")
        verbose_name_plural = _("round statistics")

    def __str__(self) -> str:
        return f"{self.lus_round} ({self.computed_at:%Y-%m-%d})"


class StatusSummary(TenantOwned):
    """That a municipality's status counts for a year are kept (``StatusCount``), and their
    version: every change of a count bumps it, so a rendered table of counts can be cached
    under it. Built from the conversations by ``status_counts_rebuild`` (the first time HR's
    overview is opened, and nightly); kept up to date in the same transaction as every status
    change, new conversation and hand-over (``lus.rounds.counts``)."""

    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveBigIntegerField(_("version"), default=1)
    rebuilt_at = models.DateTimeField(_("rebuilt at"), auto_now_add=True)

    class Meta:
        verbose_name = _("status summary")
        verbose_name_plural = _("status summaries")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="status_summary_once")
        ]

    def __str__(self) -> str:
        return f"{self.year} v{self.version}"


class StatusCount(TenantOwned):
    """How many of a year's conversations have a status, per organisational unit of the leader
    and leader's leader: the HR overview reads these (a few hundred rows for the largest
    municipality) instead of counting its conversations. ``status`` "" counts the people of
    the unit without this year's LUS (``leaders_leader`` empty). Status and numbers only —
    never content."""

    year = models.PositiveSmallIntegerField(_("year"))
    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisational unit"),
    )
    leaders_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("leader's leader"),
    )
    status = models.CharField(_("status"), max_length=20, blank=True)
    n = models.IntegerField(_("number"), default=0)

    class Meta:
        verbose_name = _("status count")
        verbose_name_plural = _("status counts")
        indexes = [
            models.Index(fields=["municipality", "year"], name="status_count_year"),
            # The overview's page of leaders' leaders asks, person by person, whether they
            # hold any of the year's conversations.
            models.Index(
                fields=["municipality", "year", "leaders_leader"], name="status_count_holder"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.org_unit_id}/{self.leaders_leader_id} {self.status}: {self.n}"


class UnitStatusCount(TenantOwned):
    """``StatusCount`` summed up the unit tree, without the leader's leader: a unit's rows
    count its own people and everyone in its sub-units, so HR's overview reads one unit's
    sub-units (a few rows each) instead of summing the whole municipality's counts. Built and
    kept with ``StatusCount`` (``lus.rounds.counts``); status "" counts people without this
    year's LUS. Status and numbers only — never content."""

    year = models.PositiveSmallIntegerField(_("year"))
    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("organisational unit"),
    )
    status = models.CharField(_("status"), max_length=20, blank=True)
    n = models.IntegerField(_("number"), default=0)

    class Meta:
        verbose_name = _("status count with sub-units")
        verbose_name_plural = _("status counts with sub-units")
        indexes = [
            models.Index(fields=["municipality", "year", "org_unit"], name="unit_count_unit")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.org_unit_id}+ {self.status}: {self.n}"
