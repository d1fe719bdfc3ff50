"""Agreeing the plan (both approve: locked, follow-ups made) and reopening it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lus.audit.models import AuditEvent
from lus.audit.services import audit_record
from lus.conversations.models import Conversation, Role
from lus.conversations.services import conversation_agree_plan, conversation_reopen_plan

from ..models import FollowUp, Plan, PlanApproval, PlanEvent, PlanReopening, PlanValue
from .common import LOCKED_STATUSES, _clear_approvals, _conversation_status, _lock_plan, role_in
from .errors import PlanError, PlanLocked
from .events import plan_event_add


@dataclass(frozen=True)
class ApprovalResult:
    plan: Plan
    agreed: bool


@transaction.atomic
def plan_approve(*, plan: Plan, user, request=None) -> ApprovalResult:
    """Approve the plan as the user's party. When both have approved, the conversation moves to
    "plan agreed", the plan and the conversation become read-only and the follow-up dates become
    follow-ups for both people. Audited (``request``: only for the client address)."""
    plan = _lock_plan(plan.pk)
    status = _conversation_status(plan.conversation_id)
    if status in LOCKED_STATUSES:
        raise PlanLocked
    if status != Conversation.Status.HELD:
        raise PlanError(_("Mark the conversation as held before approving the plan."))
    role = role_in(plan.conversation, user)
    now = timezone.now()
    if role == Role.LEADER and not plan.approved_by_leader_at:
        plan.approved_by_leader_at, plan.approved_by_leader = now, user
    elif role == Role.LEADERS_LEADER and not plan.approved_by_leaders_leader_at:
        plan.approved_by_leaders_leader_at, plan.approved_by_leaders_leader = now, user
    else:
        return ApprovalResult(plan, False)
    PlanApproval.objects.create(
        municipality_id=plan.municipality_id,
        plan=plan,
        role=role,
        approved_by=user,
        approved_at=now,
    )
    agreed = bool(plan.approved_by_leader_at and plan.approved_by_leaders_leader_at)
    if agreed:
        plan.agreed_at = now
        conversation = Conversation.objects.get(pk=plan.conversation_id)
        conversation_agree_plan(conversation=conversation)
        plan.conversation = conversation
        _create_follow_ups(plan)
    plan.save(
        update_fields=[
            "approved_by_leader_at",
            "approved_by_leader",
            "approved_by_leaders_leader_at",
            "approved_by_leaders_leader",
            "agreed_at",
            "updated_at",
        ]
    )
    plan_event_add(plan=plan, kind=PlanEvent.Kind.PANEL, user=user)
    audit_record(
        actor=user,
        action="approve_plan",
        target=plan,
        detail=_("Approved the development plan"),
        category=AuditEvent.Category.CHANGE,
        request=request,
    )
    if agreed:
        audit_record(
            actor=user,
            action="agree_plan",
            target=plan,
            detail=_("Both have approved: the plan is agreed and locked"),
            category=AuditEvent.Category.CHANGE,
            request=request,
        )
    return ApprovalResult(plan, agreed)


def _create_follow_ups(plan: Plan) -> list[FollowUp]:
    title = plan.version.plan_title or _("Development plan")
    created = []
    values = PlanValue.objects.filter(plan=plan, field__is_follow_up_date=True).select_related(
        "item", "field"
    )
    for v in values:
        try:
            date = datetime.date.fromisoformat(v.value.strip())
        except ValueError:
            continue
        label = _("Follow-up: %(plan)s, %(name)s") % {"plan": title, "name": plan.leader.name}
        if v.item is not None:  # loaded by select_related: no query
            label = f"{label} ({v.item.title})"
        created.append(
            FollowUp.objects.create(
                municipality_id=plan.municipality_id,
                plan=plan,
                date=date,
                title=label[:300],
                source=v,
            )
        )
    return created


@transaction.atomic
def plan_reopen(*, plan: Plan, user, reason: str, request=None) -> PlanReopening:
    """Open an agreed plan again (recorded with the reason, and audited). Approvals and the
    derived follow-ups are withdrawn; the conversation goes back to "held"."""
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ValidationError({"reason": _("Write why the plan is reopened.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("The reason is too long (at most 2000 characters).")})
    plan = _lock_plan(plan.pk)
    role_in(plan.conversation, user)
    status = _conversation_status(plan.conversation_id)
    # A filed plan may be reopened too: the filed record stays; filing again makes a new one.
    if status not in (Conversation.Status.PLAN_AGREED, Conversation.Status.FILED):
        raise PlanError(_("Only an agreed plan can be reopened."))
    reopening = PlanReopening(
        municipality_id=plan.municipality_id,
        plan=plan,
        reopened_by=user,
        reopened_at=timezone.now(),
        reason=reason,
    )
    reopening.full_clean()
    reopening.save()
    _clear_approvals(plan, _("Reopened: %(reason)s") % {"reason": reason})
    Plan.objects.filter(pk=plan.pk).update(agreed_at=None)
    FollowUp.objects.filter(plan=plan).delete()
    conversation_reopen_plan(conversation=Conversation.objects.get(pk=plan.conversation_id))
    plan_event_add(plan=plan, kind=PlanEvent.Kind.PANEL, user=user)
    audit_record(
        actor=user,
        action="reopen_plan",
        target=plan,
        detail=_("Reopened the agreed plan: %(reason)s") % {"reason": reason[:200]},
        category=AuditEvent.Category.CHANGE,
        request=request,
    )
    return reopening
