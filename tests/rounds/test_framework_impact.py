"""The review page's "who gets this version": which rounds and how many conversations get a
framework version when HR publishes it, and which stay on the version they have."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lus.frameworks.services import framework_version_create_draft
from lus.rounds.framework_impact import round_impact
from lus.rounds.services import round_start
from lus.tenants.scoping import tenant_scope
from tests.conversations.factories import make_conversation, make_version
from tests.factories import HRFactory, UserFactory
from tests.rounds.factories import make_org, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions(haderslev):
    """The version in use and HR's draft of the next one."""
    current = make_version(haderslev)
    hr = HRFactory(municipality=haderslev)
    with tenant_scope(haderslev):
        draft = framework_version_create_draft(version=current, by=hr)
    return current, draft, hr


def _impact(version):
    with tenant_scope(version.municipality):
        return round_impact(version)


def test_without_a_round_it_says_none_is_planned(versions):
    _current, draft, _hr = versions
    assert _impact(draft) == ["Der er ikke planlagt nogen LUS-runde endnu."]


def test_a_planned_round_counts_the_conversations_it_will_create(haderslev, versions):
    current, draft, _hr = versions
    director, org = make_org(haderslev, units=[("Skoler", 3), ("Ældre", 2)])
    _unit, _chef, leaders = org["Skoler"]
    make_round(haderslev, year=2027)
    # One leader already has next year's LUS; the director (and HR) have no leader's leader:
    # none of them gets a new conversation (5 leaders + 2 chefs, less that one = 6).
    make_conversation(leaders[0], version=current, year=2027)
    lines = _impact(draft)
    assert lines == [
        "LUS-runde 2027 (ikke startet endnu): 6 samtaler får denne version, når runden startes."
    ]
    # The number is what starting the round then creates.
    with tenant_scope(haderslev):
        lus_round = make_round(haderslev, year=2028)
        assert any(": 7 samtaler får" in line for line in round_impact(draft))
        result = round_start(lus_round=lus_round)
    assert len(result.created) == 7 and director in result.without_manager


def test_one_conversation_is_singular(haderslev, versions):
    _current, draft, _hr = versions
    chef = UserFactory(municipality=haderslev, username="chef")
    UserFactory(municipality=haderslev, username="leder", manager=chef)
    make_round(haderslev, year=2027)
    # The chef has no leader's leader: only the leader gets a conversation.
    assert _impact(draft) == [
        "LUS-runde 2027 (ikke startet endnu): 1 samtale får denne version, når runden startes."
    ]


def test_a_started_round_stays_on_its_version(haderslev, versions):
    current, draft, _hr = versions
    make_org(haderslev, units=[("Skoler", 2)])
    lus_round = make_round(haderslev, year=2026, version=current)
    with tenant_scope(haderslev):
        round_start(lus_round=lus_round)
    # 2 leaders + their chef (the director has no leader's leader).
    assert _impact(draft) == ["LUS-runde 2026 er startet: dens 3 samtaler bliver på version 1."]


def test_a_round_set_to_another_version_keeps_it(haderslev, versions):
    current, draft, _hr = versions
    make_org(haderslev, units=[("Skoler", 2)])
    make_round(haderslev, year=2027, version=current)
    assert _impact(draft) == ["LUS-runde 2027 (ikke startet endnu) er sat til at bruge version 1."]
    # ... and that version is told it is the one the round gets.
    assert _impact(current) == [
        "LUS-runde 2027 (ikke startet endnu): 3 samtaler får denne version, når runden startes."
    ]


def test_other_municipalities_rounds_are_not_counted(haderslev, randers, versions):
    _current, draft, _hr = versions
    make_org(randers, units=[("Skoler", 2)], prefix="r")
    make_round(randers, year=2027)
    assert _impact(draft) == ["Der er ikke planlagt nogen LUS-runde endnu."]


def test_the_review_page_shows_who_gets_the_version(client, haderslev, versions):
    _current, draft, hr = versions
    make_org(haderslev, units=[("Skoler", 2)])
    make_round(haderslev, year=2027)
    client.force_login(hr)
    page = client.get(reverse("admin:frameworks_review", args=[draft.pk])).content.decode()
    assert "LUS-runde 2027 (ikke startet endnu): 3 samtaler får denne version" in page
