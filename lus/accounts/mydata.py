""" "Download my data": everything LUS holds about a person, as JSON (+ the filed PDFs).

Each app contributes a section with :func:`section`; a section function takes the person and
returns JSON-serialisable data (lists/dicts of str/int/bool/None; dates as ISO strings).

    # lus/conversations/mydata.py  (imported from the app's AppConfig.ready)
    from lus.accounts.mydata import section

    @section("conversations")
    def conversations(person): ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

SECTIONS: dict[str, Callable[[Any], Any]] = {}


def section(name: str):
    def register(func):
        SECTIONS[name] = func
        return func

    return register


def _iso(value):
    return value.isoformat() if value is not None else None


@section("person")
def person_data(person) -> dict:
    return {
        "username": person.username,
        "name": person.name,
        "email": person.email,
        "job_title": person.job_title,
        "municipality": person.municipality.name if person.municipality_id else None,
        "org_unit": str(person.org_unit) if person.org_unit_id else None,
        "leader": person.manager.name if person.manager_id else None,
        "birth_date": _iso(person.birth_date),
        "date_joined": _iso(person.date_joined),
        "last_login": _iso(person.last_login),
        "date_left": _iso(person.date_left),
        "is_hr": person.is_hr,
    }


@section("access_log")
def access_log(person) -> list[dict]:
    from lus.audit.models import AuditEvent

    events = AuditEvent.objects.filter(subject_id=person.pk).order_by("created_at", "pk")
    return [
        {
            "time": _iso(e.created_at),
            "who": e.actor_name,
            "role": e.role,
            "action": e.action,
            "object": e.target_repr,
            "purpose": e.detail,
        }
        for e in events
    ]


def my_data(person) -> dict:
    return {
        "generated_at": timezone.now().isoformat(),
        "format": "lus-my-data/1",
        **{name: func(person) for name, func in SECTIONS.items()},
    }


@section("conversations")
def conversations(person) -> list[dict]:
    """The person's LUS conversations (as leader or as the leader's leader) with what the
    person wrote in their own preparation."""
    from django.apps import apps
    from django.db.models import Q

    if not apps.is_installed("lus.conversations"):
        return []
    from lus.conversations.models import Conversation, Preparation, Role

    result = []
    qs = (
        Conversation.objects.filter(Q(leader=person) | Q(conductor=person))
        .select_related("leader", "conductor")
        .order_by("year", "pk")
    )
    for conv in qs:
        own_role = Q(role=Role.LEADER) if conv.leader_id == person.pk else ~Q(role=Role.LEADER)
        preparations = Preparation.objects.filter(own_role, conversation=conv).prefetch_related(
            "answers__question", "answers__option"
        )
        result.append(
            {
                "year": conv.year,
                "status": conv.status,
                "leader": conv.leader.name,
                "leaders_leader": conv.conductor.name if conv.conductor_id else None,
                "my_preparation": [
                    {
                        "role": prep.role,
                        "shared_at": _iso(prep.shared_at),
                        "answers": [
                            {
                                "question": a.question.text,
                                "value": a.scale_value,
                                "text": a.text,
                                "option": str(a.option) if a.option_id else None,
                                "keywords": a.keywords,
                            }
                            for a in prep.answers.all()
                        ],
                    }
                    for prep in preparations
                ],
            }
        )
    return result


@section("plans")
def plans(person) -> list[dict]:
    """The person's development plans (as the leader), with the notes and minutes of their
    conversations, approvals, reopenings and follow-ups."""
    from django.apps import apps

    if not apps.is_installed("lus.plans"):
        return []
    from lus.plans.models import Minutes, Plan, SectionNote

    result = []
    qs = (
        Plan.objects.filter(leader=person)
        .select_related("conversation")
        .prefetch_related(
            "values__field",
            "items__activities",
            "approvals__approved_by",
            "reopenings__reopened_by",
            "follow_ups",
        )
        .order_by("created_at", "pk")
    )
    for plan in qs:
        conversation = plan.conversation
        notes = SectionNote.objects.filter(conversation=conversation).select_related("section")
        minutes = Minutes.objects.filter(conversation=conversation).first()
        result.append(
            {
                "year": conversation.year,
                "agreed_at": _iso(plan.agreed_at),
                "values": [
                    {"field": v.field.label, "value": v.value, "item": v.item_id}
                    for v in plan.values.all()
                ],
                "development_points": [
                    {
                        "id": i.pk,
                        "title": i.title,
                        "status": i.status,
                        "activities": [a.text for a in i.activities.all()],
                    }
                    for i in plan.items.all()
                ],
                "approvals": [
                    {
                        "by": a.approved_by.name if a.approved_by_id else None,
                        "at": _iso(a.approved_at),
                    }
                    for a in plan.approvals.all()
                ],
                "reopenings": [
                    {"by": r.reopened_by.name, "at": _iso(r.reopened_at), "reason": r.reason}
                    for r in plan.reopenings.all()
                ],
                "follow_ups": [
                    {"date": _iso(f.date), "title": f.title} for f in plan.follow_ups.all()
                ],
                "notes": [{"section": n.section.title, "text": n.text} for n in notes],
                "minutes": minutes.text if minutes else "",
            }
        )
    return result


@section("filed_records")
def filed_records(person) -> list[dict]:
    """What was filed to the person's personnel record (the PDFs are in the download's pdf/)."""
    from django.apps import apps

    if not apps.is_installed("lus.documents"):
        return []
    from lus.documents.models import FiledRecord

    return [
        {
            "year": r.year,
            "filed_at": _iso(r.filed_at),
            "filed_by": r.filed_by_name,
            "file": r.filename,
            "sha256": r.sha256,
            "destination": r.destination,
            "deletion_date": _iso(r.effective_deletion_date),
            "pdf_in_download": r.file.storage.exists(r.file.name),
        }
        for r in FiledRecord.objects.filter(leader=person).select_related("leader")
    ]


def filed_pdfs(person):
    """(name, bytes) of every filed PDF about the person still in the app's archive."""
    from django.apps import apps

    if not apps.is_installed("lus.documents"):
        return
    from lus.documents.models import FiledRecord

    for record in FiledRecord.objects.filter(leader=person).order_by("filed_at", "pk"):
        if record.file.storage.exists(record.file.name):
            with record.file.open("rb") as f:
                yield f"{record.sequence}-{record.filename}", f.read()
