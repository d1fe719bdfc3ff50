"""The plan's event log: what the other browser learns through the stream (saved cells,
structure and approval changes, presence), and its pruning."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Plan, PlanEvent
from .common import CELL_KEY, role_in


def _user_name(user) -> str:
    return (getattr(user, "name", "") or getattr(user, "get_username", lambda: "")())[:200]


def _notify(plan_id: int) -> None:
    """Wake the event streams of this plan on every app server (PostgreSQL LISTEN/NOTIFY; the
    notification is sent when the transaction commits). Elsewhere the streams poll."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, '')", [plan_channel(plan_id)])


def plan_channel(plan_id: int) -> str:
    return f"lus_plan_{int(plan_id)}"


def plan_event_add(
    *,
    plan: Plan,
    kind: str,
    user=None,
    key: str = "",
    revision: int = 0,
    value: str = "",
    token: str = "",
) -> PlanEvent:
    event = PlanEvent.objects.create(
        municipality_id=plan.municipality_id,
        plan_id=plan.pk,
        kind=kind,
        key=key[:40],
        revision=revision,
        value=value,
        by=user,
        by_name=_user_name(user) if user is not None else "",
        token=token[:64],
    )
    _notify(plan.pk)
    return event


@transaction.atomic
def plan_presence(*, plan: Plan, user, key: str) -> PlanEvent:
    """Someone is typing in ``key`` (shown to the other as "Anders skriver …")."""
    role_in(plan.conversation, user)
    if key and not CELL_KEY.match(key):
        raise ValidationError({"key": _("Unknown field.")})
    # Presence is only useful for seconds; keep the log short.
    PlanEvent.objects.filter(
        plan_id=plan.pk,
        kind=PlanEvent.Kind.PRESENCE,
        created_at__lt=timezone.now() - datetime.timedelta(minutes=2),
    ).delete()
    return plan_event_add(plan=plan, kind=PlanEvent.Kind.PRESENCE, user=user, key=key)


def plan_events_prune(*, older_than: datetime.timedelta = datetime.timedelta(days=2)) -> int:
    deleted, _rows = PlanEvent.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
