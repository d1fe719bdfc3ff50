"""Org change mid-year: HR proposes handing a leader's open LUS over to the new leader's leader;
only when the leader accepts does the new one get access and the old one lose it. Every step is
recorded, audited and mailed (no content)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from lus.audit.models import AuditEvent
from lus.conversations.models import Conversation
from lus.rounds.models import LeadersLeaderHandover
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
    assert old_chef.name in page and f"Foreslå overdragelse til {new_chef.name}" in page
    assert CANARY_ANSWER not in page  # status only, never answers
    # The leader whose leader did not change is not offered.
    assert "Leder Skoler 001" not in page


def _answer(client, leader, handover, decision):
    client.force_login(leader)
    return client.post(reverse("handover:answer", args=[handover.pk]), {"decision": decision})


def _propose(client, hr, conversation, reason=""):
    client.force_login(hr)
    return client.post(URL, {"conversation": conversation.pk, "reason": reason})


def test_a_proposal_moves_nothing_until_the_leader_accepts(
    client, moved, django_capture_on_commit_callbacks
):
    conversation, old_chef, new_chef, hr = moved
    with django_capture_on_commit_callbacks(execute=True):
        response = _propose(client, hr, conversation, "Ny struktur")
    assert response.status_code == 302
    page = client.get(URL).content.decode()
    assert "Venter på lederens svar" in page and "Ny struktur" in page
    # Nothing has moved: the content stays with whom it was shared.
    assert _detail(client, new_chef, conversation).status_code == 404
    assert _detail(client, old_chef, conversation).status_code == 200
    with tenant_scope(conversation.municipality):
        proposal = LeadersLeaderHandover.objects.get()
        assert proposal.status == "pending"
        assert (
            proposal.from_leaders_leader,
            proposal.to_leaders_leader,
            proposal.handed_over_by,
        ) == (
            old_chef,
            new_chef,
            hr,
        )
        assert AuditEvent.objects.filter(
            action="propose_handover", actor=hr, subject=conversation.leader, role="hr"
        ).exists()
    # The leader is asked by e-mail, with a link and without content.
    (message,) = mail.outbox
    assert message.to == [conversation.leader.email]
    assert reverse("handover:answer", args=[proposal.pk]) in message.body
    assert CANARY_ANSWER not in message.body and "Nina Nychef" in message.body
    # ... on the start page, and in "Hvem har set min LUS".
    client.force_login(conversation.leader)
    assert "Svar på forslaget" in client.get(reverse("home")).content.decode()
    log = client.get(reverse("audit:my_log")).content.decode()
    assert "Foreslog at overdrage din LUS" in log and hr.name in log


def test_the_leader_accepts_and_access_moves(client, moved, django_capture_on_commit_callbacks):
    conversation, old_chef, new_chef, hr = moved
    _propose(client, hr, conversation)
    with tenant_scope(conversation.municipality):
        proposal = LeadersLeaderHandover.objects.get()
    page = client.get(reverse("handover:answer", args=[proposal.pk]))
    assert page.status_code == 404  # HR does not answer for the leader
    client.force_login(conversation.leader)
    page = client.get(reverse("handover:answer", args=[proposal.pk])).content.decode()
    assert "Hvis du accepterer, kan Nina Nychef se" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _answer(client, conversation.leader, proposal, "accept")
    assert response.status_code == 302
    assert _detail(client, new_chef, conversation).status_code == 200
    assert _detail(client, old_chef, conversation).status_code == 404
    assert sorted(m.to[0] for m in mail.outbox) == sorted([new_chef.email, old_chef.email])
    assert all(CANARY_ANSWER not in m.body for m in mail.outbox)
    with tenant_scope(conversation.municipality):
        proposal.refresh_from_db()
        assert proposal.status == "accepted" and proposal.decided_at is not None
    # Answered once: a second answer is a clear 409.
    again = _answer(client, conversation.leader, proposal, "decline")
    assert again.status_code == 409 and "allerede besvaret" in again.content.decode()


def test_the_leader_declines_and_nothing_moves(client, moved, django_capture_on_commit_callbacks):
    conversation, old_chef, new_chef, hr = moved
    _propose(client, hr, conversation)
    with tenant_scope(conversation.municipality):
        proposal = LeadersLeaderHandover.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert _answer(client, conversation.leader, proposal, "decline").status_code == 302
    assert _detail(client, old_chef, conversation).status_code == 200
    assert _detail(client, new_chef, conversation).status_code == 404
    (message,) = mail.outbox
    assert message.to == [hr.email] and "afvist" in message.body
    client.force_login(hr)
    assert "afvist af lederen" in client.get(URL).content.decode()


@pytest.mark.parametrize("who", ["old", "new", "hr", "other_leader"])
def test_only_the_leader_answers(client, moved, who):
    conversation, old_chef, new_chef, hr = moved
    _propose(client, hr, conversation)
    with tenant_scope(conversation.municipality):
        proposal = LeadersLeaderHandover.objects.get()
        other = type(hr).objects.get(username="p-l0-1")
    user = {"old": old_chef, "new": new_chef, "hr": hr, "other_leader": other}[who]
    assert _answer(client, user, proposal, "accept").status_code == 404
    assert _detail(client, new_chef, conversation).status_code == 404


def test_a_changed_hierarchy_after_the_proposal_is_not_accepted(client, moved):
    conversation, _old, new_chef, hr = moved
    _propose(client, hr, conversation)
    with tenant_scope(conversation.municipality):
        proposal = LeadersLeaderHandover.objects.get()
    with unscoped("test: another org change"):
        type(hr)._base_manager.filter(pk=conversation.leader_id).update(manager=hr)
    response = _answer(client, conversation.leader, proposal, "accept")
    assert response.status_code == 409
    assert "nuværende leders leder" in response.content.decode()
    assert _detail(client, new_chef, conversation).status_code == 404
    assert _detail(client, hr, conversation).status_code == 404


def test_nobody_hands_a_conversation_over_to_themselves(client, moved, haderslev):
    """Even where someone else made HR the leader's leader: HR's own proposal is refused;
    a colleague's proposal (four eyes) still needs the leader's yes."""
    conversation, _old, _new, hr = moved
    with unscoped("test: the platform admin made HR the leader's leader"):
        type(hr)._base_manager.filter(pk=conversation.leader_id).update(manager=hr)
    client.force_login(hr)
    page = client.get(URL).content.decode()
    assert "en anden HR-medarbejder må foreslå" in page
    response = _propose(client, hr, conversation)
    assert response.status_code == 400
    assert "ikke overdrage en samtale til dig selv" in response.content.decode()
    with tenant_scope(haderslev):
        assert not LeadersLeaderHandover.objects.exists()
    colleague = HRFactory(municipality=haderslev, username="hr-kollega")
    assert _propose(client, colleague, conversation).status_code == 302
    assert _detail(client, hr, conversation).status_code == 404  # not before the leader's yes


def test_the_database_refuses_a_proposal_to_its_proposer(moved):
    from django.db import IntegrityError, transaction

    conversation, old_chef, _new, hr = moved
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        tenant_scope(conversation.municipality),
    ):
        LeadersLeaderHandover.objects.create(
            municipality=conversation.municipality,
            conversation=conversation,
            from_leaders_leader=old_chef,
            to_leaders_leader=hr,
            handed_over_by=hr,
        )


def test_a_new_proposal_replaces_an_unanswered_one(client, moved, haderslev):
    conversation, _old, new_chef, hr = moved
    _propose(client, hr, conversation)
    newer = UserFactory(municipality=haderslev, username="nyere-chef", name="Niels Nyere")
    with unscoped("test: another org change"):
        type(hr)._base_manager.filter(pk=conversation.leader_id).update(manager=newer)
    assert _propose(client, hr, conversation).status_code == 302
    with tenant_scope(haderslev):
        assert dict(LeadersLeaderHandover.objects.values_list("to_leaders_leader", "status")) == {
            new_chef.pk: "superseded",
            newer.pk: "pending",
        }


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
        assert Conversation.objects.get(pk=conversation.pk).leaders_leader == old_chef


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
