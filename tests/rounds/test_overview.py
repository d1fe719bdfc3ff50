"""HR's status overview: counts per unit and per leader's leader, overdue, filters, CSV, a
constant number of queries — and never any content."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lus.accounts.models import OrgUnit, User
from lus.conversations.models import Conversation
from lus.rounds.services import round_start
from lus.tenants.scoping import tenant_scope, unscoped
from tests.conversations.factories import make_version
from tests.factories import HRFactory, LeaderFactory
from tests.rounds.factories import CANARY_ANSWER, make_org, make_round, share_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(haderslev):
    make_version(haderslev)
    _director, org = make_org(haderslev, units=[("Skoler", 3), ("Ældre", 2)])
    lus_round = make_round(haderslev, deadline=datetime.date(2026, 12, 15))
    with tenant_scope(haderslev):
        round_start(lus_round=lus_round)
        conversations = {
            c.leader.username: c for c in Conversation.objects.select_related("leader")
        }
    share_answers(conversations["p-l0-0"], 4)  # prepared, with canary text answers
    with unscoped("test"):
        Conversation.objects.filter(pk=conversations["p-l0-1"].pk).update(status="invited")
        Conversation.objects.filter(pk=conversations["p-l1-0"].pk).update(status="held")
    hr = HRFactory(municipality=haderslev, username="hr1")
    return lus_round, org, hr


def _get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def test_counts_per_unit_and_leaders_leader(client, started):
    lus_round, _org, hr = started
    client.force_login(hr)
    response = _get(client, reverse("rounds:overview", args=[lus_round.pk]))
    ov = response.context["overview"]
    units = {c.name: c for c in ov.by_unit}
    assert units["Skoler"].counts == {
        "not_invited": 2,  # chef + one leader (the chef is in the unit too)
        "invited": 1,
        "prepared": 1,
        "held": 0,
        "plan_agreed": 0,
        "filed": 0,
    }
    assert units["Ældre"].done == 1 and units["Ældre"].total == 3
    leaders_leaders = {c.name: c for c in ov.by_leaders_leader}
    assert leaders_leaders["Chef Skoler"].total == 3 and leaders_leaders["Dorte Dir"].total == 2
    assert ov.total.total == 7
    assert b"<progress" in response.content


def test_overdue_is_highlighted_after_the_deadline(client, started, monkeypatch):
    lus_round, _org, hr = started
    client.force_login(hr)
    from lus.rounds import selectors

    monkeypatch.setattr(
        selectors.timezone, "localdate", lambda *a: datetime.date(2026, 12, 16), raising=True
    )
    response = _get(client, reverse("rounds:overview", args=[lus_round.pk]), overdue="on")
    ov = response.context["overview"]
    assert ov.total.overdue == 6  # everything but the held one
    page = response.context["page"]
    assert len(page.object_list) == 6 and all(c.overdue for c in page)
    assert "table-danger" in response.content.decode()
    assert "Overskredet" in response.content.decode() or "Overdue" in response.content.decode()


def test_filters(client, started):
    lus_round, org, hr = started
    client.force_login(hr)
    url = reverse("rounds:overview", args=[lus_round.pk])
    unit = org["Ældre"][0]
    ov = _get(client, url, unit=unit.pk).context["overview"]
    assert [c.name for c in ov.by_unit] == ["Ældre"]
    chef = org["Skoler"][1]
    page = _get(client, url, leaders_leader=chef.pk).context["page"]
    assert {c.leaders_leader_id for c in page} == {chef.pk}
    page = _get(client, url, status="prepared").context["page"]
    assert [c.leader.username for c in page] == ["p-l0-0"]
    # Bad filter values: shown as errors, ignored, never a 500.
    for bad in ({"unit": "abc"}, {"unit": str(10**30)}, {"leaders_leader": "-1"}, {"status": "x"}):
        response = client.get(url, bad)
        assert response.status_code == 200
        assert response.context["overview"].total.total == 7


def test_csv_export_has_status_and_dates_only(client, started):
    lus_round, _org, hr = started
    client.force_login(hr)
    response = client.get(reverse("rounds:overview_csv", args=[lus_round.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 8  # header + 7
    assert "Leder Skoler 000" in text
    assert CANARY_ANSWER not in text
    filtered = client.get(reverse("rounds:overview_csv", args=[lus_round.pk]), {"status": "held"})
    assert len(filtered.content.decode("utf-8-sig").strip().splitlines()) == 2


def test_csv_defuses_formulas(client, haderslev):
    make_version(haderslev)
    leader = LeaderFactory(municipality=haderslev, name="=HYPERLINK(1)")
    lus_round = make_round(haderslev)
    with tenant_scope(haderslev):
        round_start(lus_round=lus_round)
    client.force_login(HRFactory(municipality=haderslev, username="hr1"))
    text = client.get(reverse("rounds:overview_csv", args=[lus_round.pk])).content.decode()
    assert "'=HYPERLINK(1)" in text and leader


def test_no_content_on_any_hr_page(client, started):
    """The canary planted in every text answer never reaches HR (pages, CSV, statistics)."""
    lus_round, _org, hr = started
    client.force_login(hr)
    for url in (
        reverse("rounds:index"),
        reverse("rounds:overview", args=[lus_round.pk]),
        reverse("rounds:overview_csv", args=[lus_round.pk]),
        reverse("rounds:statistics"),
        reverse("admin:rounds_lusround_changelist"),
        reverse("admin:rounds_lusround_change", args=[lus_round.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert CANARY_ANSWER not in response.content.decode("utf-8-sig"), url


def test_only_hr_of_the_municipality(client, started, randers):
    lus_round, org, _hr = started
    urls = [
        reverse("rounds:overview", args=[lus_round.pk]),
        reverse("rounds:overview_csv", args=[lus_round.pk]),
    ]
    chef = org["Skoler"][1]
    client.force_login(chef)
    for url in [*urls, reverse("rounds:index"), reverse("rounds:statistics")]:
        assert client.get(url).status_code == 404
    client.force_login(HRFactory(municipality=randers, username="fhr"))
    for url in urls:
        assert client.get(url).status_code == 404
    assert "Skoler" not in client.get(reverse("rounds:index")).content.decode()


def _org_of(municipality, n_leaders: int, prefix: str):
    make_version(municipality)
    make_org(
        municipality,
        units=[("Skoler", n_leaders // 2), ("Ældre", n_leaders - n_leaders // 2)],
        prefix=prefix,
    )


@pytest.mark.parametrize("n_leaders", [10, 60])
def test_overview_query_count_is_constant(
    client, haderslev, django_assert_max_num_queries, n_leaders
):
    _org_of(haderslev, n_leaders, "q")
    lus_round = make_round(haderslev)
    with tenant_scope(haderslev):
        round_start(lus_round=lus_round)
    client.force_login(HRFactory(municipality=haderslev, username="hr1"))
    url = reverse("rounds:overview", args=[lus_round.pk])
    assert client.get(url).status_code == 200  # the first view counts (lus/rounds/counts.py)
    with django_assert_max_num_queries(9) as ctx:
        assert client.get(url).status_code == 200
    print(f"overview with {n_leaders} leaders: {len(ctx.captured_queries)} queries")
    with tenant_scope(haderslev):
        unit = OrgUnit.objects.get(name="Skoler")
        chef = User.objects.get(username="q-chef0")
    # Opening a unit reads it and the units above it; choosing a leader's leader reads them.
    with django_assert_max_num_queries(12):
        response = client.get(url, {"unit": unit.pk, "leaders_leader": chef.pk, "search": "e"})
        assert response.status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("rounds:overview_csv", args=[lus_round.pk])).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "invited"},
        {"status": "held"},
        {"overdue": "on"},
        {"overdue": "on", "status": "invited"},
        {"overdue": "on", "status": "held"},
    ],
)
def test_page_count_taken_from_the_counts_matches_the_rows(client, started, monkeypatch, params):
    """The paginator's count comes from the status counts (no COUNT query): it must always be
    the number of rows the filter gives, before and after the deadline."""
    lus_round, org, hr = started
    client.force_login(hr)
    url = reverse("rounds:overview", args=[lus_round.pk])
    for today in (datetime.date(2026, 12, 1), datetime.date(2026, 12, 20)):
        monkeypatch.setattr("django.utils.timezone.localdate", lambda today=today: today)
        for extra in ({}, {"unit": org["Skoler"][0].pk}, {"leaders_leader": org["Skoler"][1].pk}):
            response = _get(client, url, **params, **extra)
            page = response.context["page"]
            with tenant_scope(lus_round.municipality):
                actual = response.context["overview"].rows.count()
            assert page.paginator.count == actual == len(page.object_list), (today, extra)


def test_without_lus_is_counted_per_unit(client, started, haderslev):
    """Two people of one unit added after the start: the unit's "no LUS yet" says 2, not 1."""
    lus_round, org, hr = started
    unit, chef, _leaders = org["Skoler"]
    for n in range(2):
        LeaderFactory(municipality=haderslev, username=f"late-{n}", manager=chef, org_unit=unit)
    client.force_login(hr)
    ov = _get(client, reverse("rounds:overview", args=[lus_round.pk])).context["overview"]
    units = {c.name: c for c in ov.by_unit}
    assert units["Skoler"].without_lus == 2
    assert ov.total.without_lus == 2


def test_people_added_or_units_renamed_in_the_admin_show_at_once(client, started, haderslev):
    """The counts are data; the admin tells them when people come or a unit is renamed."""
    lus_round, org, hr = started
    unit, chef, _leaders = org["Skoler"]
    hr.is_staff = True
    hr.save()
    client.force_login(hr)
    url = reverse("rounds:overview", args=[lus_round.pk])
    assert {c.name for c in _get(client, url).context["overview"].by_unit} >= {"Skoler"}
    with tenant_scope(haderslev):
        from django.contrib.admin.sites import site

        from lus.accounts.models import OrgUnit, User

        request = client.get(url).wsgi_request
        request.user = hr
        person = LeaderFactory.build(
            municipality=haderslev, username="late-admin", manager=chef, org_unit=unit
        )
        site._registry[User].save_model(request, person, form=_NoForm(), change=False)
        unit.name = "Skoler og dagtilbud"
        site._registry[OrgUnit].save_model(request, unit, form=None, change=True)
    ov = _get(client, url).context["overview"]
    units = {c.name: c for c in ov.by_unit}
    assert units["Skoler og dagtilbud"].without_lus == 1
    assert "Skoler" not in units


class _NoForm:
    cleaned_data: dict = {}


def _overview_of(client, lus_round, **params):
    return _get(client, reverse("rounds:overview", args=[lus_round.pk]), **params).context


def test_counts_are_kept_in_the_same_transaction_as_status_changes(client, started):
    """After the first view the counts are data: a status change, a hand-over-like move and a
    new conversation each add their difference; the page never counts conversations again."""
    from lus.conversations import services
    from lus.rounds.counts import status_counts_rebuild_all
    from lus.rounds.models import StatusSummary

    lus_round, _org, hr = started
    client.force_login(hr)
    before = _overview_of(client, lus_round)["overview"]
    assert before.total.counts["not_invited"] == 4 and before.total.counts["invited"] == 1
    with tenant_scope(lus_round.municipality):
        version = StatusSummary.objects.get().version
        created = Conversation.objects.select_related("leader").filter(status="created").first()
        services.conversation_invite(conversation=created)
        assert StatusSummary.objects.get().version == version + 1
    after = _overview_of(client, lus_round)["overview"]
    assert after.total.counts["not_invited"] == 3 and after.total.counts["invited"] == 2
    assert after.total.total == 7
    # A change outside the services (the admin, a script) is healed by the nightly rebuild.
    with unscoped("test"):
        Conversation.objects.filter(pk=created.pk).update(status="held")
    assert _overview_of(client, lus_round)["overview"].total.counts["held"] == 1
    assert status_counts_rebuild_all() == 1
    assert _overview_of(client, lus_round)["overview"].total.counts["held"] == 2


@pytest.mark.parametrize("params", [{}, {"status": "not_invited"}, {"unit": "skoler"}])
def test_pages_cover_every_row_once_in_order(client, started, monkeypatch, params):
    """Together the pages give every row of the filter once, by the leader's name."""
    from lus.rounds import views

    lus_round, org, hr = started
    if params.get("unit") == "skoler":
        params = {"unit": org["Skoler"][0].pk}
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client.force_login(hr)
    first = _overview_of(client, lus_round, **params)
    expected = list(first["overview"].rows)
    seen = []
    for number in range(1, first["page"].paginator.num_pages + 1):
        page = _overview_of(client, lus_round, side=number, **params)["page"]
        assert page.number == number and len(page.object_list) <= 2
        seen += [c.pk for c in page]
    assert sorted(seen) == sorted(c.pk for c in expected) and len(seen) == len(set(seen))
    assert seen == [c.pk for c in sorted(expected, key=lambda c: (c.leader.name, c.pk))]
    # Past the end: the last page, as Django's paginator does.
    last = _overview_of(client, lus_round, side=99, **params)["page"]
    assert last.number == first["page"].paginator.num_pages


@pytest.mark.parametrize("params", [{}, {"status": "not_invited"}, {"unit": "skoler"}])
def test_pages_skip_people_without_a_conversation_of_the_year(
    client, started, haderslev, randers, monkeypatch, params
):
    """A page is read by walking the people by name: leaders of the same name come by id,
    and people with no conversation of the year, or another municipality's, are not rows."""
    from lus.rounds import views
    from tests.conversations.factories import make_conversation

    lus_round, org, hr = started
    unit, chef, _leaders = org["Skoler"]
    twins = [
        LeaderFactory(municipality=haderslev, username=f"twin-{n}", name="Leder Ens", manager=chef)
        for n in range(3)  # two pages of two: the ones of the same name span both
    ]
    last_year = LeaderFactory(
        municipality=haderslev, username="last-year", name="Leder Aar", manager=chef
    )
    LeaderFactory(municipality=haderslev, username="none", name="Leder Ingen", manager=chef)
    for person in [*twins, last_year]:
        person.org_unit = unit
        person.save()
    with tenant_scope(haderslev):
        for person in twins:
            make_conversation(person, version=lus_round.version)
        make_conversation(last_year, version=lus_round.version, year=2025)
    make_version(randers)
    elsewhere = LeaderFactory(
        municipality=randers,
        username="elsewhere",
        name="Aage Anden",
        manager=LeaderFactory(municipality=randers, username="elsewhere-chef"),
    )
    make_conversation(elsewhere)
    if params.get("unit") == "skoler":
        params = {"unit": unit.pk}
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client.force_login(hr)
    first = _overview_of(client, lus_round, **params)
    with tenant_scope(haderslev):
        expected = [
            c.pk
            for c in first["overview"].rows
            if c.leader.municipality_id == haderslev.pk and c.year == 2026
        ]
        twin_rows = list(
            Conversation.objects.filter(leader__in=twins)
            .order_by("leader_id")
            .values_list("pk", flat=True)
        )
    seen = []
    for number in range(1, first["page"].paginator.num_pages + 1):
        seen += [c.pk for c in _overview_of(client, lus_round, side=number, **params)["page"]]
    assert seen == expected and len(seen) == first["page"].paginator.count
    assert [pk for pk in seen if pk in twin_rows] == twin_rows


def test_counts_table_is_a_template_cached_per_version_and_language(client, started):
    from lus.conversations import services

    lus_round, _org, hr = started
    client.force_login(hr)
    url = reverse("rounds:overview", args=[lus_round.pk])
    page = client.get(url).content.decode()
    assert "<progress" in page and "af" in page  # "2 af 3 (67 %)"
    with tenant_scope(lus_round.municipality):
        created = Conversation.objects.select_related("leader").filter(status="created").first()
        services.conversation_invite(conversation=created)
    again = client.get(url)
    assert again.context["overview"].total.counts["invited"] == 2
    body = again.content.decode()
    # The new version's table, not the cached one of the version before.
    start = body.index('id="by-unit"')
    total_row = body[body.index("<tfoot>", start) : body.index("</tfoot>", start)]
    assert '<td class="text-end">2</td>' in total_row
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "Per organisational unit" in english and "1 of 7 (14 %)" in english


@pytest.fixture
def nested(haderslev):
    """Børn og Unge with two sub-units (Skoler: a chef and three leaders; Dagtilbud: a chef
    and two), and Ældre beside it (a chef and two leaders)."""
    from tests.factories import OrgUnitFactory, UserFactory

    make_version(haderslev)
    director = UserFactory(municipality=haderslev, username="n-dir", name="Dorte Dir")
    area = OrgUnitFactory(municipality=haderslev, name="Børn og Unge")
    units = {"Børn og Unge": area}
    for parent, name, n in ((area, "Skoler", 3), (area, "Dagtilbud", 2), (None, "Ældre", 2)):
        unit = units[name] = OrgUnitFactory(municipality=haderslev, name=name, parent=parent)
        chef = UserFactory(
            municipality=haderslev,
            username=f"n-chef-{name}",
            name=f"Chef {name}",
            manager=director,
            org_unit=unit,
        )
        for j in range(n):
            UserFactory(
                municipality=haderslev,
                username=f"n-{name}-{j}",
                name=f"Leder {name} {j}",
                manager=chef,
                org_unit=unit,
            )
    # The area's own chef, under the director, in the area itself.
    UserFactory(
        municipality=haderslev,
        username="n-area",
        name="Chef Område",
        manager=director,
        org_unit=area,
    )
    lus_round = make_round(haderslev)
    with tenant_scope(haderslev):
        round_start(lus_round=lus_round)
    hr = HRFactory(municipality=haderslev, username="hr1")
    return lus_round, units, hr


def _rows(ov) -> dict[str, int]:
    return {c.name: c.total for c in ov.by_unit}


def test_units_open_one_level_at_a_time_with_their_sub_units_counted_in(client, nested):
    """The top shows the top units (everything under each counted in); opening a unit shows
    its sub-units, its own leaders and the way back."""
    lus_round, units, hr = nested
    client.force_login(hr)
    url = reverse("rounds:overview", args=[lus_round.pk])
    response = _get(client, url)
    top = response.context["overview"]
    # Børn og Unge: its chef, Skoler (4) and Dagtilbud (3); the director has no LUS.
    assert _rows(top) == {"Børn og Unge": 8, "Ældre": 3}
    assert top.total.total == 11
    html = response.content.decode()
    assert f'href="?unit={units["Børn og Unge"].pk}"' in html

    opened = _get(client, url, unit=units["Børn og Unge"].pk)
    ov = opened.context["overview"]
    assert _rows(ov) == {"Dagtilbud": 3, "Skoler": 4, "Børn og Unge (egne ledere)": 1}
    assert [name for _pk, name in ov.path] == ["Børn og Unge"]
    assert ov.total.total == 8 and opened.context["page"].paginator.count == 8
    assert {c.leader.org_unit.name for c in opened.context["page"]} == {
        "Børn og Unge",
        "Skoler",
        "Dagtilbud",
    }
    html = opened.content.decode()
    assert "Hele runden" in html and 'aria-current="page">Børn og Unge<' in html

    deeper = _get(client, url, unit=units["Skoler"].pk).context["overview"]
    assert _rows(deeper) == {"Skoler": 4}  # no sub-units: the unit's own row has its name
    assert [name for _pk, name in deeper.path] == ["Børn og Unge", "Skoler"]
    # The leaders' leaders of the opened unit only.
    assert {c.name for c in deeper.by_leaders_leader} == {"Chef Skoler", "Dorte Dir"}


def test_leaders_leaders_are_found_by_name_and_paged(client, nested, monkeypatch):
    from lus.rounds import selectors

    lus_round, _units, hr = nested
    client.force_login(hr)
    url = reverse("rounds:overview", args=[lus_round.pk])
    found = _get(client, url, search="skoler").context["overview"].by_leaders_leader
    assert [c.name for c in found] == ["Chef Skoler"] and found[0].total == 3
    monkeypatch.setattr(selectors, "LEADERS_LEADERS_PER_PAGE", 2)
    first = _get(client, url).context["overview"].by_leaders_leader
    assert first.has_next and not first.has_previous
    names = [c.name for c in first]
    second = _get(client, url, side_ll=2).context["overview"].by_leaders_leader
    assert not second.has_next and second.has_previous
    names += [c.name for c in second]
    assert "Side 2" in _get(client, url, side_ll=2).content.decode()
    for bad in ("0", "-3", "x", str(10**30)):  # the first page, never a 500
        assert _get(client, url, side_ll=bad).context["overview"].by_leaders_leader.number == 1
    assert names == ["Chef Dagtilbud", "Chef Skoler", "Chef Ældre", "Dorte Dir"]
    response = _get(client, url, search="ingen med det navn")
    assert "Ingen leders leder med det navn har samtaler her." in response.content.decode()
    # Choosing one (the name is a link) narrows the counts and the list to their leaders.
    with tenant_scope(lus_round.municipality):
        chef = User.objects.get(username="n-chef-Skoler")
    chosen = _get(client, url, leaders_leader=chef.pk)
    assert chosen.context["page"].paginator.count == 3
    assert _rows(chosen.context["overview"]) == {"Børn og Unge": 3}
    assert "Kun lederne under Chef Skoler." in chosen.content.decode()
    assert "Endnu ingen LUS" not in chosen.content.decode()  # they have no leader's leader


def test_a_unit_outside_the_round_is_refused_at_the_field(client, nested, randers):
    from tests.factories import OrgUnitFactory

    lus_round, units, hr = nested
    with tenant_scope(lus_round.municipality):
        lus_round.org_units.set([units["Ældre"]])
    client.force_login(hr)
    url = reverse("rounds:overview", args=[lus_round.pk])
    top = _get(client, url).context["overview"]
    assert _rows(top) == {"Ældre": 3}  # the round's own units, not the municipality's top
    response = _get(client, url, unit=units["Skoler"].pk)
    assert "Enheden er ikke med i denne runde." in response.content.decode()
    assert response.context["overview"].total.total == 3
    # Another municipality's unit is not a choice at all (the scope), and its name never shows.
    foreign = OrgUnitFactory(municipality=randers, name="Randers Skoler")
    response = _get(client, url, unit=foreign.pk)
    assert (
        response.context["form"].errors["unit"]
        and "Randers Skoler" not in response.content.decode()
    )
    assert response.context["overview"].total.total == 3


def test_the_page_does_not_list_every_leaders_leader_or_unit(client, haderslev, monkeypatch):
    """At most one page of leaders' leaders and one row per top unit, whatever the size."""
    from lus.rounds import selectors

    monkeypatch.setattr(selectors, "LEADERS_LEADERS_PER_PAGE", 5)
    _org_of(haderslev, 4, "s")
    from tests.factories import OrgUnitFactory, UserFactory

    with tenant_scope(haderslev):
        area = OrgUnit.objects.get(name="Skoler")
        boss = User.objects.get(username="s-dir")
    for i in range(12):
        unit = OrgUnitFactory(municipality=haderslev, name=f"Skole {i:02d}", parent=area)
        chef = UserFactory(
            municipality=haderslev, username=f"s-c{i}", name=f"Skoleleder {i:02d}", manager=boss
        )
        chef.org_unit = unit
        chef.save()
        UserFactory(municipality=haderslev, username=f"s-l{i}", manager=chef, org_unit=unit)
    lus_round = make_round(haderslev)
    with tenant_scope(haderslev):
        round_start(lus_round=lus_round)
    client.force_login(HRFactory(municipality=haderslev, username="hr1"))
    response = _get(client, reverse("rounds:overview", args=[lus_round.pk]))
    ov = response.context["overview"]
    assert [c.name for c in ov.by_unit] == ["Skoler", "Ældre"]
    assert len(ov.by_leaders_leader.object_list) == 5
    assert ov.by_leaders_leader.has_next  # 15: the director, two chefs and 12 heads
    html = response.content.decode()
    counts = html[html.index('id="by-unit"') : html.index('id="list"')]
    assert "Skole 07" not in counts  # a sub-unit: one level down
    filters = html[: html.index('id="by-unit"')]
    assert filters.count("<option") == 7  # the statuses, not the units or leaders' leaders


def test_sub_unit_counts_follow_a_status_change_at_once_and_agree_with_a_recount(client, nested):
    """The counts per unit with its sub-units are data too: an invitation in Skoler moves
    Skoler's and Børn og Unge's counts in the same transaction; the nightly recount agrees."""
    from lus.conversations import services
    from lus.rounds.counts import status_counts_rebuild_all

    lus_round, units, hr = nested
    client.force_login(hr)
    url = reverse("rounds:overview", args=[lus_round.pk])

    def invited(**params) -> dict[str, int]:
        ov = _get(client, url, **params).context["overview"]
        return {c.name: c.counts["invited"] for c in ov.by_unit}

    assert invited() == {"Børn og Unge": 0, "Ældre": 0}
    with tenant_scope(lus_round.municipality):
        created = Conversation.objects.select_related("leader").get(leader__username="n-Skoler-1")
        services.conversation_invite(conversation=created)
    assert invited() == {"Børn og Unge": 1, "Ældre": 0}
    assert invited(unit=units["Børn og Unge"].pk)["Skoler"] == 1
    before = (invited(), invited(unit=units["Børn og Unge"].pk))
    assert status_counts_rebuild_all() == 1
    assert (invited(), invited(unit=units["Børn og Unge"].pk)) == before
