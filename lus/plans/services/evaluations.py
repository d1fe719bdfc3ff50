"""How the previous plan's points went, written in the next preparation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import PlanItemEvaluation


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


def evaluations_save(*, conversation, evaluations, existing: dict) -> None:
    """Save several evaluations at once (the preparation form): ``evaluations`` with
    ``item_id``, ``text``, ``status``; ``existing``: item id -> the saved ``PlanItemEvaluation``
    (pk, text, status are enough). Same result as ``evaluation_save`` for each, in at most two
    queries (one insert, one update) whatever the number of points. Call it inside the
    preparation's transaction (its revision check serialises concurrent saves)."""
    now = timezone.now()
    to_create, to_update = [], []
    for e in evaluations:
        if e.status and e.status not in PlanItemEvaluation.Status.values:
            raise ValidationError({"status": _("Choose a status from the list.")})
        current = existing.get(e.item_id)
        if current is not None and current.text == e.text and current.status == e.status:
            continue
        obj = current or PlanItemEvaluation(
            municipality_id=conversation.municipality_id,
            item_id=e.item_id,
            conversation_id=conversation.pk,
        )
        obj.text, obj.status = e.text, e.status
        # item, conversation and municipality are known to exist (the form only accepts the
        # previous plan's points): validate the values without a query per point.
        obj.full_clean(exclude=["item", "conversation", "municipality"], validate_unique=False)
        if current is None:
            obj.revision = 1 if (e.text or e.status) else 0
            to_create.append(obj)
        else:
            obj.updated_at = now
            to_update.append(obj)
    PlanItemEvaluation.objects.bulk_create(to_create)
    if to_update:
        PlanItemEvaluation.objects.bulk_update(
            [
                PlanItemEvaluation(
                    pk=o.pk,
                    text=o.text,
                    status=o.status,
                    updated_at=now,
                    revision=F("revision") + 1,
                )
                for o in to_update
            ],
            ["text", "status", "updated_at", "revision"],
        )
