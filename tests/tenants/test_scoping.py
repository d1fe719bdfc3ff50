"""The central tenant-scoping mechanism: unscoped access raises; one municipality never sees
another's rows; every tenant-owned model uses the scoped manager."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.test import RequestFactory
from django_scopes.exceptions import ScopeError

from lus.accounts.models import OrgUnit, Session, User
from lus.core.models import ScheduledRun
from lus.tenants.middleware import TenantScopeMiddleware
from lus.tenants.models import Municipality, MunicipalityLogo
from lus.tenants.scoping import current_municipality_id, tenant_scope, unscoped
from tests.factories import OrgUnitFactory, UserFactory

# Models that are not owned by one municipality, each with the reason.
NOT_TENANT_OWNED = {
    Municipality: "the tenant itself",
    Session: "read before the municipality is known (it decides it); no content",
    ScheduledRun: "the platform's periodic jobs run for every municipality; no content",
    MunicipalityLogo: "public like the municipality's name: shown before login; no content",
}


def lus_models():
    return [m for m in apps.get_models() if m.__module__.startswith("lus.")]


@pytest.mark.parametrize("model", lus_models(), ids=lambda m: m._meta.label)
def test_every_tenant_model_is_scoped(model, db):
    if model in NOT_TENANT_OWNED:
        return
    assert "municipality" in {f.name for f in model._meta.fields}, (
        f"{model._meta.label} must reference its municipality"
    )
    with pytest.raises(ScopeError):
        list(model._default_manager.all())


def test_unscoped_query_raises(db):
    OrgUnitFactory()
    with pytest.raises(ScopeError):
        OrgUnit.objects.count()
    with pytest.raises(ScopeError):
        list(User.objects.filter(name="x"))


def test_haderslev_cannot_read_randers(haderslev, randers):
    randers_person = UserFactory(municipality=randers, name="Randers-person")
    haderslev_person = UserFactory(municipality=haderslev)
    OrgUnitFactory(municipality=randers, name="Randers-enhed")
    with tenant_scope(haderslev):
        assert list(User.objects.all()) == [haderslev_person]
        assert not User.objects.filter(pk=randers_person.pk).exists()
        with pytest.raises(User.DoesNotExist):
            User.objects.get(pk=randers_person.pk)
        assert not OrgUnit.objects.filter(name="Randers-enhed").exists()
        assert haderslev_person.reports.count() == 0


def test_scope_needs_a_municipality():
    with pytest.raises(ValueError), tenant_scope(None):
        pass


def test_escape_hatch_needs_reason_and_sees_all(haderslev, randers):
    UserFactory(municipality=haderslev)
    UserFactory(municipality=randers)
    with pytest.raises(ValueError), unscoped(""):
        pass
    with unscoped("test: count everyone"):
        assert User.objects.count() == 2


def test_middleware_scopes_request_to_users_municipality(haderslev, randers):
    person = UserFactory(municipality=haderslev)
    UserFactory(municipality=randers)
    seen = {}

    def view(request):
        seen["scope"] = current_municipality_id()
        seen["people"] = list(User.objects.all())
        return None

    request = RequestFactory().get("/")
    request.user = person
    TenantScopeMiddleware(view)(request)
    assert seen["scope"] == haderslev.pk
    assert seen["people"] == [person]
    assert request.municipality == haderslev


def test_middleware_gives_anonymous_no_scope(db):
    from django.contrib.auth.models import AnonymousUser

    def view(request):
        with pytest.raises(ScopeError):
            User.objects.count()

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    TenantScopeMiddleware(view)(request)


def test_scopes_disabled_is_only_used_by_the_escape_hatch():
    root = Path(__file__).resolve().parents[2] / "lus"
    offenders = [
        str(p)
        for p in root.rglob("*.py")
        if re.search(r"scopes_disabled|with_scopes_disabled", p.read_text())
        and p.name != "scoping.py"
    ]
    assert offenders == []
