"""The conversation during the meeting: marking it held, where it starts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lus.audit.models import AuditEvent
from lus.audit.services import audit_record
from lus.conversations.models import Conversation, ConversationState
from lus.conversations.services import conversation_hold
from lus.frameworks.models import Section

from .common import LOCKED_STATUSES, _conversation_status
from .errors import PlanLocked


@transaction.atomic
def conversation_set_start(*, conversation, section_id: int | None) -> ConversationState:
    """Norddjurs: which dimension the conversation starts with (reorders the view)."""
    if _conversation_status(conversation.pk) in LOCKED_STATUSES:
        raise PlanLocked
    section = None
    if section_id is not None:
        section = Section.objects.filter(pk=section_id, version_id=conversation.version_id).first()
        if section is None or section.kind == Section.Kind.PLAN:
            raise ValidationError({"section": _("Choose a section from the list.")})
    state, _created = ConversationState.objects.get_or_create(
        conversation=conversation, defaults={"municipality_id": conversation.municipality_id}
    )
    state.start_section = section
    state.save(update_fields=["start_section"])
    return state


@transaction.atomic
def conversation_mark_held(*, conversation: Conversation, user, request=None) -> Conversation:
    """The leader's leader marks the conversation held (the preparation closes); audited.
    ``ConversationStatusError`` (409) from a status that cannot be held."""
    conversation_hold(conversation=conversation)
    audit_record(
        actor=user,
        action="hold_conversation",
        target=conversation,
        detail=_("Marked the conversation as held"),
        category=AuditEvent.Category.CHANGE,
        request=request,
    )
    return conversation
