"""The agreed plan's follow-ups as calendar files."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from lus.audit.services import audit_record

from ..models import FollowUp


def follow_up_ics(*, follow_up: FollowUp, base_url: str = "") -> bytes:
    """The follow-up as an all-day calendar event (.ics) for both people. The UID is stable
    (plan + source field), so importing it again after a reopened plan updates the event."""
    import icalendar
    from django.urls import reverse

    conversation = follow_up.plan.conversation
    cal = icalendar.Calendar()
    cal.add("prodid", "-//LUS//lederudviklingssamtaler//DA")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = icalendar.Event()
    source = follow_up.source_id or f"f{follow_up.pk}"
    event.add("uid", f"lus-followup-{follow_up.plan_id}-{source}@lus")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", follow_up.date)
    event.add("dtend", follow_up.date + datetime.timedelta(days=1))
    event.add("summary", follow_up.title)
    url = base_url.rstrip("/") + reverse("plans:plan", args=[conversation.pk])
    event.add("description", _("The agreed development plan: %(url)s") % {"url": url})
    event.add("url", url)
    for person in (conversation.leader, conversation.leaders_leader):
        if person.email:
            attendee = icalendar.vCalAddress(f"mailto:{person.email}")
            attendee.params["cn"] = icalendar.vText(person.name)
            event.add("attendee", attendee, encode=False)
    cal.add_component(event)
    return cal.to_ical()


def follow_up_export(*, follow_up: FollowUp, user, base_url: str = "", request=None) -> bytes:
    """``follow_up_ics`` for a person who downloads it (audited)."""
    audit_record(
        actor=user,
        action="export_follow_up",
        target=follow_up,
        detail=_("Follow-up exported as a calendar file"),
        request=request,
    )
    return follow_up_ics(follow_up=follow_up, base_url=base_url)
