"""Anonymous statistics: no number shown rests on fewer than 5 leaders — not a group, not a
cell, not a band of the spread, and not the difference of two numbers on the page or of two
views of it (groups frozen at the round's start, numbers computed once after the deadline)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lus.accounts.models import User
from lus.conversations.models import Answer, Conversation
from lus.rounds.models import RoundMember, RoundStatistics
from lus.rounds.services import round_start
from lus.rounds.statistics import (
    OTHERS,
    bands,
    merge_small_groups,
    round_statistics_compute,
    scale_statistics,
    suppressed,
)
from lus.tenants.scoping import tenant_scope, unscoped
from tests.conversations.factories import make_version
from tests.factories import HRFactory
from tests.rounds.factories import CANARY_ANSWER, make_org, make_round, share_answers

pytestmark = pytest.mark.django_db
PAST = datetime.date(2026, 6, 1)  # the round's deadline has passed: its numbers are published


def test_merge_small_groups():
    assert merge_small_groups({1: 5, 2: 7}) == {1: 1, 2: 2}
    # 4 alone would be hidden but computable from the total: merged with the smallest shown.
    assert merge_small_groups({1: 5, 2: 7, 3: 4}) == {1: OTHERS, 2: 2, 3: OTHERS}
    assert merge_small_groups({1: 2, 2: 3, 3: 9}) == {1: OTHERS, 2: OTHERS, 3: 3}
    assert merge_small_groups({1: 4}) == {}
    assert merge_small_groups({1: 2, 2: 2}) == {}
    assert merge_small_groups({}) == {}


def test_complementary_suppression():
    assert suppressed({"a": 7, "b": 6}) == set()
    # b (3) hidden alone: total 10 - a 7 = 3 would reveal it, so a is hidden too.
    assert suppressed({"a": 7, "b": 3}) == {"a", "b"}
    # hidden 2 + 4 = 6 >= 5: nothing else needs hiding.
    assert suppressed({"a": 9, "b": 2, "c": 4}) == {"b", "c"}
    # hidden 1: the smallest shown (5) joins it.
    assert suppressed({"a": 9, "b": 5, "c": 1}) == {"b", "c"}
    assert suppressed({"a": 0, "b": 8}) == {"a"}  # a hidden zero reveals nobody


def test_bands():
    assert bands(1, 5) == [(1, 2), (3, 3), (4, 5)]
    assert bands(0, 5) == [(0, 1), (2, 3), (4, 5)]
    assert bands(1, 10) == [(1, 3), (4, 7), (8, 10)]
    assert bands(1, 2) == [(1, 1), (2, 2)]


def _org_with_answers(municipality, units, values, *, year=2026, deadline=PAST, prefix="s"):
    """Leaders of ``units`` answer every scale question with values[i % len(values)]."""
    version = make_version(municipality, extra_questions=1)
    _director, org = make_org(municipality, units=units, prefix=prefix)
    with tenant_scope(municipality):
        lus_round = make_round(municipality, year=year, deadline=deadline)
        round_start(lus_round=lus_round)
        conversations = list(
            Conversation.objects.filter(year=year, leader__username__contains="-l")
            .select_related("leader")
            .order_by("leader__username")
        )
    for i, c in enumerate(conversations):
        share_answers(c, values[i % len(values)])
    return version, org, lus_round


def _stats(municipality):
    with tenant_scope(municipality):
        return scale_statistics()


def test_a_group_of_four_shows_nothing(haderslev):
    _org_with_answers(haderslev, [("Skoler", 4)], [1, 5])
    assert _stats(haderslev) == []


def test_five_leaders_show_averages_and_a_bucketed_spread(haderslev):
    _org_with_answers(haderslev, [("Skoler", 5)], [1, 2, 3, 4, 5])
    (theme,) = _stats(haderslev)
    assert theme.title == "Trivsel"
    (group,) = theme.years[2026]
    assert group.name == "Skoler" and group.leaders == 5
    assert all(cell.average == 3 for cell in group.questions.values())
    assert theme.normalised  # a 1-5 and a 1-10 question: averages in per cent of the scale
    total = theme.totals[2026]
    assert total.leaders == 5
    # The 1-5 question: bands 1-2 (2 leaders), 3 (1), 4-5 (2): every band under 5, hidden.
    spread = [cell.distribution for cell in total.questions.values() if cell.distribution]
    assert ["1\u20132", None] in spread[0] and ["4\u20135", None] in spread[0]
    # No per-value count of a unit is ever stored.
    assert all(not cell.distribution for cell in group.questions.values())


def test_small_units_are_merged_into_others(haderslev):
    _org_with_answers(haderslev, [("Skoler", 6), ("Ældre", 3), ("Kultur", 2)], [2, 4])
    (theme,) = _stats(haderslev)
    names = {g.name: g.leaders for g in theme.years[2026]}
    assert names == {"Skoler": 6, "Øvrige": 5}


def test_unshared_preparations_do_not_count(haderslev):
    make_version(haderslev)
    make_org(haderslev, units=[("Skoler", 5)], prefix="u")
    with tenant_scope(haderslev):
        round_start(lus_round=make_round(haderslev, deadline=PAST))
        conversations = list(Conversation.objects.filter(leader__username__contains="-l"))
    for i, c in enumerate(conversations):
        share_answers(c, 3, shared=i > 0)  # one draft: 4 shared
    assert _stats(haderslev) == []


def test_a_cell_hidden_for_few_answers_is_not_revealed_by_the_total(haderslev):
    """Unit A: 6 leaders, of whom only 3 answered the optional question; unit B: 7. A's cell
    is hidden, and so is B's: otherwise total - B = A's three answers."""
    _version, org, _r = _org_with_answers(haderslev, [("A", 6), ("B", 7)], [2, 4])
    with unscoped("test"):
        Answer.objects.filter(
            question__text="Ekstra spørgsmål 0",
            preparation__conversation__leader__in=org["A"][2][:3],
        ).delete()
    (theme,) = _stats(haderslev)
    key = next(q.key for q in theme.questions if q.text == "Ekstra spørgsmål 0")
    cells = {g.name: g.questions[key].average for g in theme.years[2026]}
    assert cells == {"A": None, "B": None}
    assert theme.totals[2026].questions[key].average is not None  # 10 leaders
    other = next(q.key for q in theme.questions if q.text == "Hvor godt trives du?")
    assert all(g.questions[other].average is not None for g in theme.years[2026])


def test_a_running_round_shows_no_number(client, haderslev):
    _org_with_answers(haderslev, [("Skoler", 6)], [1, 5], deadline=datetime.date(2099, 1, 1))
    assert _stats(haderslev) == []
    client.force_login(HRFactory(municipality=haderslev, username="hr-run"))
    html = client.get(reverse("rounds:statistics")).content.decode()
    assert "offentliggøres dagen efter fristen" in html
    with tenant_scope(haderslev):
        assert not RoundStatistics.objects.exists()


def test_groups_are_frozen_when_the_round_starts(haderslev):
    _version, org, lus_round = _org_with_answers(haderslev, [("A", 5), ("B", 5)], [3])
    moved = org["A"][2][0]
    with unscoped("test: moved after the round started"):
        User._base_manager.filter(pk=moved.pk).update(org_unit=org["B"][0])
    with tenant_scope(haderslev):
        member = RoundMember.objects.get(lus_round=lus_round, leader=moved)
        assert member.org_unit_name == "A"
        data = round_statistics_compute(lus_round)
    assert {g["name"]: g["leaders"] for g in data["themes"][0]["groups"]} == {"A": 5, "B": 5}


def _numbers(response) -> str:
    """The statistics section of the page (what HR can compare between two views)."""
    html = response.content.decode()
    return html[html.index("<h1") : html.index("</main>")] if "</main>" in html else html


def test_the_differencing_attack_learns_nothing(client, haderslev):
    """The attack from the issue: HR reads the page, moves one leader to another unit in the
    admin (and a late leader shares), reads the page again and subtracts. Before: the
    difference of the per-value counts was the moved leader's answers. Now both views are
    identical, so the difference is nothing."""
    _v, org, _round = _org_with_answers(
        haderslev, [("Skoler", 6), ("Ældre", 6)], [1, 2, 3, 4, 5, 3]
    )
    hr = HRFactory(municipality=haderslev, username="hr-diff")
    client.force_login(hr)
    before = client.get(reverse("rounds:statistics"))
    assert before.status_code == 200 and "Skoler" in before.content.decode()

    victim = org["Skoler"][2][0]  # answered 1 everywhere
    change = reverse("admin:accounts_user_change", args=[victim.pk])
    form = client.get(change).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(org_unit=org["Ældre"][0].pk, manager=victim.manager_id)
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
    assert client.post(change, data).status_code == 302
    with unscoped("test"):
        assert User.objects.get(pk=victim.pk).org_unit_id == org["Ældre"][0].pk
        # A late leader shares after the numbers were published, too.
        late = Conversation.objects.filter(leader__username="s-l1-5").get()
        Answer.objects.filter(preparation__conversation=late).update(scale_value=5)

    after = client.get(reverse("rounds:statistics"))
    assert _numbers(after) == _numbers(before)
    assert before.context["themes"][0].totals == after.context["themes"][0].totals
    assert CANARY_ANSWER not in after.content.decode()


def test_statistics_page_chart_and_no_person(client, haderslev):
    _org_with_answers(haderslev, [("Skoler", 5)], [1, 2, 3, 4, 5], year=2025, deadline=PAST)
    with tenant_scope(haderslev):
        round_start(lus_round=make_round(haderslev, year=2026, deadline=PAST))
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
    assert "<caption>" in html
    assert "færre end 5" in html  # small bands of the spread are hidden
