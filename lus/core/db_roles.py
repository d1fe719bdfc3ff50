"""Two PostgreSQL roles, so the running application cannot rewrite history.

- The **owner** role owns the schema and every table; only ``manage.py migrate`` connects as it
  (``MIGRATE_DATABASE_URL``).
- The **app** role (``DATABASE_URL``) gets ordinary data rights on every table, but on the
  history tables only SELECT and INSERT: the audit log, filed records and their delivery
  attempts (the one UPDATE it keeps is ``documents_filedrecord.conversation_id``, which retention
  sets to NULL when it deletes a conversation; the table's trigger refuses every other change).
  It owns nothing, so it can neither TRUNCATE, ALTER, DISABLE TRIGGER nor DROP, and as a
  non-superuser it cannot ``SET session_replication_role`` (which would skip triggers).

``grant_app_role`` writes the grants; ``manage.py migrate`` runs it after migrating whenever it
migrates as a different role than the app's (so a table added by a migration is covered at
once), and ``manage.py db_app_role`` runs or prints it by hand. See docs/deployment.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import environ
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

#: Rows are only ever added (models refuse changes; PostgreSQL triggers refuse UPDATE/DELETE).
APPEND_ONLY_TABLES = ["audit_auditevent", "documents_filedrecord", "documents_deliveryattempt"]
#: Column the app may still update on an append-only table (SET NULL on retention).
UPDATABLE_COLUMNS = {"documents_filedrecord": ["conversation_id"]}
#: Written by migrate only.
READ_ONLY_TABLES = ["django_migrations"]


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def grant_statements(app_role: str, *, owner_role: str | None = None) -> list[str]:
    """The SQL that gives ``app_role`` exactly its rights (idempotent; run as the owner)."""
    app = _ident(app_role)
    history = ", ".join(APPEND_ONLY_TABLES)
    sql = [
        f"GRANT USAGE ON SCHEMA public TO {app}",
        f"REVOKE CREATE ON SCHEMA public FROM {app}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {app}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}",
        f"REVOKE UPDATE, DELETE ON {history} FROM {app}",
        *(
            f"GRANT UPDATE ({', '.join(columns)}) ON {table} TO {app}"
            for table, columns in UPDATABLE_COLUMNS.items()
        ),
        f"REVOKE INSERT, UPDATE, DELETE ON {', '.join(READ_ONLY_TABLES)} FROM {app}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {app}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}",
        f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM {app}",
    ]
    if owner_role:
        owner = _ident(owner_role)
        sql += [
            # Tables a later migration creates are usable at once (migrate re-runs the grants).
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {app}",
        ]
    return sql


def table_exists(connection, table: str) -> bool:
    return table in connection.introspection.table_names()


def grant_app_role(connection, app_role: str) -> list[str]:
    """Apply the grants on ``connection`` (which must be the owner's). Returns the SQL run."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
        if owner == app_role:
            raise ValueError(
                "The app role must not be the role that owns the tables: set "
                "MIGRATE_DATABASE_URL to the owner and DATABASE_URL to the app role."
            )
        statements = grant_statements(app_role, owner_role=owner)
        for sql in statements:
            cursor.execute(sql)
    return statements


def app_role_name() -> str:
    """The role the app connects as: ``LUS_DB_APP_ROLE`` or the user of ``DATABASE_URL``."""
    return settings.LUS_DB_APP_ROLE or settings.DATABASES[DEFAULT_DB_ALIAS].get("USER", "")


@contextmanager
def owner_connection(alias: str = DEFAULT_DB_ALIAS) -> Iterator[object]:
    """The ``alias`` connection, switched to the credentials of ``MIGRATE_DATABASE_URL`` (same
    database name, so a test database stays the test database) while the block runs."""
    connection = connections[alias]
    url = settings.MIGRATE_DATABASE_URL
    if not url:
        yield connection
        return
    owner = environ.Env.db_url_config(url)
    keys = ("USER", "PASSWORD", "HOST", "PORT")
    saved = {key: connection.settings_dict.get(key) for key in keys}
    connection.close()
    connection.settings_dict.update({key: owner.get(key, "") for key in keys})
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict.update(saved)
