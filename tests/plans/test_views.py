"""The conversation view, the co-edited plan over HTTP, agreeing, reopening, follow-ups."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from lus.audit.models import AuditEvent
from lus.plans import services
from lus.plans.models import FollowUp
from lus.tenants.scoping import tenant_scope, unscoped
from tests.conversations.factories import share_preparation
from tests.factories import HRFactory, LeaderFactory
from tests.plans.factories import fields_of, held_conversation

pytestmark = pytest.mark.django_db


def _shared(layout, **kw):
    c = held_conversation(layout, status="invited", **kw)
    with tenant_scope(c.municipality):
        share_preparation(c)
    c.refresh_from_db()
    return c


def _save(client, c, key, revision, value):
    r = client.post(
        reverse("plans:save", args=[c.pk]), {"key": key, "revision": revision, "value": value}
    )
    return r.status_code, r.json()


def test_conversation_view_shows_answers_last_year_and_notes(client):
    last = _shared("items", year=2025)
    c = _shared("items", year=2026, leader=last.leader)
    client.force_login(c.leaders_leader)
    r = client.get(reverse("plans:conduct", args=[c.pk]))
    html = r.content.decode()
    assert r.status_code == 200
    assert "Opgaver" in html and "Jeg sætter en klar retning i min ledelse" in html
    # Last year's answer to the same scale question beside this year's (labelled on a phone).
    assert 'class="lus-last-year" data-label="Sidste år">3 / 5' in html
    assert 'data-cell="n' in html  # notes per section
    assert "Marker samtalen som afholdt" in html
    with unscoped("test"):
        assert AuditEvent.objects.filter(
            action="view_conversation", actor=c.leaders_leader
        ).exists()


def test_section_agreements_view_shows_both_keywords_and_agreements(client):
    c = _shared("section_agreements")
    with tenant_scope(c.municipality):
        from lus.conversations.models import Role
        from lus.conversations.selectors import answers_of, preparation_structure
        from lus.conversations.services import AnswerInput, preparation_for, preparation_save

        prep = preparation_for(conversation=c, role=Role.LEADERS_LEADER)
        qs = [q for s in preparation_structure(c, Role.LEADERS_LEADER) for q in s.questions]
        kw = next(q for q in qs if q.type == "keywords")
        options = list(kw.options.all())
        preparation_save(
            preparation=prep,
            base_revision=0,
            answers=[AnswerInput(kw, keywords=[o.pk for o in options[-3:]])],
            existing=answers_of(prep),
        )
        theirs = ", ".join(o.label for o in options[-3:])
    client.force_login(c.leaders_leader)
    html = client.get(reverse("plans:conduct", args=[c.pk])).content.decode()
    assert "Motivation, Relationer, Mod" in html  # the leader's three keywords
    assert theirs in html  # the leader's leader's three keywords
    agreements = fields_of(c, "section")[1]
    assert f'-f{agreements.pk}"' in html and "Aftaler" in html


def test_start_section_reorders(client):
    c = _shared("prompts")
    client.force_login(c.leaders_leader)
    with tenant_scope(c.municipality):
        fourth = c.version.sections.order_by("order")[3]
    r = client.post(reverse("plans:start", args=[c.pk]), {"section": fourth.pk})
    assert r.status_code == 302
    html = client.get(reverse("plans:conduct", args=[c.pk])).content.decode()
    first_section = html.index('data-section="')
    assert html[first_section:].startswith(f'data-section="{fourth.pk}"')
    assert client.post(reverse("plans:start", args=[c.pk]), {"section": "x"}).status_code == 400


def test_save_conflict_locked_over_http(client):
    c = held_conversation("prompts")
    keep = fields_of(c, "plan")[0]
    client.force_login(c.leader)
    status, body = _save(client, c, f"p{keep.pk}", 0, "Tillid")
    assert status == 200 and body["status"] == "saved" and body["revision"] == 1
    client.force_login(c.leaders_leader)
    status, body = _save(client, c, f"p{keep.pk}", 0, "Fællesskab")
    assert status == 409 and body["status"] == "conflict"
    assert (body["theirs"], body["mine"], body["revision"]) == ("Tillid", "Fællesskab", 1)
    state = client.get(reverse("plans:state", args=[c.pk])).json()
    assert state["cells"][f"p{keep.pk}"][:2] == ["Tillid", 1]
    # Approve both -> locked: a save is refused with a Danish message.
    for user in (c.leader, c.leaders_leader):
        client.force_login(user)
        assert client.post(reverse("plans:approve", args=[c.pk])).status_code == 302
    status, body = _save(client, c, f"p{keep.pk}", 1, "x")
    assert status == 409 and body["status"] == "locked" and "låst" in body["error"]
    r = client.post(reverse("plans:structure", args=[c.pk]), {"action": "add_item"})
    assert r.status_code == 409
    with unscoped("test"):
        actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"change_plan", "approve_plan", "agree_plan"} <= actions


def test_edit_after_one_approval_tells_the_user(client):
    c = held_conversation("items")
    client.force_login(c.leader)
    client.post(reverse("plans:approve", args=[c.pk]))
    client.force_login(c.leaders_leader)
    client.post(reverse("plans:structure", args=[c.pk]), {"action": "add_item"})
    # structure changes withdraw approvals too
    client.force_login(c.leader)
    client.post(reverse("plans:approve", args=[c.pk]))
    with tenant_scope(c.municipality):
        item = c.plan.items.get()
    status, body = _save(client, c, f"i{item.pk}-title", 0, "Sparring")
    assert status == 200 and body["approvals_cleared"]
    assert "nulstillet" in body["message"] or "trukket tilbage" in body["message"]


def test_reopen_and_follow_ups(client):
    c = held_conversation("items")
    (follow,) = fields_of(c, "plan")
    client.force_login(c.leaders_leader)
    _save(client, c, f"p{follow.pk}", 0, "2027-02-01")
    for user in (c.leader, c.leaders_leader):
        client.force_login(user)
        client.post(reverse("plans:approve", args=[c.pk]))
    with unscoped("test"):
        follow_up = FollowUp.objects.get()
    for user in (c.leader, c.leaders_leader):
        client.force_login(user)
        page = client.get(reverse("plans:follow_ups")).content.decode()
        assert "1. februar 2027" in page
        r = client.get(reverse("plans:follow_up_ics", args=[follow_up.pk]))
        assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    r = client.post(reverse("plans:reopen", args=[c.pk]), {"reason": ""})
    assert r.status_code == 422 and "Skriv" in r.content.decode()
    r = client.post(reverse("plans:reopen", args=[c.pk]), {"reason": "Ny opgave"})
    assert r.status_code == 302
    with unscoped("test"):
        assert not FollowUp.objects.exists()
        assert AuditEvent.objects.filter(action="reopen_plan").exists()


@pytest.mark.parametrize("who", ["other_leader", "other_leaders_leader", "hr"])
def test_outsiders_get_404_everywhere(client, who):
    c = held_conversation("items", status="plan_agreed")
    outsider = {
        "other_leader": lambda: LeaderFactory(municipality=c.municipality),
        "other_leaders_leader": lambda: LeaderFactory(municipality=c.municipality).manager,
        "hr": lambda: HRFactory(municipality=c.municipality),
    }[who]()
    client.force_login(outsider)
    with unscoped("test"):
        follow_ups = list(FollowUp.objects.all())
    for name in ("conduct", "plan", "state"):
        assert client.get(reverse(f"plans:{name}", args=[c.pk])).status_code == 404
    for name in ("save", "approve", "reopen", "structure", "hold", "start"):
        assert client.post(reverse(f"plans:{name}", args=[c.pk])).status_code == 404
    for f in follow_ups:
        assert client.get(reverse("plans:follow_up_ics", args=[f.pk])).status_code == 404


def test_hold_only_by_leaders_leader(client):
    c = _shared("items")
    client.force_login(c.leader)
    assert client.post(reverse("plans:hold", args=[c.pk])).status_code == 403
    client.force_login(c.leaders_leader)
    assert (
        client.post(reverse("plans:hold", args=[c.pk]), {"confirm_unbooked": "1"}).status_code
        == 302
    )
    c.refresh_from_db()
    assert c.status == "held"
    assert client.post(reverse("plans:hold", args=[c.pk])).status_code == 409


def _fill_plan(c, items: int):
    with tenant_scope(c.municipality):
        plan = services.plan_get_or_create(conversation=c)
        for i in range(items):
            item = services.plan_item_create(plan=plan, user=c.leader, title=f"Punkt {i}")
            for f in fields_of(c, "item"):
                services.cell_save(
                    plan=plan, user=c.leader, key=f"i{item.pk}-f{f.pk}", base_revision=0, value="x"
                )
            for _a in range(2):
                services.plan_activity_create(plan=plan, user=c.leader, item_id=item.pk)


@pytest.mark.parametrize("layout", ["items", "continuing", "section_agreements"])
def test_query_counts_constant(client, layout, django_assert_max_num_queries):
    c = _shared(layout)
    _fill_plan(c, 1)
    client.force_login(c.leaders_leader)
    client.get(reverse("plans:conduct", args=[c.pk]))  # warm the framework cache
    client.get(reverse("plans:plan", args=[c.pk]))
    counts = {}
    for items in (0, 5):
        _fill_plan(c, items)
        for name in ("conduct", "plan", "state"):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                assert client.get(reverse(f"plans:{name}", args=[c.pk])).status_code == 200
            counts.setdefault(name, []).append(len(ctx.captured_queries))
    print(f"\nquery counts {layout}: {json.dumps(counts)}")
    for name, (small, large) in counts.items():
        assert small == large, f"{name}: {small} -> {large} queries with 5 more points"
    with django_assert_max_num_queries(12):  # issue 9's budget, audit row included
        client.get(reverse("plans:conduct", args=[c.pk]))
    with django_assert_max_num_queries(25):
        client.get(reverse("plans:plan", args=[c.pk]))
    with django_assert_max_num_queries(20):
        client.get(reverse("plans:state", args=[c.pk]))
