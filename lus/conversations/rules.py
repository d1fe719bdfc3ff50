"""Who may do what with a conversation. Content is seen only by the leader and the leaders_leader
(the leader's leader holding the LUS); everyone else — other leaders, other leaders' leaders,
HR — gets 404 through ``object_for_user``."""

from __future__ import annotations

import rules


@rules.predicate
def is_conversation_leader(user, conversation) -> bool:
    return bool(user.is_authenticated and conversation and conversation.leader_id == user.pk)


@rules.predicate
def is_leaders_leader(user, conversation) -> bool:
    return bool(
        user.is_authenticated and conversation and conversation.leaders_leader_id == user.pk
    )


@rules.predicate
def both_prepare(user, conversation) -> bool:
    return bool(conversation and conversation.version.both_prepare)


@rules.predicate
def open_for_preparation(user, conversation) -> bool:
    return bool(conversation and conversation.is_open_for_preparation)


@rules.predicate
def leader_has_shared(user, conversation) -> bool:
    return bool(conversation and conversation.shared_at is not None)


#: The conversation's two parties: its leader and its leader's leader (as recorded on the
#: conversation; ``lus.accounts.rules.is_subject_or_their_leader`` asks about the person's
#: current manager instead).
is_conversation_party = is_conversation_leader | is_leaders_leader

rules.add_perm("conversations.view_conversation", is_conversation_party)
# Has a preparation form of their own (the leaders_leader only where both prepare).
rules.add_perm(
    "conversations.prepare_conversation",
    is_conversation_leader | (is_leaders_leader & both_prepare),
)
rules.add_perm(
    "conversations.edit_preparation",
    (is_conversation_leader | (is_leaders_leader & both_prepare)) & open_for_preparation,
)
# The leader answers the offer of a senior conversation while preparing.
rules.add_perm("conversations.answer_senior_offer", is_conversation_leader & open_for_preparation)
# Until the leader shares, the leaders_leader sees only the status.
rules.add_perm(
    "conversations.view_leader_preparation",
    is_conversation_leader | (is_leaders_leader & leader_has_shared),
)


@rules.predicate
def has_reports(user) -> bool:
    return bool(user.is_authenticated and user.reports.filter(is_active=True).exists())


@rules.predicate
def is_manager_of(user, person) -> bool:
    return bool(user.is_authenticated and person and person.manager_id == user.pk)


# The leader's leader books (and rebooks) the conversation until it is held.
rules.add_perm("conversations.invite_conversation", is_leaders_leader & open_for_preparation)
# Tailor the questions for one's own leader team.
rules.add_perm("conversations.customise_team", has_reports)
# Create this year's LUS for a direct report.
rules.add_perm("conversations.create_conversation_for", is_manager_of)
