from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from lus.audit.services import audit_read

from .. import selectors

register = template.Library()


@register.inclusion_tag("inputs/partials/inputs.html", takes_context=True)
def preparation_inputs(context, conversation, level: int = 2):
    """The leader's results beside a conversation: always for the leader; for the leader's
    leader holding it once the leader has shared the preparation (the read is audited)."""
    request = context["request"]
    user = request.user
    is_leader = user.pk == conversation.leader_id
    visible = is_leader or (
        user.pk == conversation.leaders_leader_id and conversation.shared_at is not None
    )
    items = selectors.inputs_for_conversation(conversation) if visible else []
    if items and not is_leader:
        audit_read(
            actor=user,
            action="view_preparation_inputs",
            target=conversation,
            detail=_("The leader's results (evaluation, wellbeing)"),
            request=request,
        )
    return {
        "items": items,
        "is_leader": is_leader,
        "visible": visible,
        "conversation": conversation,
        "h": f"h{level}",
        "h_sub": f"h{min(level + 1, 6)}",
    }
