"""HR's status overview: counts per unit and per leader's leader, overdue, filters, CSV, a
constant number of queries — and never any content."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

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


def test_counts_per_unit_and_conductor(client, started):
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
    conductors = {c.name: c for c in ov.by_conductor}
    assert conductors["Chef Skoler"].total == 3 and conductors["Dorte Dir"].total == 2
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
    page = _get(client, url, conductor=chef.pk).context["page"]
    assert {c.conductor_id for c in page} == {chef.pk}
    page = _get(client, url, status="prepared").context["page"]
    assert [c.leader.username for c in page] == ["p-l0-0"]
    # Bad filter values: shown as errors, ignored, never a 500.
    for bad in ({"unit": "abc"}, {"unit": str(10**30)}, {"conductor": "-1"}, {"status": "x"}):
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
    with django_assert_max_num_queries(14) as ctx:
        assert client.get(url).status_code == 200
    print(f"overview with {n_leaders} leaders: {len(ctx.captured_queries)} queries")
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
        for extra in ({}, {"unit": org["Skoler"][0].pk}, {"conductor": org["Skoler"][1].pk}):
            response = _get(client, url, **params, **extra)
            page = response.context["page"]
            with tenant_scope(lus_round.municipality):
                actual = response.context["overview"].rows.count()
            assert page.paginator.count == actual == len(page.object_list), (today, extra)
