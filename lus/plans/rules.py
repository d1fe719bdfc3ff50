"""Who may do what in the conversation view and the development plan. Objects are the
``Conversation`` (the plan belongs to it) or a ``FollowUp``. Only the leader and the leader's
leader holding the LUS see anything (everyone else — other leaders, HR — gets 404 through
``object_for_user``); being agreed makes everything read-only (the services enforce it too)."""

from __future__ import annotations

import rules

from lus.conversations.models import Conversation
from lus.conversations.rules import is_conversation_party, is_leaders_leader

S = Conversation.Status
#: An agreed (or filed) plan is read-only.
LOCKED = (S.PLAN_AGREED, S.FILED)


@rules.predicate
def is_open(user, conversation) -> bool:
    return bool(conversation and conversation.status not in LOCKED)


@rules.predicate
def is_agreed(user, conversation) -> bool:
    # Filed too: reopening a filed plan keeps the filed record; filing again adds a new one.
    return bool(conversation and conversation.status in LOCKED)


@rules.predicate
def may_be_marked_held(user, conversation) -> bool:
    return bool(conversation and conversation.status in (S.INVITED, S.PREPARING, S.SHARED))


@rules.predicate
def is_follow_up_party(user, follow_up) -> bool:
    conversation = follow_up.plan.conversation if follow_up else None
    return bool(
        user.is_authenticated
        and conversation
        and user.pk in (conversation.leader_id, conversation.leaders_leader_id)
    )


rules.add_perm("plans.view_conversation_content", is_conversation_party)
rules.add_perm("plans.edit_plan", is_conversation_party & is_open)
rules.add_perm("plans.hold_conversation", is_leaders_leader)
rules.add_perm("plans.can_mark_held", is_leaders_leader & may_be_marked_held)
rules.add_perm("plans.reopen_plan", is_conversation_party & is_agreed)
rules.add_perm("plans.view_follow_up", is_follow_up_party)
