"""Side effects on development plans (issue 5 adds co-editing on top of these rows)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from .models import Plan, PlanActivity, PlanItem, PlanItemEvaluation


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
def plan_item_add(*, plan: Plan, title: str, year: int, activities: list[str] = ()) -> PlanItem:
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


@transaction.atomic
def evaluation_save(*, conversation, item_id: int, text: str, status: str) -> PlanItemEvaluation:
    if status and status not in PlanItemEvaluation.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    evaluation, _created = PlanItemEvaluation.objects.get_or_create(
        item_id=item_id,
        conversation=conversation,
        defaults={"municipality_id": conversation.municipality_id},
    )
    if evaluation.text != text or evaluation.status != status:
        evaluation.text = text
        evaluation.status = status
        evaluation.full_clean()
        evaluation.save(update_fields=["text", "status", "updated_at"])
        PlanItemEvaluation.objects.filter(pk=evaluation.pk).update(revision=F("revision") + 1)
    return evaluation
