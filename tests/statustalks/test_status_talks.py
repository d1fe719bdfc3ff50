"""Status talks: the pair books 1-2 from the agreed plan (.ics with reminders), writes a status
per development point, and the next LUS shows it. Nobody else sees them."""

from __future__ import annotations

import icalendar
import pytest
from django.urls import reverse

from lus.statustalks.models import StatusNote, StatusTalk
from lus.tenants.scoping import tenant_scope, unscoped
from tests.conversations.factories import make_conversation
from tests.documents.factories import make_agreed_conversation
from tests.factories import HRFactory, LeaderFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def book(client, conversation, date="2027-03-01", time="10:00"):
    return client.post(
        reverse("statustalks:index", args=[conversation.pk]),
        {"date": date, "time": time, "duration": "30", "location": "Mødelokale 2"},
    )


def test_the_pair_books_two_status_talks_from_the_agreed_plan(client, leader):
    c = make_agreed_conversation(leader)
    client.force_login(leader)
    assert book(client, c).status_code == 302
    client.force_login(leader.manager)
    assert book(client, c, date="2027-09-01").status_code == 302
    page = client.get(reverse("statustalks:index", args=[c.pk])).content.decode()
    assert "Statussamtale 1" in page and "Statussamtale 2" in page
    assert "Book en statussamtale" not in page  # two at most
    third = book(client, c, date="2027-11-01")
    assert third.status_code == 400
    with unscoped("test"):
        assert StatusTalk.objects.filter(conversation=c).count() == 2


def test_booking_needs_an_agreed_plan_and_a_valid_date(client, leader):
    c = make_conversation(leader)
    client.force_login(leader)
    assert book(client, c).status_code == 409
    agreed = make_agreed_conversation(LeaderFactory(municipality=leader.municipality))
    client.force_login(agreed.leader)
    response = book(client, agreed, date="2027-02-30")
    assert response.status_code == 400
    assert "Skriv en gyldig dato." in response.content.decode()


def test_the_calendar_file_has_two_reminders_and_no_plan_content(client, leader):
    c = make_agreed_conversation(leader, point="Hemmeligt udviklingspunkt")
    client.force_login(leader)
    book(client, c)
    with unscoped("test"):
        talk = StatusTalk.objects.get()
    response = client.get(reverse("statustalks:ics", args=[talk.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    event = next(iter(icalendar.Calendar.from_ical(response.content).walk("VEVENT")))
    assert str(event["UID"]) == talk.ics_uid
    assert len(event.walk("VALARM")) == 2
    assert b"Hemmeligt" not in response.content


def test_status_per_point_is_saved_and_shown_in_the_next_lus(client, leader):
    c = make_agreed_conversation(leader, point="Styrke min sparring")
    client.force_login(leader.manager)
    book(client, c)
    with unscoped("test"):
        talk = StatusTalk.objects.get()
        item = c.plan.items.get()
    url = reverse("statustalks:talk", args=[talk.pk])
    bad = client.post(url, {f"status-{item.pk}": "forkert", f"text-{item.pk}": "x"})
    assert bad.status_code == 422
    assert "Vælg en status fra listen." in bad.content.decode()
    ok = client.post(url, {f"status-{item.pk}": "on_track", f"text-{item.pk}": "Godt i gang"})
    assert ok.status_code == 302
    with unscoped("test"):
        assert StatusNote.objects.get().text == "Godt i gang"
    next_year = make_conversation(leader, version=c.version, year=c.year + 1)
    client.force_login(leader)
    body = client.get(reverse("conversations:prepare", args=[next_year.pk])).content.decode()
    assert f"Statussamtaler siden LUS {c.year}" in body
    assert "Styrke min sparring" in body and "På rette vej \u2013 Godt i gang" in body


def test_only_the_talks_since_the_last_lus_are_shown(client, leader):
    """The talks belong to the leader's most recent earlier LUS: once a later LUS was held
    without status talks, the older talks are not shown again."""
    c = make_agreed_conversation(leader, point="Styrke min sparring")
    client.force_login(leader.manager)
    book(client, c)
    between = make_conversation(leader, version=c.version, year=c.year + 1)
    after = make_conversation(leader, version=c.version, year=c.year + 2)
    client.force_login(leader)
    shown = client.get(reverse("conversations:prepare", args=[between.pk])).content.decode()
    assert f"Statussamtaler siden LUS {c.year}" in shown
    body = client.get(reverse("conversations:prepare", args=[after.pk])).content.decode()
    assert "Statussamtaler siden LUS" not in body


def test_nobody_else_sees_or_books_status_talks(client, leader):
    c = make_agreed_conversation(leader)
    client.force_login(leader)
    book(client, c)
    with unscoped("test"):
        talk = StatusTalk.objects.get()
    outsiders = [
        HRFactory(municipality=leader.municipality),
        LeaderFactory(municipality=leader.municipality),
        LeaderFactory(municipality=leader.municipality).manager,
        HRFactory(municipality=MunicipalityFactory()),
    ]
    for outsider in outsiders:
        client.force_login(outsider)
        assert client.get(reverse("statustalks:index", args=[c.pk])).status_code == 404
        assert book(client, c).status_code == 404
        assert client.get(reverse("statustalks:talk", args=[talk.pk])).status_code == 404
        assert client.post(reverse("statustalks:talk", args=[talk.pk]), {}).status_code == 404
        assert client.get(reverse("statustalks:ics", args=[talk.pk])).status_code == 404
    with tenant_scope(leader.municipality):
        assert StatusTalk.objects.count() == 1


def test_the_agreements_list_per_perspective_for_the_two_only(client, leader):
    """The agreements as a list per perspective (what, when, who, responsible, follow-up),
    readable on a phone; only the two parties see it."""
    c = make_agreed_conversation(leader)
    client.force_login(leader)
    page = client.get(reverse("statustalks:agreements", args=[c.pk])).content.decode()
    assert "Trivsel" in page and "Vi holder månedlige 1:1-samtaler" in page
    client.force_login(leader.manager)
    assert client.get(reverse("statustalks:agreements", args=[c.pk])).status_code == 200
    for other in (
        HRFactory(municipality=leader.municipality),
        LeaderFactory(municipality=leader.municipality),
    ):
        client.force_login(other)
        assert client.get(reverse("statustalks:agreements", args=[c.pk])).status_code == 404
    foreign = LeaderFactory(municipality=MunicipalityFactory(slug="albertslund"))
    client.force_login(foreign)
    assert client.get(reverse("statustalks:agreements", args=[c.pk])).status_code == 404


def test_no_agreements_yet(client, leader):
    c = make_conversation(leader)
    client.force_login(leader)
    page = client.get(reverse("statustalks:agreements", args=[c.pk])).content.decode()
    assert "Der er endnu ingen aftaler" in page
