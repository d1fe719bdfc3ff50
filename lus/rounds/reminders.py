"""Reminder e-mails (``manage.py send_reminders``, run daily by cron).

Three kinds, each recorded as a ``SentReminder`` row *before* its mail is sent, in the same
transaction (a failed send rolls the row back, so the next run tries again):

- ``preparation_due``: the leader, when their conversation is planned within the round's
  ``preparation_reminder_days`` and they have not shared their preparation yet;
- ``not_invited``: the leader's leader, from the round's ``invite_reminder_days`` before its
  deadline, for leaders not invited yet (one mail listing them);
- ``follow_up_due``: both people of a plan follow-up due within ``FOLLOW_UP_DAYS``.

The unique constraint on (kind, recipient, conversation, due date, reference) makes the command
idempotent: running it twice a day, or every day, never sends the same reminder twice; a new
conversation date or a new deadline is a new reminder. Mails are Danish, carry a link and never
any conversation content (no answers, no plan text, no follow-up title).
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter, defaultdict

from django.apps import apps
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from lus.accounts.models import User
from lus.conversations.models import Conversation
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope

from .models import LusRound, SentReminder
from .selectors import round_conversations

logger = logging.getLogger("lus.reminders")
S = Conversation.Status
K = SentReminder.Kind

#: Plan follow-ups are reminded this many days before their date.
FOLLOW_UP_DAYS = 7
#: Without a round for the conversation's year, the preparation reminder uses this.
DEFAULT_PREPARATION_DAYS = LusRound._meta.get_field("preparation_reminder_days").default


def _link(name: str, *args) -> str:
    return settings.LUS_BASE_URL.rstrip("/") + reverse(name, args=args)


def _send(recipient: User, template: str, context: dict) -> None:
    with translation.override("da"):
        context = {"recipient": recipient, **context}
        subject = render_to_string(f"rounds/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"rounds/email/{template}.txt", context)
    send_mail(subject, body, None, [recipient.email])


def _record(kind: str, recipient: User, conversation: Conversation, due: datetime.date, ref=""):
    """Record the reminder; False when it was sent before."""
    _row, created = SentReminder.objects.get_or_create(
        kind=kind,
        recipient=recipient,
        conversation=conversation,
        due_date=due,
        ref=ref,
        defaults={"municipality_id": conversation.municipality_id},
    )
    return created


def _can_mail(person: User | None) -> bool:
    return bool(person and person.is_active and person.email)


def send_reminders(*, today: datetime.date | None = None) -> Counter:
    """Send today's reminders in every municipality. Returns the number sent per kind."""
    today = today or timezone.localdate()
    sent: Counter = Counter()
    for municipality in Municipality.objects.order_by("pk"):
        with tenant_scope(municipality):
            rounds = {r.year: r for r in LusRound.objects.all()}
            sent[K.PREPARATION_DUE] += _preparation_due(today, rounds)
            sent[K.NOT_INVITED] += _not_invited(today, rounds)
            sent[K.FOLLOW_UP_DUE] += _follow_ups_due(today)
    return sent


def _preparation_due(today: datetime.date, rounds: dict[int, LusRound]) -> int:
    longest = max([r.preparation_reminder_days for r in rounds.values()] or [0])
    horizon = today + datetime.timedelta(days=max(longest, DEFAULT_PREPARATION_DAYS))
    candidates = Conversation.objects.filter(
        status__in=[S.INVITED, S.PREPARING],
        scheduled_at__date__gte=today,
        scheduled_at__date__lte=horizon,
    ).select_related("leader")
    n = 0
    for conversation in candidates:
        r = rounds.get(conversation.year)
        days = r.preparation_reminder_days if r else DEFAULT_PREPARATION_DAYS
        planned = timezone.localtime(conversation.scheduled_at)
        if (planned.date() - today).days > days or not _can_mail(conversation.leader):
            continue
        with transaction.atomic():
            if _record(K.PREPARATION_DUE, conversation.leader, conversation, planned.date()):
                _send(
                    conversation.leader,
                    "preparation_due",
                    {"planned": planned, "link": _link("conversations:prepare", conversation.pk)},
                )
                n += 1
    return n


def _not_invited(today: datetime.date, rounds: dict[int, LusRound]) -> int:
    n = 0
    for r in rounds.values():
        if r.started_at is None:
            continue
        if today < r.deadline - datetime.timedelta(days=r.invite_reminder_days):
            continue
        waiting = defaultdict(list)
        for conversation in (
            round_conversations(r)
            .filter(status=S.CREATED)
            .select_related("leader", "conductor")
            .order_by("leader__name")
        ):
            waiting[conversation.conductor].append(conversation)
        for conductor, conversations in waiting.items():
            if not _can_mail(conductor):
                continue
            with transaction.atomic():
                new = [c for c in conversations if _record(K.NOT_INVITED, conductor, c, r.deadline)]
                if new:
                    _send(
                        conductor,
                        "not_invited",
                        {
                            "round": r,
                            "leaders": [c.leader.name for c in new],
                            "link": _link("home"),
                        },
                    )
                    n += 1
    return n


def _follow_ups_due(today: datetime.date) -> int:
    """Plan follow-ups (``plans.FollowUp``, added by the co-editing feature)."""
    try:
        FollowUp = apps.get_model("plans", "FollowUp")
    except LookupError:
        return 0
    horizon = today + datetime.timedelta(days=FOLLOW_UP_DAYS)
    n = 0
    for follow_up in FollowUp.objects.filter(date__gte=today, date__lte=horizon).select_related(
        "plan__conversation__leader", "plan__conversation__conductor"
    ):
        conversation = follow_up.plan.conversation
        for person in (conversation.leader, conversation.conductor):
            if not _can_mail(person):
                continue
            with transaction.atomic():
                ref = f"follow_up:{follow_up.pk}"
                if _record(K.FOLLOW_UP_DUE, person, conversation, follow_up.date, ref):
                    _send(
                        person,
                        "follow_up_due",
                        {
                            "date": follow_up.date,
                            "leader_name": conversation.leader.name,
                            "is_leader": person.pk == conversation.leader_id,
                            "link": _link("conversations:detail", conversation.pk),
                        },
                    )
                    n += 1
    return n
