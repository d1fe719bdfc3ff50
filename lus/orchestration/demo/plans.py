"""Demo development plans (called by ``lus.orchestration.demo.demo_load`` right after
``lus.orchestration.demo.conversations``, which holds the earlier years' conversations).

Per municipality:
- ``<slug>-leder``: last year's plan agreed, to evaluate in this year's preparation
  (Høje-Taastrup: the continuing plan);
- ``<slug>-leder2``: a plan agreed in each of the three earlier years (Høje-Taastrup: one
  continuing plan, started the year before last, whose point still in progress was carried
  into last year's plan, so the history shows it as one thread), each evaluated in the next
  year's shared preparation (this year's too), and an overdue follow-up of last year's plan
  for "Mine ledere".
Idempotent: conversations already agreed, and points already evaluated, are left as they are.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from lus.accounts.models import User
from lus.conversations.extensions import EvaluationInput
from lus.conversations.models import Conversation, Role
from lus.conversations.services import conversation_agree_plan
from lus.plans.contributions import PlanEvaluation
from lus.plans.models import FollowUp, Plan, PlanItemEvaluation
from lus.plans.services import evaluations_save, plan_create, plan_get_or_create, plan_item_add
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope

#: Development points of the years before last (the history "Min udvikling" shows).
EARLIER_ITEMS = {
    2: [("Tydeligere retning og prioriteter", ["Månedligt nyhedsbrev til teamet"])],
    3: [("Delegere mere til mine teamledere", ["Aftale klare ansvarsområder"])],
}

LAST_YEAR_ITEMS = [
    ("Styrke min sparring med mine teamledere", ["Faste 1:1-samtaler hver måned"]),
    ("Lære mere om økonomistyring", ["Kursus i budgetopfølgning", "Sparring med controller"]),
]


def _agree(conversation: Conversation, *, follow_up: bool) -> None:
    """The held earlier LUS gets its agreed plan (the conversation: "plan agreed")."""
    held_on = timezone.make_aware(datetime.datetime(conversation.year, 11, 20, 10, 0))
    conversation_agree_plan(conversation=conversation)
    back = timezone.localdate().year - conversation.year
    if conversation.version.plan_continues:
        plan = _continuing(conversation, back)
        if plan is None:
            return
    else:
        plan = plan_create(conversation=conversation)
        for title, activities in EARLIER_ITEMS.get(back, LAST_YEAR_ITEMS):
            plan_item_add(plan=plan, title=title, year=conversation.year, activities=activities)
    plan.approved_by_leader_at = plan.approved_by_leaders_leader_at = held_on
    plan.agreed_at = held_on
    plan.save()
    if follow_up and back == 1:
        # A follow-up date that has passed, so "Mine ledere" shows an overdue follow-up.
        FollowUp.objects.create(
            municipality=plan.municipality,
            plan=plan,
            date=timezone.localdate() - datetime.timedelta(days=21),
            title=f"Opfølgning: {LAST_YEAR_ITEMS[1][0]}",
        )


def _continuing(conversation: Conversation, back: int) -> Plan | None:
    """One plan across the years (Høje-Taastrup): it starts the year before last with a point
    achieved by last year and one still in progress, which last year's plan carries on."""
    if back > 2:
        return None
    if back == 2:
        plan = plan_create(conversation=conversation)
        for title, activities in (EARLIER_ITEMS[3][0], LAST_YEAR_ITEMS[0]):
            plan_item_add(plan=plan, title=title, year=conversation.year, activities=activities)
        return plan
    # Evaluated first, so only the point still in progress is carried into this plan.
    _evaluate(conversation)
    plan = plan_get_or_create(conversation=conversation)
    carried = set(plan.items.values_list("title", flat=True))
    for title, activities in LAST_YEAR_ITEMS:
        if title not in carried:
            plan_item_add(plan=plan, title=title, year=conversation.year, activities=activities)
    return plan


def _evaluate(conversation: Conversation) -> None:
    """The leader's shared preparation evaluates the previous plan (once)."""
    shared = conversation.preparations.filter(role=Role.LEADER, shared_at__isnull=False)
    if not shared.exists() or PlanItemEvaluation.objects.filter(conversation=conversation).exists():
        return
    previous = PlanEvaluation().previous_plan(conversation)
    if previous is None:
        return
    evaluations = [
        EvaluationInput(
            item.pk,
            "Vi er godt i gang; jeg har brug for mere tid til det." if i else "Det lykkedes.",
            PlanItemEvaluation.Status.IN_PROGRESS if i else PlanItemEvaluation.Status.DONE,
        )
        for i, item in enumerate(previous.items)
    ]
    evaluations_save(conversation=conversation, evaluations=evaluations, existing={})


def demo_load_plans(municipalities: list[Municipality]) -> None:
    year = timezone.localdate().year
    for municipality in municipalities:
        with tenant_scope(municipality):
            for name, with_history in (("leder", False), ("leder2", True)):
                leader = User.objects.filter(username=f"{municipality.slug}-{name}").first()
                if leader is None:
                    continue
                conversations = list(
                    Conversation.objects.filter(leader=leader, year__lte=year)
                    .select_related("version")
                    .order_by("year")
                )
                for conversation in conversations:
                    if conversation.year < year and conversation.status == Conversation.Status.HELD:
                        _agree(conversation, follow_up=with_history)
                if with_history:
                    for conversation in conversations:
                        _evaluate(conversation)
