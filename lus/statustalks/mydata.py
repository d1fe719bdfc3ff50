"""The status talks in "Download my data" (``lus.orchestration.mydata``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from .models import StatusTalk


def status_talks(person: Any) -> list[dict]:
    """The status talks of the person's LUS (as leader or leader's leader) with the statuses."""
    talks = (
        StatusTalk.objects.filter(
            Q(conversation__leader=person) | Q(conversation__leaders_leader=person)
        )
        .select_related("conversation")
        .prefetch_related("notes__item")
        .order_by("conversation__year", "number")
    )
    return [
        {
            "year": t.conversation.year,
            "number": t.number,
            "scheduled_at": t.scheduled_at.isoformat(),
            "statuses": [
                {"point": n.item.title, "status": n.status, "text": n.text} for n in t.notes.all()
            ],
        }
        for t in talks
    ]
