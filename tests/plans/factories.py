"""Plans test helpers: a municipality with its real framework (fixtures/<slug>.json), a leader
and their leader's leader, and a conversation brought to a given status through the services."""

from __future__ import annotations

from lus.conversations import services as conversation_services
from lus.conversations.models import Conversation
from lus.frameworks.services import framework_load_fixture
from lus.plans import services
from lus.tenants.scoping import tenant_scope
from tests.factories import LeaderFactory, MunicipalityFactory

NAMES = {
    "haderslev": "Haderslev Kommune",
    "randers": "Randers Kommune",
    "norddjurs": "Norddjurs Kommune",
    "albertslund": "Albertslund Kommune",
    "hoeje-taastrup": "Høje-Taastrup Kommune",
}


def real_framework(slug: str):
    municipality = MunicipalityFactory(slug=slug, name=NAMES[slug])
    version = framework_load_fixture(slug=slug)
    return municipality, version


def held_conversation(slug: str = "haderslev", *, status: str = "held", year: int = 2026, **kw):
    """A conversation in the municipality's real framework, moved on to ``status``."""
    municipality, version = real_framework(slug)
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
