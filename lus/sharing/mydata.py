"""The shared development points in "Download my data" (``lus.orchestration.mydata``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from .models import ItemShare


def shared_points(person: Any) -> list[dict]:
    """Development points the person shares with colleagues, and those shared with them."""
    shares = (
        ItemShare.objects.filter(Q(shared_by=person) | Q(colleague=person))
        .select_related("item", "colleague", "shared_by")
        .order_by("created_at", "pk")
    )
    return [
        {
            "point": s.item.title if s.shared_by_id == person.pk else None,
            "shared_by": s.shared_by.name,
            "shared_with": s.colleague.name,
            "shared_at": s.created_at.isoformat(),
        }
        for s in shares
    ]
