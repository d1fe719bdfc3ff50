"""Status talks: only the leader and the leaders_leader of the conversation (everyone else 404)."""

from __future__ import annotations

import rules


@rules.predicate
def is_conversation_party(user, conversation) -> bool:
    return bool(
        user.is_authenticated
        and conversation is not None
        and user.pk in (conversation.leader_id, conversation.leaders_leader_id)
    )


@rules.predicate
def plan_agreed(user, conversation) -> bool:
    return bool(conversation is not None and conversation.status in ("plan_agreed", "filed"))


@rules.predicate
def is_talk_party(user, talk) -> bool:
    return bool(talk is not None and is_conversation_party(user, talk.conversation))


rules.add_perm("statustalks.view_status_talks", is_conversation_party)
rules.add_perm("statustalks.book_status_talk", is_conversation_party & plan_agreed)
rules.add_perm("statustalks.view_status_talk", is_talk_party)
rules.add_perm("statustalks.change_status_talk", is_talk_party)
