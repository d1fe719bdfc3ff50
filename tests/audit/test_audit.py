import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from lus.audit.models import AppendOnlyError, AuditEvent
from lus.audit.services import audit_record
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
    assert leader.manager.name in text and "view_preparation" in text and "Samtale" in text
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
