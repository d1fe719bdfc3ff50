"""Co-editing, agreeing and reopening through the services (every plan layout)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lus.conversations.models import Conversation, NotAParty, Role
from lus.plans import services
from lus.plans.models import FollowUp, PlanApproval, PlanItem, PlanReopening, PlanValue
from lus.tenants.scoping import tenant_scope
from tests.factories import LeaderFactory
from tests.plans.factories import fields_of, held_conversation

pytestmark = pytest.mark.django_db


def _plan(conversation):
    return services.plan_get_or_create(conversation=conversation)


def test_different_fields_merge_and_same_field_conflicts():
    c = held_conversation("prompts")
    keep, work, _follow = fields_of(c, "plan")
    with tenant_scope(c.municipality):
        plan = _plan(c)
        a = services.cell_save(
            plan=plan, user=c.leader, key=f"p{keep.pk}", base_revision=0, value="Tillid"
        )
        b = services.cell_save(
            plan=plan, user=c.leaders_leader, key=f"p{work.pk}", base_revision=0, value="Sparring"
        )
        assert a.saved and b.saved
        # The leader's leader edits "keep" based on the revision before the leader's save.
        c2 = services.cell_save(
            plan=plan,
            user=c.leaders_leader,
            key=f"p{keep.pk}",
            base_revision=0,
            value="Ordentlighed",
        )
        assert c2.is_conflict and (c2.theirs, c2.mine, c2.revision) == ("Tillid", "Ordentlighed", 1)
        values = dict(PlanValue.objects.filter(plan=plan).values_list("field_id", "value"))
        assert values == {keep.pk: "Tillid", work.pk: "Sparring"}
        # Keep mine: save again based on the conflicting revision.
        r = services.cell_save(
            plan=plan,
            user=c.leaders_leader,
            key=f"p{keep.pk}",
            base_revision=1,
            value="Ordentlighed",
        )
        assert r.saved and r.revision == 2


def test_items_titles_activities_and_per_activity_fields():
    c = held_conversation("continuing")
    with tenant_scope(c.municipality):
        plan = _plan(c)
        item = services.plan_item_create(plan=plan, user=c.leaders_leader)
        activity = services.plan_activity_create(plan=plan, user=c.leader, item_id=item.pk)
        deadline = next(f for f in fields_of(c, "activity") if f.kind == "date")
        assert services.cell_save(
            plan=plan, user=c.leader, key=f"i{item.pk}-title", base_revision=0, value="Coaching"
        ).saved
        assert services.cell_save(
            plan=plan,
            user=c.leader,
            key=f"a{activity.pk}-f{deadline.pk}",
            base_revision=0,
            value="2027-03-01",
        ).saved
        with pytest.raises(ValidationError):
            services.cell_save(
                plan=plan,
                user=c.leader,
                key=f"a{activity.pk}-f{deadline.pk}",
                base_revision=1,
                value="2027-02-30",
            )
        # A field of the wrong "per" or another plan's item is not part of this plan.
        with pytest.raises(ValidationError):
            services.cell_save(
                plan=plan, user=c.leader, key=f"p{deadline.pk}", base_revision=0, value="x"
            )
        services.plan_item_delete(plan=plan, user=c.leaders_leader, item_id=item.pk)
        with pytest.raises(services.CellGone):
            services.cell_save(
                plan=plan, user=c.leader, key=f"i{item.pk}-title", base_revision=1, value="y"
            )


def test_section_agreements():
    c = held_conversation("section_agreements")
    _notes, agreements, *_structured = fields_of(c, "section")
    with tenant_scope(c.municipality):
        plan = _plan(c)
        section = c.version.sections.order_by("order").first()
        o = services.cell_save(
            plan=plan,
            user=c.leaders_leader,
            key=f"s{section.pk}-f{agreements.pk}",
            base_revision=0,
            value="Hvad: sparring. Hvem: begge.",
        )
        assert o.saved
        v = PlanValue.objects.get(plan=plan, section=section, field=agreements)
        assert v.value.startswith("Hvad") and v.updated_by == c.leaders_leader


def test_any_edit_after_one_approval_clears_it_and_both_approvals_lock():
    c = held_conversation("items")
    (follow,) = fields_of(c, "plan")
    with tenant_scope(c.municipality):
        plan = _plan(c)
        services.plan_approve(plan=plan, user=c.leader)
        o = services.cell_save(
            plan=plan,
            user=c.leaders_leader,
            key=f"p{follow.pk}",
            base_revision=0,
            value="2027-01-15",
        )
        assert o.approvals_cleared
        plan.refresh_from_db()
        assert plan.approved_by_leader_at is None
        assert PlanApproval.objects.get(plan=plan).cleared_at is not None
        services.plan_approve(plan=plan, user=c.leader)
        result = services.plan_approve(plan=plan, user=c.leaders_leader)
        assert result.agreed
        plan.refresh_from_db()
        assert (
            plan.approved_by_leader == c.leader
            and plan.approved_by_leaders_leader == c.leaders_leader
        )
        assert Conversation.objects.get(pk=c.pk).status == "plan_agreed"
        (follow_up,) = FollowUp.objects.filter(plan=plan)
        assert str(follow_up.date) == "2027-01-15"
        with pytest.raises(services.PlanLocked):
            services.cell_save(
                plan=plan, user=c.leader, key=f"p{follow.pk}", base_revision=1, value="2027-02-01"
            )
        with pytest.raises(services.PlanLocked):
            services.plan_item_create(plan=plan, user=c.leader)
        ics = services.follow_up_ics(follow_up=follow_up, base_url="https://lus.example.dk/")
        assert b"BEGIN:VEVENT" in ics and b"DTSTART;VALUE=DATE:20270115" in ics
        assert f"lus-followup-{plan.pk}-{follow_up.source_id}@lus".encode() in ics


def test_approving_needs_a_held_conversation():
    c = held_conversation("items", status="invited")
    with tenant_scope(c.municipality), pytest.raises(services.PlanError):
        services.plan_approve(plan=_plan(c), user=c.leader)


def test_reopen_needs_reason_and_is_recorded():
    c = held_conversation("items", status="plan_agreed")
    with tenant_scope(c.municipality):
        plan = _plan(c)
        with pytest.raises(ValidationError):
            services.plan_reopen(plan=plan, user=c.leader, reason="  ")
        services.plan_reopen(plan=plan, user=c.leader, reason="Nyt job pr. 1. marts")
        r = PlanReopening.objects.get(plan=plan)
        assert r.reopened_by == c.leader and r.reason == "Nyt job pr. 1. marts"
        c.refresh_from_db()
        plan.refresh_from_db()
        assert c.status == "held" and c.plan_agreed_at is None
        assert plan.agreed_at is None and plan.approved_by_leader_at is None
        with pytest.raises(services.PlanError):
            services.plan_reopen(plan=plan, user=c.leader, reason="igen")


def test_minutes_only_by_the_agreed_writer():
    c = held_conversation("continuing", minutes_by="leaders_leader")
    with tenant_scope(c.municipality):
        plan = _plan(c)
        plan.conversation = c
        assert services.cell_save(
            plan=plan, user=c.leaders_leader, key="minutes", base_revision=0, value="Referat"
        ).saved
        assert c.minutes_by == Role.LEADERS_LEADER
        with pytest.raises(services.NotMinutesWriter):
            services.cell_save(plan=plan, user=c.leader, key="minutes", base_revision=1, value="x")


def test_someone_outside_the_conversation_is_refused_as_not_a_party():
    c = held_conversation("items")
    with tenant_scope(c.municipality):
        stranger = LeaderFactory(municipality=c.municipality)
        plan = _plan(c)
        plan.conversation = c
        for attempt in (
            lambda: services.cell_save(
                plan=plan, user=stranger, key="minutes", base_revision=0, value="x"
            ),
            lambda: services.plan_approve(plan=plan, user=stranger),
        ):
            with pytest.raises(NotAParty) as refused:
                attempt()
            # A domain refusal (403), not the built-in PermissionError (an OSError).
            assert not isinstance(refused.value, OSError)
            assert refused.value.http_status == 403


def test_the_services_write_their_own_audit_rows():
    """Audit is in the services, so a command or the demo cannot bypass it."""
    from lus.audit.models import AuditEvent
    from lus.tenants.scoping import unscoped

    c = held_conversation("prompts")  # a plan-level text field ("Det vil jeg fastholde")
    key = f"p{next(f for f in fields_of(c, 'plan') if f.kind == 'longtext').pk}"
    with tenant_scope(c.municipality):
        plan = _plan(c)
        plan.conversation = c
        services.cell_save(plan=plan, user=c.leader, key=key, base_revision=0, value="Mål")
        item = services.plan_item_create(plan=plan, user=c.leader)
        services.plan_item_delete(plan=plan, user=c.leader, item_id=item.pk)
        services.plan_approve(plan=plan, user=c.leader)
        services.plan_approve(plan=plan, user=c.leaders_leader)
        services.plan_reopen(plan=plan, user=c.leader, reason="Nyt job")
    with unscoped("test"):
        actions = list(
            AuditEvent.objects.filter(target_id=str(plan.pk))
            .order_by("pk")
            .values_list("action", flat=True)
        )
    assert actions == [
        "change_plan",
        "change_plan",
        "change_plan",
        "approve_plan",
        "approve_plan",
        "agree_plan",
        "reopen_plan",
    ]


def test_continuing_plan_carries_open_points_into_next_year():
    last = held_conversation("continuing", year=2025)
    with tenant_scope(last.municipality):
        plan = _plan(last)
        kept = services.plan_item_create(plan=plan, user=last.leader, title="Strategisk ledelse")
        done = services.plan_item_create(plan=plan, user=last.leader, title="Budgetkursus")
        services.plan_activity_create(plan=plan, user=last.leader, item_id=kept.pk)
    this = held_conversation("continuing", year=2026, leader=last.leader)
    with tenant_scope(this.municipality):
        services.evaluation_save(
            conversation=this, item_id=done.pk, text="Gennemført", status="done"
        )
        new_plan = _plan(this)
        titles = list(PlanItem.objects.filter(plan=new_plan).values_list("title", "year"))
        # Open points continue (with the year they were added); evaluated-as-done ones do not.
        assert titles == [("Strategisk ledelse", 2025)]
        assert new_plan.continues
        assert PlanItem.objects.get(plan=new_plan).activities.count() == 1


def test_start_section():
    c = held_conversation("prompts")
    with tenant_scope(c.municipality):
        sections = list(c.version.sections.order_by("order"))
        services.conversation_set_start(conversation=c, section_id=sections[2].pk)
        from lus.plans.selectors import ordered_sections, start_section_id

        start = start_section_id(c)
        assert [s.pk for s in ordered_sections(sections, start)][:2] == [
            sections[2].pk,
            sections[3].pk,
        ]
        with pytest.raises(ValidationError):
            services.conversation_set_start(conversation=c, section_id=999999)
