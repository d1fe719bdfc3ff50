"""'Mine ledere': the leader's leader's overview of their direct reports, and creating a LUS."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lus.conversations.models import Conversation
from lus.frameworks.models import PlanField, TeamCustomisation
from lus.plans.models import FollowUp, PlanItem, PlanValue
from lus.plans.services import plan_create, plan_item_add
from lus.tenants.scoping import tenant_scope, unscoped
from tests.conversations.factories import make_conversation
from tests.factories import HRFactory, LeaderFactory, UserFactory

URL = reverse("conversations:my_leaders")
TODAY = timezone.localdate()


def create_url(person):
    return reverse("conversations:create_for_report", args=[person.pk])


def add_reports(chef, n, **kw):
    return [
        UserFactory(municipality=chef.municipality, manager=chef, name=f"Leder {i:02d}", **kw)
        for i in range(n)
    ]


def agreed_plan_with_follow_up(leader, version, *, follow_up: datetime.date, year):
    """Last year's LUS with an agreed plan: an open and a done item, each with a follow-up on
    the given date."""
    with unscoped("test"):
        field = PlanField.objects.filter(version=version, is_follow_up_date=True).first()
        if field is None:
            # The version is published (frozen); bulk_create bypasses the guard in save().
            [field] = PlanField.objects.bulk_create(
                [
                    PlanField(
                        municipality=version.municipality,
                        version=version,
                        label="Opfølgning",
                        per=PlanField.Per.ITEM,
                        kind=PlanField.Kind.DATE,
                        is_follow_up_date=True,
                    )
                ]
            )
    with tenant_scope(leader.municipality):
        last = make_conversation(leader, version=version, year=year)
        plan = plan_create(conversation=last)
        item = plan_item_add(plan=plan, title="Sparring", year=year)
        done = plan_item_add(plan=plan, title="Færdig", year=year)
        PlanItem.objects.filter(pk=done.pk).update(status=PlanItem.Status.DONE)
        for target in (item, done):
            value = PlanValue.objects.create(
                municipality=leader.municipality,
                plan=plan,
                field=field,
                item=target,
                value=follow_up.isoformat(),
            )
            FollowUp.objects.create(
                municipality=leader.municipality,
                plan=plan,
                date=follow_up,
                title=f"Opfølgning: {target.title}",
                source=value,
            )
        plan.agreed_at = timezone.now()
        plan.save()
    return plan


def test_overview_shows_status_booking_plan_follow_ups_and_senior_hint(client, chef, version):
    m = chef.municipality
    m.senior_conversation_age = 55
    m.save()
    [young, senior, fresh] = add_reports(chef, 3)
    senior.birth_date = TODAY.replace(year=TODAY.year - 60)
    senior.save()
    young.birth_date = TODAY.replace(year=TODAY.year - 40)
    young.save()
    conv = make_conversation(young, version=version, year=TODAY.year)
    with tenant_scope(m):
        Conversation.objects.filter(pk=conv.pk).update(
            scheduled_at=timezone.now() + datetime.timedelta(days=3), location="Mødelokale 2"
        )
    agreed_plan_with_follow_up(
        young, version, follow_up=TODAY - datetime.timedelta(days=10), year=TODAY.year - 1
    )
    client.force_login(chef)
    response = client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200 and body.count("<h1") == 1
    assert "Mine ledere" in body
    row = body.split(f'id="report-{young.pk}"')[1].split("</tr>")[0]
    assert "Oprettet" in row and "Mødelokale 2" in row
    assert "Aftalt" in row  # last year's plan
    assert 'text-bg-danger">1<' in row  # one open overdue follow-up (the done one is not)
    assert reverse("conversations:invite", args=[conv.pk]) in row
    senior_row = body.split(f'id="report-{senior.pk}"')[1].split("</tr>")[0]
    assert "Seniorsamtale" in senior_row and "60 år" in senior_row
    assert "Seniorsamtale" not in row
    fresh_row = body.split(f'id="report-{fresh.pk}"')[1].split("</tr>")[0]
    assert "Ikke oprettet" in fresh_row and create_url(fresh) in fresh_row


def test_no_senior_hint_where_the_municipality_does_not_offer_it(client, chef, version):
    [senior] = add_reports(chef, 1, birth_date=TODAY.replace(year=TODAY.year - 62))
    client.force_login(chef)
    body = client.get(URL).content.decode()
    assert senior.name in body and "Seniorsamtale" not in body


def test_future_follow_up_is_not_overdue(client, chef, version):
    [person] = add_reports(chef, 1)
    agreed_plan_with_follow_up(
        person, version, follow_up=TODAY + datetime.timedelta(days=5), year=TODAY.year - 1
    )
    client.force_login(chef)
    row = client.get(URL).content.decode().split(f'id="report-{person.pk}"')[1].split("</tr>")[0]
    assert "text-bg-danger" not in row


def _count(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_is_constant_in_the_number_of_reports(
    client, chef, version, django_assert_max_num_queries
):
    client.force_login(chef)
    add_reports(chef, 2)
    few = _count(client)
    people = add_reports(chef, 10)
    for p in people[:5]:
        make_conversation(p, version=version, year=TODAY.year)
    for p in people[5:8]:
        agreed_plan_with_follow_up(p, version, follow_up=TODAY, year=TODAY.year - 1)
    many = _count(client)
    assert few == many
    with django_assert_max_num_queries(12):
        client.get(URL)


def test_person_without_reports_sees_an_empty_page(client, leader):
    client.force_login(leader)
    body = client.get(URL).content.decode()
    assert 'id="no-reports"' in body


def test_start_page_links_to_my_leaders_for_leaders_leaders_only(client, chef, leader):
    client.force_login(chef)
    assert URL in client.get(reverse("home")).content.decode()
    client.force_login(leader)
    assert URL not in client.get(reverse("home")).content.decode()


# --- creating a report's LUS -----------------------------------------------------------------
def test_leaders_leader_creates_lus_with_team_customisation_pinned(client, chef, leader, version):
    with tenant_scope(chef.municipality):
        customisation = TeamCustomisation.objects.create(
            municipality=chef.municipality, version=version, owner=chef
        )
    client.force_login(chef)
    response = client.post(create_url(leader))
    with tenant_scope(chef.municipality):
        conv = Conversation.objects.get(leader=leader, year=TODAY.year)
    assert response.status_code == 302
    assert response["Location"] == reverse("conversations:invite", args=[conv.pk])
    assert conv.leaders_leader == chef and conv.version == version
    assert conv.customisation == customisation
    assert conv.status == Conversation.Status.CREATED


def test_creating_twice_is_refused_in_danish(client, chef, leader, version):
    client.force_login(chef)
    client.post(create_url(leader))
    response = client.post(create_url(leader))
    assert response.status_code == 409
    assert "har allerede en LUS i" in response.content.decode()
    with tenant_scope(chef.municipality):
        assert Conversation.objects.filter(leader=leader).count() == 1


def test_no_published_framework_is_explained(client, chef, leader):
    client.force_login(chef)
    response = client.post(create_url(leader))
    assert response.status_code == 409
    assert "ikke udgivet en spørgeramme" in response.content.decode()


@pytest.mark.parametrize("who", ["leader", "other_leaders_leader", "hr", "foreign_leaders_leader"])
def test_only_the_own_leaders_leader_creates(client, chef, leader, version, randers, who):
    actor = {
        "leader": leader,
        "other_leaders_leader": LeaderFactory(municipality=chef.municipality).manager,
        "hr": HRFactory(municipality=chef.municipality),
        "foreign_leaders_leader": LeaderFactory(municipality=randers).manager,
    }[who]
    client.force_login(actor)
    assert client.post(create_url(leader)).status_code == 404
    assert client.get(create_url(leader)).status_code == 405
    with unscoped("test"):
        assert not Conversation.objects.filter(leader=leader).exists()
