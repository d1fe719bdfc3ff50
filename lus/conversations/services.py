"""Side effects on conversations and preparations. Status moves forward here; the one step back
is ``conversation_reopen_plan`` (an agreed plan reopened)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lus.accounts.models import User
from lus.audit.models import AuditEvent
from lus.audit.services import audit_record
from lus.frameworks.models import FrameworkVersion, Question, Section, TeamCustomisation

from . import extensions
from .extensions import EvaluationInput
from .models import MAX_TEXT_LENGTH, Answer, Conversation, Preparation, Role
from .signals import conversation_status_changed

S = Conversation.Status


class ConversationStatusError(ValidationError):
    """An illegal status change (backwards, or skipping what must come first): 409."""

    http_status = 409


class PreparationConflict(Exception):
    """The preparation was saved elsewhere (another tab) since the form was loaded."""

    def __init__(self, preparation: Preparation):
        super().__init__("preparation revision conflict")
        self.preparation = preparation


def _advance(
    conversation: Conversation, to: str, allowed_from: set[str], *, stamp: str | None = None
) -> Conversation:
    """Move the conversation to status ``to`` (only from ``allowed_from``); ``stamp``: the
    timestamp field to set to now (``"held_at"``), if any."""
    if conversation.status not in allowed_from:
        raise ConversationStatusError(
            _("The LUS cannot go from “%(from)s” to “%(to)s”.")
            % {"from": conversation.get_status_display(), "to": S(to).label}
        )
    old_status = conversation.status
    conversation.status = to
    fields = ["status", "updated_at"]
    if stamp is not None:
        setattr(conversation, stamp, timezone.now())
        fields.append(stamp)
    conversation.save(update_fields=fields)
    conversation_status_changed.send(Conversation, conversation=conversation, old_status=old_status)
    return conversation


@transaction.atomic
def conversation_create(
    *,
    leader: User,
    leaders_leader: User,
    year: int,
    version: FrameworkVersion,
    customisation: TeamCustomisation | None = None,
) -> Conversation:
    if customisation is not None and customisation.version_id != version.pk:
        raise ValidationError(
            {"customisation": _("The team customisation belongs to another framework version.")}
        )
    municipality = leader.municipality
    if municipality is None:  # a platform account has no LUS
        raise ValidationError(Conversation._meta.get_field("municipality").error_messages["null"])
    conversation = Conversation(
        municipality=municipality,
        leader=leader,
        leaders_leader=leaders_leader,
        year=year,
        version=version,
        customisation=customisation,
        duration_minutes=municipality.conversation_duration_minutes,
    )
    conversation.full_clean()
    conversation.save()
    conversation_status_changed.send(Conversation, conversation=conversation, old_status=None)
    return conversation


@transaction.atomic
def conversation_invite(*, conversation: Conversation) -> Conversation:
    return _advance(conversation, S.INVITED, {S.CREATED}, stamp="invited_at")


@transaction.atomic
def conversation_start_preparing(*, conversation: Conversation) -> Conversation:
    return _advance(conversation, S.PREPARING, {S.CREATED, S.INVITED})


@transaction.atomic
def conversation_mark_shared(*, conversation: Conversation) -> Conversation:
    return _advance(conversation, S.SHARED, {S.CREATED, S.INVITED, S.PREPARING}, stamp="shared_at")


@transaction.atomic
def conversation_hold(*, conversation: Conversation) -> Conversation:
    return _advance(conversation, S.HELD, {S.INVITED, S.PREPARING, S.SHARED}, stamp="held_at")


@transaction.atomic
def conversation_agree_plan(*, conversation: Conversation) -> Conversation:
    return _advance(conversation, S.PLAN_AGREED, {S.HELD}, stamp="plan_agreed_at")


@transaction.atomic
def conversation_file(*, conversation: Conversation) -> Conversation:
    return _advance(conversation, S.FILED, {S.PLAN_AGREED}, stamp="filed_at")


@transaction.atomic
def conversation_reopen_plan(*, conversation: Conversation) -> Conversation:
    """The one step back: an agreed (or filed) plan reopened (with a recorded reason, see
    the plan's reopening) makes the conversation "held" again. Records filed
    before stay as they are; filing again creates a new one."""
    _advance(conversation, S.HELD, {S.PLAN_AGREED, S.FILED})
    conversation.plan_agreed_at = None
    conversation.filed_at = None
    conversation.save(update_fields=["plan_agreed_at", "filed_at"])
    return conversation


# --- preparation ------------------------------------------------------------------------------


def preparation_for(*, conversation: Conversation, role: str) -> Preparation:
    """The role's preparation; unsaved (revision 0) until the first save, so that merely
    looking at the form, or a rejected POST, writes nothing."""
    preparation = Preparation.objects.filter(conversation=conversation, role=role).first()
    if preparation is None:
        preparation = Preparation(
            municipality_id=conversation.municipality_id, conversation=conversation, role=role
        )
    preparation.conversation = conversation
    return preparation


def _ensure_saved(preparation: Preparation) -> None:
    if preparation.pk is None:
        saved, _created = Preparation.objects.get_or_create(
            conversation=preparation.conversation,
            role=preparation.role,
            defaults={"municipality_id": preparation.municipality_id},
        )
        preparation.pk = saved.pk
        preparation.revision = saved.revision
        preparation.shared_at = saved.shared_at
        preparation._state.adding = False


@dataclass
class AnswerInput:
    """A validated answer for one question (what the form cleaned)."""

    question: Question
    scale_value: int | None = None
    text: str = ""
    option_id: int | None = None
    keywords: list[int] = field(default_factory=list)

    def matches(self, answer: Answer | None) -> bool:
        if answer is None:
            return self.is_empty
        return (
            answer.scale_value == self.scale_value
            and answer.text == self.text
            and answer.option_id == self.option_id
            and list(answer.keywords) == self.keywords
        )

    @property
    def is_empty(self) -> bool:
        return (
            self.scale_value is None
            and not self.text.strip()
            and self.option_id is None
            and not self.keywords
        )


@transaction.atomic
def preparation_save(
    *,
    preparation: Preparation,
    base_revision: int,
    answers: list[AnswerInput],
    existing: dict[int, Answer],
    evaluations: Sequence[EvaluationInput] = (),
    existing_evaluations: dict | None = None,
) -> Preparation:
    """Save a draft (mandatory questions may be empty). Refuses a save based on an old revision.
    ``existing_evaluations``: item id -> this conversation's saved evaluation of the previous
    plan's points, if already loaded (else read here)."""
    conversation = preparation.conversation
    if not conversation.is_open_for_preparation:
        raise ValidationError(_("The conversation has been held; the preparation is closed."))
    for a in answers:
        if len(a.text) > MAX_TEXT_LENGTH:
            raise ValidationError({"text": _("The answer is too long.")})
    if preparation.pk is None and base_revision != 0:
        # Based on a revision that never existed (a stale or forged form): a conflict, and
        # no row is written for it.
        raise PreparationConflict(preparation)
    _ensure_saved(preparation)
    # Optimistic concurrency: only the save based on the current revision wins.
    now = timezone.now()
    updated = Preparation.objects.filter(pk=preparation.pk, revision=base_revision).update(
        revision=F("revision") + 1, saved_at=now
    )
    if not updated:
        preparation.refresh_from_db()
        raise PreparationConflict(preparation)
    # The update matched ``base_revision``, so these are the stored values (no re-read).
    preparation.revision = base_revision + 1
    preparation.saved_at = now
    changed_after_share = now if preparation.is_shared else None
    to_create, to_update = [], []
    for a in answers:
        current = existing.get(a.question.pk)
        if a.matches(current):
            continue
        if current is None:
            to_create.append(
                Answer(
                    municipality_id=preparation.municipality_id,
                    preparation=preparation,
                    question=a.question,
                    scale_value=a.scale_value,
                    text=a.text,
                    option_id=a.option_id,
                    keywords=a.keywords,
                    changed_after_share_at=changed_after_share,
                )
            )
        else:
            current.scale_value = a.scale_value
            current.text = a.text
            current.option_id = a.option_id
            current.keywords = a.keywords
            current.updated_at = now
            if changed_after_share:
                current.changed_after_share_at = changed_after_share
            to_update.append(current)
    Answer.objects.bulk_create(to_create)
    Answer.objects.bulk_update(
        to_update,
        ["scale_value", "text", "option_id", "keywords", "updated_at", "changed_after_share_at"],
    )
    for created in to_create:
        existing[created.question_id] = created
    if evaluations:
        # The earlier plan's points (plans saves them; see ``extensions``).
        extensions.evaluations_save(
            conversation=conversation, evaluations=evaluations, existing=existing_evaluations
        )
    if preparation.role == Role.LEADER and conversation.status in (S.CREATED, S.INVITED):
        conversation_start_preparing(conversation=conversation)
    if conversation.keywords_exchanged_at is None and any(
        is_exchanged(a.question) for a in answers
    ):
        conversation_exchange_keywords(conversation=conversation)
    return preparation


def shared_keyword_questions(conversation: Conversation) -> list[Question]:
    """The keyword questions both parties answer (Albertslund's three "stikord")."""
    from .selectors import conversation_questions

    if not conversation.version.both_prepare:
        return []
    return [
        q
        for _section, questions in conversation_questions(conversation)
        for q in questions
        if is_exchanged(q)
    ]


def is_exchanged(question: Question) -> bool:
    """Both parties answer it and see each other's answers only once both have answered."""
    return (
        question.question_type.exchanged_when_both_answered
        and question.answered_by == Question.AnsweredBy.BOTH
    )


def keywords_by_role(
    conversation: Conversation, questions: list[Question] | None = None
) -> dict[str, dict[int, list[int]]] | None:
    """Each party's picked keyword ids per shared keyword question, once BOTH have picked
    exactly the number asked for every such question; else None."""
    if questions is None:
        questions = shared_keyword_questions(conversation)
    elif not conversation.version.both_prepare:
        questions = []
    else:
        questions = [q for q in questions if is_exchanged(q)]
    if not questions:
        return None
    picked: dict[str, dict[int, list[int]]] = {Role.LEADER: {}, Role.LEADERS_LEADER: {}}
    for role, question_id, keywords in Answer.objects.filter(
        preparation__conversation=conversation, question__in=questions
    ).values_list("preparation__role", "question_id", "keywords"):
        picked[role][question_id] = keywords
    for q in questions:
        for role in picked:
            if len(picked[role].get(q.pk) or []) != q.pick:
                return None
    return picked


def conversation_exchange_keywords(*, conversation: Conversation) -> bool:
    """Once both have picked their keywords: record it and e-mail both (without the keywords)
    that they can now see each other's. Only the first time; returns whether it happened."""
    if keywords_by_role(conversation) is None:
        return False
    now = timezone.now()
    first = Conversation.objects.filter(
        pk=conversation.pk, keywords_exchanged_at__isnull=True
    ).update(keywords_exchanged_at=now)
    conversation.keywords_exchanged_at = now
    if first:
        from .notifications import notify_keywords_exchanged

        transaction.on_commit(lambda: notify_keywords_exchanged(conversation=conversation))
    return bool(first)


def missing_mandatory(questions: list[Question], answers: dict[int, Answer]) -> list[Question]:
    """Mandatory questions without a complete answer (the type decides what is complete, e.g.
    keywords: exactly the number to pick)."""
    missing = []
    for q in questions:
        if not q.mandatory or not q.is_answerable:
            continue
        a = answers.get(q.pk)
        if a is None or a.is_empty or not q.question_type.is_answered(q, a):
            missing.append(q)
    return missing


def keyword_count_problems(questions: list[Question], answers: dict[int, Answer]) -> list[Question]:
    """Questions begun but not validly answered, e.g. keywords with another number than
    required (blocks sharing; the type decides)."""
    return [
        q
        for q in questions
        if q.is_answerable
        and (a := answers.get(q.pk)) is not None
        and q.question_type.is_partly_answered(q, a)
    ]


@transaction.atomic
def preparation_share(
    *, preparation: Preparation, questions: list[Question], answers: dict[int, Answer]
) -> Preparation:
    conversation = preparation.conversation
    if not conversation.is_open_for_preparation:
        raise ValidationError(_("The conversation has been held; the preparation is closed."))
    if missing_mandatory(questions, answers) or keyword_count_problems(questions, answers):
        raise ValidationError(_("Answer all mandatory questions before sharing."))
    _ensure_saved(preparation)
    if preparation.shared_at is None:
        preparation.shared_at = timezone.now()
        preparation.save(update_fields=["shared_at"])
    if preparation.role == Role.LEADER and conversation.is_before(S.SHARED):
        conversation_mark_shared(conversation=conversation)
    return preparation


# --- the leader's leader: creating, customising, booking -----------------------------------


@transaction.atomic
def conversation_create_for_report(
    *, leaders_leader: User, leader: User, year: int
) -> Conversation:
    """This year's LUS for a direct report, on the municipality's current framework version
    with the leaders_leader's team customisation (if they made one) pinned."""
    from lus.frameworks.services import framework_current_version

    if leader.manager_id != leaders_leader.pk:
        raise ValidationError(_("You can only create a LUS for your own leaders."))
    existing = Conversation.objects.filter(leader=leader, year=year).first()
    if existing is not None:
        raise ValidationError(
            _("%(name)s already has a LUS in %(year)s.") % {"name": leader.name, "year": year}
        )
    municipality = leader.municipality
    version = (
        framework_current_version(municipality=municipality) if municipality is not None else None
    )
    if version is None:
        raise ValidationError(
            _("Your municipality has not published a question framework yet. Contact HR.")
        )
    customisation = TeamCustomisation.objects.filter(version=version, owner=leaders_leader).first()
    return conversation_create(
        leader=leader,
        leaders_leader=leaders_leader,
        year=year,
        version=version,
        customisation=customisation,
    )


#: Statuses in which the leader has started answering: the team customisation is then locked,
#: so the questions never change under a preparation in progress.
CUSTOMISATION_LOCKING = (S.PREPARING, S.SHARED)


def customisation_locked_by(*, version: FrameworkVersion, owner: User) -> list[Conversation]:
    """The owner's conversations on the version whose preparation is under way."""
    return list(
        Conversation.objects.filter(
            leaders_leader=owner,
            version=version,
            customisation__owner=owner,
            status__in=CUSTOMISATION_LOCKING,
        ).select_related("leader")
    )


@transaction.atomic
def team_customise(
    *,
    owner: User,
    version: FrameworkVersion,
    action: str,
    question: Question | None = None,
    section: Section | None = None,
    text: str = "",
    type: str = Question.Type.TEXT,
) -> TeamCustomisation:
    """One change to the owner's team customisation of ``version`` (remove / restore /
    reword / add), then pin it to the owner's conversations on that version that have not
    been prepared yet. All or nothing: a refused change writes nothing."""
    from lus.frameworks import services as fw

    if not owner.reports.filter(is_active=True).exists():
        raise ValidationError(_("Only a leader's leader can tailor the questions for a team."))
    locked = customisation_locked_by(version=version, owner=owner)
    if locked:
        raise ValidationError(
            _(
                "The questions are locked: %(names)s has started preparing. Changes would "
                "alter questions that are already being answered."
            )
            % {"names": ", ".join(c.leader.name for c in locked)}
        )
    customisation = fw.customisation_get_or_create(version=version, owner=owner)
    if action in ("remove", "restore", "reword"):
        if question is None:
            raise ValidationError({"question": _("Choose a question.")})
        if action == "remove":
            if question.customisation_id and Answer.objects.filter(question=question).exists():
                raise ValidationError(
                    {"question": _("The question has been answered and cannot be removed.")}
                )
            fw.customisation_remove_question(customisation=customisation, question=question)
        elif action == "restore":
            fw.customisation_restore_question(customisation=customisation, question=question)
        else:
            if len(text) > 2_000:
                raise ValidationError({"text": _("The question is too long.")})
            fw.customisation_reword_question(
                customisation=customisation, question=question, text=text
            )
    elif action == "add":
        if section is None:
            raise ValidationError({"section": _("Choose a section.")})
        if len(text) > 2_000:
            raise ValidationError({"text": _("The question is too long.")})
        fw.customisation_add_question(
            customisation=customisation, section=section, text=text, type=type
        )
    else:
        raise ValidationError(_("Unknown change."))
    # Pin: conversations not yet being prepared follow the team's questions.
    Conversation.objects.filter(
        leaders_leader=owner,
        version=version,
        customisation__isnull=True,
        status__in=(S.CREATED, S.INVITED),
    ).update(customisation=customisation)
    return customisation


@dataclass
class Booking:
    """What the leader's leader chose in the invitation form."""

    scheduled_at: datetime.datetime
    duration_minutes: int
    location: str = ""
    walk_and_talk: bool = False
    minutes_by: str = ""
    message: str = ""


@transaction.atomic
def conversation_book(
    *, conversation: Conversation, booking: Booking, user, request: HttpRequest | None = None
) -> bool:
    """Book (or rebook) the conversation, by ``user`` (the leader's leader); audited. The first
    booking invites (status → invited, unless the leader already started preparing); a
    rebooking keeps the status and bumps the calendar SEQUENCE so the same event (same UID) is
    updated. Returns True for a rebooking."""
    if not conversation.is_open_for_preparation:
        raise ValidationError(_("The conversation has been held and can no longer be rebooked."))
    if booking.scheduled_at <= timezone.now():
        raise ValidationError({"date": _("Choose a date and time in the future.")})
    version = conversation.version
    if booking.walk_and_talk and not version.walk_and_talk_allowed:
        raise ValidationError({"walk_and_talk": _("Your municipality does not use walk'n'talk.")})
    if version.minutes == FrameworkVersion.Minutes.NONE:
        booking.minutes_by = ""
    rebooking = bool(conversation.ics_uid)
    if rebooking:
        conversation.ics_sequence += 1
    else:
        conversation.ics_uid = f"lus-{uuid.uuid4()}@lus"
    conversation.scheduled_at = booking.scheduled_at
    conversation.duration_minutes = booking.duration_minutes
    conversation.location = booking.location.strip()
    conversation.walk_and_talk = booking.walk_and_talk
    conversation.minutes_by = booking.minutes_by
    conversation.invitation_message = booking.message
    conversation.full_clean()
    conversation.save()
    if conversation.status == S.CREATED:
        conversation_invite(conversation=conversation)
    elif conversation.invited_at is None:
        conversation.invited_at = timezone.now()
        conversation.save(update_fields=["invited_at", "updated_at"])
    audit_record(
        actor=user,
        action="rebook_conversation" if rebooking else "invite_conversation",
        target=conversation,
        detail=_("Moved the LUS to another time") if rebooking else _("Invited to LUS"),
        category=AuditEvent.Category.CHANGE,
        request=request,
    )
    return rebooking


def conversation_set_senior_wish(*, conversation: Conversation, wanted: bool) -> Conversation:
    """The leader answers the offer of a senior conversation (in the preparation)."""
    if not conversation.senior_offer:
        raise ValidationError(_("A senior conversation is not offered for this LUS."))
    conversation.senior_conversation_wanted = wanted
    conversation.save(update_fields=["senior_conversation_wanted", "updated_at"])
    return conversation
