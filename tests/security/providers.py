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


@provider("sso.subjectbinding")
def subject_binding_pk(world, kind):
    from lus.sso.models import IdentityProvider, SubjectBinding

    if kind == "other":
        return None
    identity_provider_pk(world, kind)
    municipality = world.home if kind == "own" else world.foreign
    person = world.leader if kind == "own" else world.foreign_leader
    with unscoped("test: subject binding provider"):
        found, _ = SubjectBinding.objects.get_or_create(
            municipality=municipality,
            provider=IdentityProvider.objects.get(municipality=municipality),
            person=person,
            defaults={"subject": "sub" if kind == "own" else f"sub {world.canary}"},
        )
    return found.pk


@provider("rounds.leadersleaderhandover")
def handover_pk(world, kind):
    """A proposal, waiting for the person's answer, to hand their LUS over to another leader's
    leader (proposed by HR of the municipality)."""
    from lus.rounds.models import LeadersLeaderHandover
    from tests.factories import UserFactory

    person = _person(world, kind)
    conversation_id = conversation_pk(world, kind)
    to = {"own": world.other_leaders_leader, "other": world.leaders_leader}.get(kind)
    if to is None:
        to = UserFactory(
            municipality=world.foreign, username="fny", name=f"Ny {world.canary}", job_title="Chef"
        )
    by = world.foreign_hr if kind == "foreign" else world.hr
    with unscoped("test: hand-over provider"):
        proposal = LeadersLeaderHandover.objects.create(
            municipality_id=person.municipality_id,
            conversation_id=conversation_id,
            from_leaders_leader_id=person.manager_id,
            to_leaders_leader=to,
            handed_over_by=by,
            reason=f"Omorganisering {world.canary}" if kind == "foreign" else "Omorganisering",
        )
    return proposal.pk


@provider("uidb64", fixed=True)
def password_link_uid(world, kind):
    return "MQ"  # base64 of "1": some person, with a token that is not theirs


@provider("token", fixed=True)
def password_link_token(world, kind):
    return "czz1qv-0123456789abcdef0123456789abcdef"


@provider("inputs.preparationinput")
def preparation_input_pk(world, kind):
    """A report the person attached (with a conversation of theirs, not shared)."""
    from lus.inputs.models import PreparationInput

    person = _person(world, kind)
    conversation_pk(world, kind)
    title = f"Trivselsrapport {world.canary}" if kind == "foreign" else "Trivselsrapport"
    with unscoped("test: preparation input provider"):
        item = PreparationInput.objects.filter(leader=person).first()
        if item is None:
            item = PreparationInput.objects.create(
                municipality=person.municipality,
                leader=person,
                kind="wellbeing",
                year=2026,
                title=title,
                source="upload",
                pdf=b"%PDF-1.4 test",
                pdf_size=13,
            )
    return item.pk


@provider("frameworks.referencelink")
def reference_link_pk(world, kind):
    from lus.frameworks.models import ReferenceLink

    if kind == "other":
        return None
    municipality = world.home if kind == "own" else world.foreign
    label = "HR-strategi" if kind == "own" else f"HR-strategi {world.canary}"
    with unscoped("test: reference link provider"):
        link, _ = ReferenceLink.objects.get_or_create(
            municipality=municipality, label=label, defaults={"url": "https://example.dk/hr"}
        )
    return link.pk


@provider("statustalks.statustalk")
def status_talk_pk(world, kind):
    """A status talk of an agreed plan of the person (its point carries the canary abroad)."""
    import datetime

    from django.utils import timezone

    from lus.statustalks.models import StatusTalk
    from tests.documents.factories import make_agreed_conversation

    person = _person(world, kind)
    with unscoped("test: status talk provider"):
        talk = StatusTalk.objects.filter(conversation__leader=person).first()
    if talk is None:
        point = f"Punkt {world.canary}" if kind == "foreign" else "Punkt"
        conversation = make_agreed_conversation(person, year=2024, point=point)
        with unscoped("test: status talk provider"):
            talk = StatusTalk.objects.create(
                municipality=person.municipality,
                conversation=conversation,
                number=1,
                scheduled_at=timezone.now() + datetime.timedelta(days=30),
                ics_uid=f"lus-status-test-{person.pk}@lus",
            )
    return talk.pk


@provider("sharing.sharingpolicy")
def sharing_policy_pk(world, kind):
    """The municipality's sharing policy (the test world enables it in both)."""
    from lus.sharing.models import SharingPolicy

    if kind == "other":
        return None
    municipality = world.home if kind == "own" else world.foreign
    with unscoped("test: sharing policy provider"):
        return SharingPolicy.objects.get(municipality=municipality).pk


@provider("sharing.itemshare")
def item_share_pk(world, kind):
    """The person's point shared with a colleague (the agreed plan the status talk provider
    makes, so no further conversation is created)."""
    from lus.plans.models import PlanItem
    from lus.sharing.models import ItemShare

    person = _person(world, kind)
    colleague = {"own": world.other_leader, "other": world.leader, "foreign": world.foreign_hr}
    with unscoped("test: item share provider"):
        share = ItemShare.objects.filter(shared_by=person).first()
        if share is None:
            status_talk_pk(world, kind)
            item = PlanItem.objects.filter(plan__leader=person, plan__agreed_at__isnull=False)[0]
            share = ItemShare.objects.create(
                municipality=person.municipality,
                item=item,
                colleague=colleague[kind],
                shared_by=person,
            )
    return share.pk


@provider("job_id")
def people_import_job_pk(world, kind):
    """A people import check still queued (per municipality, not per person)."""
    from lus.accounts.models import PeopleImportJob

    if kind == "other":
        return None
    municipality, hr = (
        (world.home, world.hr) if kind == "own" else (world.foreign, world.foreign_hr)
    )
    with unscoped("test: people import check provider"):
        job, _ = PeopleImportJob.objects.get_or_create(
            municipality=municipality,
            created_by=hr,
            defaults={"text": "email;name\na@example.dk;A\n", "rows_total": 1},
        )
    return job.pk
