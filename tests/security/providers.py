"""Object providers for the URL matrix: kwarg name (or model label) -> value per object kind.

A provider is ``f(world, kind) -> value | None`` where kind is "own" (belongs to the leader),
"other" (another leader in the same municipality) or "foreign" (another municipality). Return
None when a kind makes no sense for the object. Providers marked ``fixed`` return the same
value for every kind (not an object, e.g. an app label) and are called once.

Register a new one with ``@provider("kwarg_or_label")``. Model labels ("app.model") are used
for the admin's ``object_id`` and by rows that map an ambiguous kwarg: ``providers={"pk":
"conversations.conversation"}``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

from lus.tenants.scoping import unscoped

KINDS = ("own", "other", "foreign")


@dataclass(frozen=True)
class Provider:
    func: Callable
    fixed: bool = False


PROVIDERS: dict[str, Provider] = {}


def provider(name: str, *, fixed: bool = False):
    def register(func):
        PROVIDERS[name] = Provider(func, fixed)
        return func

    return register


def _person(world, kind):
    return {"own": world.leader, "other": world.other_leader, "foreign": world.foreign_leader}[kind]


@provider("accounts.user")
def user_pk(world, kind):
    return _person(world, kind).pk


@provider("accounts.orgunit")
def orgunit_pk(world, kind):
    return _person(world, kind).org_unit_id


@provider("tenants.municipality")
def municipality_pk(world, kind):
    if kind == "other":
        return None
    return (world.home if kind == "own" else world.foreign).pk


@provider("auth.group")
def group_pk(world, kind):
    return world.group.pk if kind == "own" else None


@provider("app_label", fixed=True)
def app_label(world, kind):
    return "accounts"


@provider("url", fixed=True)
def catch_all_url(world, kind):
    return "does-not-exist/"


@provider("content_type_id")
def content_type_id(world, kind):
    with unscoped("test: content type"):
        return ContentType.objects.get_for_model(type(_person(world, kind))).pk


@provider("object_id")
def object_id(world, kind):
    return _person(world, kind).pk


@provider("audit.auditevent")
def audit_event_pk(world, kind):
    from lus.audit.models import AuditEvent
    from lus.audit.services import audit_record

    if kind == "other":
        return None
    hr = world.hr if kind == "own" else world.foreign_hr
    municipality = world.home if kind == "own" else world.foreign
    with unscoped("test: audit provider"):
        event = audit_record(
            actor=hr,
            action="admin_change",
            target=municipality,
            detail="Changed conversation duration" if kind == "own" else world.canary,
            category=AuditEvent.Category.CONFIG,
        )
    return event.pk


@provider("conversations.conversation")
def conversation_pk(world, kind):
    """This year's LUS of the person (created once per person; only the leader prepares)."""
    from lus.conversations.models import Conversation
    from tests.conversations.factories import make_conversation

    person = _person(world, kind)
    with unscoped("test: conversation provider"):
        existing = Conversation.objects.filter(leader=person).first()
    if existing is None:
        existing = make_conversation(person)
    return existing.pk


# --- lus.frameworks: a draft framework per municipality (foreign one carries the canary) ------
def _framework_objects(world, kind):
    """(framework, draft version, section, question, customisation) of the home or foreign
    municipality, created once per world. Drafts, so HR may change and delete them."""
    if kind == "other":
        return None
    cache = world.__dict__.setdefault("_frameworks", {})
    if kind not in cache:
        from lus.frameworks.models import (
            Framework,
            FrameworkVersion,
            Question,
            QuestionOption,
            Section,
            TeamCustomisation,
        )

        m = world.home if kind == "own" else world.foreign
        label = "Spørgeramme" if kind == "own" else f"Spørgeramme {world.canary}"
        owner = world.leaders_leader if kind == "own" else world.foreign_leaders_leader
        with unscoped("test: framework provider"):
            framework = Framework.objects.create(municipality=m, name=f"{label} (matrix)")
            version = FrameworkVersion.objects.create(municipality=m, framework=framework, number=1)
            section = Section.objects.create(municipality=m, version=version, title=label)
            question = Question.objects.create(
                municipality=m, section=section, type="choice", text=f"{label}?"
            )
            QuestionOption.objects.create(municipality=m, question=question, label=f"{label} A")
            QuestionOption.objects.create(municipality=m, question=question, label=f"{label} B")
            customisation = TeamCustomisation.objects.create(
                municipality=m, version=version, owner=owner
            )
        cache[kind] = (framework, version, section, question, customisation)
    return cache[kind]


def _framework_part(index):
    def get(world, kind):
        objects = _framework_objects(world, kind)
        return None if objects is None else objects[index].pk

    return get


for _i, _label in enumerate(
    [
        "frameworks.framework",
        "frameworks.frameworkversion",
        "frameworks.section",
        "frameworks.question",
        "frameworks.teamcustomisation",
    ]
):
    provider(_label)(_framework_part(_i))


@provider("rounds.lusround")
def round_pk(world, kind):
    """The municipality's 2026 LUS round (rounds are per municipality, not per person)."""
    import datetime

    from lus.rounds.models import LusRound

    if kind == "other":
        return None
    municipality = world.home if kind == "own" else world.foreign
    with unscoped("test: round provider"):
        lus_round, _ = LusRound.objects.get_or_create(
            municipality=municipality, year=2026, defaults={"deadline": datetime.date(2026, 12, 15)}
        )
    return lus_round.pk


@provider("plans.followup")
def follow_up_pk(world, kind):
    """A follow-up on the plan of the person's LUS."""
    import datetime

    from lus.conversations.models import Conversation
    from lus.plans.models import FollowUp
    from lus.plans.services import plan_get_or_create
    from lus.tenants.scoping import tenant_scope

    conversation_id = conversation_pk(world, kind)
    with unscoped("test: follow-up provider"):
        conversation = Conversation.objects.select_related("municipality").get(pk=conversation_id)
    with tenant_scope(conversation.municipality):
        plan = plan_get_or_create(conversation=conversation)
        follow_up = FollowUp.objects.create(
            municipality_id=plan.municipality_id,
            plan=plan,
            date=datetime.date(2027, 1, 15),
            title="Opfølgning" if kind != "foreign" else f"Opfølgning {world.canary}",
        )
    return follow_up.pk


# --- lus.documents --------------------------------------------------------------------------
@provider("documents.filedrecord")
def filed_record_pk(world, kind):
    """A filed LUS of the person (last year's, agreed and filed to the own archive)."""
    from lus.documents.models import FiledRecord
    from lus.documents.services import filed_record_create
    from lus.tenants.scoping import tenant_scope
    from tests.documents.factories import make_agreed_conversation

    person = _person(world, kind)
    with unscoped("test: filed record provider"):
        existing = FiledRecord.objects.filter(leader=person).first()
    if existing is not None:
        return existing.pk
    point = "Udviklingspunkt" if kind != "foreign" else f"Udviklingspunkt {world.canary}"
    conversation = make_agreed_conversation(person, year=2025, point=point)
    with tenant_scope(person.municipality):
        return filed_record_create(conversation=conversation, actor=person.manager).pk


@provider("documents.documentsettings")
def document_settings_pk(world, kind):
    from lus.documents.models import DocumentSettings

    if kind == "other":
        return None
    municipality = world.home if kind == "own" else world.foreign
    with unscoped("test: document settings provider"):
        found, _ = DocumentSettings.objects.get_or_create(
            municipality=municipality,
            defaults={"journal_reference": "Ref" if kind == "own" else f"Ref {world.canary}"},
        )
    return found.pk


# --- lus.sso ----------------------------------------------------------------------------------
@provider("municipality_slug", fixed=True)
def municipality_slug(world, kind):
    return world.home.slug


@provider("sso.identityprovider")
def identity_provider_pk(world, kind):
    from lus.sso.models import IdentityProvider

    if kind == "other":
        return None
    municipality = world.home if kind == "own" else world.foreign
    with unscoped("test: identity provider provider"):
        found, _ = IdentityProvider.objects.get_or_create(
            municipality=municipality,
            defaults={
                "protocol": "oidc",
                "enabled": False,  # not offered on the login page of the other gates
                "display_name": "Login" if kind == "own" else f"Login {world.canary}",
                "oidc_issuer": "https://login.example/v2.0",
                "oidc_client_id": "client",
            },
        )
    return found.pk
