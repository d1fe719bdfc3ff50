import json
import os
from collections import defaultdict
from pathlib import Path

import pytest

from lus.tenants.scoping import tenant_scope
from tests.factories import HRFactory, LeaderFactory, MunicipalityFactory

#: The security gates add their counts here (one JSON line per test, from every xdist worker).
GATE_LOG = Path(__file__).resolve().parents[1] / "test-results" / "gates.jsonl"


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):  # the controller, not an xdist worker
        GATE_LOG.unlink(missing_ok=True)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if hasattr(config, "workerinput") or not GATE_LOG.exists():
        return
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for line in GATE_LOG.read_text().splitlines():
        record = json.loads(line)
        gate = record.pop("gate")
        for key, value in record.items():
            totals[gate][key] += value
    terminalreporter.section("security gates")
    for gate, counts in sorted(totals.items()):
        terminalreporter.write_line(f"{gate}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


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
