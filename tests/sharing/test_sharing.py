"""Sharing chosen development points (Randers' øvebaner) with named leader colleagues: the
leader's explicit choice, revocable, audited, and nothing else of the LUS visible to them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lus.audit.models import AuditEvent
from lus.conversations.models import Answer, Preparation, SectionNote
from lus.frameworks.models import Question
from lus.plans import services as plan_services
from lus.plans.models import Plan, PlanValue
from lus.sharing.models import ItemShare
from lus.sharing.services import sharing_policy_set
from lus.tenants.scoping import tenant_scope, unscoped
from tests.documents.factories import GOAL, POINT, approve, make_agreed_conversation
from tests.factories import HRFactory, LeaderFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

OTHER_POINT = "Hemmeligt andet punkt om min trivsel"
NOTE = "Hemmelig samtalenote om sygefravær"
ANSWER = "Hemmeligt svar fra forberedelsen"


@pytest.fixture
def world(randers):
    """A Randers leader with an agreed plan of two points (one carries the shared field "Mål"),
    a note and a preparation answer; a colleague; HR; sharing enabled with "Mål"."""
    with tenant_scope(randers):
        sharing_policy_set(municipality=randers, enabled=True, shared_fields="Mål")
    leader = LeaderFactory(municipality=randers)
    colleague = LeaderFactory(municipality=randers, manager=leader.manager)
    conversation = make_agreed_conversation(leader, agree=False)
    with tenant_scope(randers):
        plan = Plan.objects.get(conversation=conversation)
        plan_services.plan_item_add(plan=plan, title=OTHER_POINT, year=conversation.year)
        SectionNote.objects.create(
            municipality=randers,
            conversation=conversation,
            section=conversation.version.sections.first(),
            text=NOTE,
        )
        preparation, _ = Preparation.objects.get_or_create(
            municipality=randers, conversation=conversation, role="leader"
        )
        question = Question.objects.filter(section__version=conversation.version).first()
        Answer.objects.create(
            municipality=randers, preparation=preparation, question=question, text=ANSWER
        )
        approve(conversation)
        point = plan.items.get(title=POINT)
    return {
        "municipality": randers,
        "leader": leader,
        "colleague": colleague,
        "conversation": conversation,
        "point": point,
        "hr": HRFactory(municipality=randers),
    }


def as_(person) -> Client:
    """A fresh browser of the person (no messages left over from another person's session)."""
    client = Client()
    client.force_login(person)
    return client


def share(client, world, colleague=None):
    client.force_login(world["leader"])
    return client.post(
        reverse("sharing:mine"),
        {"item": world["point"].pk, "colleague": (colleague or world["colleague"]).pk},
    )


def test_the_colleague_sees_only_the_chosen_points_title_and_policy_fields(client, world):
    assert share(client, world).status_code == 302
    colleague = as_(world["colleague"])
    page = colleague.get(reverse("sharing:shared_with_me")).content.decode()
    assert POINT.split(" \u2013")[0] in page
    assert GOAL.split(" \u2013")[0] in page  # the field the policy names
    for secret in (OTHER_POINT, NOTE, ANSWER, "Den gode dialog", "Kursus i budget", "1:1"):
        assert secret not in page
    # and nothing of the conversation itself opens for the colleague
    c = world["conversation"]
    for name in ("conversations:detail", "plans:plan", "plans:conduct", "statustalks:index"):
        assert colleague.get(reverse(name, args=[c.pk])).status_code == 404


def test_revoking_removes_access_at_once_and_both_are_audited(client, world):
    share(client, world)
    with unscoped("test"):
        s = ItemShare.objects.get()
    response = client.post(reverse("sharing:revoke", args=[s.pk]))
    assert response.status_code == 302
    page = as_(world["colleague"]).get(reverse("sharing:shared_with_me")).content.decode()
    assert POINT.split(" \u2013")[0] not in page
    assert "Ingen kolleger deler øvebaner med dig" in page
    with unscoped("test"):
        actions = list(
            AuditEvent.objects.filter(subject=world["leader"])
            .order_by("pk")
            .values_list("action", flat=True)
        )
        assert "share_plan_item" in actions and "revoke_plan_item_share" in actions
        assert not ItemShare.objects.exists()


def test_the_colleagues_read_shows_in_who_has_seen_my_lus(client, world):
    share(client, world)
    client.force_login(world["colleague"])
    client.get(reverse("sharing:shared_with_me"))
    with unscoped("test"):
        read = AuditEvent.objects.get(action="view_shared_points")
    assert read.actor_id == world["colleague"].pk and read.subject_id == world["leader"].pk
    assert read.role == "other"
    client.force_login(world["leader"])
    page = client.get(reverse("audit:my_log")).content.decode()
    assert "Læste de udviklingspunkter, du deler" in page


def test_only_the_leader_shares_and_only_the_leader_revokes(client, world):
    share(client, world)
    with unscoped("test"):
        s = ItemShare.objects.get()
    for person in (world["colleague"], world["leader"].manager, world["hr"]):
        client.force_login(person)
        assert client.post(reverse("sharing:revoke", args=[s.pk])).status_code == 404
        # another person cannot share the leader's point either
        response = client.post(
            reverse("sharing:mine"), {"item": world["point"].pk, "colleague": person.pk}
        )
        assert response.status_code == 404
    with unscoped("test"):
        assert ItemShare.objects.count() == 1


def test_hr_sees_nothing_and_cannot_be_chosen(client, world):
    share(client, world)
    page = as_(world["hr"]).get(reverse("sharing:shared_with_me")).content.decode()
    assert POINT.split(" \u2013")[0] not in page
    client.force_login(world["leader"])
    mine = client.get(reverse("sharing:mine")).content.decode()
    assert world["hr"].name not in mine
    response = share(client, world, colleague=world["hr"])
    assert response.status_code == 400
    client.force_login(world["hr"])
    response = client.get("/admin/sharing/sharingpolicy/")
    assert response.status_code == 200
    assert POINT.split(" \u2013")[0] not in response.content.decode()


def test_another_municipality_sees_nothing_and_cannot_be_chosen(client, world):
    foreign = LeaderFactory(municipality=MunicipalityFactory(slug="norddjurs"))
    with tenant_scope(foreign.municipality):
        sharing_policy_set(municipality=foreign.municipality, enabled=True, shared_fields="Mål")
    assert share(client, world, colleague=foreign).status_code == 400
    share(client, world)
    client = as_(foreign)
    page = client.get(reverse("sharing:shared_with_me")).content.decode()
    assert POINT.split(" \u2013")[0] not in page
    with unscoped("test"):
        s = ItemShare.objects.get()
    assert client.post(reverse("sharing:revoke", args=[s.pk])).status_code == 404


def test_only_where_the_municipality_enables_it(client, world):
    share(client, world)
    with tenant_scope(world["municipality"]):
        sharing_policy_set(municipality=world["municipality"], enabled=False)
    client.force_login(world["colleague"])
    assert client.get(reverse("sharing:shared_with_me")).status_code == 404
    client.force_login(world["leader"])
    assert client.get(reverse("sharing:mine")).status_code == 404
    assert "sharing-mine-link" not in client.get(reverse("home")).content.decode()


def test_a_reopened_plan_is_not_shown_until_agreed_again(client, world):
    share(client, world)
    with tenant_scope(world["municipality"]):
        plan = Plan.objects.get(conversation=world["conversation"])
        Plan.objects.filter(pk=plan.pk).update(agreed_at=None)
    page = as_(world["colleague"]).get(reverse("sharing:shared_with_me")).content.decode()
    assert POINT.split(" \u2013")[0] not in page


def test_only_points_of_an_agreed_plan_can_be_shared(client, randers):
    with tenant_scope(randers):
        sharing_policy_set(municipality=randers, enabled=True)
    leader = LeaderFactory(municipality=randers)
    colleague = LeaderFactory(municipality=randers)
    conversation = make_agreed_conversation(leader, agree=False)
    with unscoped("test"):
        item = Plan.objects.get(conversation=conversation).items.get()
    client.force_login(leader)
    response = client.post(reverse("sharing:mine"), {"item": item.pk, "colleague": colleague.pk})
    assert response.status_code == 404  # not offered at all
    with unscoped("test"):
        assert not ItemShare.objects.exists()


def test_the_start_page_links_and_my_data(client, world):
    share(client, world)
    client.force_login(world["colleague"])
    home = client.get(reverse("home")).content.decode()
    assert "sharing-mine-link" in home and "sharing-received-link" in home
    client.force_login(world["leader"])
    page = client.get(reverse("sharing:mine")).content.decode()
    assert f"Stop deling med {world['colleague'].name}" in page
    from lus.sharing.mydata import shared_points

    with tenant_scope(world["municipality"]):
        mine = shared_points(world["leader"])
        theirs = shared_points(world["colleague"])
    assert mine[0]["point"] == POINT and mine[0]["shared_with"] == world["colleague"].name
    assert theirs[0]["point"] is None  # the leader's text is the leader's data


def test_sharing_twice_is_refused_in_danish(world):
    from django.core.exceptions import ValidationError

    from lus.sharing.services import item_share

    with tenant_scope(world["municipality"]):
        item_share(item=world["point"], colleague=world["colleague"], actor=world["leader"])
        with pytest.raises(ValidationError):
            item_share(item=world["point"], colleague=world["colleague"], actor=world["leader"])
        assert ItemShare.objects.count() == 1
        assert PlanValue.objects.filter(item=world["point"]).exists()


@pytest.fixture
def large(world, monkeypatch):
    """The world as a municipality with more colleagues than a list can show: a search by name.
    (The limits are lowered so a handful of people stand for thousands.)"""
    from lus.sharing import selectors

    monkeypatch.setattr(selectors, "PICK_LIMIT", 1)
    monkeypatch.setattr(selectors, "SEARCH_LIMIT", 2)
    return world


def _search(client, world, q):
    client.force_login(world["leader"])
    return client.get(reverse("sharing:mine"), {"item": world["point"].pk, "q": q})


def test_a_large_municipality_finds_the_colleague_by_name_instead_of_a_list(client, large):
    client.force_login(large["leader"])
    page = client.get(reverse("sharing:mine")).content.decode()
    assert 'name="colleague"' not in page and large["colleague"].name not in page
    assert f'id="colleague-q-{large["point"].pk}"' in page
    surname = large["colleague"].name.split()[-1]
    response = _search(client, large, surname.lower())
    body = response.content.decode()
    assert response.status_code == 200
    assert f'value="{large["colleague"].pk}"' in body and "Vælg, hvem du deler med" in body
    # The one match is chosen already; sharing keeps the search with the form.
    response = client.post(
        reverse("sharing:mine"),
        {"item": large["point"].pk, "q": surname, "colleague": large["colleague"].pk},
    )
    assert response.status_code == 302
    with unscoped("test"):
        assert ItemShare.objects.get().colleague == large["colleague"]
    # Shared already: no longer offered for this point.
    assert (
        f'value="{large["colleague"].pk}"' not in _search(client, large, surname).content.decode()
    )


def test_the_search_offers_no_hr_no_other_municipality_and_says_so(client, large):
    foreign = LeaderFactory(municipality=MunicipalityFactory(slug="norddjurs"), name="Ulla Fremmed")
    for name in (large["hr"].name, foreign.name):
        body = _search(client, large, name).content.decode()
        assert f"Ingen lederkollega i din kommune passer på “{name}”." in body
        assert 'name="colleague"' not in body


def test_an_empty_search_is_refused_at_the_field(client, large):
    response = _search(client, large, "  ")
    assert response.status_code == 400
    body = response.content.decode()
    field = body.split(f'id="colleague-q-{large["point"].pk}"')[0].rsplit("<input", 1)[1]
    assert "is-invalid" in field
    assert "Skriv en del af kollegaens navn." in body


def test_many_matches_show_the_first_and_ask_for_more(client, large, randers):
    for first in ("Anna", "Bente", "Carl"):
        LeaderFactory(municipality=randers, name=f"{first} Søgesen")
    body = _search(client, large, "søgesen").content.decode()
    assert body.count('name="colleague"') == 2
    assert "Viser de første 2. Skriv mere af navnet" in body


def test_a_failed_share_keeps_the_search(client, large):
    surname = large["colleague"].name.split()[-1]
    client.force_login(large["leader"])
    response = client.post(reverse("sharing:mine"), {"item": large["point"].pk, "q": surname})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Vælg en lederkollega fra din kommune." in body
    assert f'value="{large["colleague"].pk}"' in body
