"""Org changes mid-year: HR hands a leader's open LUS over to the leader's new leader's leader.

Access follows ``Conversation.conductor`` (see ``conversations/rules.py``), so changing it is all
it takes for the new conductor to get access and the old one to lose it. A conversation whose
plan has been agreed (or filed) stays with the person who held it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lus.accounts.models import User
from lus.audit.services import audit_record
from lus.conversations.models import Conversation

from .models import ConductorHandover

#: Statuses in which a conversation may still change hands.
OPEN = [
    s
    for s in Conversation.ORDER
    if Conversation.ORDER.index(s) < Conversation.ORDER.index(Conversation.Status.PLAN_AGREED)
]


def handover_candidates():
    """Open conversations held by someone who is no longer the leader's leader's leader."""
    return (
        Conversation.objects.filter(
            status__in=OPEN,
            leader__manager__isnull=False,
            leader__manager__is_active=True,
        )
        .exclude(conductor=F("leader__manager"))
        .select_related("leader__manager", "leader__org_unit", "conductor")
        .order_by("leader__name", "pk")
    )


@transaction.atomic
def conversation_hand_over(
    *, conversation: Conversation, to_conductor: User, actor: User, reason: str = ""
) -> ConductorHandover:
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.status not in OPEN:
        raise ValidationError(
            _("The plan has been agreed; the conversation stays with the person who held it.")
        )
    if to_conductor.pk == conversation.leader_id:
        raise ValidationError(_("A leader cannot hold their own LUS."))
    if to_conductor.pk == conversation.conductor_id:
        raise ValidationError(
            _("The conversation is already held by %(name)s.") % {"name": to_conductor.name}
        )
    if not to_conductor.is_active or to_conductor.municipality_id != conversation.municipality_id:
        raise ValidationError(_("Choose an active leader's leader of the municipality."))
    previous = conversation.conductor
    conversation.conductor = to_conductor
    conversation.full_clean()
    conversation.save(update_fields=["conductor", "updated_at"])
    handover = ConductorHandover(
        municipality_id=conversation.municipality_id,
        conversation=conversation,
        from_conductor=previous,
        to_conductor=to_conductor,
        handed_over_by=actor,
        reason=reason.strip(),
    )
    handover.full_clean()
    handover.save()
    audit_record(
        actor=actor,
        action="hand_over_conversation",
        target=conversation,
        category="change",
        detail=_("Handed over from %(old)s to %(new)s")
        % {"old": previous.name, "new": to_conductor.name},
    )
    transaction.on_commit(lambda: _notify(handover))
    return handover


def _notify(handover: ConductorHandover) -> None:
    """Tell the new conductor and the leader (status only, never content)."""
    conversation = handover.conversation
    link = settings.LUS_BASE_URL.rstrip("/") + reverse(
        "conversations:detail", args=[conversation.pk]
    )
    for recipient in (handover.to_conductor, conversation.leader):
        if not recipient.email:
            continue
        context = {
            "recipient": recipient,
            "conversation": conversation,
            "handover": handover,
            "link": link,
            "is_leader": recipient.pk == conversation.leader_id,
        }
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("rounds/email/handover_subject.txt", context).strip()
            body = render_to_string("rounds/email/handover.txt", context)
        send_mail(subject, body, None, [recipient.email])
