"""Org changes mid-year: a leader's open LUS moves to the leader's new leader's leader.

Access to content follows ``Conversation.leaders_leader`` (see ``conversations/rules.py``), and HR
can edit the hierarchy (``User.manager``). So a hand-over is never HR's alone to grant:

1. HR *proposes* it (``handover_propose``). The new leaders_leader is always the leader's current
   leader's leader, never the person proposing (separation of duties: the one who changes the
   hierarchy or proposes a hand-over never gains access from it; also a database constraint).
2. The leader is asked by e-mail (no content) and answers on ``handover:answer``. Until the
   leader accepts, nothing changes: the conversation and everything in it stay with the
   person they were shared with. The leader sees exactly what the new leader's leader will
   see before accepting (the consent of the data subject; four eyes on the one change that
   moves content).
3. On acceptance (``handover_accept``) the leaders_leader changes, if the hierarchy still says so;
   the new and the previous leader's leader are told by e-mail (no content).

Every step is in the leader's "Hvem har set min LUS". A conversation whose plan has been agreed
(or filed) stays with the person who held it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lus.accounts.models import User
from lus.audit.models import AuditEvent
from lus.audit.services import audit_record
from lus.conversations.models import Conversation

from .counts import key_of, status_count_changed
from .models import LeadersLeaderHandover

#: Statuses in which a conversation may still change hands.
OPEN = [
    s
    for s in Conversation.ORDER
    if Conversation.ORDER.index(s) < Conversation.ORDER.index(Conversation.Status.PLAN_AGREED)
]
Status = LeadersLeaderHandover.Status


def handover_candidates():
    """Open conversations held by someone who is no longer the leader's leader's leader, and
    not already waiting for the leader's answer on a proposal to that leader's leader."""
    waiting = LeadersLeaderHandover.objects.filter(
        conversation=OuterRef("pk"),
        status=Status.PENDING,
        to_leaders_leader=OuterRef("leader__manager"),
    )
    return (
        Conversation.objects.filter(
            status__in=OPEN,
            leader__manager__isnull=False,
            leader__manager__is_active=True,
        )
        .exclude(leaders_leader=F("leader__manager"))
        .exclude(Exists(waiting))
        .select_related("leader__manager", "leader__org_unit", "leaders_leader")
        .order_by("leader__name", "pk")
    )


def handovers_pending():
    return LeadersLeaderHandover.objects.filter(status=Status.PENDING).select_related(
        "conversation__leader", "from_leaders_leader", "to_leaders_leader", "handed_over_by"
    )


def _check_open(conversation: Conversation) -> None:
    if conversation.status not in OPEN:
        raise ValidationError(
            _("The plan has been agreed; the conversation stays with the person who held it.")
        )


def _check_new_leaders_leader(conversation: Conversation, to_leaders_leader: User | None) -> User:
    """The new leaders_leader is the leader's current leader's leader: a real relation in the
    hierarchy, active, of the same municipality, and not the leader."""
    leader = conversation.leader
    if to_leaders_leader is None or leader.manager_id != to_leaders_leader.pk:
        raise ValidationError(
            _("Only the leader's current leader's leader can take over the conversation.")
        )
    if (
        not to_leaders_leader.is_active
        or to_leaders_leader.municipality_id != conversation.municipality_id
    ):
        raise ValidationError(_("Choose an active leader's leader of the municipality."))
    if to_leaders_leader.pk == conversation.leader_id:
        raise ValidationError(_("A leader cannot hold their own LUS."))
    return to_leaders_leader


@transaction.atomic
def handover_propose(
    *, conversation: Conversation, actor: User, reason: str = ""
) -> LeadersLeaderHandover:
    """Propose handing ``conversation`` over to the leader's current leader's leader. Nothing
    moves until the leader accepts; a pending proposal to someone else is replaced."""
    conversation = (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("leader__manager", "leaders_leader")
        .get(pk=conversation.pk)
    )
    _check_open(conversation)
    to_leaders_leader = _check_new_leaders_leader(conversation, conversation.leader.manager)
    if to_leaders_leader.pk == conversation.leaders_leader_id:
        raise ValidationError(
            _("The conversation is already held by %(name)s.") % {"name": to_leaders_leader.name}
        )
    if to_leaders_leader.pk == actor.pk:
        raise ValidationError(
            _(
                "You cannot hand a conversation over to yourself. Another HR employee must "
                "propose it."
            )
        )
    pending = LeadersLeaderHandover.objects.select_for_update().filter(
        conversation=conversation, status=Status.PENDING
    )
    for old in pending:
        if old.to_leaders_leader_id == to_leaders_leader.pk:
            raise ValidationError(
                _("The leader has not answered the proposal to %(name)s yet.")
                % {"name": to_leaders_leader.name}
            )
        old.status, old.decided_at = Status.SUPERSEDED, timezone.now()
        old.save(update_fields=["status", "decided_at"])
    handover = LeadersLeaderHandover(
        municipality_id=conversation.municipality_id,
        conversation=conversation,
        from_leaders_leader=conversation.leaders_leader,
        to_leaders_leader=to_leaders_leader,
        handed_over_by=actor,
        reason=reason.replace("\x00", "").strip(),
    )
    handover.full_clean()
    handover.save()
    audit_record(
        actor=actor,
        action="propose_handover",
        target=conversation,
        category=AuditEvent.Category.CHANGE,
        detail=_("Proposed handing the LUS over from %(old)s to %(new)s (waits for your answer)")
        % {"old": conversation.leaders_leader.name, "new": to_leaders_leader.name},
    )
    transaction.on_commit(lambda: _mail(handover, [conversation.leader], "proposed"))
    return handover


def _decide(handover: LeadersLeaderHandover, leader: User) -> LeadersLeaderHandover:
    handover = (
        LeadersLeaderHandover.objects.select_for_update(of=("self",))
        .select_related("conversation__leader__manager", "to_leaders_leader", "from_leaders_leader")
        .get(pk=handover.pk)
    )
    if handover.conversation.leader_id != leader.pk:
        raise ValidationError(_("Only the leader answers a proposal to hand their LUS over."))
    if not handover.is_pending:
        raise ValidationError(_("The proposal has already been answered."))
    return handover


@transaction.atomic
def handover_accept(*, handover: LeadersLeaderHandover, leader: User) -> LeadersLeaderHandover:
    """The leader accepts: the conversation moves, if the hierarchy still says so."""
    handover = _decide(handover, leader)
    conversation = Conversation.objects.select_for_update().get(pk=handover.conversation_id)
    conversation.leader = handover.conversation.leader
    _check_open(conversation)
    if conversation.leaders_leader_id != handover.from_leaders_leader_id:
        raise ValidationError(_("The conversation has changed hands since. Ask HR."))
    _check_new_leaders_leader(conversation, handover.to_leaders_leader)
    old = key_of(conversation)
    conversation.leaders_leader = handover.to_leaders_leader
    conversation.full_clean()
    conversation.save(update_fields=["leaders_leader", "updated_at"])
    status_count_changed(conversation, old=old, new=key_of(conversation))
    handover.status, handover.decided_at = Status.ACCEPTED, timezone.now()
    handover.save(update_fields=["status", "decided_at"])
    audit_record(
        actor=leader,
        action="hand_over_conversation",
        target=conversation,
        category=AuditEvent.Category.CHANGE,
        detail=_("Handed over from %(old)s to %(new)s, accepted by the leader")
        % {"old": handover.from_leaders_leader.name, "new": handover.to_leaders_leader.name},
    )
    recipients = [handover.to_leaders_leader, handover.from_leaders_leader]
    transaction.on_commit(lambda: _mail(handover, recipients, "accepted"))
    return handover


@transaction.atomic
def handover_decline(*, handover: LeadersLeaderHandover, leader: User) -> LeadersLeaderHandover:
    """The leader declines: nothing moves; HR sees the answer (never a reason)."""
    handover = _decide(handover, leader)
    handover.status, handover.decided_at = Status.DECLINED, timezone.now()
    handover.save(update_fields=["status", "decided_at"])
    audit_record(
        actor=leader,
        action="decline_handover",
        target=handover.conversation,
        category=AuditEvent.Category.CHANGE,
        detail=_("Declined handing the LUS over to %(new)s")
        % {"new": handover.to_leaders_leader.name},
    )
    transaction.on_commit(lambda: _mail(handover, [handover.handed_over_by], "declined"))
    return handover


def _mail(handover: LeadersLeaderHandover, recipients: list[User], event: str) -> None:
    """Tell people what happened: status only, never content."""
    conversation = handover.conversation
    base = settings.LUS_BASE_URL.rstrip("/")
    links = {
        "proposed": reverse("handover:answer", args=[handover.pk]),
        "accepted": reverse("conversations:detail", args=[conversation.pk]),
        "declined": reverse("rounds:handover"),
    }
    for recipient in recipients:
        if not recipient.email:
            continue
        context = {
            "recipient": recipient,
            "conversation": conversation,
            "handover": handover,
            "event": event,
            "link": base + links[event],
            "is_new": recipient.pk == handover.to_leaders_leader_id,
        }
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("rounds/email/handover_subject.txt", context).strip()
            body = render_to_string("rounds/email/handover.txt", context)
        send_mail(subject, body, None, [recipient.email])
