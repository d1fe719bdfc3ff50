"""Booked status talks are reminded by e-mail through the daily reminder job: both people, the
time and a link only (no plan content), never twice; the calendar file carries its own alarms."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from lus.orchestration.schedule import JOBS
from lus.rounds.models import SentReminder
from lus.rounds.reminders import send_reminders
from lus.statustalks.services import status_talk_book
from lus.tenants.scoping import tenant_scope, unscoped
from tests.documents.factories import make_agreed_conversation

pytestmark = pytest.mark.django_db

SECRET = "Hemmeligt udviklingspunkt om sygefravær"
KIND = SentReminder.Kind.STATUS_TALK_DUE


@pytest.fixture
def booked(leader):
    conversation = make_agreed_conversation(leader, point=SECRET)
    when = timezone.make_aware(datetime.datetime(2027, 3, 10, 9, 30))
    with tenant_scope(leader.municipality):
        talk = status_talk_book(
            conversation=conversation,
            actor=leader,
            scheduled_at=when,
            duration=30,
            location="Mødelokale Hemmelig",
        )
    mail.outbox.clear()
    return talk


def test_both_get_one_reminder_two_days_before_with_time_and_link_only(booked):
    conversation = booked.conversation
    assert send_reminders(today=datetime.date(2027, 3, 7))[KIND] == 0  # three days before
    assert send_reminders(today=datetime.date(2027, 3, 8))[KIND] == 2
    talk_mails = [m for m in mail.outbox if "statussamtale" in m.subject]
    assert {m.to[0] for m in talk_mails} == {
        conversation.leader.email,
        conversation.leaders_leader.email,
    }
    body = talk_mails[0].body
    assert "10. marts 2027 kl. 09:30" in body
    assert f"/lus/statussamtaler/{booked.pk}/" in body
    for secret in (SECRET, "Hemmelig", conversation.leader.name, "udviklingspunkt"):
        assert secret not in body and secret not in talk_mails[0].subject
    # never sent twice: the next day's run, and a second run the same day
    assert send_reminders(today=datetime.date(2027, 3, 8))[KIND] == 0
    assert send_reminders(today=datetime.date(2027, 3, 9))[KIND] == 0
    assert len([m for m in mail.outbox if "statussamtale" in m.subject]) == 2
    with unscoped("test"):
        rows = SentReminder.objects.filter(kind=KIND)
        assert rows.count() == 2 and {r.ref for r in rows} == {f"status_talk:{booked.pk}"}


def test_a_talk_in_the_past_is_not_reminded(booked):
    assert send_reminders(today=datetime.date(2027, 3, 11))[KIND] == 0
    assert not [m for m in mail.outbox if "statussamtale" in m.subject]


def test_the_daily_reminder_task_sends_them(leader):
    """Status talk reminders go out with the scheduler's daily reminder job (no cron line)."""
    from lus.orchestration.tasks import send_reminders_task

    assert any(job.name == "send_reminders" and job.task is send_reminders_task for job in JOBS)
    conversation = make_agreed_conversation(leader)
    with tenant_scope(leader.municipality):
        status_talk_book(
            conversation=conversation,
            actor=leader,
            scheduled_at=timezone.now() + datetime.timedelta(days=1),
            duration=30,
            location="",
        )
    assert send_reminders_task.call()[KIND] == 2
    assert send_reminders_task.call()[KIND] == 0
