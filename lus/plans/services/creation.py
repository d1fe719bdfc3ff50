"""Creating a plan (a continuing plan carries the open points forward) and its points."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction

from lus.frameworks.models import PlanField

from ..models import Plan, PlanActivity, PlanItem, PlanItemEvaluation, PlanValue


@transaction.atomic
def plan_create(*, conversation, continues: bool | None = None) -> Plan:
    plan = Plan(
        municipality_id=conversation.municipality_id,
        leader=conversation.leader,
        conversation=conversation,
        version=conversation.version,
        continues=conversation.version.plan_continues if continues is None else continues,
    )
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_item_add(*, plan: Plan, title: str, year: int, activities: Sequence[str] = ()) -> PlanItem:
    item = PlanItem(
        municipality_id=plan.municipality_id,
        plan=plan,
        title=title,
        year=year,
        order=plan.items.count(),
    )
    item.full_clean()
    item.save()
    for i, text in enumerate(activities):
        activity = PlanActivity(municipality_id=plan.municipality_id, item=item, text=text, order=i)
        activity.full_clean()
        activity.save()
    return item


# --- getting the plan of a conversation ---------------------------------------------------------


def plan_get_or_create(*, conversation) -> Plan:
    """The conversation's plan, created on first use. A continuing plan (Høje-Taastrup) starts
    with the open development points of the leader's previous plan (with their values and
    activities), so the leader keeps one plan from year to year."""
    plan = Plan.objects.filter(conversation=conversation).select_related("version").first()
    if plan is not None:
        return plan
    try:
        with transaction.atomic():
            plan = plan_create(conversation=conversation)
            if plan.continues:
                _carry_forward(plan)
    except IntegrityError:
        # Created by the other person at the same moment.
        plan = Plan.objects.select_related("version").get(conversation=conversation)
    return plan


def _carry_forward(plan: Plan) -> None:
    previous = (
        Plan.objects.filter(
            leader_id=plan.leader_id,
            continues=True,
            conversation__year__lt=plan.conversation.year,
        )
        .order_by("-conversation__year")
        .first()
    )
    if previous is None:
        return
    finished = set(
        PlanItemEvaluation.objects.filter(
            conversation=plan.conversation,
            item__plan=previous,
            status__in=[PlanItemEvaluation.Status.DONE, PlanItemEvaluation.Status.DROPPED],
        ).values_list("item_id", flat=True)
    )
    fields = {f.key: f for f in PlanField.objects.filter(version_id=plan.version_id)}
    for old in previous.items.filter(status=PlanItem.Status.OPEN).prefetch_related(
        "activities__values__field", "values__field"
    ):
        if old.pk in finished:
            continue
        item = PlanItem.objects.create(
            municipality_id=plan.municipality_id,
            plan=plan,
            title=old.title,
            year=old.year,
            order=old.order,
            continues=old,
        )
        for v in old.values.all():
            if v.activity_id is None and v.field.key in fields:
                PlanValue.objects.create(
                    municipality_id=plan.municipality_id,
                    plan=plan,
                    item=item,
                    field=fields[v.field.key],
                    value=v.value,
                )
        for old_activity in old.activities.all():
            activity = PlanActivity.objects.create(
                municipality_id=plan.municipality_id,
                item=item,
                text=old_activity.text,
                order=old_activity.order,
            )
            for v in old_activity.values.all():
                if v.field.key in fields:
                    PlanValue.objects.create(
                        municipality_id=plan.municipality_id,
                        plan=plan,
                        item=item,
                        activity=activity,
                        field=fields[v.field.key],
                        value=v.value,
                    )
