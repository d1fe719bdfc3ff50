"""HR's pages for rounds: HR of the municipality only. Nobody else learns they exist (404).
HR sees status and dates, never conversation content (see ``conversations/rules.py``)."""

from __future__ import annotations

import rules

from lus.accounts.rules import is_hr, is_own_hr

rules.add_perm("rounds.list_rounds", is_hr)
rules.add_perm("rounds.view_round", is_own_hr)
#: Create LUS for chosen people and send reminders from the round's to-do page.
rules.add_perm("rounds.manage_round", is_own_hr)
rules.add_perm("rounds.view_statistics", is_hr)
rules.add_perm("rounds.hand_over", is_hr)


@rules.predicate
def is_handover_leader(user, handover) -> bool:
    """The leader whose LUS a hand-over is about: the only one who answers it."""
    return bool(
        user.is_authenticated
        and handover is not None
        and handover.conversation.leader_id == user.pk
    )


rules.add_perm("rounds.answer_handover", is_handover_leader)
