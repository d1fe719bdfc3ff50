""" "Download my data": everything LUS holds about a person, as JSON.

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
