"""The preparation shows the way: progress per section, mandatory questions still open, next
section; and "check your answers" before sharing."""

import pytest
from django.urls import reverse

from tests.conversations.factories import make_conversation, questions_of
from tests.conversations.test_preparation import full_post


@pytest.fixture
def conv(leader):
    return make_conversation(leader)


def test_overview_counts_answers_and_open_mandatory_questions(client, leader, conv):
    client.force_login(leader)
    page = client.get(reverse("conversations:prepare", args=[conv.pk])).content.decode()
    # Trivsel: 3 answerable questions for the leader, 2 of them mandatory; Stikord: 1.
    assert "0 af 4 spørgsmål besvaret" in page
    assert "0 af 3" in page
    assert "2 obligatoriske spørgsmål mangler" in page
    assert "Næste: Stikord" in page
    assert "Se alle dine svar samlet, før du deler" in page


def test_overview_follows_saved_answers(client, leader, conv):
    qs = questions_of(conv.version)
    client.force_login(leader)
    url = reverse("conversations:prepare", args=[conv.pk])
    client.post(url, full_post(conv, qs))
    page = client.get(url).content.decode()
    assert "4 af 4 spørgsmål besvaret" in page
    assert "2 obligatoriske spørgsmål mangler" not in page
    assert page.count("data-toc-open hidden") == 2  # no section has an open mandatory question
    assert page.count('class="is-complete"') == 2


def test_summary_lists_answers_and_what_is_missing(client, leader, conv):
    qs = questions_of(conv.version)
    client.force_login(leader)
    summary = reverse("conversations:summary", args=[conv.pk])
    page = client.get(summary).content.decode()
    assert "Se dine svar igennem" in page
    assert "Ikke besvaret endnu (obligatorisk)" in page
    assert f"#q-{qs['Hvor godt trives du?'].pk}" in page  # a link to the missing question
    assert 'id="share-button"' not in page

    client.post(reverse("conversations:prepare", args=[conv.pk]), full_post(conv, qs))
    page = client.get(summary).content.decode()
    assert "Gode kolleger" in page
    assert "4 / 5" in page
    assert "Ikke besvaret endnu" not in page
    assert 'id="share-button"' in page


def test_summary_is_only_for_the_two_parties(client, conv, hr):
    from tests.factories import LeaderFactory

    summary = reverse("conversations:summary", args=[conv.pk])
    for outsider in (hr, LeaderFactory(municipality=conv.leader.municipality)):
        client.force_login(outsider)
        assert client.get(summary).status_code == 404


def test_preparation_query_count_does_not_grow_with_earlier_years(client, leader):
    """The overview and last year's plan cost the same whatever the leader's history."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lus.plans.services import plan_create, plan_item_add
    from lus.tenants.scoping import tenant_scope
    from tests.conversations.factories import make_version
    from tests.factories import LeaderFactory

    version = make_version(leader.municipality)
    counts = []
    for years_before in (1, 4):
        person = LeaderFactory(municipality=leader.municipality)
        for earlier in range(2026 - years_before, 2026):
            conv = make_conversation(person, version=version, year=earlier)
            with tenant_scope(leader.municipality):
                plan = plan_create(conversation=conv)
                plan_item_add(plan=plan, title=f"P{earlier}", year=earlier)
        current = make_conversation(person, version=version, year=2026)
        client.force_login(person)
        url = reverse("conversations:prepare", args=[current.pk])
        client.get(url)  # create the preparation, warm the framework cache
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 12, counts


@pytest.mark.django_db
def test_a_section_with_only_text_to_read_says_so_instead_of_0_of_0(client):
    """Randers opens with a section about the material (no questions): the overview says it
    is there to read, not "0 af 0"."""
    from tests.plans.factories import shipped_conversation

    conv = shipped_conversation("randers", status="invited")
    client.force_login(conv.leader)
    page = client.get(reverse("conversations:prepare", args=[conv.pk])).content.decode()
    toc = page[page.index('id="progress"') : page.index("</details>", page.index('id="progress"'))]
    assert "Om LUS-materialet" in toc and "til læsning" in toc
    assert "0 af 0" not in toc
    assert "0 af 1" in toc  # the sections with a question still count


@pytest.mark.django_db
def test_summary_leaves_out_a_section_with_nothing_to_answer(client):
    from tests.plans.factories import shipped_conversation

    conv = shipped_conversation("randers", status="invited")
    client.force_login(conv.leader)
    page = client.get(reverse("conversations:summary", args=[conv.pk])).content.decode()
    assert "Om LUS-materialet" not in page
    assert "Mig som leder" in page
