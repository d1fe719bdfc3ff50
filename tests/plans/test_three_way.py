"""Character-level three-way merge of one co-edited text, and saves that cross each other."""

from __future__ import annotations

import json

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.urls import reverse

from lus.audit.models import AuditEvent
from lus.plans import services
from lus.plans.merge import merge
from lus.plans.models import Plan, PlanEvent
from lus.plans.stream import sync_events
from lus.tenants.scoping import tenant_scope, unscoped
from tests.factories import HRFactory
from tests.plans.factories import fields_of, held_conversation


def test_edits_in_different_places_are_both_kept():
    r = merge("Mål: mere tid", "Mål: mere tid til ledelse", "Vores mål: mere tid")
    assert r.clean and r.mine == r.theirs == "Vores mål: mere tid til ledelse"


def test_edits_of_the_same_characters_are_a_conflict_with_both_readings():
    r = merge("Mål: tydelig retning", "Mål: klar retning", "Mål: fælles retning")
    assert r.conflicts == [("klar", "fælles")]
    assert (r.theirs, r.mine) == ("Mål: klar retning", "Mål: fælles retning")


def test_the_rest_of_a_conflicting_text_is_merged_both_ways():
    r = merge("a b c", "A b c!", "X b c")
    assert r.conflicts == [("A", "X")]
    assert (r.theirs, r.mine) == ("A b c!", "X b c!")


def test_typing_into_text_the_other_deleted_is_a_conflict():
    r = merge("hello world", "hello", "hello wide world")
    assert not r.clean and r.mine == "hello wide world" and r.theirs == "hello"


def test_same_edit_by_both_is_not_a_conflict():
    r = merge("tid", "mere tid", "mere tid")
    assert r.clean and r.mine == "mere tid"


def _text_key(c) -> str:
    return f"p{next(f for f in fields_of(c, 'plan') if f.kind in ('longtext', 'text')).pk}"


def _plan(c):
    return services.plan_get_or_create(conversation=c)


@pytest.mark.django_db
def test_crossing_saves_of_one_field_merge_without_asking():
    c = held_conversation("prompts")
    key = _text_key(c)
    with tenant_scope(c.municipality):
        plan = _plan(c)
        services.cell_save(plan=plan, user=c.leader, key=key, base_revision=0, value="Mål: tid")
        a = services.cell_save(
            plan=plan,
            user=c.leader,
            key=key,
            base_revision=1,
            base_value="Mål: tid",
            value="Mål: tid til ledelse",
        )
        # The leader's leader started from revision 1 too.
        b = services.cell_save(
            plan=plan,
            user=c.leaders_leader,
            key=key,
            base_revision=1,
            base_value="Mål: tid",
            value="Vores mål: tid",
        )
        assert a.saved and b.saved and b.merged and not b.is_conflict
        assert b.value == "Vores mål: tid til ledelse" and b.revision == 3
        # Overlap: only this saver is asked; nothing is written.
        c3 = services.cell_save(
            plan=plan,
            user=c.leader,
            key=key,
            base_revision=3,
            base_value="Vores mål: tid til ledelse",
            value="Vores mål: tid til sparring",
        )
        c4 = services.cell_save(
            plan=plan,
            user=c.leaders_leader,
            key=key,
            base_revision=3,
            base_value="Vores mål: tid til ledelse",
            value="Vores mål: tid til strategi",
        )
        assert c3.saved and c4.is_conflict
        assert c4.parts == (("sparring", "strategi"),)
        assert c4.theirs == "Vores mål: tid til sparring" and c4.revision == 4


@pytest.mark.django_db
def test_a_resent_save_is_saved_once():
    c = held_conversation("prompts")
    key = _text_key(c)
    with tenant_scope(c.municipality):
        plan = _plan(c)
        first = services.cell_save(
            plan=plan,
            user=c.leader,
            key=key,
            base_revision=0,
            base_value="",
            value="Sparring",
            token="t-1",
        )
        again = services.cell_save(
            plan=plan,
            user=c.leader,
            key=key,
            base_revision=0,
            base_value="",
            value="Sparring",
            token="t-1",
        )
        assert first.saved and again.revision == first.revision == 1
        assert PlanEvent.objects.filter(plan=plan, kind="cell").count() == 1


@pytest.mark.django_db
def test_merged_save_over_http_and_overlap_answers_only_the_second(client):
    c = held_conversation("prompts")
    key = _text_key(c)
    url = reverse("plans:save", args=[c.pk])
    client.force_login(c.leader)
    assert (
        client.post(url, {"key": key, "revision": 0, "base": "", "value": "A B"}).json()["revision"]
        == 1
    )
    r1 = client.post(url, {"key": key, "revision": 1, "base": "A B", "value": "A B C"})
    client.force_login(c.leaders_leader)
    r2 = client.post(url, {"key": key, "revision": 1, "base": "A B", "value": "Z A B"})
    assert r1.status_code == r2.status_code == 200
    assert r2.json()["value"] == "Z A B C" and r2.json()["merged"]
    assert (
        client.post(
            url, {"key": key, "revision": 3, "base": "Z A B C", "value": "Z A Y C!"}
        ).json()["revision"]
        == 4
    )
    client.force_login(c.leader)
    r3 = client.post(url, {"key": key, "revision": 3, "base": "Z A B C", "value": "Q Z A X C"})
    assert r3.status_code == 409
    body = r3.json()
    assert body["status"] == "conflict" and body["stored"] == "Z A Y C!"
    assert body["mine"] == "Q Z A X C!" and body["theirs"] == "Q Z A Y C!"
    assert body["parts"] == [["Y", "X"]]
    assert "samme ord" in body["error"]


@pytest.mark.django_db
def test_state_get_writes_nothing_but_a_throttled_audit_read(client):
    c = held_conversation("actions")
    url = reverse("plans:state", args=[c.pk])
    client.force_login(c.leaders_leader)
    with unscoped("test"):
        before_plans = Plan.objects.count()
    r = client.get(url)
    assert r.status_code == 200 and r.json()["cells"] == {}
    with unscoped("test"):
        assert Plan.objects.count() == before_plans  # no plan created by a read
    with tenant_scope(c.municipality):
        _plan(c)  # as the page does
    for _ in range(3):
        assert client.get(url).status_code == 200
    with unscoped("test"):
        assert AuditEvent.objects.filter(action="view_plan", actor=c.leaders_leader).count() == 1
        events = PlanEvent.objects.count()
    client.get(url)
    with unscoped("test"):
        assert PlanEvent.objects.count() == events


@pytest.mark.django_db
def test_the_stream_sends_saves_and_presence_after_the_cursor(client):
    c = held_conversation("prompts")
    key = _text_key(c)
    client.force_login(c.leader)
    client.get(reverse("plans:plan", args=[c.pk]))
    client.post(reverse("plans:save", args=[c.pk]), {"key": key, "revision": 0, "value": "Hej"})
    client.post(reverse("plans:presence", args=[c.pk]), {"key": key})
    with unscoped("test"):
        plan = Plan.objects.get(conversation=c)
    frames = "".join(sync_events(plan.pk, plan.municipality_id, 0, c.leaders_leader.pk, 0.01))
    assert "event: cell" in frames and '"value": "Hej"' in frames
    # The data is JSON: a name with æ/ø/å arrives escaped, so read it as the browser does.
    said = [json.loads(line[6:]) for line in frames.splitlines() if line.startswith("data: ")]
    assert "event: presence" in frames and {"key": key, "by": c.leader.name, "mine": False} in said
    # A reconnect from the last id sees nothing twice.
    with unscoped("test"):
        last = PlanEvent.objects.filter(plan=plan).order_by("-id").first().pk
    assert "event:" not in "".join(sync_events(plan.pk, plan.municipality_id, last, 1, 0.01))
    # Over HTTP the stream is the parties' only.
    r = client.get(reverse("plans:stream", args=[c.pk]), HTTP_LAST_EVENT_ID=str(last))
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # The test database is shared by every thread of the test server: no long reads; the
        # browser polls instead (204 tells EventSource not to reconnect).
        assert r.status_code == 204
    else:
        assert r.status_code == 200 and r["Content-Type"] == "text/event-stream"
        # Closing fires request_finished; as Django's test client does, keep the test's
        # transaction connection open meanwhile.
        request_finished.disconnect(close_old_connections)
        try:
            r.close()
        finally:
            request_finished.connect(close_old_connections)
    client.force_login(HRFactory(municipality=c.municipality))
    assert client.get(reverse("plans:stream", args=[c.pk])).status_code in (403, 404)
