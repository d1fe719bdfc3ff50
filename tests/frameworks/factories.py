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
