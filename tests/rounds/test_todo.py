"""HR's to-do list: who lacks a LUS, is not invited, has not prepared, is overdue — per unit,
with names and dates only; bulk "create LUS" and "remind now" (preview first) with a history
of what was sent to whom, when, and whether it failed."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from lus.conversations.models import Conversation
from lus.rounds.models import SentReminder
from lus.rounds.services import round_start
from lus.tenants.scoping import tenant_scope, unscoped
from tests.conversations.factories import make_version
from tests.factories import HRFactory, LeaderFactory
from tests.rounds.factories import CANARY_ANSWER, make_org, make_round, share_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(haderslev):
    make_version(haderslev)
    _director, org = make_org(haderslev, units=[("Skoler", 2), ("Børn og Familie", 1)])
    lus_round = make_round(haderslev, deadline=datetime.date(2026, 12, 15))
    with tenant_scope(haderslev):
        round_start(lus_round=lus_round)
        conversations = {
            c.leader.username: c for c in Conversation.objects.select_related("leader")
        }
    unit, chef, _leaders = org["Børn og Familie"]
    late = [
        LeaderFactory(
            municipality=haderslev,
            username=f"late-{n}",
            name=f"Sen Leder {n}",
            manager=chef,
            org_unit=unit,
        )
        for n in range(2)
    ]
    share_answers(conversations["p-l0-0"], 4)  # prepared, with canary answers
    with unscoped("test"):
        Conversation.objects.filter(pk=conversations["p-l0-1"].pk).update(status="invited")
    hr = HRFactory(municipality=haderslev, username="hr1", name="Hanne HR")
    return lus_round, org, hr, conversations, late


def _todo(client, lus_round):
    response = client.get(reverse("rounds:todo", args=[lus_round.pk]))
    assert response.status_code == 200
    return response


def test_todo_names_who_needs_what_per_unit(client, started):
    lus_round, _org, hr, _conversations, _late = started
    client.force_login(hr)
    response = _todo(client, lus_round)
    units = {u.name: u for u in response.context["units"]}
    bf = units["Børn og Familie"].lists
    assert bf["no_lus"].count == 2
    assert {p.name for p in bf["no_lus"].rows} == {"Sen Leder 0", "Sen Leder 1"}
    assert {c.leader.name for c in units["Skoler"].lists["not_prepared"].rows} == {
        "Leder Skoler 001"
    }
    page = response.content.decode()
    assert "Sen Leder 0" in page and 'id="count-no_lus">2<' in page
    assert CANARY_ANSWER not in page


def test_todo_is_hr_only(client, started, randers, leader):
    lus_round, *_ = started
    for person in (leader, HRFactory(municipality=randers, username="hr-randers")):
        client.force_login(person)
        assert client.get(reverse("rounds:todo", args=[lus_round.pk])).status_code == 404
        response = client.post(reverse("rounds:remind", args=[lus_round.pk]), {"conversation": 1})
        assert response.status_code == 404


def test_create_lus_for_the_chosen(client, started, haderslev):
    lus_round, _org, hr, _c, late = started
    client.force_login(hr)
    response = client.post(
        reverse("rounds:create_selected", args=[lus_round.pk]), {"leader": [late[0].pk, "x"]}
    )
    assert response.status_code == 302
    with tenant_scope(haderslev):
        assert Conversation.objects.filter(leader=late[0], year=2026).exists()
        assert not Conversation.objects.filter(leader=late[1]).exists()
    units = {u.name: u for u in _todo(client, lus_round).context["units"]}
    assert units["Børn og Familie"].lists["no_lus"].count == 1


def test_remind_now_previews_then_sends_and_records(
    client, started, haderslev, django_capture_on_commit_callbacks
):
    lus_round, _org, hr, conversations, _late = started
    client.force_login(hr)
    url = reverse("rounds:remind", args=[lus_round.pk])
    chosen = [conversations["p-l0-1"].pk, conversations["p-l1-0"].pk, conversations["p-l0-0"].pk]
    preview = client.post(url, {"conversation": chosen})
    assert preview.status_code == 200 and not mail.outbox
    page = preview.content.decode()
    # the invited leader is reminded to prepare; the not-invited one's leader to invite;
    # the prepared one is skipped
    assert len(preview.context["mails"]) == 2
    assert "Husk at forberede" in page or "forbered" in page
    assert CANARY_ANSWER not in page
    key = preview.context["key"]
    # Sent by a task worker after the commit: HR is told the mails are on their way.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sent = client.post(url, {"conversation": chosen, "send": "1", "key": key}, follow=True)
    assert sent.status_code == 200 and not mail.outbox and len(callbacks) == 1
    assert "2 påmindelser sendes" in sent.content.decode()
    callbacks[0]()
    assert len(mail.outbox) == 2
    assert all(CANARY_ANSWER not in m.body for m in mail.outbox)
    with tenant_scope(haderslev):
        rows = list(SentReminder.objects.all())
    assert len(rows) == 2 and all(r.sent_by == hr and r.status == "sent" for r in rows)
    history = _todo(client, lus_round).content.decode()
    assert "Hanne HR" in history and 'id="reminder-history"' in history


def test_a_failed_mail_is_in_the_history(
    client, started, haderslev, monkeypatch, django_capture_on_commit_callbacks
):
    lus_round, _org, hr, conversations, _late = started
    from lus.rounds import reminders

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(reminders, "send_mail", broken)
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("rounds:remind", args=[lus_round.pk]),
            {"conversation": [conversations["p-l0-1"].pk], "send": "1"},
        )
    with tenant_scope(haderslev):
        (row,) = SentReminder.objects.all()
    assert row.status == "failed" and row.sent_by == hr
    assert "Fejlet" in _todo(client, lus_round).content.decode()


def test_the_same_preview_sent_twice_sends_each_mail_once(
    client, started, haderslev, django_capture_on_commit_callbacks
):
    """A double click on "Send now", or the form sent again with the back button."""
    lus_round, _org, hr, conversations, _late = started
    client.force_login(hr)
    url = reverse("rounds:remind", args=[lus_round.pk])
    chosen = [conversations["p-l0-1"].pk, conversations["p-l1-0"].pk]
    key = client.post(url, {"conversation": chosen}).context["key"]
    for _n in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"conversation": chosen, "send": "1", "key": key})
        assert response.status_code == 302
    assert len(mail.outbox) == 2
    with tenant_scope(haderslev):
        assert SentReminder.objects.filter(status="sent").count() == 2
    # A new preview is a new batch: HR may remind the same people again later.
    key2 = client.post(url, {"conversation": chosen}).context["key"]
    assert key2 != key
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"conversation": chosen, "send": "1", "key": key2})
    assert len(mail.outbox) == 4


@pytest.mark.parametrize("key", ["", "x" * 32, "../../etc", "A" * 32, "0" * 500])
def test_remind_now_with_a_bad_key_still_sends_once(
    client, started, key, django_capture_on_commit_callbacks
):
    lus_round, _org, hr, conversations, _late = started
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("rounds:remind", args=[lus_round.pk]),
            {"conversation": [conversations["p-l0-1"].pk], "send": "1", "key": key},
        )
    assert response.status_code == 302 and len(mail.outbox) == 1


def test_remind_now_task_skips_what_changed_meanwhile(started, haderslev):
    """The worker looks again: a leader who prepared after HR pressed "send" is not reminded,
    and a round or person deleted meanwhile sends nothing."""
    from lus.rounds.reminders import reminders_now_run

    lus_round, _org, hr, conversations, _late = started
    with unscoped("test"):
        Conversation.objects.filter(pk=conversations["p-l0-1"].pk).update(status="shared")
    ids = [conversations["p-l0-1"].pk]
    assert not reminders_now_run(
        round_id=lus_round.pk, conversation_ids=ids, actor_id=hr.pk, key=""
    )
    assert not mail.outbox
    assert not reminders_now_run(round_id=0, conversation_ids=ids, actor_id=hr.pk, key="")


def test_todo_page_queries_do_not_grow_with_the_round(
    client, started, haderslev, django_assert_max_num_queries
):
    lus_round, org, hr, _conversations, _late = started
    client.force_login(hr)
    _todo(client, lus_round)
    unit, chef, _leaders = org["Skoler"]
    for n in range(15):
        LeaderFactory(municipality=haderslev, username=f"extra-{n}", manager=chef, org_unit=unit)
    with tenant_scope(haderslev):
        round_start(lus_round=lus_round)
    with django_assert_max_num_queries(16):
        _todo(client, lus_round)
