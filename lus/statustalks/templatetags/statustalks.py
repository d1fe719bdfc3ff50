from __future__ import annotations

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("statustalks/partials/since_last.html", takes_context=True)
def status_since_last_lus(context, conversation, level: int = 2):
    """The statuses written at the status talks since the leader's previous LUS — for the
    leader, and for the leader's leader once the preparation is shared (like last year's plan)."""
    user = context["request"].user
    visible = user.pk == conversation.leader_id or (
        user.pk == conversation.leaders_leader_id and conversation.shared_at is not None
    )
    found = selectors.previous_status(conversation) if visible else None
    return {"found": found, "h": f"h{level}"}
