"""Demo results (called by ``lus.orchestration.demo.demo_load`` after the conversations).

Høje-Taastrup runs a leadership evaluation every third year that the plan is built on: its
leaders get this year's evaluation with the organisation's benchmark. Every municipality's
``<slug>-leder2`` also has a wellbeing survey. Idempotent.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from lus.accounts.models import User
from lus.inputs.models import InputKind, InputScore, PreparationInput
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope

EVALUATION = [
    ("Tydelig retning og mål", "3.6", "3.9"),
    ("Inddragelse og samarbejde", "4.2", "3.8"),
    ("Feedback og anerkendelse", "3.1", "3.7"),
    ("Faglig sparring", "4.0", "3.9"),
    ("Ledelse af forandringer", "3.4", "3.6"),
    ("Trivsel og arbejdsmiljø", "3.9", "3.8"),
]
WELLBEING = [
    ("Meningsfuldt arbejde", "82", "78"),
    ("Social kapital: tillid", "71", "74"),
    ("Social kapital: retfærdighed", "68", "70"),
    ("Arbejdsmængde og tempo", "55", "61"),
]


def _ensure(municipality, leader, kind, year, title, rows, scale_max) -> None:
    item, created = PreparationInput.objects.get_or_create(
        municipality=municipality,
        leader=leader,
        kind=kind,
        year=year,
        source=PreparationInput.Source.IMPORT,
        defaults={"title": title},
    )
    if not created:
        return
    InputScore.objects.bulk_create(
        InputScore(
            municipality=municipality,
            input=item,
            order=i,
            dimension=dimension,
            score=Decimal(score),
            benchmark=Decimal(benchmark),
            scale_max=Decimal(scale_max),
        )
        for i, (dimension, score, benchmark) in enumerate(rows)
    )


def demo_load_inputs(municipalities: list[Municipality]) -> None:
    year = timezone.localdate().year
    for municipality in municipalities:
        with tenant_scope(municipality):
            people = {
                u.username: u
                for u in User.objects.filter(
                    username__in=[f"{municipality.slug}-leder", f"{municipality.slug}-leder2"]
                )
            }
            if municipality.slug == "hoeje-taastrup":
                for person in people.values():
                    _ensure(
                        municipality,
                        person,
                        InputKind.LEADERSHIP_EVALUATION,
                        year,
                        f"Ledelsesevaluering {year}",
                        EVALUATION,
                        "5",
                    )
            leader2 = people.get(f"{municipality.slug}-leder2")
            if leader2:
                _ensure(
                    municipality,
                    leader2,
                    InputKind.WELLBEING,
                    year,
                    f"Trivselsmåling {year}",
                    WELLBEING,
                    "100",
                )
