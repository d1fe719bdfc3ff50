"""Org change mid-year: HR hands a leader's open LUS over to the new leader's leader, who gets
access while the old one loses it; the handover is recorded, audited and mailed (no content)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from lus.audit.models import AuditEvent
from lus.conversations.models import Conversation
from lus.rounds.models import ConductorHandover
from lus.rounds.services import round_start
from lus.tenants.scoping import tenant_scope, unscoped
from tests.conversations.factories import make_version
from tests.factories import HRFactory, UserFactory
from tests.rounds.factories import CANARY_ANSWER, make_org, make_round, share_answers

pytestmark = pytest.mark.django_db
URL = reverse("rounds:handover")


@pytest.fixture
def moved(haderslev, django_capture_on_commit_callbacks):
    """Leader p-l0-0 moves from chef 0 to a new chef after the round started."""
    make_version(haderslev)
    director, org = make_org(haderslev, units=[("Skoler", 2)])
    _unit, old_chef, leaders = org["Skoler"]
    with tenant_scope(haderslev):
        round_start(lus_round=make_round(haderslev, deadline=datetime.date(2026, 12, 15)))
        conversation = Conversation.objects.get(leader=leaders[0])
    share_answers(conversation, 2)
    new_chef = UserFactory(
        municipality=haderslev, username="ny-chef", name="Nina Nychef", manager=director
    )
    with unscoped("test: org change"):
        type(leaders[0])._base_manager.filter(pk=leaders[0].pk).update(manager=new_chef)
    hr = HRFactory(municipality=haderslev, username="hr-ho")
    return conversation, old_chef, new_chef, hr


def _detail(client, user, conversation):
    client.force_login(user)
    return client.get(reverse("conversations:detail", args=[conversation.pk]))


def test_hr_sees_the_open_conversation_with_old_and_new_leaders_leader(client, moved):
    conversation, old_chef, new_chef, hr = moved
    client.force_login(hr)
    page = client.get(URL).content.decode()
    assert conversation.leader.name in page
    assert old_chef.name in page and f"Overdrag til {new_chef.name}" in page
    assert CANARY_ANSWER not in page  # status only, never answers
    # The leader whose leader did not change is not offered.
    assert "Leder Skoler 001" not in page


def test_handover_moves_access_records_audits_and_mails(
    client, moved, django_capture_on_commit_callbacks
):
    conversation, old_chef, new_chef, hr = moved
    assert _detail(client, new_chef, conversation).status_code == 404
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"conversation": conversation.pk, "reason": "Ny struktur"})
    assert response.status_code == 302
    page = client.get(URL).content.decode()
    assert "er nu hos Nina Nychef" in page and "Ny struktur" in page

    assert _detail(client, new_chef, conversation).status_code == 200
    assert _detail(client, old_chef, conversation).status_code == 404
    with tenant_scope(conversation.municipality):
        record = ConductorHandover.objects.get()
        assert (record.from_conductor, record.to_conductor, record.handed_over_by) == (
            old_chef,
            new_chef,
            hr,
        )
        assert AuditEvent.objects.filter(action="hand_over_conversation", actor=hr).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [new_chef.email, conversation.leader.email]
    )
    assert all(CANARY_ANSWER not in m.body for m in mail.outbox)
    assert any("din nye leder" in m.body for m in mail.outbox)


def test_a_second_post_of_the_same_handover_is_a_clear_400(client, moved):
    conversation, _old, _new, hr = moved
    client.force_login(hr)
    assert client.post(URL, {"conversation": conversation.pk}).status_code == 302
    again = client.post(URL, {"conversation": conversation.pk})
    assert again.status_code == 400
    assert "kan ikke overdrages" in again.content.decode()
    with tenant_scope(conversation.municipality):
        assert ConductorHandover.objects.count() == 1


def test_agreed_plans_stay_with_who_held_them(client, moved):
    conversation, old_chef, _new, hr = moved
    with unscoped("test"):
        Conversation.objects.filter(pk=conversation.pk).update(status="plan_agreed")
    client.force_login(hr)
    assert conversation.leader.name not in client.get(URL).content.decode()
    assert client.post(URL, {"conversation": conversation.pk}).status_code == 400
    assert _detail(client, old_chef, conversation).status_code == 200


@pytest.mark.parametrize("who", ["leader", "old", "new", "foreign_hr"])
def test_only_hr_of_the_municipality_may_hand_over(client, moved, randers, who):
    conversation, old_chef, new_chef, _hr = moved
    user = {
        "leader": conversation.leader,
        "old": old_chef,
        "new": new_chef,
        "foreign_hr": HRFactory(municipality=randers, username="fhr-ho"),
    }[who]
    client.force_login(user)
    response = client.post(URL, {"conversation": conversation.pk})
    assert response.status_code in (404, 400)
    with tenant_scope(conversation.municipality):
        assert Conversation.objects.get(pk=conversation.pk).conductor == old_chef


def test_the_page_costs_a_constant_number_of_queries(
    client, moved, haderslev, django_assert_max_num_queries
):
    *_rest, hr = moved
    client.force_login(hr)
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200


def test_an_empty_post_names_the_missing_choice(client, moved):
    *_rest, hr = moved
    client.force_login(hr)
    response = client.post(URL, {})
    assert response.status_code == 400
    assert "Vælg den samtale, der skal overdrages." in response.content.decode()
