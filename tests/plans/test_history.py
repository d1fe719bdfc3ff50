"""My development over the years: the leader's own scale answers per theme and year, the
development points and how they went; the leader's leader sees only what they were party to."""

import pytest
from django.db import connection
from django.test import Client
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


@pytest.mark.django_db
def test_a_continuing_point_is_one_thread_with_each_years_evaluation():
    """Høje-Taastrup keeps one plan: a point still open is carried into next year's plan. The
    history shows it once, with how it went at each LUS in order, not as a card per year."""
    from lus.plans import services
    from lus.plans.models import PlanItem
    from tests.plans.factories import held_conversation

    first = held_conversation("continuing", year=2024)
    leader = first.leader
    with tenant_scope(first.municipality):
        plan = services.plan_get_or_create(conversation=first)
        kept = services.plan_item_create(plan=plan, user=leader, title="Strategisk ledelse")
        done = services.plan_item_create(plan=plan, user=leader, title="Budgetkursus")
    second = held_conversation("continuing", year=2025, leader=leader)
    with tenant_scope(second.municipality):
        services.evaluation_save(
            conversation=second, item_id=kept.pk, text="Godt i gang", status="in_progress"
        )
        services.evaluation_save(
            conversation=second, item_id=done.pk, text="Gennemført", status="done"
        )
        carried = services.plan_get_or_create(conversation=second).items.get()
    third = held_conversation("continuing", year=2026, leader=leader)
    with tenant_scope(third.municipality):
        services.evaluation_save(
            conversation=third, item_id=carried.pk, text="Mål nået", status="done"
        )
        services.plan_get_or_create(conversation=third)

    with unscoped("test"):
        assert carried.continues_id == kept.pk
        # Done at the 2026 LUS: nothing is carried into 2026's plan.
        assert not PlanItem.objects.filter(plan__conversation=third).exists()

    client = Client()
    client.force_login(leader)
    page = client.get(reverse("history:mine")).content.decode()
    assert page.count("Strategisk ledelse") == 1
    thread = page[page.index("Strategisk ledelse") : page.index("</li>\n  \n    <li")]
    assert "fortløbende plan" in thread
    assert thread.index("I planen for 2024") < thread.index("Ved LUS 2025:")
    assert thread.index("Ved LUS 2025:") < thread.index("I planen for 2025")
    assert thread.index("I planen for 2025") < thread.index("Ved LUS 2026:")
    dash = "\N{EN DASH}"
    assert f"I gang {dash} Godt i gang" in thread and f"Nået {dash} Mål nået" in thread
    assert page.count("Budgetkursus") == 1 and f"Nået {dash} Gennemført" in page


@pytest.mark.django_db
def test_points_carried_before_the_link_existed_are_linked_by_the_migration():
    from django.apps import apps

    from lus.plans import services
    from lus.plans.models import PlanItem
    from tests.plans.factories import held_conversation

    first = held_conversation("continuing", year=2025)
    with tenant_scope(first.municipality):
        plan = services.plan_get_or_create(conversation=first)
        kept = services.plan_item_create(plan=plan, user=first.leader, title="Strategisk ledelse")
    second = held_conversation("continuing", year=2026, leader=first.leader)
    with tenant_scope(second.municipality):
        carried = services.plan_get_or_create(conversation=second).items.get()
        added = services.plan_item_create(
            plan=carried.plan, user=first.leader, title="Strategisk ledelse"
        )
    with unscoped("test"):
        PlanItem.objects.filter(pk=carried.pk).update(continues=None)
        migration = __import__(
            "lus.plans.migrations.0007_planitem_continues", fromlist=["link_carried_points"]
        )
        migration.link_carried_points(apps, None)
        carried.refresh_from_db()
        added.refresh_from_db()
    assert carried.continues_id == kept.pk
    # Added this year (not carried), though it has the same title.
    assert added.continues_id is None
