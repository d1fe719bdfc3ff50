"""Adding and deleting development points and activities."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from lus.audit.models import AuditEvent
from lus.audit.services import audit_record

from ..models import Plan, PlanActivity, PlanEvent, PlanItem
from .cells import clean_cell_value
from .common import _clear_approvals, _editable_plan
from .creation import plan_item_add
from .errors import CellGone
from .events import plan_event_add


def _structure_changed(plan: Plan, user, request) -> None:
    """A point or activity added or removed: approvals lapse, both screens refresh the panel,
    and the change is audited."""
    _clear_approvals(plan, _("Changed after approval"))
    plan_event_add(plan=plan, kind=PlanEvent.Kind.PANEL, user=user)
    _audit(plan, user, request)


@transaction.atomic
def plan_item_create(*, plan: Plan, user, title: str = "", request=None) -> PlanItem:
    plan = _editable_plan(plan)
    title = clean_cell_value("title", title or "").strip() or _("New development point")
    item = plan_item_add(plan=plan, title=title, year=plan.conversation.year)
    _structure_changed(plan, user, request)
    return item


@transaction.atomic
def plan_item_delete(*, plan: Plan, user, item_id: int, request=None) -> None:
    plan = _editable_plan(plan)
    deleted, _rows = PlanItem.objects.filter(plan=plan, pk=item_id).delete()
    if not deleted:
        raise CellGone
    _structure_changed(plan, user, request)


@transaction.atomic
def plan_activity_create(*, plan: Plan, user, item_id: int, request=None) -> PlanActivity:
    plan = _editable_plan(plan)
    item = PlanItem.objects.filter(plan=plan, pk=item_id).first()
    if item is None:
        raise CellGone
    activity = PlanActivity(
        municipality_id=plan.municipality_id,
        item=item,
        text=_("New activity"),
        order=item.activities.count(),
    )
    activity.full_clean()
    activity.save()
    _structure_changed(plan, user, request)
    return activity


@transaction.atomic
def plan_activity_delete(*, plan: Plan, user, activity_id: int, request=None) -> None:
    plan = _editable_plan(plan)
    deleted, _rows = PlanActivity.objects.filter(item__plan=plan, pk=activity_id).delete()
    if not deleted:
        raise CellGone
    _structure_changed(plan, user, request)


def _audit(plan: Plan, user, request) -> None:
    audit_record(
        actor=user,
        action="change_plan",
        target=plan,
        detail=_("Changed the development points of the plan"),
        category=AuditEvent.Category.CHANGE,
        request=request,
    )
