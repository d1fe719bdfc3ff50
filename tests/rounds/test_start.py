"""Starting a LUS round: one conversation per leader, idempotent, later leaders added, leaders
without a leader's leader reported; the admin action and ``manage.py start_round``."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from lus.conversations.models import Conversation
from lus.rounds.models import LusRound
from lus.rounds.services import round_start
from lus.tenants.scoping import tenant_scope, unscoped
from tests.conversations.factories import make_version
from tests.factories import HRFactory, OrgUnitFactory, UserFactory
from tests.rounds.factories import make_org, make_round

pytestmark = pytest.mark.django_db


def _conversations(municipality, year=2026):
    with tenant_scope(municipality):
        return list(
            Conversation.objects.filter(year=year).select_related(
                "leader", "leaders_leader", "version"
            )
        )


def test_start_creates_one_conversation_per_leader_with_their_manager(haderslev):
    version = make_version(haderslev)
    director, _org = make_org(haderslev, units=[("Skoler", 3), ("Ældre", 2)])
    lus_round = make_round(haderslev)
    with tenant_scope(haderslev):
        result = round_start(lus_round=lus_round)
    conversations = _conversations(haderslev)
    # 5 leaders + 2 chefs (whose leader is the director); the director has no leader.
    assert len(result.created) == len(conversations) == 7
    assert result.without_manager == [director]
    for c in conversations:
        assert c.leaders_leader_id == c.leader.manager_id
        assert c.version == version
        assert c.year == 2026
    lus_round.refresh_from_db()
    assert lus_round.version == version and lus_round.started_at is not None


def test_start_twice_does_not_duplicate_and_adds_later_leaders(haderslev):
    make_version(haderslev)
    _director, org = make_org(haderslev, units=[("Skoler", 2)])
    lus_round = make_round(haderslev)
    with tenant_scope(haderslev):
        round_start(lus_round=lus_round)
        again = round_start(lus_round=lus_round)
    assert again.created == [] and len(again.existing) == 3
    unit, chef, _leaders = org["Skoler"]
    newcomer = UserFactory(municipality=haderslev, manager=chef, org_unit=unit, name="Ny Leder")
    with tenant_scope(haderslev):
        third = round_start(lus_round=lus_round)
    assert [c.leader for c in third.created] == [newcomer]
    assert len(_conversations(haderslev)) == 4


def test_people_without_a_manager_are_reported_not_skipped_silently(haderslev):
    make_version(haderslev)
    director, org = make_org(haderslev, units=[("Skoler", 1)])
    orphan = UserFactory(municipality=haderslev, name="Uden Chef", org_unit=org["Skoler"][0])
    left = UserFactory(
        municipality=haderslev,
        manager=director,
        org_unit=org["Skoler"][0],
        date_left=datetime.date(2020, 1, 1),
    )
    gone_manager = UserFactory(municipality=haderslev, is_active=False)
    stranded = UserFactory(municipality=haderslev, manager=gone_manager, name="Strandet")
    with tenant_scope(haderslev):
        result = round_start(lus_round=make_round(haderslev))
    assert set(result.without_manager) == {director, orphan, stranded}
    assert left not in {c.leader for c in result.created}


def test_round_for_chosen_units_includes_sub_units_only(haderslev):
    make_version(haderslev)
    _director, org = make_org(haderslev, units=[("Skoler", 2), ("Ældre", 2)])
    schools = org["Skoler"][0]
    sub = OrgUnitFactory(municipality=haderslev, name="Skole Syd", parent=schools)
    sub_leader = UserFactory(municipality=haderslev, manager=org["Skoler"][1], org_unit=sub)
    lus_round = make_round(haderslev)
    with unscoped("test"):
        lus_round.org_units.add(schools)
    with tenant_scope(haderslev):
        result = round_start(lus_round=lus_round)
    leaders = {c.leader for c in result.created}
    assert sub_leader in leaders
    assert leaders.isdisjoint(org["Ældre"][2])
    assert len(leaders) == 4  # chef + 2 leaders + the sub-unit's leader


def test_existing_conversation_kept_and_reported_when_held_by_someone_else(haderslev):
    version = make_version(haderslev)
    _director, org = make_org(haderslev, units=[("Skoler", 1)])
    _unit, _chef, (leader,) = org["Skoler"]
    other = UserFactory(municipality=haderslev, name="Anden Chef")
    from lus.conversations.services import conversation_create

    with tenant_scope(haderslev):
        existing = conversation_create(
            leader=leader, leaders_leader=other, year=2026, version=version
        )
        result = round_start(lus_round=make_round(haderslev))
    assert existing in result.existing and existing in result.other_leaders_leader


def test_without_a_published_version_nothing_is_created(haderslev):
    make_org(haderslev)
    with tenant_scope(haderslev), pytest.raises(ValidationError):
        round_start(lus_round=make_round(haderslev))
    assert _conversations(haderslev) == []


def test_organisation_theme_follows_the_round_year(haderslev):
    """The test version's organisation theme ends 2020: a 2019 round shows it, 2026 does not."""
    from lus.conversations.selectors import preparation_structure
    from lus.frameworks.selectors import effective_questions

    make_version(haderslev)
    make_org(haderslev, units=[("Skoler", 1)])
    with tenant_scope(haderslev):
        round_start(lus_round=make_round(haderslev, year=2019, deadline=datetime.date(2019, 12, 1)))
        round_start(lus_round=make_round(haderslev))
        old = Conversation.objects.filter(year=2019).first()
        new = Conversation.objects.filter(year=2026).first()
        assert old.version == new.version

        def titles(c):
            return [
                s.title
                for s, _q in effective_questions(version=c.version, customisation=None, year=c.year)
            ]

        assert "Gammelt tema" in titles(old) and "Gammelt tema" not in titles(new)
        assert preparation_structure(new, "leader")


def test_start_round_command_is_idempotent(haderslev):
    make_version(haderslev)
    make_org(haderslev, units=[("Skoler", 2)])
    out = StringIO()
    call_command("start_round", "haderslev", "2026", "--deadline", "2026-12-15", stdout=out)
    assert "3 conversations created" in out.getvalue() or "3 samtaler" in out.getvalue()
    assert "Dorte Dir" in out.getvalue()
    out = StringIO()
    call_command("start_round", "haderslev", "2026", "--deadline", "2026-12-20", stdout=out)
    assert len(_conversations(haderslev)) == 3
    with unscoped("test"):
        assert LusRound.objects.get().deadline == datetime.date(2026, 12, 20)
    with pytest.raises(CommandError):
        call_command("start_round", "nowhere", "2026", "--deadline", "2026-12-15")
    with pytest.raises(CommandError):
        call_command(
            "start_round", "haderslev", "2026", "--deadline", "2026-12-15", "--unit", "Ukendt"
        )


def test_admin_action_starts_the_round_and_lists_people_without_manager(client, haderslev):
    make_version(haderslev)
    make_org(haderslev, units=[("Skoler", 2)])
    lus_round = make_round(haderslev)
    hr = HRFactory(municipality=haderslev, username="hr1")
    client.force_login(hr)
    response = client.post(
        reverse("admin:rounds_lusround_changelist"),
        {"action": "start_rounds", "_selected_action": [lus_round.pk]},
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Dorte Dir" in text  # reported: no leader's leader
    assert len(_conversations(haderslev)) == 3


NEW_ROUND_2026 = {
    "year": "2026",
    "deadline": "2026-12-01",
    "invite_reminder_days": "21",
    "preparation_reminder_days": "3",
}


def test_admin_refuses_a_second_round_the_same_year(client, haderslev):
    make_round(haderslev)
    hr = HRFactory(municipality=haderslev, username="hr1")
    client.force_login(hr)
    response = client.post(reverse("admin:rounds_lusround_add"), NEW_ROUND_2026)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["year"]
    with unscoped("test"):
        assert LusRound.objects.count() == 1


def test_admin_creates_a_round_in_hr_s_municipality(client, haderslev, randers):
    hr = HRFactory(municipality=haderslev, username="hr1")
    make_round(randers)  # another municipality's 2026 round does not block ours
    client.force_login(hr)
    response = client.post(reverse("admin:rounds_lusround_add"), NEW_ROUND_2026)
    assert response.status_code == 302, response.content.decode()[:2000]
    with unscoped("test"):
        assert LusRound.objects.filter(municipality=haderslev, year=2026).exists()


def test_foreign_hr_gets_404_for_the_round_in_the_admin(client, haderslev, randers):
    lus_round = make_round(haderslev)
    client.force_login(HRFactory(municipality=randers, username="fhr"))
    url = reverse("admin:rounds_lusround_change", args=[lus_round.pk])
    assert client.get(url).status_code == 404


def test_save_and_start_creates_and_starts_the_round_in_one_step(client, haderslev):
    make_version(haderslev)
    make_org(haderslev, units=[("Skoler", 2)])
    hr = HRFactory(municipality=haderslev, username="hr1")
    client.force_login(hr)
    form = client.get(reverse("admin:rounds_lusround_add")).content.decode()
    assert 'name="_saveandstart"' in form
    response = client.post(
        reverse("admin:rounds_lusround_add"), {**NEW_ROUND_2026, "_saveandstart": "1"}
    )
    with unscoped("test"):
        lus_round = LusRound.objects.get(municipality=haderslev, year=2026)
    assert response.status_code == 302
    assert response["Location"] == reverse("rounds:todo", args=[lus_round.pk])
    assert lus_round.started_at is not None and lus_round.started_by == hr
    assert len(_conversations(haderslev)) == 3
