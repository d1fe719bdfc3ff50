"""What plans adds to the conversation pages (registered in ``PlansConfig.ready()``; see
``lus.conversations.extensions``): the earlier plan evaluated in the leader's preparation, and
each report's last plan and overdue follow-ups on "Mine ledere"."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Q

from lus.conversations.extensions import EvaluationInput, PreviousPlan

from .models import FollowUp, Plan, PlanItem, PlanItemEvaluation


class PlanEvaluation:
    """The leader's earlier plan, evaluated point by point while preparing."""

    @property
    def statuses(self) -> Sequence[tuple[str, str]]:
        return PlanItemEvaluation.Status.choices

    def previous_plan(self, conversation) -> PreviousPlan | None:
        """The leader's continuing plan, or the plan of their most recent earlier LUS, with
        this conversation's evaluations of its points."""
        from .selectors import plan_items

        plans = Plan.objects.filter(
            leader_id=conversation.leader_id, conversation__year__lt=conversation.year
        ).select_related("conversation", "version")
        if conversation.version.plan_continues:
            plans = plans.filter(continues=True)
        plan = plans.order_by("-conversation__year").first()
        if plan is None:
            return None
        # The points with this conversation's evaluations in the same query, activities
        # prefetched.
        items = plan_items(
            [plan.pk], evaluated_in=conversation, before_year=(plan.pk, conversation.year)
        )
        evaluations = {i.pk: i.evaluation for i in items if i.evaluation is not None}
        return PreviousPlan(plan, items, evaluations)

    def previous_points(self, conversation) -> PreviousPlan | None:
        from .selectors import previous_points

        items, evaluations = previous_points(conversation)
        return PreviousPlan(None, items, evaluations) if items else None

    def evaluations_save(
        self,
        *,
        conversation,
        evaluations: Sequence[EvaluationInput],
        existing: dict[int, Any] | None,
    ) -> None:
        from .services import evaluations_save

        if existing is None:
            existing = {
                e.item_id: e
                for e in PlanItemEvaluation.objects.filter(
                    conversation=conversation, item_id__in=[e.item_id for e in evaluations]
                )
            }
        evaluations_save(conversation=conversation, evaluations=evaluations, existing=existing)


class ReportPlans:
    """ "Mine ledere": each direct report's last plan and overdue follow-ups."""

    def last_plans(self, leader_ids: list[int], year: int) -> dict[int, Plan]:
        """Last year's plan; for a continuing plan (Høje-Taastrup) the newest earlier one."""
        plans: dict[int, Plan] = {}
        for plan in (
            Plan.objects.filter(leader_id__in=leader_ids, conversation__year__lt=year)
            .filter(Q(conversation__year=year - 1) | Q(continues=True))
            .select_related("conversation")
            .order_by("conversation__year")
        ):
            plans[plan.leader_id] = plan  # the newest wins
        return plans

    def overdue_follow_ups(self, leader_ids: list[int], today: datetime.date) -> dict[int, int]:
        """Follow-ups (made from the agreed plan's follow-up dates) whose date has passed, from
        the plan currently followed up (last year's, this year's or the continuing one),
        leaving out development points marked done or dropped."""
        rows = (
            FollowUp.objects.filter(plan__leader_id__in=leader_ids, date__lt=today)
            .filter(Q(plan__conversation__year__gte=today.year - 1) | Q(plan__continues=True))
            .exclude(
                source__item__status__in=[PlanItem.Status.DONE, PlanItem.Status.DROPPED],
            )
            .values("plan__leader_id")
            .annotate(n=Count("pk"))
        )
        return {r["plan__leader_id"]: r["n"] for r in rows}
