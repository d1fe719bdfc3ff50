"""Helpers for round tests: an organisation of leaders and shared scale answers."""

from __future__ import annotations

import datetime

from django.utils import timezone

from lus.conversations.models import Answer, Conversation, Preparation, Role
from lus.frameworks.models import Question
from lus.rounds.models import LusRound
from lus.tenants.scoping import unscoped
from tests.factories import OrgUnitFactory, UserFactory

#: Planted in every answer text; must never appear on an HR page, in a CSV or in a mail.
CANARY_ANSWER = "HEMMELIGT-SVAR-4711"


def make_org(municipality, *, units=(("Skoler", 3),), prefix="p"):
    """A director, one chef per unit and ``n`` leaders under each chef.
    Returns (director, {unit name: (unit, chef, [leaders])})."""
    director = UserFactory(municipality=municipality, username=f"{prefix}-dir", name="Dorte Dir")
    result = {}
    for i, (name, n) in enumerate(units):
        unit = OrgUnitFactory(municipality=municipality, name=name)
        chef = UserFactory(
            municipality=municipality,
            username=f"{prefix}-chef{i}",
            name=f"Chef {name}",
            manager=director,
            org_unit=unit,
        )
        leaders = [
            UserFactory(
                municipality=municipality,
                username=f"{prefix}-l{i}-{j}",
                name=f"Leder {name} {j:03d}",
                manager=chef,
                org_unit=unit,
            )
            for j in range(n)
        ]
        result[name] = (unit, chef, leaders)
    return director, result


def make_round(municipality, *, year=2026, deadline=datetime.date(2026, 12, 15), **kw):
    with unscoped("test"):
        return LusRound.objects.create(
            municipality=municipality, year=year, deadline=deadline, **kw
        )


def share_answers(conversation: Conversation, value: int, *, shared=True) -> Preparation:
    """The leader's preparation with every scale question answered ``value`` and every text
    question answered with the canary."""
    with unscoped("test"):
        prep = Preparation.objects.create(
            municipality_id=conversation.municipality_id,
            conversation=conversation,
            role=Role.LEADER,
            shared_at=timezone.now() if shared else None,
        )
        for q in Question.objects.filter(section__version=conversation.version):
            if q.type == Question.Type.SCALE:
                Answer.objects.create(
                    municipality_id=conversation.municipality_id,
                    preparation=prep,
                    question=q,
                    scale_value=value,
                )
            elif q.type == Question.Type.TEXT:
                Answer.objects.create(
                    municipality_id=conversation.municipality_id,
                    preparation=prep,
                    question=q,
                    text=f"{CANARY_ANSWER} {conversation.leader.name}",
                )
        if shared and conversation.status in ("created", "invited", "preparing"):
            Conversation.objects.filter(pk=conversation.pk).update(
                status="shared", shared_at=timezone.now()
            )
    return prep
