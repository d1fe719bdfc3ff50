"""Conversations (one LUS per leader per year) and each party's preparation.

A conversation pins the framework version (and the leaders_leader's team customisation) it was
created with, so what it shows never changes when HR publishes a new version. Status moves
forward through the service functions in ``services.py``; the one step back is reopening an
agreed plan (back to "held").

Answers are one row per (preparation, question): concurrent edits of *different* answers never
touch the same row. The preparation's ``revision`` counter guards against two tabs overwriting
each other (optimistic concurrency: the form sends the revision it was based on).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lus.core.errors import DomainError
from lus.tenants.models import TenantOwned

#: A sane upper bound for one free-text answer.
MAX_TEXT_LENGTH = 10_000


class Role(models.TextChoices):
    LEADER = "leader", _("Leader")
    LEADERS_LEADER = "leaders_leader", _("Leader's leader")


class NotAParty(DomainError):
    """The user is neither the conversation's leader nor its leader's leader."""

    http_status = 403
    message = _("Only the leader and the leader's leader take part in this conversation.")


class Conversation(TenantOwned):
    class Status(models.TextChoices):
        CREATED = "created", _("Created")
        INVITED = "invited", _("Invited")
        PREPARING = "preparing", _("Being prepared")
        SHARED = "shared", _("Preparation shared")
        HELD = "held", _("Held")
        PLAN_AGREED = "plan_agreed", _("Plan agreed")
        FILED = "filed", _("Filed")

    #: The order statuses move in (forward only).
    ORDER = [s.value for s in Status]

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="conversations",
        verbose_name=_("leader"),
    )
    leaders_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="conducted_conversations",
        verbose_name=_("leader's leader"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.ForeignKey(
        "frameworks.FrameworkVersion",
        on_delete=models.PROTECT,
        related_name="conversations",
        verbose_name=_("framework version"),
    )
    customisation = models.ForeignKey(
        "frameworks.TeamCustomisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conversations",
        verbose_name=_("team customisation"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CREATED
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    shared_at = models.DateTimeField(_("shared at"), null=True, blank=True)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    plan_agreed_at = models.DateTimeField(_("plan agreed at"), null=True, blank=True)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    # Booking (set by the invitation).
    scheduled_at = models.DateTimeField(_("date and time"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    location = models.CharField(_("place"), max_length=200, blank=True)
    walk_and_talk = models.BooleanField(_("walk'n'talk"), default=False)
    #: Who writes the minutes ("" = no minutes), agreed in the invitation.
    minutes_by = models.CharField(
        _("minutes written by"),
        max_length=20,
        blank=True,
        default="",
        choices=[("", _("No minutes")), *Role.choices],
    )
    invitation_message = models.TextField(_("message"), blank=True, max_length=5_000)
    #: When both parties had first picked their keywords (Albertslund: they then see each
    #: other's before the conversation, and are told by e-mail once).
    keywords_exchanged_at = models.DateTimeField(
        _("keywords exchanged at"), null=True, blank=True, editable=False
    )
    #: The leader's answer to the offer of a senior conversation (None = not answered).
    senior_conversation_wanted = models.BooleanField(
        _("wants a senior conversation"), null=True, blank=True
    )
    # The calendar invitation: one UID for the conversation's whole life, SEQUENCE bumped on
    # every rebooking so calendars update the existing event instead of adding one.
    ics_uid = models.CharField(_("calendar UID"), max_length=100, blank=True, editable=False)
    ics_sequence = models.PositiveIntegerField(_("calendar sequence"), default=0, editable=False)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-year", "leader__name"]
        # HR's round overview and reminders read a municipality's conversations of one year.
        indexes = [models.Index(fields=["municipality", "year"], name="conversation_muni_year")]
        constraints = [
            models.UniqueConstraint(
                fields=["leader", "year"],
                name="conversation_one_per_leader_per_year",
                violation_error_message=_("The leader already has a LUS this year."),
            ),
            models.CheckConstraint(
                condition=~models.Q(leader=models.F("leaders_leader")),
                name="conversation_leaders_leader_not_leader",
                violation_error_message=_("A leader cannot hold their own LUS."),
            ),
        ]

    def __str__(self) -> str:
        return f"LUS {self.year} - {self.leader}"

    def clean(self) -> None:
        super().clean()
        if self.version_id and not self.version.is_published:
            raise ValidationError({"version": _("Choose a published framework version.")})
        if self.leaders_leader_id and self.leader_id and self.leaders_leader_id == self.leader_id:
            raise ValidationError({"leaders_leader": _("A leader cannot hold their own LUS.")})

    def status_index(self) -> int:
        return self.ORDER.index(self.status)

    def is_before(self, status: str) -> bool:
        return self.status_index() < self.ORDER.index(status)

    def role_of(self, user) -> Role:
        """The user's role in this conversation; ``NotAParty`` if they have none."""
        if self.leader_id == user.pk:
            return Role.LEADER
        if self.leaders_leader_id == user.pk:
            return Role.LEADERS_LEADER
        raise NotAParty

    @property
    def senior_offer(self) -> bool:
        """The municipality offers a senior conversation and the leader has the age for it
        (on the day of the conversation, else today)."""
        from django.utils import timezone

        senior_from = self.municipality.senior_conversation_age
        day = timezone.localdate(self.scheduled_at) if self.scheduled_at else timezone.localdate()
        age = self.leader.age_on(day)
        return bool(senior_from and age is not None and age >= senior_from)

    @property
    def is_open_for_preparation(self) -> bool:
        """Answers may be written and corrected until the conversation is held."""
        return self.is_before(self.Status.HELD)


class Preparation(TenantOwned):
    """One party's preparation of a conversation."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="preparations"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # Bumped on every save; a save based on an older revision is refused (two tabs).
    revision = models.PositiveIntegerField(_("revision"), default=0)
    saved_at = models.DateTimeField(_("saved at"), null=True, blank=True)
    shared_at = models.DateTimeField(_("shared at"), null=True, blank=True)

    class Meta:
        verbose_name = _("preparation")
        verbose_name_plural = _("preparations")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "role"], name="preparation_one_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.conversation} - {self.get_role_display()}"

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None


class Answer(TenantOwned):
    preparation = models.ForeignKey(Preparation, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        "frameworks.Question", on_delete=models.PROTECT, related_name="answers"
    )
    scale_value = models.SmallIntegerField(_("value"), null=True, blank=True)
    text = models.TextField(_("answer"), blank=True, max_length=MAX_TEXT_LENGTH)
    option = models.ForeignKey(
        "frameworks.QuestionOption",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("choice"),
    )
    # Option ids of the picked keywords, in the order picked.
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set when the answer was changed after the preparation had been shared.
    changed_after_share_at = models.DateTimeField(_("changed after sharing"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["preparation", "question"], name="answer_one_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.preparation}: {self.question_id}"

    @property
    def is_empty(self) -> bool:
        return (
            self.scale_value is None
            and not self.text.strip()
            and self.option_id is None
            and not self.keywords
        )


# --- written during the conversation (co-edited on the conversation view) -------------------
class OfConversation:
    """Whose data it is (for audit and ``subject_of``): the conversation's leader."""

    conversation: Conversation  # the subclass's foreign key

    @property
    def leader(self):
        return self.conversation.leader


class ConversationState(TenantOwned):
    """Per-conversation settings chosen during the meeting (Norddjurs: the dimension to start
    with)."""

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
        # The tables keep the names they had when the plans app held these models.
        db_table = "plans_conversationstate"
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
        db_table = "plans_sectionnote"
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
        db_table = "plans_minutes"
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
