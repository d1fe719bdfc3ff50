"""Anonymous statistics: groups of at least 5 leaders, small units merged into "Øvrige",
never per person; the year-over-year chart is accessible SVG."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lus.conversations.models import Conversation
from lus.rounds.services import round_start
from lus.rounds.statistics import OTHERS, merge_small_groups, scale_statistics
from lus.tenants.scoping import tenant_scope
from tests.conversations.factories import make_version
from tests.factories import HRFactory
from tests.rounds.factories import CANARY_ANSWER, make_org, make_round, share_answers

pytestmark = pytest.mark.django_db


def test_merge_small_groups():
    assert merge_small_groups({1: 5, 2: 7}) == {1: 1, 2: 2}
    # 4 alone would be hidden but computable from the total: merged with the smallest shown.
    assert merge_small_groups({1: 5, 2: 7, 3: 4}) == {1: OTHERS, 2: 2, 3: OTHERS}
    assert merge_small_groups({1: 2, 2: 3, 3: 9}) == {1: OTHERS, 2: OTHERS, 3: 3}
    assert merge_small_groups({1: 4}) == {}
    assert merge_small_groups({1: 2, 2: 2}) == {}
    assert merge_small_groups({}) == {}


def _org_with_answers(municipality, units, values, *, year=2026, prefix="s"):
    """Leaders of ``units`` answer every scale question with values[i % len(values)]."""
    version = make_version(municipality)
    _director, org = make_org(municipality, units=units, prefix=prefix)
    with tenant_scope(municipality):
        round_start(lus_round=make_round(municipality, year=year))
        conversations = list(
            Conversation.objects.filter(year=year, leader__username__contains="-l")
            .select_related("leader")
            .order_by("leader__username")
        )
    for i, c in enumerate(conversations):
        share_answers(c, values[i % len(values)])
    return version, org


def test_a_group_of_four_shows_nothing(haderslev):
    _org_with_answers(haderslev, [("Skoler", 4)], [1, 5])
    with tenant_scope(haderslev):
        assert scale_statistics() == []


def test_five_leaders_show_averages_and_distribution(haderslev):
    _org_with_answers(haderslev, [("Skoler", 5)], [1, 2, 3, 4, 5])
    with tenant_scope(haderslev):
        (theme,) = scale_statistics()
    assert theme.title == "Trivsel"
    (group,) = theme.years[2026]
    assert group.name == "Skoler" and group.leaders == 5
    assert group.theme.average == 3
    (cell,) = group.questions.values()
    assert cell.distribution == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1}
    assert theme.totals[2026].leaders == 5


def test_small_units_are_merged_into_others(haderslev):
    _org_with_answers(haderslev, [("Skoler", 6), ("Ældre", 3), ("Kultur", 2)], [2, 4])
    with tenant_scope(haderslev):
        (theme,) = scale_statistics()
    names = {g.name: g.leaders for g in theme.years[2026]}
    assert names == {"Skoler": 6, "Øvrige": 5} or names == {"Skoler": 6, "Others": 5}


def test_unshared_preparations_do_not_count(haderslev):
    version = make_version(haderslev)
    _d, _org = make_org(haderslev, units=[("Skoler", 5)], prefix="u")
    with tenant_scope(haderslev):
        round_start(lus_round=make_round(haderslev))
        conversations = list(Conversation.objects.filter(leader__username__contains="-l"))
    for i, c in enumerate(conversations):
        share_answers(c, 3, shared=i > 0)  # one draft: 4 shared
    with tenant_scope(haderslev):
        assert scale_statistics() == []
    assert version


def test_statistics_page_chart_and_no_person(client, haderslev):
    _org_with_answers(haderslev, [("Skoler", 5)], [1, 2, 3, 4, 5], year=2025)
    with tenant_scope(haderslev):
        round_start(lus_round=make_round(haderslev, year=2026))
        for i, c in enumerate(
            Conversation.objects.filter(year=2026, leader__username__contains="-l")
        ):
            share_answers(c, 5 if i % 2 else 4)
    client.force_login(HRFactory(municipality=haderslev, username="hr1"))
    response = client.get(reverse("rounds:statistics"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert "2025" in html and "2026" in html
    assert CANARY_ANSWER not in html
    assert "Leder Skoler" not in html  # no person is ever named
    # The data table next to the chart.
    assert "<caption>" in html
