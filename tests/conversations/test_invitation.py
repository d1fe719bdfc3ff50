"""The invitation: booking, the Danish e-mail with its .ics, rebooking with the same UID."""

import datetime

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lus.audit.models import AuditEvent
from lus.conversations.models import Conversation
from lus.conversations.services import (
    Booking,
    conversation_book,
    conversation_hold,
    preparation_for,
)
from lus.tenants.scoping import tenant_scope, unscoped
from tests.conversations.factories import make_conversation, make_version
from tests.factories import HRFactory, LeaderFactory

NEXT_WEEK = timezone.localdate() + datetime.timedelta(days=7)


@pytest.fixture
def conv(leader):
    return make_conversation(leader, year=timezone.localdate().year)


def url(conv):
    return reverse("conversations:invite", args=[conv.pk])


def booking(**over):
    data = {
        "date": NEXT_WEEK.isoformat(),
        "time": "10:30",
        "duration_minutes": "60",
        "location": "Mødelokale 3, Rådhuset",
        "message": "Glæder mig til en god snak.",
    }
    data.update(over)
    return data


def reload(conv):
    with unscoped("test"):
        return Conversation.objects.get(pk=conv.pk)


def ics_of(message) -> icalendar.Calendar:
    [(name, content, mimetype)] = message.attachments
    assert name == "invitation.ics" and mimetype.startswith("text/calendar")
    assert "method=REQUEST" in mimetype
    return icalendar.Calendar.from_ical(content)


def test_form_defaults_to_the_municipality_duration(client, leader):
    m = leader.municipality
    m.conversation_duration_minutes = 90  # Albertslund: 1½ hours
    m.save()
    conv = make_conversation(leader)
    client.force_login(leader.manager)
    response = client.get(url(conv))
    body = response.content.decode()
    assert response.status_code == 200 and body.count("<h1") == 1
    assert 'name="duration_minutes" value="90"' in body
    assert 'type="date"' in body and 'type="time"' in body
    assert 'name="walk_and_talk"' in body
    assert 'name="minutes_by"' not in body  # this framework writes no minutes


def test_invite_books_sends_danish_mail_with_ics_and_audits(client, conv):
    chef = conv.leaders_leader
    client.force_login(chef)
    response = client.post(url(conv), booking())
    assert response.status_code == 302
    assert response["Location"] == reverse("conversations:my_leaders")
    conv = reload(conv)
    assert conv.status == Conversation.Status.INVITED and conv.invited_at
    assert conv.location == "Mødelokale 3, Rådhuset" and conv.ics_uid and conv.ics_sequence == 0
    local = timezone.localtime(conv.scheduled_at)
    assert (local.date(), local.hour, local.minute) == (NEXT_WEEK, 10, 30)
    [message] = mail.outbox
    assert message.to == [conv.leader.email]
    assert message.subject.startswith("Invitation: LUS")
    assert "Du er inviteret til din lederudviklingssamtale" in message.body
    assert "Glæder mig til en god snak." in message.body
    link = "http://testserver" + reverse("conversations:prepare", args=[conv.pk])
    assert link in message.body
    cal = ics_of(message)
    assert str(cal["METHOD"]) == "REQUEST"
    [event] = cal.walk("VEVENT")
    assert str(event["UID"]) == conv.ics_uid
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == conv.scheduled_at
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(minutes=60)
    assert str(event["LOCATION"]) == "Mødelokale 3, Rådhuset"
    assert conv.leader.email in str(event["ATTENDEE"])
    assert link in str(event["DESCRIPTION"])
    with unscoped("test"):
        event_row = AuditEvent.objects.get(action="invite_conversation")
    assert event_row.actor == chef and event_row.subject == conv.leader


def test_rebooking_keeps_status_and_uid_and_increments_sequence(client, conv):
    client.force_login(conv.leaders_leader)
    client.post(url(conv), booking())
    first = reload(conv)
    # The leader prepares and shares meanwhile: rebooking must not move the status back.
    with tenant_scope(conv.municipality):
        Conversation.objects.filter(pk=conv.pk).update(status=Conversation.Status.SHARED)
    page = client.get(url(conv)).content.decode()
    assert "Mødelokale 3, Rådhuset" in page  # the form shows the current booking
    later = (NEXT_WEEK + datetime.timedelta(days=2)).isoformat()
    response = client.post(
        url(conv), booking(date=later, time="13:00", location="", walk_and_talk="on")
    )
    assert response.status_code == 302
    second = reload(conv)
    assert second.status == Conversation.Status.SHARED
    assert second.ics_uid == first.ics_uid and second.ics_sequence == 1
    assert second.walk_and_talk
    assert len(mail.outbox) == 2
    update = mail.outbox[1]
    assert update.subject.startswith("Ændret tidspunkt")
    assert "Tidspunktet for din lederudviklingssamtale (LUS) er ændret" in update.body
    [e1] = ics_of(mail.outbox[0]).walk("VEVENT")
    [e2] = ics_of(update).walk("VEVENT")
    assert str(e1["UID"]) == str(e2["UID"]) == first.ics_uid
    assert (int(e1["SEQUENCE"]), int(e2["SEQUENCE"])) == (0, 1)
    assert e2.decoded("DTSTART") == second.scheduled_at != first.scheduled_at
    assert "Walk'n'talk" in str(e2["LOCATION"])
    # a third booking bumps again
    client.post(url(conv), booking(time="14:00"))
    assert reload(conv).ics_sequence == 2
    with unscoped("test"):
        assert AuditEvent.objects.filter(action="rebook_conversation").count() == 2


def test_date_in_the_past_is_refused_at_the_field_and_input_kept(client, conv):
    client.force_login(conv.leaders_leader)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(url(conv), booking(date=yesterday, message="Min besked her"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "Datoen er overstået" in body
    assert "Mødelokale 3, Rådhuset" in body and "Min besked her" in body
    assert f'value="{yesterday}"' in body
    assert reload(conv).status == Conversation.Status.CREATED and not mail.outbox


def test_place_or_walk_and_talk_required_and_bad_values(client, conv):
    client.force_login(conv.leaders_leader)
    response = client.post(url(conv), booking(location=""))
    assert response.status_code == 400
    assert "Angiv et sted" in response.content.decode()
    for bad in (
        {"date": "2026-02-30"},
        {"time": "25:99"},
        {"duration_minutes": "5"},
        {"duration_minutes": "abc"},
        {"location": "x" * 500},
        {"message": "a\x00b"},
    ):
        response = client.post(url(conv), booking(**bad))
        assert response.status_code == 400, bad
    assert not reload(conv).ics_uid and not mail.outbox


def test_minutes_writer_agreed_in_the_invitation(client, leader):
    version = make_version(leader.municipality, minutes="optional_writer_agreed")
    conv = make_conversation(leader, version=version, year=timezone.localdate().year)
    client.force_login(leader.manager)
    body = client.get(url(conv)).content.decode()
    assert 'name="minutes_by"' in body and "Aftal før samtalen" in body
    assert client.post(url(conv), booking(minutes_by="someone")).status_code == 400
    assert client.post(url(conv), booking(minutes_by="leader")).status_code == 302
    assert reload(conv).minutes_by == "leader"
    assert f"Referatet skrives af {leader.name}" in mail.outbox[0].body


def test_minutes_ignored_where_none_are_written(client, conv):
    client.force_login(conv.leaders_leader)
    client.post(url(conv), booking(minutes_by="leader"))
    assert reload(conv).minutes_by == ""


def test_leader_without_email_is_booked_with_a_warning(client, conv):
    with unscoped("test"):
        type(conv.leader).objects.filter(pk=conv.leader_id).update(email="")
    client.force_login(conv.leaders_leader)
    response = client.post(url(conv), booking(), follow=True)
    assert "ingen e-mailadresse" in response.content.decode()
    assert reload(conv).status == Conversation.Status.INVITED and not mail.outbox


def test_held_conversation_cannot_be_rebooked(client, conv):
    client.force_login(conv.leaders_leader)
    client.post(url(conv), booking())
    with tenant_scope(conv.municipality):
        conversation_hold(conversation=reload(conv))
    assert client.get(url(conv)).status_code == 403
    assert client.post(url(conv), booking(time="15:00")).status_code == 403
    assert reload(conv).ics_sequence == 0


@pytest.mark.parametrize(
    "who,status", [("leader", 403), ("other_leaders_leader", 404), ("hr", 404), ("foreign", 404)]
)
def test_who_may_invite(client, conv, randers, who, status):
    actor = {
        "leader": conv.leader,
        "other_leaders_leader": LeaderFactory(municipality=conv.municipality).manager,
        "hr": HRFactory(municipality=conv.municipality),
        "foreign": LeaderFactory(municipality=randers).manager,
    }[who]
    client.force_login(actor)
    assert client.get(url(conv)).status_code == status
    assert client.post(url(conv), booking()).status_code == status
    assert not reload(conv).ics_uid and not mail.outbox


def test_leader_started_preparing_before_invitation_keeps_status(client, conv):
    with tenant_scope(conv.municipality):
        Conversation.objects.filter(pk=conv.pk).update(status=Conversation.Status.PREPARING)
        preparation_for(conversation=conv, role="leader")
    client.force_login(conv.leaders_leader)
    assert client.post(url(conv), booking()).status_code == 302
    conv = reload(conv)
    assert conv.status == Conversation.Status.PREPARING and conv.invited_at


def test_booking_through_the_service_alone_is_audited(conv):
    """A booking by a command or the demo (no view) leaves the same audit row."""
    when = timezone.make_aware(datetime.datetime.combine(NEXT_WEEK, datetime.time(10, 30)))
    with tenant_scope(conv.municipality):
        rebooking = conversation_book(
            conversation=conv,
            booking=Booking(scheduled_at=when, duration_minutes=60),
            user=conv.leaders_leader,
        )
    assert rebooking is False
    with unscoped("test"):
        row = AuditEvent.objects.get(action="invite_conversation")
    assert row.actor == conv.leaders_leader and row.subject == conv.leader
    assert row.category == AuditEvent.Category.CHANGE
