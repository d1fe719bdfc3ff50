"""Who did what with the person's data, in "Download my data" (``lus.orchestration.mydata``)."""

from __future__ import annotations

from typing import Any

from lus.core.dates import iso

from .models import AuditEvent


def access_log(person: Any) -> list[dict]:
    events = AuditEvent.objects.filter(subject_id=person.pk).order_by("created_at", "pk")
    return [
        {
            "time": iso(e.created_at),
            "who": e.actor_name,
            "role": e.role,
            "action": e.action,
            "object": e.target_repr,
            "purpose": e.detail,
        }
        for e in events
    ]
