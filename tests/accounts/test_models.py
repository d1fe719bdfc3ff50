import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from lus.tenants.scoping import tenant_scope
from tests.factories import LeaderFactory, OrgUnitFactory, UserFactory


def test_roles(leader, hr):
    with tenant_scope(leader.municipality):
        assert leader.is_leader
        assert not leader.is_leaders_leader
        assert leader.manager.is_leaders_leader
        assert hr.is_hr


def test_age():
    person = UserFactory.build(birth_date=datetime.date(1968, 6, 15))
    assert person.age_on(datetime.date(2026, 6, 14)) == 57
    assert person.age_on(datetime.date(2026, 6, 15)) == 58
    assert UserFactory.build(birth_date=None).age_on() is None


def test_manager_must_be_in_same_municipality(haderslev, randers):
    foreign = UserFactory(municipality=randers)
    person = UserFactory(municipality=haderslev)
    person.manager = foreign
    with pytest.raises(ValidationError) as exc, tenant_scope(haderslev):
        person.full_clean()
    assert "manager" in exc.value.message_dict


def test_manager_cycle_is_refused(haderslev):
    leader = LeaderFactory(municipality=haderslev)
    boss = leader.manager
    boss.manager = leader
    with pytest.raises(ValidationError) as exc, tenant_scope(haderslev):
        boss.full_clean()
    assert "ring" in str(exc.value.message_dict["manager"])


def test_org_unit_of_other_municipality_is_refused(haderslev, randers):
    person = UserFactory(municipality=haderslev)
    person.org_unit = OrgUnitFactory(municipality=randers)
    with pytest.raises(ValidationError), tenant_scope(haderslev):
        person.full_clean()


def test_everyone_but_platform_admins_needs_a_municipality(db):
    with pytest.raises(IntegrityError):
        UserFactory(municipality=None)


def test_platform_admin_may_have_no_municipality(db):
    assert UserFactory(municipality=None, is_superuser=True).pk
