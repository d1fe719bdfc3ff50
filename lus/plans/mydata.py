"""The person's development plans in "Download my data" (``lus.orchestration.mydata``)."""

from __future__ import annotations

from typing import Any

from lus.conversations.models import Minutes, SectionNote
from lus.core.dates import iso

from .models import Plan


def plans(person: Any) -> list[dict]:
    """The person's development plans (as the leader), with the notes and minutes of their
    conversations, approvals, reopenings and follow-ups."""
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
                "agreed_at": iso(plan.agreed_at),
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
                        "at": iso(a.approved_at),
                    }
                    for a in plan.approvals.all()
                ],
                "reopenings": [
                    {"by": r.reopened_by.name, "at": iso(r.reopened_at), "reason": r.reason}
                    for r in plan.reopenings.all()
                ],
                "follow_ups": [
                    {"date": iso(f.date), "title": f.title} for f in plan.follow_ups.all()
                ],
                "notes": [{"section": n.section.title, "text": n.text} for n in notes],
                "minutes": minutes.text if minutes else "",
            }
        )
    return result
