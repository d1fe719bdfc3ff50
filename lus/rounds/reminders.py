"""Reminder e-mails: the daily ones (``send_reminders``, enqueued each morning by the
scheduler, ``lus.orchestration.schedule``; also ``manage.py send_reminders``) and HR's "remind now"
(sent by a task worker, ``reminders_now_enqueue``).

Three kinds, each recorded as a ``SentReminder`` row *before* its mail is sent, in the same
transaction (a failed send rolls the row back, so the next run tries again):

- ``preparation_due``: the leader, when their conversation is planned within the round's
  ``preparation_reminder_days`` and they have not shared their preparation yet;
- ``not_invited``: the leader's leader, from the round's ``invite_reminder_days`` before its
  deadline, for leaders not invited yet (one mail listing them);
- ``follow_up_due``: both people of a plan follow-up due within ``FOLLOW_UP_DAYS``;
- ``status_talk_due``: both people of a booked status talk within ``STATUS_TALK_DAYS`` (the
  time and a link only).

The unique constraint on (kind, recipient, conversation, due date, reference) makes the command
idempotent: running it twice a day, or every day, never sends the same reminder twice; a new
conversation date or a new deadline is a new reminder. Mails are Danish, carry a link and never
any conversation content (no answers, no plan text, no follow-up title).
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from lus.accounts.models import User
from lus.conversations.models import Conversation
from lus.plans.models import FollowUp
from lus.statustalks.models import StatusTalk
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope

from .models import LusRound, SentReminder
from .selectors import round_conversations

logger = logging.getLogger("lus.reminders")
S = Conversation.Status
K = SentReminder.Kind

#: Plan follow-ups are reminded this many days before their date.
FOLLOW_UP_DAYS = 7
#: Booked status talks are reminded this many days before (the mail names the time only).
STATUS_TALK_DAYS = 2
#: Without a round for the conversation's year, the preparation reminder uses this.
DEFAULT_PREPARATION_DAYS = LusRound._meta.get_field("preparation_reminder_days").default


def _link(name: str, *args) -> str:
    return settings.LUS_BASE_URL.rstrip("/") + reverse(name, args=args)


def _render(recipient: User, template: str, context: dict) -> tuple[str, str]:
    """(subject, body) of a reminder, in Danish: what is sent and what HR's preview shows."""
    with translation.override("da"):
        context = {"recipient": recipient, **context}
        subject = render_to_string(f"rounds/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"rounds/email/{template}.txt", context)
    return subject, body


def _send(recipient: User, template: str, context: dict) -> None:
    subject, body = _render(recipient, template, context)
    send_mail(subject, body, None, [recipient.email])


def _unique_ref(prefix: str) -> str:
    return f"{prefix}:{timezone.now():%Y%m%d%H%M%S%f}"


def _record_failure(kind: str, recipient: User, conversations, due, sent_by=None) -> None:
    """A mail that could not be sent, for the history (the scheduled run tries again: the
    failed row has its own reference, so it never counts as sent)."""
    logger.exception("Reminder %s to %s failed", kind, recipient.pk)
    ref = _unique_ref("failed")
    for conversation in conversations:
        SentReminder.objects.create(
            municipality_id=conversation.municipality_id,
            kind=kind,
            recipient=recipient,
            conversation=conversation,
            due_date=due,
            ref=ref,
            status=SentReminder.Status.FAILED,
            sent_by=sent_by,
        )


def _record(
    kind: str,
    recipient: User,
    conversation: Conversation,
    due: datetime.date,
    ref="",
    sent_by: User | None = None,
):
    """Record the reminder; False when it was sent before."""
    _row, created = SentReminder.objects.get_or_create(
        kind=kind,
        recipient=recipient,
        conversation=conversation,
        due_date=due,
        ref=ref,
        defaults={"municipality_id": conversation.municipality_id, "sent_by": sent_by},
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
            sent[K.STATUS_TALK_DUE] += _status_talks_due(today)
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
        try:
            with transaction.atomic():
                if _record(K.PREPARATION_DUE, conversation.leader, conversation, planned.date()):
                    _send(
                        conversation.leader,
                        "preparation_due",
                        {
                            "planned": planned,
                            "link": _link("conversations:prepare", conversation.pk),
                        },
                    )
                    n += 1
        except Exception:  # one failed mail must not stop the others
            _record_failure(K.PREPARATION_DUE, conversation.leader, [conversation], planned.date())
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
            .select_related("leader", "leaders_leader")
            .order_by("leader__name")
        ):
            waiting[conversation.leaders_leader].append(conversation)
        for leaders_leader, conversations in waiting.items():
            if not _can_mail(leaders_leader):
                continue
            try:
                with transaction.atomic():
                    new = [
                        c
                        for c in conversations
                        if _record(K.NOT_INVITED, leaders_leader, c, r.deadline)
                    ]
                    if new:
                        _send(
                            leaders_leader,
                            "not_invited",
                            {
                                "round": r,
                                "leaders": [c.leader.name for c in new],
                                "link": _link("home"),
                            },
                        )
                        n += 1
            except Exception:  # one failed mail must not stop the others
                _record_failure(K.NOT_INVITED, leaders_leader, conversations, r.deadline)
    return n


def _follow_ups_due(today: datetime.date) -> int:
    """Reminders of the plans' follow-ups due within ``FOLLOW_UP_DAYS``."""
    horizon = today + datetime.timedelta(days=FOLLOW_UP_DAYS)
    n = 0
    for follow_up in FollowUp.objects.filter(date__gte=today, date__lte=horizon).select_related(
        "plan__conversation__leader", "plan__conversation__leaders_leader"
    ):
        conversation = follow_up.plan.conversation
        for person in (conversation.leader, conversation.leaders_leader):
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


def _status_talks_due(today: datetime.date) -> int:
    """Booked status talks: both people, once per talk and date, with the time and a link
    only."""
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    end = start + datetime.timedelta(days=STATUS_TALK_DAYS + 1)
    n = 0
    for talk in StatusTalk.objects.filter(
        scheduled_at__gte=max(start, timezone.now()), scheduled_at__lt=end
    ).select_related("conversation__leader", "conversation__leaders_leader"):
        conversation = talk.conversation
        when = timezone.localtime(talk.scheduled_at)
        for person in (conversation.leader, conversation.leaders_leader):
            if not _can_mail(person):
                continue
            try:
                with transaction.atomic():
                    ref = f"status_talk:{talk.pk}"
                    if _record(K.STATUS_TALK_DUE, person, conversation, when.date(), ref):
                        _send(
                            person,
                            "status_talk_due",
                            {"when": when, "link": _link("statustalks:talk", talk.pk)},
                        )
                        n += 1
            except Exception:  # one failed mail must not stop the others
                _record_failure(K.STATUS_TALK_DUE, person, [conversation], when.date())
    return n


# --- "remind now" from HR's round page ----------------------------------------------------------
@dataclass
class ReminderMail:
    """One mail "remind now" sends: to whom, about which conversations, and its exact text."""

    kind: str
    recipient: User
    conversations: list[Conversation]
    due_date: datetime.date
    subject: str
    body: str


def reminders_now(*, lus_round: LusRound, conversation_ids) -> list[ReminderMail]:
    """The mails for the chosen conversations of the round: a leader invited but not yet
    prepared is reminded to prepare; the leader's leader of leaders not yet invited gets one
    mail listing them. Other conversations are skipped. Status, dates and names only."""
    chosen = (
        round_conversations(lus_round)
        .filter(pk__in=list(conversation_ids), status__in=[S.CREATED, S.INVITED, S.PREPARING])
        .select_related("leader", "leaders_leader")
        .order_by("leader__name", "pk")
    )
    mails: list[ReminderMail] = []
    waiting = defaultdict(list)
    for conversation in chosen:
        if conversation.status == S.CREATED:
            if _can_mail(conversation.leaders_leader):
                waiting[conversation.leaders_leader].append(conversation)
            continue
        if not _can_mail(conversation.leader):
            continue
        planned = (
            timezone.localtime(conversation.scheduled_at) if conversation.scheduled_at else None
        )
        subject, body = _render(
            conversation.leader,
            "preparation_due",
            {"planned": planned, "link": _link("conversations:prepare", conversation.pk)},
        )
        mails.append(
            ReminderMail(
                K.PREPARATION_DUE,
                conversation.leader,
                [conversation],
                planned.date() if planned else lus_round.deadline,
                subject,
                body,
            )
        )
    for leaders_leader, conversations in waiting.items():
        subject, body = _render(
            leaders_leader,
            "not_invited",
            {
                "round": lus_round,
                "leaders": [c.leader.name for c in conversations],
                "link": _link("home"),
            },
        )
        mails.append(
            ReminderMail(
                K.NOT_INVITED, leaders_leader, conversations, lus_round.deadline, subject, body
            )
        )
    return mails


#: A "remind now" batch's reference: "manual:" and the preview's 32 hex digits.
BATCH_KEY_LENGTH = 32


def reminders_now_key(value: str | None = None) -> str:
    """The key of one "remind now" preview: the one HR's form sent back when it is a key,
    else a new one. A mail of the same preview is recorded under it once, so a form sent
    twice (a double click, the back button) never sends a mail twice."""
    import re
    import secrets

    if value and re.fullmatch(f"[0-9a-f]{{{BATCH_KEY_LENGTH}}}", value):
        return value
    return secrets.token_hex(BATCH_KEY_LENGTH // 2)


def reminders_now_enqueue(
    *, lus_round: LusRound, conversation_ids, actor: User, key: str | None = None
) -> None:
    """Send "remind now" mails in a task worker, after the commit (HR's page answers at
    once; each mail appears in the round's reminder history when it is sent or failed)."""
    from .tasks import send_reminders_now_task

    ids = sorted({int(pk) for pk in conversation_ids})
    key = reminders_now_key(key)
    transaction.on_commit(
        lambda: send_reminders_now_task.enqueue(
            round_id=lus_round.pk, conversation_ids=ids, actor_id=actor.pk, key=key
        )
    )


def reminders_now_run(*, round_id: int, conversation_ids, actor_id: int, key: str) -> Counter:
    """The task: send the batch in the round's municipality (the recipients and their
    conversations are looked up again, so a leader who prepared meanwhile is skipped)."""
    from lus.tenants.scoping import unscoped

    with unscoped("remind now: the task worker loads its round"):
        lus_round = LusRound.objects.select_related("municipality").filter(pk=round_id).first()
        actor = User.objects.filter(pk=actor_id).first()
    if lus_round is None or actor is None:
        return Counter()
    with tenant_scope(lus_round.municipality):
        return do_send_reminders_now(
            lus_round=lus_round, conversation_ids=conversation_ids, actor=actor, key=key
        )


def do_send_reminders_now(
    *, lus_round: LusRound, conversation_ids, actor: User, key: str | None = None
) -> Counter:
    """Send "remind now" mails and record each in the history (sent or failed, by whom).
    With the preview's ``key``, a mail already sent for that preview is not sent again."""
    result: Counter = Counter()
    ref = f"manual:{reminders_now_key(key)}"
    for mail in reminders_now(lus_round=lus_round, conversation_ids=conversation_ids):
        try:
            with transaction.atomic():
                rows = [
                    _record(mail.kind, mail.recipient, conversation, mail.due_date, ref, actor)
                    for conversation in mail.conversations
                ]
                if not any(rows):
                    result["already_sent"] += 1
                    continue
                send_mail(mail.subject, mail.body, None, [mail.recipient.email])
        except Exception:  # the history shows it; the others are still sent
            _record_failure(mail.kind, mail.recipient, mail.conversations, mail.due_date, actor)
            result["failed"] += 1
        else:
            result["sent"] += 1
    return result


def reminder_history(lus_round: LusRound):
    """The round's reminders, newest first: what, to whom, when, sent or failed, by whom."""
    return (
        SentReminder.objects.filter(conversation__in=round_conversations(lus_round))
        .select_related("recipient", "conversation__leader", "sent_by")
        .only(
            "kind",
            "sent_at",
            "status",
            "due_date",
            "recipient__name",
            "conversation__leader__name",
            "sent_by__name",
        )
        .order_by("-sent_at", "-pk")
    )
