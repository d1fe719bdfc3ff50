"""What the apps above conversations add to its pages, without conversations importing them.

The apps form a ladder (tenants → accounts → frameworks → conversations → plans → documents →
rounds): a lower app never imports an upper one. Two conversation pages still show plan data:

- the leader's preparation evaluates the earlier development plan ("Hvordan er det gået?"),
  saved in the same POST and transaction as the answers;
- "Mine ledere" shows each report's last plan and overdue follow-ups.

``lus.plans`` registers the implementations from its ``AppConfig.ready()``
(``lus.plans.contributions``). With nothing registered (plans not installed) there is no plan to
evaluate and the plan columns stay empty.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .models import Conversation


@dataclass
class PreviousPlan:
    """The plan evaluated in a conversation's preparation."""

    #: the plan (with ``conversation``); None when loaded only to save
    plan: Any
    #: its development points in order, each with ``evaluation`` (this conversation's, or None)
    items: list = field(default_factory=list)
    #: item id -> this conversation's saved evaluation of it
    evaluations: dict[int, Any] = field(default_factory=dict)

    @property
    def item_ids(self) -> set[int]:
        return {i.pk for i in self.items}


@dataclass
class EvaluationInput:
    """A cleaned evaluation of one point of the previous plan (the preparation form)."""

    item_id: int
    text: str = ""
    status: str = ""


class PlanEvaluation(Protocol):
    #: (value, label) of an evaluation's status ("done", "in progress", ...)
    statuses: Sequence[tuple[str, str]]

    def previous_plan(self, conversation: Conversation) -> PreviousPlan | None:
        """The plan to evaluate with its points (activities loaded) and evaluations."""

    def previous_points(self, conversation: Conversation) -> PreviousPlan | None:
        """The same points without the plan and activities: what a save needs (one query)."""

    def evaluations_save(
        self,
        *,
        conversation: Conversation,
        evaluations: Sequence[EvaluationInput],
        existing: dict[int, Any] | None,
    ) -> None:
        """Save the evaluations, inside the preparation's transaction (``existing``: item id
        -> saved evaluation, if already loaded)."""


class ReportPlans(Protocol):
    def last_plans(self, leader_ids: list[int], year: int) -> dict[int, Any]:
        """Leader id -> last year's plan (or the newest continuing one): one query."""

    def overdue_follow_ups(self, leader_ids: list[int], today: datetime.date) -> dict[int, int]:
        """Leader id -> number of follow-ups whose date has passed: one query."""


@dataclass
class Registry:
    plan_evaluation: PlanEvaluation | None = None
    report_plans: ReportPlans | None = None


registry = Registry()


def register(
    *, plan_evaluation: PlanEvaluation | None = None, report_plans: ReportPlans | None = None
) -> None:
    """Called from an upper app's ``AppConfig.ready()``."""
    if plan_evaluation is not None:
        registry.plan_evaluation = plan_evaluation
    if report_plans is not None:
        registry.report_plans = report_plans


def evaluation_statuses() -> Sequence[tuple[str, str]]:
    impl = registry.plan_evaluation
    return impl.statuses if impl is not None else ()


def previous_plan(conversation: Conversation) -> PreviousPlan | None:
    impl = registry.plan_evaluation
    return impl.previous_plan(conversation) if impl is not None else None


def previous_points(conversation: Conversation) -> PreviousPlan | None:
    impl = registry.plan_evaluation
    return impl.previous_points(conversation) if impl is not None else None


def evaluations_save(
    *,
    conversation: Conversation,
    evaluations: Sequence[EvaluationInput],
    existing: dict[int, Any] | None = None,
) -> None:
    impl = registry.plan_evaluation
    if impl is None:
        return
    impl.evaluations_save(conversation=conversation, evaluations=evaluations, existing=existing)


def last_plans(leader_ids: list[int], year: int) -> dict[int, Any]:
    impl = registry.report_plans
    return impl.last_plans(leader_ids, year) if impl is not None else {}


def overdue_follow_ups(leader_ids: list[int], today: datetime.date) -> dict[int, int]:
    impl = registry.report_plans
    return impl.overdue_follow_ups(leader_ids, today) if impl is not None else {}
