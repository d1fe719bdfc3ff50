import os

import pytest

from lus.tenants.scoping import tenant_scope
from tests.factories import HRFactory, LeaderFactory, MunicipalityFactory

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM use there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def haderslev(db):
    return MunicipalityFactory(slug="haderslev", name="Haderslev Kommune")


@pytest.fixture
def randers(db):
    return MunicipalityFactory(slug="randers", name="Randers Kommune")


@pytest.fixture
def leader(haderslev):
    return LeaderFactory(municipality=haderslev)


@pytest.fixture
def hr(haderslev):
    return HRFactory(municipality=haderslev)


@pytest.fixture
def scope_of():
    """Use as ``with scope_of(municipality): ...`` to query tenant models in a test."""
    return tenant_scope
