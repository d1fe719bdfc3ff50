"""The world of the security gates: two municipalities with every role, canaries planted in
the foreign one, and helpers to walk the URLconf and fingerprint the database."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import HRFactory, MunicipalityFactory, OrgUnitFactory, UserFactory

CANARY = "KANARIE7731"

#: Tables whose rows change as a side effect of merely calling a URL (not a data change);
#: the write recorder of the gates (tests/security/matrix.py) ignores them.
FINGERPRINT_EXCLUDE = {
    "accounts.session",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "audit.auditevent",
}


@dataclass
class World:
    home: object
    foreign: object
    leader: object
    other_leader: object
    leaders_leader: object
    other_leaders_leader: object
    hr: object
    foreign_hr: object
    foreign_leader: object
    foreign_leaders_leader: object
    group: object
    canary: str = CANARY

    def user(self, role):
        return None if role == "anonymous" else getattr(self, role)


def build_world() -> World:
    home = MunicipalityFactory(slug="haderslev", name="Haderslev Kommune")
    foreign = MunicipalityFactory(slug="randers", name=f"Randers {CANARY} Kommune")
    unit = OrgUnitFactory(municipality=home, name="Skoleområdet")
    other_unit = OrgUnitFactory(municipality=home, name="Ældreområdet")
    f_unit = OrgUnitFactory(municipality=foreign, name=f"Afdeling {CANARY}")

    def person(m, username, name, **kw):
        return UserFactory(municipality=m, username=username, name=name, **kw)

    ll = person(home, "ll", "Lise Lederleder", org_unit=unit, job_title="Skolechef")
    oll = person(home, "oll", "Otto Overleder", org_unit=other_unit, job_title="Ældrechef")
    leader = person(home, "leader", "Lone Leder", manager=ll, org_unit=unit)
    other = person(home, "other", "Ole Andenleder", manager=oll, org_unit=other_unit)
    hr = HRFactory(municipality=home, username="hr", name="Hanne HR")
    fll = person(foreign, "fll", f"Frode {CANARY}", org_unit=f_unit, job_title=CANARY)
    fl = person(
        foreign,
        "fl",
        f"Freja {CANARY}",
        manager=fll,
        org_unit=f_unit,
        job_title=CANARY,
        email=f"{CANARY.lower()}@example.dk",
    )
    fhr = HRFactory(municipality=foreign, username="fhr", name=f"Finn HR {CANARY}")
    group = Group.objects.create(name="Platform")
    from lus.sharing.models import SharingPolicy
    from lus.tenants.scoping import unscoped

    with unscoped("test world: sharing with colleagues enabled in both municipalities"):
        for m in (home, foreign):
            SharingPolicy.objects.create(municipality=m, enabled=True, shared_fields="Mål")
    return World(home, foreign, leader, other, ll, oll, hr, fhr, fl, fll, group)


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def clients(world):
    """One logged-in test client per role (anonymous included)."""
    from tests.security.url_table import ROLES

    result = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        result[role] = client
    return result


# --- walking the URLconf ----------------------------------------------------------------------
@dataclass(frozen=True)
class UrlEntry:
    key: str  # the URL name as the table knows it (namespace-qualified)
    route: str  # the full route, for messages
    kwargs: tuple[str, ...]
    pattern: URLPattern
    prefix: str


def walk_urls(patterns=None, prefix="", namespace=None):
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk_urls(p.url_patterns, prefix + str(p.pattern), full_ns)
            continue
        route = prefix + str(p.pattern)
        kwargs = tuple(p.pattern.regex.groupindex)
        if p.name:
            key = f"{namespace}:{p.name}" if namespace else p.name
        elif namespace == "admin" and kwargs == ("url",):
            key = "admin:<catch-all>"
        elif namespace == "admin" and kwargs == ("object_id",):
            # admin/<app>/<model>/<object_id>/ -> admin:<app>_<model>_<object-redirect>
            app, model = route.split("/")[1:3]
            key = f"admin:{app}_{model}_<object-redirect>"
        else:
            key = f"<unnamed {route}>"
        yield UrlEntry(key, route, kwargs, p, prefix)
