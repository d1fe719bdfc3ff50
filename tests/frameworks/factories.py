"""Factories and helpers for question frameworks."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from lus.frameworks.services import framework_import
from tests.factories import MunicipalityFactory

NAMES = {
    "haderslev": "Haderslev Kommune",
    "randers": "Randers Kommune",
    "norddjurs": "Norddjurs Kommune",
    "albertslund": "Albertslund Kommune",
    "hoeje-taastrup": "Høje-Taastrup Kommune",
}


def fixture_data(slug: str) -> dict:
    return json.loads((Path(settings.BASE_DIR) / "fixtures" / f"{slug}.json").read_text("utf-8"))


def load_fixture(slug: str, *, publish: bool = True):
    MunicipalityFactory(slug=slug, name=NAMES[slug])
    return framework_import(data=fixture_data(slug), publish=publish)


def neutral_data(slug: str = "testby", *, name: str = "Testby Kommune", **process) -> dict:
    """A small framework document in the JSON format, made for the tests (not a shipped
    fixture, so editing a municipality's fixture never breaks a test about something else).

    Five sections: two themes (3 scale + 1 text; 1 choice of 3 options + 1 keywords of 4),
    an organisation theme (1 scale), "other" (1 text) and the plan section; 8 questions, 7
    options; the plan has a point, its activity and a follow-up date. ``process`` overrides
    the process settings (e.g. ``rewording_allowed=False``)."""
    scale = {"type": "scale", "min": 1, "max": 5, "min_label": "lav", "max_label": "høj"}
    return {
        "format": "lus-framework/1",
        "municipality": {"slug": slug, "name": name},
        "framework": {"name": "Testramme"},
        "process": {
            "both_prepare": True,
            "rewording_allowed": True,
            "walk_and_talk_allowed": False,
            "minutes": "none",
            "evaluation_cycle_years": None,
            "duration_minutes": 60,
            "senior_conversation_age": None,
            **process,
        },
        "preparation_guidance": "Forbered dig.",
        "sections": [
            {
                "title": "Opgaver",
                "kind": "theme",
                "intro": "Om opgaverne.",
                "questions": [
                    {
                        **scale,
                        "text": "Jeg har overblik",
                        "mandatory": True,
                        "help": "Tænk på året.",
                    },
                    {**scale, "text": "Jeg har tid til ledelse"},
                    {**scale, "text": "Jeg får sparring"},
                    {"type": "text", "text": "Hvad lykkedes i år?", "answered_by": "leader"},
                ],
            },
            {
                "title": "Samarbejde",
                "kind": "theme",
                "questions": [
                    {
                        "type": "choice",
                        "text": "Hvilken ledelse hjælper dig?",
                        "options": ["Støttende", "Trænende", "Delegerende"],
                    },
                    {
                        "type": "keywords",
                        "text": "Vælg to stikord",
                        "pick": 2,
                        "options": ["Mod", "Ansvar", "Trivsel", "Tillid"],
                    },
                ],
            },
            {
                "title": "Årets tema",
                "kind": "organisation_theme",
                "questions": [{**scale, "text": "Jeg kender årets tema"}],
            },
            {
                "title": "Andet",
                "kind": "other",
                "questions": [{"type": "text", "text": "Andet du vil tale om?"}],
            },
            {"title": "Udviklingsplan", "kind": "plan"},
        ],
        "plan": {
            "title": "Udviklingsplan",
            "kind": "items",
            "continues": False,
            "fields": ["Mål", "Aktivitet", "Opfølgning"],
            "details": [
                {"per": "item", "kind": "longtext"},
                {"per": "activity", "kind": "text"},
                {"per": "plan", "kind": "date", "follow_up": True},
            ],
        },
    }


def load_neutral(
    slug: str = "testby", *, publish: bool = True, name: str = "Testby Kommune", **process
):
    """The municipality ``slug`` with the neutral test framework (:func:`neutral_data`)."""
    MunicipalityFactory(slug=slug, name=name)
    return framework_import(data=neutral_data(slug, name=name, **process), publish=publish)


#: The plan layouts the municipalities use, each with neutral labels and the process settings
#: that go with it (the plan decides what a conversation asks of both parties), so plan tests
#: cover every layout without reading a municipality's fixture.
PLAN_LAYOUTS: dict[str, tuple[dict, dict]] = {
    # Points with two texts each, one follow-up date for the plan.
    "items": (
        {
            "title": "Mål og veje",
            "kind": "items",
            "continues": False,
            "fields": ["Mål", "Vejen til målet", "Opfølgning"],
            "details": [
                {"per": "item", "kind": "longtext", "help": "Hvad vil du opnå?"},
                {"per": "item", "kind": "longtext"},
                {"per": "plan", "kind": "date", "follow_up": True},
            ],
        },
        {"both_prepare": False, "walk_and_talk_allowed": True},
    ),
    # Actions with a short or long horizon, each with its own follow-up date.
    "actions": (
        {
            "title": "Handleplan",
            "kind": "actions",
            "continues": False,
            "fields": ["Handling", "Kort eller lang sigt", "Sådan følger vi op", "Opfølgningsdato"],
            "details": [
                {"per": "item", "kind": "longtext"},
                {"per": "item", "kind": "horizon"},
                {"per": "item", "kind": "longtext"},
                {"per": "item", "kind": "date", "follow_up": True},
            ],
        },
        {"both_prepare": False, "walk_and_talk_allowed": True},
    ),
    # Three open prompts for the whole plan; a senior conversation from 55.
    "prompts": (
        {
            "title": "Udviklingsspor",
            "kind": "prompts",
            "continues": False,
            "fields": ["Det vil jeg fastholde", "Det vil jeg arbejde videre med", "Opfølgning"],
            "details": [
                {"per": "plan", "kind": "longtext"},
                {"per": "plan", "kind": "longtext"},
                {"per": "plan", "kind": "longtext"},
            ],
        },
        {"both_prepare": True, "walk_and_talk_allowed": True, "senior_conversation_age": 55},
    ),
    # Notes and agreements per section, a plan-wide follow-up date; both may reword.
    "section_agreements": (
        {
            "title": "Aftaler",
            "kind": "section_agreements",
            "continues": False,
            "fields": [
                "Noter",
                "Aftaler",
                "Hvornår",
                "Hvem",
                "Ansvarlig",
                "Opfølgningsdato",
                "Opfølgning",
            ],
            "details": [
                {"per": "section", "kind": "longtext"},
                {"per": "section", "kind": "longtext", "help": "Hvad aftaler I?"},
                {"per": "section", "kind": "text"},
                {"per": "section", "kind": "text"},
                {"per": "section", "kind": "responsible"},
                {"per": "section", "kind": "date", "follow_up": True},
                {"per": "plan", "kind": "date", "follow_up": True},
            ],
        },
        {"both_prepare": True, "rewording_allowed": True, "duration_minutes": 90},
    ),
    # Points with activities (deadline, responsible) that continue into next year's plan;
    # minutes by an agreed writer; an evaluation every third year.
    "continuing": (
        {
            "title": "Kompetenceplan",
            "kind": "items",
            "continues": True,
            "fields": [
                "Hvad skal udvikles?",
                "Målet",
                "Aktivitet",
                "Frist",
                "Ansvarlig",
                "Opfølgning",
            ],
            "details": [
                {"per": "item", "kind": "longtext"},
                {"per": "item", "kind": "longtext"},
                {"per": "activity", "kind": "longtext"},
                {"per": "activity", "kind": "date"},
                {"per": "activity", "kind": "responsible"},
                {"per": "plan", "kind": "date", "follow_up": True},
            ],
        },
        {
            "both_prepare": True,
            "minutes": "optional_writer_agreed",
            "evaluation_cycle_years": 3,
        },
    ),
}

#: The organisation theme of the world: it changes every second year (2025-26 here).
WORLD_THEME = "Vores værdier"
#: Mandatory questions a leader sees in 2025 (the theme's two included).
WORLD_MANDATORY_2025 = 9


def world_data(
    slug: str = "testby",
    *,
    name: str = "Testby Kommune",
    plan: str = "items",
    keywords: bool = True,
    wheel: bool = False,
    **process,
) -> dict:
    """A framework like the municipalities' (richer than :func:`neutral_data`), made for the
    tests so a municipality's fixture can change without breaking them.

    Sections in order: "Opgaver" (theme: 3 mandatory of 4 — two 0-5 scales and a leader's
    text — and an optional scale), "Samarbejde" (theme: 3 mandatory scales of 4), "Trivsel"
    (theme: a mandatory 0-5 scale, free text, a choice of 3 and pick-3 keywords of 8, these four
    answered by both parties when both prepare; then an optional scale for the leader), the
    organisation theme "2025-2026: Vores værdier" (2 mandatory scales, valid 2025-26), "Andet"
    (one optional text) and the plan section. Every scale is 0-5 "i meget lav grad"-"i meget
    høj grad". ``plan`` picks one of :data:`PLAN_LAYOUTS` (with its process settings);
    ``process`` overrides those. Without ``keywords`` Trivsel has no keywords question; with
    ``wheel`` a fourth theme "Udvikling" (two scales) follows Trivsel, so a framework both
    prepare is drawn as the conversation wheel (four dimensions)."""
    layout, layout_process = PLAN_LAYOUTS[plan]
    scale = {
        "type": "scale",
        "min": 0,
        "max": 5,
        "min_label": "i meget lav grad",
        "max_label": "i meget høj grad",
    }
    data = {
        "format": "lus-framework/1",
        "municipality": {"slug": slug, "name": name},
        "framework": {"name": "Spørgeramme"},
        "process": {
            "both_prepare": False,
            "rewording_allowed": False,
            "walk_and_talk_allowed": False,
            "minutes": "none",
            "evaluation_cycle_years": None,
            "duration_minutes": 60,
            "senior_conversation_age": None,
            **layout_process,
            **process,
        },
        "preparation_guidance": (
            "Sådan forbereder du dig:\n- Gennemgå sidste års aftaler.\n- Tænk på eksempler."
        ),
        "sections": [
            {
                "title": "Opgaver",
                "kind": "theme",
                "intro": "Om dine opgaver og din retning.",
                "questions": [
                    {
                        **scale,
                        "text": "Jeg sætter en klar retning i min ledelse",
                        "mandatory": True,
                        "group": "Retning",
                    },
                    {**scale, "text": "Jeg har overblik over mine opgaver", "group": "Retning"},
                    {
                        "type": "text",
                        "text": "Hvad lykkedes du og dit team med i år?",
                        "mandatory": True,
                        "answered_by": "leader",
                        "group": "Resultater",
                    },
                    {
                        **scale,
                        "text": "Jeg har de kompetencer opgaverne kræver",
                        "mandatory": True,
                        "group": "Resultater",
                    },
                ],
            },
            {
                "title": "Samarbejde",
                "kind": "theme",
                "questions": [
                    {
                        **scale,
                        "text": "Jeg samarbejder godt med mine lederkolleger",
                        "mandatory": True,
                    },
                    {**scale, "text": "Jeg samarbejder godt med min leder", "mandatory": True},
                    {**scale, "text": "Jeg samarbejder godt med MED-udvalget", "mandatory": True},
                    {**scale, "text": "Jeg samarbejder godt med mine medarbejdere"},
                ],
            },
            {
                "title": "Trivsel",
                "kind": "theme",
                "questions": [
                    {
                        **scale,
                        "text": "Jeg trives i mit arbejde",
                        "mandatory": True,
                        "answered_by": "both",
                        "help": "Tænk på det seneste år.",
                    },
                    {"type": "text", "text": "Hvad giver dig energi?", "answered_by": "both"},
                    {
                        "type": "choice",
                        "text": "Hvilken rolle fylder mest?",
                        "answered_by": "both",
                        "options": ["Driftsleder", "Udviklingsleder", "Personaleleder"],
                    },
                    {
                        "type": "keywords",
                        "text": "Vælg 3 stikord for dit år",
                        "answered_by": "both",
                        "pick": 3,
                        "options": [
                            "Motivation",
                            "Relationer",
                            "Mod",
                            "Nærvær",
                            "Sparring",
                            "Økonomi",
                            "Ledelse",
                            "Feedback",
                        ],
                    },
                    {**scale, "text": "Jeg har balance mellem arbejde og fritid"},
                ],
            },
            {
                "title": f"Organisationens tema 2025-2026: {WORLD_THEME}",
                "kind": "organisation_theme",
                "valid_from_year": 2025,
                "valid_to_year": 2026,
                "questions": [
                    {**scale, "text": "Jeg efterlever værdien 'Dialog'", "mandatory": True},
                    {**scale, "text": "Jeg efterlever værdien 'Fællesskab'", "mandatory": True},
                ],
            },
            {
                "title": "Andet",
                "kind": "other",
                "questions": [
                    {
                        "type": "text",
                        "text": "Er der andet, vi skal tale om?",
                        "answered_by": "leader",
                    }
                ],
            },
            {"title": layout["title"], "kind": "plan"},
        ],
        "plan": layout,
    }
    sections = data["sections"]
    if not keywords:
        sections[2]["questions"] = [q for q in sections[2]["questions"] if q["type"] != "keywords"]
    if wheel:
        sections.insert(
            3,
            {
                "title": "Udvikling",
                "kind": "theme",
                "questions": [
                    {**scale, "text": "Jeg udvikler mig som leder"},
                    {**scale, "text": "Jeg ved, hvad jeg vil lære"},
                ],
            },
        )
    return data


def load_world(
    slug: str = "testby",
    *,
    name: str = "Testby Kommune",
    plan: str = "items",
    keywords: bool = True,
    wheel: bool = False,
    publish: bool = True,
    **process,
):
    """The municipality ``slug`` with the test world's framework (:func:`world_data`). Loading
    it again gives the version already there (as loading a shipped fixture twice does)."""
    from lus.frameworks.services import framework_current_version
    from lus.tenants.scoping import tenant_scope

    municipality = MunicipalityFactory(slug=slug, name=name)
    if publish:
        with tenant_scope(municipality):
            current = framework_current_version(municipality=municipality)
        if current is not None:
            return current
    data = world_data(slug, name=name, plan=plan, keywords=keywords, wheel=wheel, **process)
    return framework_import(data=data, publish=publish)
