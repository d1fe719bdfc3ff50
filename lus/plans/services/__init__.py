"""Side effects on development plans, by responsibility:

- ``creation``: a plan and its points (a continuing plan carries the open points forward);
- ``evaluations``: how the previous plan's points went (written in the next preparation);
- ``cells``: co-editing one cell (merge or conflict) — plan values, notes, minutes;
- ``structure``: adding and deleting points and activities;
- ``approval``: agreeing (both approve) and reopening the plan;
- ``events``: the event log the other browser follows;
- ``conversation``, ``follow_ups``, ``reads``: the meeting's start section, calendar files,
  recorded reads;
- ``errors``: the refusals (each maps to its HTTP answer in ``lus.core.errors``).

Every write records its own audit row, so a command or the demo cannot bypass it. Import from
here (``from lus.plans import services``); the modules are the layout, not the interface.
"""

from .approval import ApprovalResult, plan_approve, plan_reopen
from .cells import (
    DEFAULT_MAX_LENGTH,
    HORIZONS,
    MAX_LENGTH,
    Outcome,
    SaveOutcome,
    cell_save,
    clean_cell_value,
    merge_decision,
)
from .common import CELL_KEY, LOCKED_STATUSES, _clear_approvals, minutes_writer_role, role_in
from .conversation import conversation_mark_held, conversation_set_start
from .creation import plan_create, plan_get_or_create, plan_item_add
from .errors import CellGone, NotMinutesWriter, PlanError, PlanLocked
from .evaluations import evaluation_save, evaluations_save
from .events import plan_channel, plan_event_add, plan_events_prune, plan_presence
from .follow_ups import follow_up_export, follow_up_ics
from .reads import content_read
from .structure import (
    plan_activity_create,
    plan_activity_delete,
    plan_item_create,
    plan_item_delete,
)

__all__ = [
    "CELL_KEY",
    "DEFAULT_MAX_LENGTH",
    "HORIZONS",
    "LOCKED_STATUSES",
    "MAX_LENGTH",
    "ApprovalResult",
    "CellGone",
    "NotMinutesWriter",
    "Outcome",
    "PlanError",
    "PlanLocked",
    "SaveOutcome",
    "_clear_approvals",
    "cell_save",
    "clean_cell_value",
    "content_read",
    "conversation_mark_held",
    "conversation_set_start",
    "evaluation_save",
    "evaluations_save",
    "follow_up_export",
    "follow_up_ics",
    "merge_decision",
    "minutes_writer_role",
    "plan_activity_create",
    "plan_activity_delete",
    "plan_approve",
    "plan_channel",
    "plan_create",
    "plan_event_add",
    "plan_events_prune",
    "plan_get_or_create",
    "plan_item_add",
    "plan_item_create",
    "plan_item_delete",
    "plan_presence",
    "plan_reopen",
    "role_in",
]
