"""Reads of conversation content that are recorded: the leader's leader reading the leader's
preparation, notes and plan (docs/security.md). The leader reading their own is not recorded.
Repeated reads within the audit's throttle window are one row (``audit_read``)."""

from __future__ import annotations

from lus.audit.services import audit_read
from lus.conversations.models import Conversation


def content_read(
    *, conversation: Conversation, user, action: str, target, detail: str, request=None
) -> None:
    """Record ``user``'s read of ``target`` (the conversation or its plan), if the reader is
    the conversation's leader's leader."""
    if user.pk != conversation.leaders_leader_id:
        return
    audit_read(actor=user, action=action, target=target, detail=detail, request=request)
