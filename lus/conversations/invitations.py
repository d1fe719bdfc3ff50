"""The invitation e-mail with its calendar attachment (RFC 5545, ``METHOD:REQUEST``).

The event's UID is stored on the conversation and never changes; every rebooking raises the
SEQUENCE, so calendar programs update the event they already have instead of adding a second.
"""

from __future__ import annotations

import datetime

import icalendar
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lus.frameworks.models import FrameworkVersion

from .models import Conversation, Role

PRODID = "-//LUS//Lederudviklingssamtaler//DA"


def _summary(conversation: Conversation) -> str:
    return _("LUS %(year)s: %(leader)s and %(leaders_leader)s") % {
        "year": conversation.year,
        "leader": conversation.leader.name,
        "leaders_leader": conversation.leaders_leader.name,
    }


def _place(conversation: Conversation) -> str:
    if conversation.walk_and_talk:
        if conversation.location:
            return _("Walk'n'talk, meeting point: %(place)s") % {"place": conversation.location}
        return _("Walk'n'talk")
    return conversation.location


def _minutes_line(conversation: Conversation) -> str:
    if conversation.version.minutes == FrameworkVersion.Minutes.NONE:
        return ""
    if conversation.minutes_by == Role.LEADER:
        return _("Minutes are written by %(name)s.") % {"name": conversation.leader.name}
    if conversation.minutes_by == Role.LEADERS_LEADER:
        return _("Minutes are written by %(name)s.") % {"name": conversation.leaders_leader.name}
    return _("No minutes are written.")


def invitation_ics(conversation: Conversation, *, link: str) -> bytes:
    """The calendar invitation for the conversation as it is booked now."""
    start = conversation.scheduled_at.astimezone(datetime.UTC)
    end = start + datetime.timedelta(minutes=conversation.duration_minutes)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = icalendar.Event()
    event.add("uid", conversation.ics_uid)
    event.add("sequence", conversation.ics_sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", _summary(conversation))
    place = _place(conversation)
    if place:
        event.add("location", place)
    description = "\n\n".join(
        part
        for part in (conversation.invitation_message, _minutes_line(conversation), link)
        if part
    )
    event.add("description", description)
    event.add("url", link)
    event.add("status", "CONFIRMED")
    organizer = icalendar.vCalAddress(
        f"mailto:{conversation.leaders_leader.email or 'lus@localhost'}"
    )
    organizer.params["cn"] = icalendar.vText(conversation.leaders_leader.name)
    event.add("organizer", organizer)
    attendee = icalendar.vCalAddress(f"mailto:{conversation.leader.email}")
    attendee.params["cn"] = icalendar.vText(conversation.leader.name)
    attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = icalendar.vText("NEEDS-ACTION")
    attendee.params["rsvp"] = icalendar.vText("TRUE")
    event.add("attendee", attendee)
    cal.add_component(event)
    return cal.to_ical()


def invitation_email(conversation: Conversation, *, link: str, rebooking: bool) -> EmailMessage:
    """The invitation (or the changed booking) in Danish, with the .ics attached."""
    with translation.override("da"):
        local = timezone.localtime(conversation.scheduled_at)
        when = date_format(local, "l j. F Y \\k\\l. H:i")
        subject = (
            _("Changed time: LUS %(year)s with %(leaders_leader)s")
            if rebooking
            else _("Invitation: LUS %(year)s with %(leaders_leader)s")
        ) % {"year": conversation.year, "leaders_leader": conversation.leaders_leader.name}
        lines = [
            _("Dear %(name)s,") % {"name": conversation.leader.get_short_name()},
            "",
            (
                _("The time of your leadership development conversation (LUS) has been changed.")
                if rebooking
                else _("You are invited to your leadership development conversation (LUS).")
            ),
            "",
            _("When: %(when)s (%(minutes)s minutes)")
            % {"when": when, "minutes": conversation.duration_minutes},
        ]
        place = _place(conversation)
        if place:
            lines.append(_("Where: %(place)s") % {"place": place})
        minutes = _minutes_line(conversation)
        if minutes:
            lines.append(minutes)
        if conversation.invitation_message:
            lines += ["", conversation.invitation_message]
        lines += [
            "",
            _("Prepare for the conversation and share your preparation here:"),
            link,
            "",
            _("The calendar invitation is attached."),
            "",
            _("Kind regards"),
            conversation.leaders_leader.name,
        ]
        ics = invitation_ics(conversation, link=link)
    message = EmailMessage(
        subject=subject,
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[conversation.leader.email],
        reply_to=[conversation.leaders_leader.email] if conversation.leaders_leader.email else None,
    )
    message.attach("invitation.ics", ics, "text/calendar; method=REQUEST; charset=UTF-8")
    return message
