"""HR's pages for rounds: HR of the municipality only. Nobody else learns they exist (404).
HR sees status and dates, never conversation content (see ``conversations/rules.py``)."""

from __future__ import annotations

import rules

from lus.accounts.rules import is_hr, is_own_hr

rules.add_perm("rounds.list_rounds", is_hr)
rules.add_perm("rounds.view_round", is_own_hr)
rules.add_perm("rounds.view_statistics", is_hr)
rules.add_perm("rounds.hand_over", is_hr)
