"""``manage.py send_reminders``: Danish mails with a link and no content, recorded, never
sent twice."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from lus.conversations.models import Conversation
from lus.rounds.models import SentReminder
from lus.rounds.reminders import send_reminders
from lus.rounds.services import round_start
from lus.tenants.scoping import tenant_scope, unscoped
from tests.conversations.factories import make_version
from tests.factories import UserFactory
from tests.rounds.factories import CANARY_ANSWER, make_org, make_round, share_answers

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2026, 12, 15)


@pytest.fixture
def started(haderslev):
    make_version(haderslev)
    _director, org = make_org(haderslev, units=[("Skoler", 3)])
    lus_round = make_round(haderslev, deadline=DEADLINE, invite_reminder_days=21)
    with tenant_scope(haderslev):
        round_start(lus_round=lus_round)
        conversations = {
            c.leader.username: c for c in Conversation.objects.select_related("leader")
        }
    return lus_round, org, conversations


def _plan(conversation, when: datetime.datetime, status="invited"):
    with unscoped("test"):
        Conversation.objects.filter(pk=conversation.pk).update(
            status=status, scheduled_at=timezone.make_aware(when)
        )


def _bodies():
    return "\n".join(m.subject + "\n" + m.body for m in mail.outbox)


def test_preparation_reminder_once_per_planned_date(started):
    _round, _org, conversations = started
    c = conversations["p-l0-0"]
    share_answers(conversations["p-l0-1"], 3)  # shared: no reminder for them
    _plan(c, datetime.datetime(2026, 12, 4, 10, 0))
    _plan(conversations["p-l0-1"], datetime.datetime(2026, 12, 4, 11, 0), status="shared")
    assert send_reminders(today=datetime.date(2026, 11, 28))["preparation_due"] == 0  # 6 days
    assert send_reminders(today=datetime.date(2026, 12, 1))["preparation_due"] == 1  # 3 days
    (message,) = [m for m in mail.outbox if m.to == [c.leader.email]]
    assert "forbered" in message.body.lower()
    assert f"/lus/{c.pk}/forberedelse/" in message.body
    assert "http://" in message.body
    # Again the same day and the next day: nothing new.
    assert send_reminders(today=datetime.date(2026, 12, 1))["preparation_due"] == 0
    assert send_reminders(today=datetime.date(2026, 12, 2))["preparation_due"] == 0
    assert len([m for m in mail.outbox if m.to == [c.leader.email]]) == 1
    # Moved to a new date: a new reminder.
    _plan(c, datetime.datetime(2026, 12, 10, 9, 0))
    assert send_reminders(today=datetime.date(2026, 12, 8))["preparation_due"] == 1
    with unscoped("test"):
        assert SentReminder.objects.filter(kind="preparation_due").count() == 2


def test_not_invited_reminder_to_the_leaders_leader(started):
    _round, org, conversations = started
    _unit, chef, leaders = org["Skoler"]
    _plan(conversations["p-l0-2"], datetime.datetime(2026, 12, 10, 9, 0))  # invited
    # More than 21 days before the deadline: nothing.
    assert send_reminders(today=datetime.date(2026, 11, 20))["not_invited"] == 0
    sent = send_reminders(today=datetime.date(2026, 11, 24))
    assert sent["not_invited"] == 2  # the chef (2 leaders) and the director (the chef)
    to_chef = next(m for m in mail.outbox if m.to == [chef.email])
    assert leaders[0].name in to_chef.body and leaders[1].name in to_chef.body
    assert leaders[2].name not in to_chef.body
    assert "15. december 2026" in to_chef.body
    assert "LUS 2026" in to_chef.subject
    mail.outbox.clear()
    assert send_reminders(today=datetime.date(2026, 11, 24))["not_invited"] == 0
    assert send_reminders(today=datetime.date(2026, 11, 25))["not_invited"] == 0
    # A leader added later gets the chef one new mail, about them only.
    unit = org["Skoler"][0]
    newcomer = UserFactory(
        municipality=unit.municipality, manager=chef, org_unit=unit, name="Nina Ny"
    )
    with tenant_scope(unit.municipality):
        round_start(lus_round=_round)
    assert send_reminders(today=datetime.date(2026, 11, 26))["not_invited"] == 1
    (message,) = mail.outbox
    assert newcomer.name in message.body and leaders[0].name not in message.body


def test_mails_are_danish_and_carry_no_content(started):
    _round, _org, conversations = started
    for c in conversations.values():
        share_answers(c, 2, shared=False)
    _plan(conversations["p-l0-0"], datetime.datetime(2026, 12, 2, 9, 0))
    send_reminders(today=datetime.date(2026, 12, 1))
    text = _bodies()
    assert mail.outbox
    assert CANARY_ANSWER not in text
    assert "Venlig hilsen LUS" in text and "Kære" in text


def test_command_output_and_idempotence(started):
    out = StringIO()
    call_command("send_reminders", "--today", "2026-11-24", stdout=out)
    assert "not_invited: 2" in out.getvalue()
    out = StringIO()
    call_command("send_reminders", "--today", "2026-11-24", stdout=out)
    assert "not_invited: 0" in out.getvalue()


def test_people_without_email_are_skipped_and_retried_later(started):
    _round, org, _conversations = started
    chef = org["Skoler"][1]
    with unscoped("test"):
        type(chef).objects.filter(pk=chef.pk).update(email="")
    send_reminders(today=datetime.date(2026, 11, 24))
    with unscoped("test"):
        assert not SentReminder.objects.filter(recipient=chef).exists()


@pytest.mark.skipif(
    "FollowUp" not in {m.__name__ for m in apps.get_app_config("plans").get_models()},
    reason="plans.FollowUp not there yet",
)
def test_follow_up_reminder_to_both(started):
    from lus.plans.services import plan_create

    FollowUp = apps.get_model("plans", "FollowUp")
    _round, _org, conversations = started
    c = conversations["p-l0-0"]
    with tenant_scope(c.municipality):
        plan = plan_create(conversation=c)
    with unscoped("test"):
        FollowUp.objects.create(
            municipality_id=c.municipality_id,
            plan=plan,
            date=datetime.date(2027, 3, 1),
            title=f"Opfølgning {CANARY_ANSWER}",
        )
    assert send_reminders(today=datetime.date(2027, 2, 20))["follow_up_due"] == 0
    assert send_reminders(today=datetime.date(2027, 2, 23))["follow_up_due"] == 2
    follow_ups = [m for m in mail.outbox if "opfølgning" in m.subject]
    assert {m.to[0] for m in follow_ups} == {c.leader.email, c.leaders_leader.email}
    assert CANARY_ANSWER not in _bodies()
    assert f"/lus/{c.pk}/" in _bodies()
    assert send_reminders(today=datetime.date(2027, 2, 24))["follow_up_due"] == 0
