"""A LUS ready to file: a published version with a plan layout of every kind, a held
conversation, a plan with a development point, an activity, section agreements and a follow-up
date, approved by both parties (``plan_agreed``)."""

from __future__ import annotations

from lus.conversations import services as conversation_services
from lus.frameworks.models import PlanField, Section
from lus.plans import services as plan_services
from lus.plans.models import PlanValue
from lus.tenants.scoping import tenant_scope, unscoped
from tests.conversations.factories import make_conversation, make_version

POINT = "Styrke økonomistyring og sparring på tværs \u2013 æøå ÆØÅ"
ACTIVITY = "Kursus i budgetopfølgning hos Økonomi"
GOAL = "Et budget i balance \u2013 og ro på økonomien"


def make_plan_version(municipality, **kw):
    version = make_version(municipality, **kw)
    m = municipality
    with unscoped("test factory"):
        section = Section.objects.filter(version=version, title="Trivsel").get()
        fields = [
            PlanField(municipality=m, version=version, order=1, label="Mål", per="item"),
            PlanField(
                municipality=m,
                version=version,
                order=2,
                label="Kort eller lang sigt",
                per="item",
                kind="horizon",
            ),
            PlanField(
                municipality=m,
                version=version,
                order=3,
                label="Tidsfrist",
                per="activity",
                kind="date",
            ),
            PlanField(municipality=m, version=version, order=4, label="Aftaler", per="section"),
            PlanField(
                municipality=m,
                version=version,
                order=5,
                label="Opfølgning",
                per="plan",
                kind="date",
                is_follow_up_date=True,
            ),
            PlanField(
                municipality=m,
                version=version,
                order=6,
                label="Hvad er vigtigt at fastholde?",
                per="plan",
            ),
        ]
        PlanField.objects.bulk_create(fields)
        version.test_fields = {f.label: f for f in PlanField.objects.filter(version=version)}
        version.test_section = section
    return version


def make_agreed_conversation(
    leader,
    *,
    version=None,
    point: str = POINT,
    plan_text: str = "Den gode dialog i teamet",
    agree: bool = True,
    year: int = 2026,
):
    version = version or make_plan_version(leader.municipality)
    if not hasattr(version, "test_fields"):
        with unscoped("test factory"):
            version.test_fields = {f.label: f for f in PlanField.objects.filter(version=version)}
            version.test_section = Section.objects.filter(version=version, title="Trivsel").get()
    conversation = make_conversation(leader, version=version, year=year)
    f = version.test_fields
    with tenant_scope(leader.municipality):
        conversation_services.conversation_invite(conversation=conversation)
        conversation_services.conversation_hold(conversation=conversation)
        plan = plan_services.plan_create(conversation=conversation)
        item = plan_services.plan_item_add(plan=plan, title=point, year=year, activities=[ACTIVITY])
        activity = item.activities.get()
        m = leader.municipality

        def value(field, text, **target):
            PlanValue.objects.create(municipality=m, plan=plan, field=field, value=text, **target)

        value(f["Mål"], GOAL, item=item)
        value(f["Kort eller lang sigt"], "long", item=item)
        value(f["Tidsfrist"], f"{year}-12-01", item=item, activity=activity)
        value(f["Aftaler"], "Vi holder månedlige 1:1-samtaler", section=version.test_section)
        value(f["Opfølgning"], f"{year + 1}-03-15")
        value(f["Hvad er vigtigt at fastholde?"], plan_text)
        if agree:
            approve(conversation)
        conversation.refresh_from_db()
    return conversation


def approve(conversation):
    """Both parties approve the plan (through the plans service, as in the app)."""
    from lus.plans.models import Plan

    plan = Plan.objects.get(conversation=conversation)
    plan_services.plan_approve(plan=plan, user=conversation.leader)
    plan_services.plan_approve(plan=Plan.objects.get(pk=plan.pk), user=conversation.leaders_leader)
