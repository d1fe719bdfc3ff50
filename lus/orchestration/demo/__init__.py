"""Demo data (``manage.py demo``): the five municipalities (with a colour and a neutral mark as
logo) and a small organisation in each, then each municipality's framework, conversations,
preparation inputs, documents and rounds (the modules beside this one, loaded in that order).

Idempotent: running it again updates the same rows instead of adding new ones.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from lus.accounts.models import OrgUnit, User
from lus.frameworks.models import ReferenceLink
from lus.frameworks.services import framework_load_fixture
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope, unscoped

from .branding import demo_load_branding
from .conversations import demo_load_conversations
from .documents import demo_load_documents
from .inputs import demo_load_inputs
from .plans import demo_load_plans
from .rounds import demo_load_rounds
from .sharing import demo_load_sharing

DEMO_PASSWORD = "demo"


@dataclass(frozen=True)
class DemoMunicipality:
    slug: str
    name: str
    duration_minutes: int
    senior_age: int | None
    unit: str
    people: dict[str, tuple[str, str]]  # role key -> (name, job title)


MUNICIPALITIES = [
    DemoMunicipality(
        "haderslev",
        "Haderslev Kommune",
        60,
        None,
        "Børn og Familie",
        {
            "direktoer": ("Birgitte Holm", "Direktør"),
            "chef": ("Jens Nørgaard", "Skolechef"),
            "leder": ("Mette Søndergaard", "Skoleleder"),
            "leder2": ("Anders Kjær", "Afdelingsleder"),
            "leder3": ("Ole Brøndum", "Skoleleder"),
            "hr": ("Hanne Østergaard", "HR-konsulent"),
        },
    ),
    DemoMunicipality(
        "randers",
        "Randers Kommune",
        60,
        None,
        "Sundhed og Omsorg",
        {
            "direktoer": ("Lars Bech", "Direktør"),
            "chef": ("Susanne Møller", "Omsorgschef"),
            "leder": ("Peter Åberg", "Centerleder"),
            "leder2": ("Camilla Friis", "Områdeleder"),
            "leder3": ("Jørgen Lund", "Plejecenterleder"),
            "hr": ("Karina Dahl", "HR-partner"),
        },
    ),
    DemoMunicipality(
        "norddjurs",
        "Norddjurs Kommune",
        60,
        55,
        "Teknik og Miljø",
        {
            "direktoer": ("Henrik Skov", "Direktør"),
            "chef": ("Lene Kristiansen", "Teknisk chef"),
            "leder": ("Søren Ærø", "Driftsleder"),
            "leder2": ("Maja Thomsen", "Afdelingsleder"),
            "leder3": ("Bent Grønbæk", "Vejformand"),
            "hr": ("Tina Vestergaard", "HR-konsulent"),
        },
    ),
    DemoMunicipality(
        "albertslund",
        "Albertslund Kommune",
        90,
        None,
        "Børn og Skole",
        {
            "direktoer": ("Rasmus Winther", "Direktør"),
            "chef": ("Pernille Bak", "Dagtilbudschef"),
            "leder": ("Louise Høegh", "Dagtilbudsleder"),
            "leder2": ("Kasper Due", "Institutionsleder"),
            "leder3": ("Else Mørk", "Institutionsleder"),
            "hr": ("Nadia Hansen", "HR-konsulent"),
        },
    ),
    DemoMunicipality(
        "hoeje-taastrup",
        "Høje-Taastrup Kommune",
        60,
        None,
        "Kultur og Fritid",
        {
            "direktoer": ("Mads Fogh", "Direktør"),
            "chef": ("Anne Sørensen", "Kulturchef"),
            "leder": ("Thomas Bæk", "Biblioteksleder"),
            "leder2": ("Sara Jessen", "Fritidsleder"),
            "leder3": ("Poul Nygård", "Musikskoleleder"),
            "hr": ("Rikke Lauritsen", "HR-konsulent"),
        },
    ),
]

# Role key -> (manager role key, years of age)
HIERARCHY = {
    "direktoer": (None, 52),
    "chef": ("direktoer", 48),
    "leder": ("chef", 41),
    "leder2": ("chef", 36),
    "leder3": ("chef", 58),  # senior: 55+
    "hr": ("direktoer", 45),
}


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role in Danish, municipality) for the README and `make demo`."""
    rows = []
    for m in MUNICIPALITIES:
        rows += [
            (f"{m.slug}-chef", "leders leder", m.name),
            (f"{m.slug}-leder", "leder", m.name),
            (f"{m.slug}-hr", "HR", m.name),
        ]
    return rows


def _birth_date(age: int, today: datetime.date) -> datetime.date:
    return today.replace(year=today.year - age, day=min(today.day, 28)) - datetime.timedelta(
        days=30
    )


@transaction.atomic
def demo_load(*, only: Collection[str] = ()) -> list[Municipality]:
    """All five municipalities, or only those whose slugs are given (a test that looks at one
    municipality need not wait for the other four)."""
    today = timezone.localdate()
    municipalities = []
    for spec in MUNICIPALITIES:
        if only and spec.slug not in only:
            continue
        municipality, _ = Municipality.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "conversation_duration_minutes": spec.duration_minutes,
                "senior_conversation_age": spec.senior_age,
            },
        )
        municipalities.append(municipality)
        with tenant_scope(municipality):
            unit, _ = OrgUnit.objects.get_or_create(municipality=municipality, name=spec.unit)
            people: dict[str, User] = {}
            for key, (manager_key, age) in HIERARCHY.items():
                name, title = spec.people[key]
                username = f"{spec.slug}-{key}"
                person, _ = User.objects.update_or_create(
                    username=username,
                    defaults={
                        "municipality": municipality,
                        "name": name,
                        "email": f"{username}@demo.lus.invalid",
                        "job_title": title,
                        "org_unit": unit,
                        "birth_date": _birth_date(age, today),
                        "manager": people.get(manager_key) if manager_key else None,
                        "is_hr": key == "hr",
                        "is_staff": key == "hr",
                        "is_active": True,
                    },
                )
                person.set_password(DEMO_PASSWORD)
                person.save(update_fields=["password"])
                people[key] = person
    with unscoped("demo: platform admin"):
        admin, _ = User.objects.update_or_create(
            username="admin",
            defaults={
                "name": "Platformadministrator",
                "email": "admin@demo.lus.invalid",
                "is_staff": True,
                "is_superuser": True,
                "municipality": None,
            },
        )
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    demo_load_branding(municipalities)
    demo_load_frameworks(municipalities)
    demo_load_conversations(municipalities)
    demo_load_plans(municipalities)
    demo_load_inputs(municipalities)
    demo_load_documents(municipalities)
    demo_load_sharing(municipalities)
    demo_load_rounds(municipalities)
    return municipalities


def demo_load_frameworks(municipalities: list[Municipality]) -> None:
    """Each municipality's question framework from fixtures/<slug>.json, published
    (unchanged content is not imported again, so no new versions on a second run)."""
    for municipality in municipalities:
        framework_load_fixture(slug=municipality.slug)
    demo_load_reference_links(municipalities)


#: Norddjurs' "Fælles fundament": the documents' links HR configures (admin: document links).
#: The demo points them at the municipality's website; HR sets each document's own address.
NORDDJURS_FOUNDATION = [
    "Vores Norddjurs",
    "Strategipapir for ledelse",
    "Principper for aftalestyring",
    "Principper for afbureaukratisering",
    "HR-strategi",
    "Personalepolitik",
    "MED-aftale",
    "Norddjurs' vision og politikker",
]


def demo_load_reference_links(municipalities: list[Municipality]) -> None:
    for municipality in municipalities:
        if municipality.slug != "norddjurs":
            continue
        with tenant_scope(municipality):
            for label in NORDDJURS_FOUNDATION:
                ReferenceLink.objects.get_or_create(
                    municipality=municipality,
                    label=label,
                    defaults={"url": "https://www.norddjurs.dk/"},
                )
