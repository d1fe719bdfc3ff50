"""My development over the years: the leader's own scale answers per theme and year, the
development points and how they went; the leader's leader sees only what they were party to."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lus.audit.models import AuditEvent
from lus.conversations.models import Preparation, Role
from lus.conversations.services import AnswerInput, preparation_for, preparation_save
from lus.plans.services import plan_create, plan_item_add
from lus.tenants.scoping import tenant_scope, unscoped
from tests.conversations.factories import make_conversation, make_version, questions_of
from tests.factories import HRFactory, LeaderFactory


def _answer(conv, value: int, *, share: bool = True):
    qs = questions_of(conv.version)
    q = qs["Hvor godt trives du?"]
    with tenant_scope(conv.municipality):
        prep = preparation_for(conversation=conv, role=Role.LEADER)
        a = AnswerInput(q)
        a.scale_value = value
        preparation_save(preparation=prep, base_revision=prep.revision, answers=[a], existing={})
    if share:
        with unscoped("test"):
            Preparation.objects.filter(pk=prep.pk).update(shared_at=timezone.now())


@pytest.fixture
def years(leader):
    version = make_version(leader.municipality)
    convs = [make_conversation(leader, version=version, year=y) for y in (2024, 2025, 2026)]
    for conv, value in zip(convs, (2, 3, 5), strict=True):
        _answer(conv, value)
    with tenant_scope(leader.municipality):
        plan = plan_create(conversation=convs[0])
        plan_item_add(plan=plan, title="Delegere mere", year=2024)
    return convs


def test_leader_sees_own_answers_year_by_year(client, leader, years):
    client.force_login(leader)
    page = client.get(reverse("history:mine")).content.decode()
    assert "Min udvikling over årene" in page
    assert "Trivsel" in page
    # The chart's text alternative carries every year's average, not the colour alone.
    assert "2024: 2,0; 2025: 3,0; 2026: 5,0" in page
    assert "<table" in page and "Hvor godt trives du?" in page
    assert "Delegere mere" in page and "Ikke evalueret endnu." in page


def test_chart_coordinates_are_numbers_an_svg_reads_in_danish_too(client, leader, years):
    """Danish formats 145.3 as "145,3", which an SVG attribute reads as two positions: the dots
    and year labels would pile up at the left edge."""
    import re

    client.force_login(leader)
    page = client.get(reverse("history:mine")).content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    coordinates = re.findall(r'\b(?:x|y|cx|cy|x1|x2|y1|y2)="([^"]*)"', svg)
    assert coordinates
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", c) for c in coordinates), coordinates
    points = re.search(r'points="([^"]*)"', svg).group(1)
    assert re.fullmatch(r"(\d+\.\d,\d+\.\d ?)+", points), points


def test_query_count_does_not_grow_with_years(client, leader):
    version = make_version(leader.municipality)
    client.force_login(leader)
    counts = []
    for year in (2020, 2021, 2022, 2023):
        conv = make_conversation(leader, version=version, year=year)
        _answer(conv, 3)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("history:mine")).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert len(set(counts[1:])) == 1, counts


def test_leaders_leader_sees_only_shared_answers_of_conversations_they_held(client, leader, years):
    chef = leader.manager
    # An earlier leader's leader held 2023's conversation: its answers are not the new one's.
    other = LeaderFactory(municipality=leader.municipality)
    with tenant_scope(leader.municipality):
        from lus.conversations.services import conversation_create

        old = conversation_create(
            leader=leader, leaders_leader=other, year=2023, version=years[0].version
        )
    _answer(old, 1)
    unshared = make_conversation(leader, version=years[0].version, year=2027)
    _answer(unshared, 4, share=False)

    client.force_login(chef)
    page = client.get(reverse("history:leader", args=[leader.pk])).content.decode()
    assert "2024: 2,0; 2025: 3,0; 2026: 5,0" in page
    assert "2023" not in page and "2027" not in page
    with unscoped("test"):
        assert AuditEvent.objects.filter(action="view_history", actor=chef).count() == 1

    client.force_login(leader)
    page = client.get(reverse("history:mine")).content.decode()
    assert "2023: 1,0; 2024: 2,0; 2025: 3,0; 2026: 5,0; 2027: 4,0" in page


@pytest.mark.parametrize("who", ["hr", "colleague", "other_chef"])
def test_nobody_else_sees_a_leaders_history(client, leader, years, who):
    person = {
        "hr": lambda: HRFactory(municipality=leader.municipality),
        "colleague": lambda: LeaderFactory(municipality=leader.municipality),
        "other_chef": lambda: LeaderFactory(municipality=leader.municipality).manager,
    }[who]()
    client.force_login(person)
    assert client.get(reverse("history:leader", args=[leader.pk])).status_code == 404
