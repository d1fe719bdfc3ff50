"""The person's conversations in "Download my data" (``lus.orchestration.mydata``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from lus.core.dates import iso

from .models import Conversation, Preparation, Role


def conversations(person: Any) -> list[dict]:
    """The person's LUS conversations (as leader or as the leader's leader) with what the
    person wrote in their own preparation."""
    result = []
    qs = (
        Conversation.objects.filter(Q(leader=person) | Q(leaders_leader=person))
        .select_related("leader", "leaders_leader")
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
                "leaders_leader": conv.leaders_leader.name if conv.leaders_leader_id else None,
                "my_preparation": [
                    {
                        "role": prep.role,
                        "shared_at": iso(prep.shared_at),
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
