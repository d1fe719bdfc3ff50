"""Writes for status talks (keyword-only, validated, atomic, audited) and the calendar file."""

from __future__ import annotations

import datetime
import uuid

import icalendar
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lus.audit.models import AuditEvent
from lus.audit.services import audit_record
from lus.conversations.models import Conversation

from .models import MAX_TALKS, StatusNote, StatusTalk


@transaction.atomic
def status_talk_book(
    *,
    conversation: Conversation,
    actor,
    scheduled_at: datetime.datetime,
    duration: int,
    location: str,
) -> StatusTalk:
    """Book the next status talk of the agreed plan (at most two)."""
    if conversation.status not in (Conversation.Status.PLAN_AGREED, Conversation.Status.FILED):
        raise ValidationError(_("Status talks are booked once the plan is agreed."))
    Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
    number = StatusTalk.objects.filter(conversation=conversation).count() + 1
    if number > MAX_TALKS:
        raise ValidationError(_("You have already booked two status talks."))
    talk = StatusTalk(
        municipality_id=conversation.municipality_id,
        conversation=conversation,
        number=number,
        scheduled_at=scheduled_at,
        duration_minutes=duration,
        location=location,
        booked_by=actor,
        ics_uid=f"lus-status-{uuid.uuid4()}@lus",
    )
    talk.full_clean()
    try:
        talk.save()
    except IntegrityError as exc:  # a simultaneous booking took the number
        raise ValidationError(_("The status talk was just booked by the other person.")) from exc
    audit_record(
        actor=actor,
        action="book_status_talk",
        target=conversation,
        detail=_("Status talk %(n)s booked") % {"n": number},
        category=AuditEvent.Category.CHANGE,
    )
    return talk


@transaction.atomic
def status_notes_save(*, talk: StatusTalk, actor, values: dict[int, tuple[str, str]]) -> int:
    """Save the status per development point: ``{item id: (status, text)}``. Returns how many
    changed."""
    existing = {n.item_id: n for n in StatusNote.objects.filter(talk=talk)}
    changed = 0
    for item_id, (status, text) in values.items():
        note = existing.get(item_id) or StatusNote(
            municipality_id=talk.municipality_id, talk=talk, item_id=item_id
        )
        if (note.pk and note.status == status and note.text == text) or (
            not note.pk and not status and not text
        ):
            continue
        note.status, note.text = status, text
        note.full_clean(exclude=["item", "talk"])
        note.save()
        changed += 1
    if changed:
        audit_record(
            actor=actor,
            action="write_status",
            target=talk.conversation,
            detail=_("Status of the development points at status talk %(n)s") % {"n": talk.number},
            category=AuditEvent.Category.CHANGE,
        )
    return changed


def status_talk_ics(*, talk: StatusTalk, link: str) -> bytes:
    """A calendar event with two reminders (the day before and 15 minutes before)."""
    conversation = talk.conversation
    cal = icalendar.Calendar()
    cal.add("prodid", "-//LUS//statussamtale//DA")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", talk.ics_uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", talk.scheduled_at)
    event.add("dtend", talk.scheduled_at + datetime.timedelta(minutes=talk.duration_minutes))
    event.add(
        "summary",
        _("Status talk %(n)s: %(leader)s and %(leaders_leader)s")
        % {
            "n": talk.number,
            "leader": conversation.leader.name,
            "leaders_leader": conversation.leaders_leader.name,
        },
    )
    if talk.location:
        event.add("location", talk.location)
    # The link only: the development plan stays in LUS.
    event.add(
        "description", _("Follow-up of the development plan in LUS: %(link)s") % {"link": link}
    )
    for before, text in (
        (datetime.timedelta(days=1), _("Status talk tomorrow")),
        (datetime.timedelta(minutes=15), _("Status talk in 15 minutes")),
    ):
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", text)
        alarm.add("trigger", -before)
        event.add_component(alarm)
    cal.add_component(event)
    return cal.to_ical()
