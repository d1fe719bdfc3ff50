"""Demo documents (called by ``lus.orchestration.demo.demo_load`` after the conversations).

Per municipality: print and filing settings (journal metadata, Norddjurs' wheel), and last
year's agreed LUS of ``<slug>-leder`` completed with plan texts, notes and follow-up dates and
filed by ``<slug>-chef`` to the app's own archive — so the archive, the download and HR's view
of the filed records can be seen at once. Idempotent: a filed LUS is left as it is.
"""

from __future__ import annotations

import datetime

from lus.accounts.models import User
from lus.conversations.models import Conversation, SectionNote
from lus.documents.models import DocumentSettings, FiledRecord
from lus.documents.services import filed_record_create
from lus.frameworks.models import PlanField, Section
from lus.plans.models import Plan, PlanValue
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope

SETTINGS = {
    "haderslev": {"kle_number": "81.03.00", "action_facet": "G01", "deletion_years": 5},
    "randers": {"kle_number": "81.03.00", "action_facet": "G01", "deletion_years": 5},
    "norddjurs": {
        "kle_number": "81.03.00",
        "action_facet": "G01",
        "deletion_years": 5,
        "printable_layout": DocumentSettings.PrintableLayout.WHEEL,
    },
    "albertslund": {"kle_number": "81.03.00", "action_facet": "G01", "deletion_years": 10},
    "hoeje-taastrup": {
        "kle_number": "81.03.00",
        "action_facet": "G01",
        "deletion_years": 5,
        "journal_reference": "Lukket ledersag",
    },
}

ITEM_TEXT = {
    PlanField.Kind.LONGTEXT: [
        "Jeg vil give mine teamledere mere rum til selv at træffe beslutninger, og vi "
        "følger op på, hvordan det går, på vores månedlige møder.",
        "Forstå budgetmodellen, så jeg selv kan lave opfølgningen og forklare den for "
        "medarbejderne.",
    ],
    PlanField.Kind.TEXT: ["Sparring og uddelegering", "Økonomistyring"],
}
PLAN_TEXTS = [
    "Den gode dialog i ledergruppen og de faste 1:1-samtaler; de giver ro og retning.",
    "At arbejde mere bevidst med prioritering, så der også er tid til strategisk ledelse. "
    "Jeg prøver at blokere to timer om ugen i kalenderen.",
    "Vi følger op på vores 1:1-møder hver måned og samler op ved næste LUS.",
]
ITEM_TEXTS = [
    "Jeg vil give mine teamledere mere rum til selv at træffe beslutninger.",
    "Vi aftaler tydelige rammer, og jeg følger op på vores månedlige møder.",
    "Kursus og sparring med en erfaren kollega i foråret.",
]
SECTION_TEXT = "Vi aftalte at følge op på dette tema på et 1:1-møde i foråret."
#: Albertslund's agreement columns (what, when, who, responsible; dates by their kind).
SECTION_VALUES = {
    "Hvornår": "Inden sommerferien",
    "Hvem": "Leder og leders leder sammen",
    "Ansvarlig": "Lederen",
}
NOTE_TEXT = "Godt samarbejde i teamet; ønske om mere tid til faglig sparring på tværs."


def _value(kind: str, i: int, date: datetime.date, leader: User) -> str:
    if kind == PlanField.Kind.DATE:
        return (date + datetime.timedelta(days=30 * i)).isoformat()
    if kind == PlanField.Kind.HORIZON:
        return "short" if i % 2 == 0 else "long"
    if kind == PlanField.Kind.RESPONSIBLE:
        return leader.get_full_name()
    if kind == PlanField.Kind.TEXT:
        return ITEM_TEXT[PlanField.Kind.TEXT][i % 2]
    return ITEM_TEXTS[i % len(ITEM_TEXTS)]


def _complete_plan(conversation: Conversation) -> None:
    """Fill the layout's fields of last year's demo plan (the conversations demo only adds the
    development points)."""
    plan = Plan.objects.get(conversation=conversation)
    if PlanValue.objects.filter(plan=plan).exists():
        return
    fields = list(PlanField.objects.filter(version=plan.version).order_by("order", "pk"))
    follow_up = datetime.date(conversation.year + 1, 3, 15)
    m = plan.municipality_id
    leader = conversation.leader
    rows = []
    plan_fields = [f for f in fields if f.per == PlanField.Per.PLAN]
    for n, f in enumerate(plan_fields):
        text = (
            follow_up.isoformat()
            if f.kind == PlanField.Kind.DATE
            else PLAN_TEXTS[n % len(PLAN_TEXTS)]
        )
        rows.append(PlanValue(municipality_id=m, plan=plan, field=f, value=text))
    for i, item in enumerate(plan.items.order_by("order", "pk")):
        for n, f in enumerate(fields):
            if f.per == PlanField.Per.ITEM:
                rows.append(
                    PlanValue(
                        municipality_id=m,
                        plan=plan,
                        field=f,
                        item=item,
                        value=_value(f.kind, i + n, follow_up, leader),
                    )
                )
            if f.per == PlanField.Per.ACTIVITY:
                for j, activity in enumerate(item.activities.all()):
                    rows.append(
                        PlanValue(
                            municipality_id=m,
                            plan=plan,
                            field=f,
                            item=item,
                            activity=activity,
                            value=_value(f.kind, i + j, follow_up, leader),
                        )
                    )
    sections = [
        s
        for s in Section.objects.filter(version=plan.version).order_by("order", "pk")
        if s.kind != Section.Kind.PLAN and s.is_valid_in(conversation.year)
    ]
    for i, s in enumerate(sections):
        for f in fields:
            if f.per == PlanField.Per.SECTION:
                if f.kind in (PlanField.Kind.DATE, PlanField.Kind.RESPONSIBLE):
                    text = _value(f.kind, i, follow_up, leader)
                else:
                    text = SECTION_VALUES.get(f.label, SECTION_TEXT)
                rows.append(PlanValue(municipality_id=m, plan=plan, field=f, section=s, value=text))
    PlanValue.objects.bulk_create(rows)
    for s in sections[:2]:
        SectionNote.objects.get_or_create(
            conversation=conversation,
            section=s,
            defaults={"municipality_id": m, "text": NOTE_TEXT},
        )


def demo_load_documents(municipalities: list[Municipality]) -> None:
    for municipality in municipalities:
        with tenant_scope(municipality):
            DocumentSettings.objects.update_or_create(
                municipality=municipality, defaults=SETTINGS.get(municipality.slug, {})
            )
            leader = User.objects.filter(username=f"{municipality.slug}-leder").first()
            if leader is None:
                continue
            last = (
                Conversation.objects.filter(leader=leader, year__lt=datetime.date.today().year)
                .select_related("leader", "leaders_leader", "version")
                .order_by("-year")
                .first()
            )
            if last is None or FiledRecord.objects.filter(conversation=last).exists():
                continue
            if last.status != Conversation.Status.PLAN_AGREED:
                continue
            _complete_plan(last)
            filed_record_create(conversation=last, actor=last.leaders_leader)
