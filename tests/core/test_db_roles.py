"""History the app cannot rewrite: on PostgreSQL the app's role may add to the audit log and
the filed records and read them, but not change, delete, truncate, alter or un-trigger them.

The test suite itself runs as the database owner (its flushes TRUNCATE every table), so the
test creates a separate role, grants it exactly what ``manage.py migrate`` grants the app's
role, connects as it and tries every way of rewriting history."""

from __future__ import annotations

import os
import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from lus.core.db_roles import APPEND_ONLY_TABLES, grant_app_role, grant_statements
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="database roles and privileges are PostgreSQL's: this test runs in CI's PostgreSQL "
    "pass (DATABASE_URL=postgres://...)",
)


def test_the_grants_print_without_a_database(capsys):
    call_command("db_app_role", "--role", "lus_app", "--owner", "lus_owner", "--print")
    out = capsys.readouterr().out
    assert "REVOKE UPDATE, DELETE ON audit_auditevent, documents_filedrecord" in out
    assert 'GRANT UPDATE (conversation_id) ON documents_filedrecord TO "lus_app"' in out
    assert 'FOR ROLE "lus_owner"' in out
    assert out.count(";") == len(grant_statements("lus_app", owner_role="lus_owner"))


@pytest.fixture
def app_role(transactional_db):
    """A throwaway login role with the app's rights on the test database, and a psycopg
    connection as it (autocommit: every refused statement stands alone)."""
    import psycopg

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
        )
        if not cursor.fetchone()[0]:
            pytest.skip("the test database user cannot create roles")
    role = f"lus_test_app_{uuid.uuid4().hex[:10]}"
    settings = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE')
        cursor.execute(f'GRANT CONNECT ON DATABASE "{settings["NAME"]}" TO "{role}"')
    try:
        grant_app_role(connection, role)
        app = psycopg.connect(
            host=settings["HOST"] or "127.0.0.1",
            port=settings["PORT"] or 5432,
            dbname=settings["NAME"],
            user=role,
            password=os.environ.get("LUS_TEST_APP_ROLE_PASSWORD", ""),
            autocommit=True,
        )
        try:
            yield app
        finally:
            app.close()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')


def _refused(app, sql: str, *params) -> str:
    import psycopg

    with pytest.raises(psycopg.errors.Error) as exc:
        app.execute(sql, params or None)
    return str(exc.value)


def test_the_app_role_cannot_rewrite_history(app_role):
    municipality = MunicipalityFactory(slug="roller", name="Rollekommune")
    insert = (
        "INSERT INTO audit_auditevent (municipality_id, created_at, actor_name, role, action,"
        " category, target_id, target_repr, subject_name, detail) VALUES"
        " (%s, now(), 'Test', 'system', 'test', 'access', '', '', '', 'original') RETURNING id"
    )
    # What the app does: add and read.
    (event_id,) = app_role.execute(insert, (municipality.pk,)).fetchone()
    assert app_role.execute(
        "SELECT detail FROM audit_auditevent WHERE id = %s", (event_id,)
    ).fetchone() == ("original",)
    # Everything that would rewrite it.
    for table in APPEND_ONLY_TABLES:
        assert "permission denied" in _refused(app_role, f"UPDATE {table} SET id = id")
        assert "permission denied" in _refused(app_role, f"DELETE FROM {table}")
        assert "permission denied" in _refused(app_role, f"TRUNCATE {table}")
        assert "owner" in _refused(app_role, f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        assert "owner" in _refused(app_role, f"ALTER TABLE {table} DROP COLUMN id")
        assert "owner" in _refused(app_role, f"DROP TABLE {table}")
    assert "owner" in _refused(
        app_role, "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent"
    )
    assert "permission denied" in _refused(
        app_role,
        "CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger"
        " AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql",
    )
    assert "permission denied" in _refused(app_role, "SET session_replication_role = replica")
    assert "permission denied" in _refused(app_role, "CREATE TABLE audit_copy (id int)")
    # Filed records: only the conversation reference may be set (NULL, by retention).
    assert "permission denied" in _refused(
        app_role, "UPDATE documents_filedrecord SET sha256 = 'x'"
    )
    app_role.execute("UPDATE documents_filedrecord SET conversation_id = NULL WHERE false")
    # The rest of the app works as usual.
    app_role.execute(
        "UPDATE tenants_municipality SET name = 'Omdøbt' WHERE id = %s", (municipality.pk,)
    )
    assert app_role.execute("SELECT count(*) FROM audit_auditevent").fetchone() == (1,)
    assert "permission denied" in _refused(app_role, "DELETE FROM django_migrations")


def test_migrate_grants_the_app_role_when_it_is_not_the_owner(app_role, settings, capsys):
    """``manage.py migrate`` run as the owner ends with the app role's grants, so a table a
    migration adds is covered at once."""
    role = app_role.info.user
    settings.LUS_DB_APP_ROLE = role
    call_command("migrate", verbosity=1, interactive=False)
    assert f"Granted the app role '{role}'" in capsys.readouterr().out
    assert "permission denied" in _refused(app_role, "TRUNCATE audit_auditevent")
