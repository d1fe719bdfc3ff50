"""The demo as the walk-through uses it: Randers shares øvebaner, Norddjurs' "Fælles fundament"
documents are links, Albertslund's agreements have a date in the date column."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from lus.frameworks.models import PlanField, ReferenceLink
from lus.plans.models import PlanValue
from lus.sharing.models import ItemShare, SharingPolicy
from lus.tenants.scoping import unscoped


@pytest.mark.django_db
def test_demo_sets_up_the_walk_through(settings):
    settings.DEBUG = True
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - idempotent
    with unscoped("test: the demo"):
        assert list(SharingPolicy.objects.values_list("municipality__slug", "enabled")) == [
            ("randers", True)
        ]
        assert ItemShare.objects.filter(municipality__slug="randers").count() == 2
        assert ReferenceLink.objects.filter(municipality__slug="norddjurs").count() == 8
        dates = PlanValue.objects.filter(
            municipality__slug="albertslund",
            section__isnull=False,
            field__kind=PlanField.Kind.DATE,
        ).values_list("value", flat=True)
        assert dates
        for value in dates:
            datetime.date.fromisoformat(value)
