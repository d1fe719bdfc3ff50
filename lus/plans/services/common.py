"""What the plan services share: the locked statuses, the plan row lock, the parties' roles and
withdrawing approvals."""

from __future__ import annotations

import re

from django.utils import timezone

from lus.conversations.models import Conversation, Role

from ..models import Plan, PlanApproval
from .errors import PlanLocked

#: A cell's key: a plan value (``p<field>``), a section's plan value, a point's value or title,
#: an activity's value or text, a section's note, or the minutes.
CELL_KEY = re.compile(
    r"^(?:p(?P<plan_field>\d{1,10})"
    r"|s(?P<section>\d{1,10})-f(?P<section_field>\d{1,10})"
    r"|i(?P<item>\d{1,10})-(?:f(?P<item_field>\d{1,10})|(?P<title>title))"
    r"|a(?P<activity>\d{1,10})-(?:f(?P<activity_field>\d{1,10})|(?P<text>text))"
    r"|n(?P<note>\d{1,10})"
    r"|(?P<minutes>minutes))$"
)
#: A conversation in these statuses has an agreed plan: plan, notes and minutes are read-only.
LOCKED_STATUSES = (Conversation.Status.PLAN_AGREED, Conversation.Status.FILED)


def role_in(conversation: Conversation, user) -> Role:
    """The user's role in the conversation; ``NotAParty`` if they have none."""
    return conversation.role_of(user)


def minutes_writer_role(conversation: Conversation) -> str:
    """``Role.LEADER``, ``Role.LEADERS_LEADER`` or "" (no minutes); set by the invitation."""
    from lus.frameworks.models import FrameworkVersion

    if conversation.version.minutes == FrameworkVersion.Minutes.NONE:
        return ""
    return conversation.minutes_by or ""


def _lock_plan(plan_id: int) -> Plan:
    return Plan.objects.select_for_update().select_related("conversation").get(pk=plan_id)


def _conversation_status(conversation_id: int) -> str:
    return Conversation.objects.filter(pk=conversation_id).values_list("status", flat=True).get()


def _editable_plan(plan: Plan) -> Plan:
    plan = _lock_plan(plan.pk)
    if _conversation_status(plan.conversation_id) in LOCKED_STATUSES:
        raise PlanLocked
    return plan


def _clear_approvals(plan: Plan, reason: str) -> bool:
    if not (plan.approved_by_leader_at or plan.approved_by_leaders_leader_at):
        return False
    Plan.objects.filter(pk=plan.pk).update(
        approved_by_leader_at=None,
        approved_by_leaders_leader_at=None,
        approved_by_leader=None,
        approved_by_leaders_leader=None,
    )
    PlanApproval.objects.filter(plan=plan, cleared_at__isnull=True).update(
        cleared_at=timezone.now(), cleared_reason=reason[:200]
    )
    plan.approved_by_leader_at = plan.approved_by_leaders_leader_at = None
    plan.approved_by_leader = plan.approved_by_leaders_leader = None
    return True
