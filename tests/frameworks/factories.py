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
