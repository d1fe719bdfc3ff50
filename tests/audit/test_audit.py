from unittest import mock

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from lus.audit.models import AppendOnlyError, AuditEvent
from lus.audit.services import audit_record, client_ip
from lus.tenants.scoping import tenant_scope, unscoped
from tests.factories import HRFactory, LeaderFactory, UserFactory


@pytest.fixture
def event(leader):
    with tenant_scope(leader.municipality):
        return audit_record(
            actor=leader.manager, action="view_preparation", target=leader, detail="Samtale"
        )


def test_record_fills_who_role_subject_and_municipality(event, leader):
    assert event.actor == leader.manager
    assert event.role == "leaders_leader"
    assert event.subject == leader
    assert event.subject_name == leader.name
    assert event.municipality_id == leader.municipality_id
    assert event.created_at.utcoffset().total_seconds() == 0


def test_code_refuses_update_and_delete(event, leader):
    with tenant_scope(leader.municipality):
        event.detail = "rewritten"
        with pytest.raises(AppendOnlyError):
            event.save()
        with pytest.raises(AppendOnlyError):
            event.delete()
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.filter(pk=event.pk).update(detail="x")
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.filter(pk=event.pk).delete()
        assert AuditEvent.objects.get(pk=event.pk).detail == "Samtale"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL-only")
def test_postgresql_trigger_refuses_raw_update_and_delete(event):
    for sql in (
        "UPDATE audit_auditevent SET detail = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    with unscoped("test"):
        assert AuditEvent.objects.get(pk=event.pk).detail == "Samtale"


def test_trigger_test_runs_on_postgresql_when_configured():
    # make test on PostgreSQL (DATABASE_URL=postgres://...) must exercise the trigger test.
    import os

    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert connection.vendor == "postgresql"


def test_leader_sees_who_accessed_their_data(client, event, leader):
    other = UserFactory(municipality=leader.municipality)
    with tenant_scope(leader.municipality):
        audit_record(actor=leader, action="own_action", target=leader)
        audit_record(actor=leader.manager, action="view_other", target=other)
    client.force_login(leader)
    response = client.get(reverse("audit:my_log"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Hvem har set min LUS" in text
    assert leader.manager.name in text and "Samtale" in text
    # In words, with the reader's role.
    assert "Læste din delte forberedelse" in text and "(leders leder)" in text
    assert "own_action" not in text and "view_other" not in text


def test_admin_changes_are_audited_and_hr_reads_only_own_config(client, leader, randers):
    hr = HRFactory(municipality=leader.municipality)
    foreign_hr = HRFactory(municipality=randers)
    client.force_login(hr)
    url = reverse("admin:tenants_municipality_change", args=[leader.municipality_id])
    response = client.post(url, {"conversation_duration_minutes": 90, "retention_years": 5})
    assert response.status_code == 302
    with tenant_scope(leader.municipality):
        audit_record(actor=leader.manager, action="secret_read", target=leader)
        config = AuditEvent.objects.get(category="config")
    assert config.actor == hr and config.action == "admin_change"
    assert "duration" in config.detail.lower() or "varighed" in config.detail.lower()

    response = client.get(reverse("admin:audit_auditevent_changelist"))
    assert response.status_code == 200
    assert "admin_change" in response.content.decode()
    assert "secret_read" not in response.content.decode()
    change = reverse("admin:audit_auditevent_change", args=[config.pk])
    assert client.post(change, {"detail": "x"}).status_code == 403
    client.force_login(foreign_hr)
    assert client.get(change).status_code == 404


def test_leader_cannot_use_audit_admin(client, db):
    leader = LeaderFactory()
    client.force_login(leader)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 302


def test_repeated_reads_are_one_row_per_window_and_never_zero(leader):
    from datetime import timedelta

    from django.utils import timezone

    from lus.audit.services import READ_THROTTLE, audit_read

    with tenant_scope(leader.municipality):
        first = audit_read(actor=leader.manager, action="view_plan", target=leader)
        again = audit_read(actor=leader.manager, action="view_plan", target=leader)
        assert first is not None and again is None
        other_action = audit_read(actor=leader.manager, action="view_notes", target=leader)
        assert other_action is not None
        later = timezone.now() + READ_THROTTLE + timedelta(seconds=1)
        with mock.patch("lus.audit.services.timezone.now", return_value=later):
            assert audit_read(actor=leader.manager, action="view_plan", target=leader)
        assert AuditEvent.objects.filter(action="view_plan").count() == 2


# --- the reader's TRUE role ---------------------------------------------------------------------
@pytest.fixture
def conversation(leader):
    from tests.conversations.factories import make_conversation

    return make_conversation(leader)


def test_role_comes_from_the_leaders_leader_relation_not_the_manager_field(conversation, leader):
    """HR made someone's "manager" by an admin edit is still logged as HR, and reading a
    conversation one does not hold is never "leaders_leader"."""
    from lus.audit.services import role_of

    hr = HRFactory(municipality=leader.municipality, username="hr-role")
    chef = leader.manager
    leader.manager = hr  # what an edit of the hierarchy would do
    assert role_of(hr, leader, conversation) == "hr"
    assert role_of(hr, leader, leader) == "hr"  # no conversation: the HR rights decide
    assert role_of(chef, leader, conversation) == "leaders_leader"  # still the leaders_leader
    outsider = UserFactory(municipality=leader.municipality, username="outsider")
    leader.manager = outsider
    assert role_of(outsider, leader, conversation) == "other"
    assert role_of(leader, leader, conversation) == "self"


def test_a_leaders_leader_with_hr_rights_is_logged_as_such(conversation, leader):
    from lus.audit.services import role_of

    chef = leader.manager
    chef.is_hr = True
    assert role_of(chef, leader, conversation) == "leaders_leader_hr"
    with tenant_scope(leader.municipality):
        event = audit_record(actor=chef, action="view_conversation", target=conversation)
    assert event.role == "leaders_leader_hr"


def test_every_read_of_content_by_the_other_party_is_audited_and_throttled(
    client, conversation, leader, monkeypatch
):
    """The conversation view, the plan page (and its partial, its poll and its event stream) and
    the shared preparation each leave a row in the leader's log: one per reader, page and
    10 minutes. (The draft PDF's row: tests/documents/test_views.py.)"""
    from lus.conversations.models import Conversation

    with unscoped("test"):
        Conversation.objects.filter(pk=conversation.pk).update(shared_at="2026-03-01T10:00Z")
    client.force_login(leader.manager)
    pages = {
        "view_conversation": reverse("plans:conduct", args=[conversation.pk]),
        "view_plan": reverse("plans:plan", args=[conversation.pk]),
        "view_preparation": reverse("conversations:detail", args=[conversation.pk]),
    }
    for _round in range(2):  # reading twice within 10 minutes: still one row each
        for url in pages.values():
            assert client.get(url).status_code == 200
        assert client.get(pages["view_plan"] + "?partial=body").status_code == 200
    with tenant_scope(leader.municipality):
        rows = AuditEvent.objects.filter(actor=leader.manager, subject=leader)
        for action in pages:
            assert rows.filter(action=action, role="leaders_leader").count() == 1, action
    # The page's poll and its event stream read the plan too: each leaves its own row once the
    # throttle window is past.
    import datetime

    from lus.audit import services as audit_services

    monkeypatch.setattr(audit_services, "READ_THROTTLE", datetime.timedelta(0))
    for follow in ("plans:state", "plans:stream"):
        with tenant_scope(leader.municipality):
            before = rows.filter(action="view_plan", role="leaders_leader").count()
        assert client.get(reverse(follow, args=[conversation.pk])).status_code in (200, 204)
        with tenant_scope(leader.municipality):
            after = rows.filter(action="view_plan", role="leaders_leader").count()
        assert after == before + 1, follow


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.9"),  # the header is the client's to write: ignored
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # a forged first entry is not believed
        (2, "6.6.6.6, 203.0.113.7, 10.1.1.1", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.9"),  # fewer entries than proxies: not through our proxies
        (1, "", "10.0.0.9"),
    ],
)
def test_client_ip_believes_only_trusted_proxies(rf, settings, trusted, forwarded, expected):
    settings.LUS_TRUSTED_PROXY_COUNT = trusted
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.9")
    assert client_ip(request) == expected
