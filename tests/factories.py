"""factory-boy factories for every model. Tenant-owned rows are created through the audited
escape hatch, so tests can set up several municipalities and then query inside one scope."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from lus.accounts.models import OrgUnit, User
from lus.tenants.models import Municipality
from lus.tenants.scoping import unscoped


class TenantFactory(DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any):
        with unscoped("test factory"):
            return super()._create(model_class, *args, **kwargs)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        with unscoped("test factory"):
            super()._after_postgeneration(instance, create, results)


class MunicipalityFactory(DjangoModelFactory[Municipality]):
    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Testkommune {n}")
    slug = factory.Sequence(lambda n: f"testkommune-{n}")


class OrgUnitFactory(TenantFactory):
    class Meta:
        model = OrgUnit

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Afdeling {n}")


class UserFactory(TenantFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    municipality = factory.SubFactory(MunicipalityFactory)
    username = factory.Sequence(lambda n: f"person{n}")
    name = factory.Faker("name", locale="da_DK")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.dk")
    job_title = "Leder"
    password = factory.django.Password("pw")


class LeaderFactory(UserFactory):
    """A leader with their own leader's leader in the same municipality."""

    manager = factory.SubFactory(
        UserFactory, municipality=factory.SelfAttribute("..municipality"), job_title="Chef"
    )


class HRFactory(UserFactory):
    is_hr = True
    is_staff = True
    job_title = "HR-konsulent"
