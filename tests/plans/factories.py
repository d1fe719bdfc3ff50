"""Plans test helpers: a municipality with the test world's framework in one of the plan
layouts (``tests.frameworks.factories.PLAN_LAYOUTS``), a leader and their leader's leader, and a
conversation brought to a given status through the services."""

from __future__ import annotations

from lus.conversations import services as conversation_services
from lus.conversations.models import Conversation
from lus.plans import services
from lus.tenants.scoping import tenant_scope
from tests.factories import LeaderFactory
from tests.frameworks.factories import load_world


def world_framework(layout: str, *, keywords: bool = True, wheel: bool = False):
    """The municipality of the plan ``layout`` (one per layout and variant, so two never share
    people) and its published version; the same version when called again. ``keywords`` and
    ``wheel`` as in ``tests.frameworks.factories.world_data``."""
    variant = ("" if keywords else "-no-keywords") + ("-wheel" if wheel else "")
    slug = f"testby-{layout.replace('_', '-')}{variant}"
    version = load_world(
        slug, name=f"Testby ({layout}{variant})", plan=layout, keywords=keywords, wheel=wheel
    )
    return version.municipality, version


def held_conversation(
    layout: str = "items",
    *,
    status: str = "held",
    year: int = 2026,
    keywords: bool = True,
    wheel: bool = False,
    **kw,
):
    """A conversation in the test world with the plan ``layout``, moved on to ``status``; the
    other keywords set the conversation's fields."""
    municipality, version = world_framework(layout, keywords=keywords, wheel=wheel)
    return _conversation(municipality, version, status=status, year=year, **kw)


def shipped_conversation(slug: str, *, status: str = "held", year: int = 2026, **kw):
    """A conversation in a municipality's shipped framework (``fixtures/<slug>.json``), for the
    tests of that municipality's model to the letter; everything else uses
    :func:`held_conversation`."""
    from lus.frameworks.services import framework_load_fixture
    from tests.factories import MunicipalityFactory
    from tests.frameworks.factories import NAMES

    municipality = MunicipalityFactory(slug=slug, name=NAMES[slug])
    version = framework_load_fixture(slug=slug)
    return _conversation(municipality, version, status=status, year=year, **kw)


def _conversation(municipality, version, *, status: str, year: int, **kw):
    leader = kw.pop("leader", None) or LeaderFactory(municipality=municipality)
    with tenant_scope(municipality):
        conversation = conversation_services.conversation_create(
            leader=leader, leaders_leader=leader.manager, year=year, version=version
        )
        S = Conversation.Status
        if status != S.CREATED:
            conversation_services.conversation_invite(conversation=conversation)
        if status in (S.HELD, S.PLAN_AGREED):
            conversation_services.conversation_hold(conversation=conversation)
        for name, value in kw.items():
            setattr(conversation, name, value)
        if kw:
            conversation.save()
        if status == S.PLAN_AGREED:
            plan = services.plan_get_or_create(conversation=conversation)
            services.plan_approve(plan=plan, user=leader)
            services.plan_approve(plan=plan, user=leader.manager)
        conversation.refresh_from_db()
    return conversation


def fields_of(conversation, per: str):
    from lus.frameworks.models import PlanField

    with tenant_scope(conversation.municipality):
        return list(PlanField.objects.filter(version=conversation.version, per=per))
