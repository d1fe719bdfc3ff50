"""Sessions in the database, loaded together with their user in one query.

Every logged-in request needs both the session and the person; Django's database sessions
read them one after the other (two round trips on every page). Here the session row carries
its user's id (set whenever the session is saved) and is read with the user and municipality
joined. ``lus.accounts.middleware.AuthenticationMiddleware`` takes the user from there and
verifies it exactly as Django does.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.db import connections
from django.db.models.query import get_related_populators
from django.utils import timezone

from lus.tenants.scoping import unscoped

_KEY = "lus-session-key-placeholder"
_WHEN = datetime.datetime(2000, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)


class _CompiledLoad:
    """The session-with-user query, compiled by Django's ORM once per database connection.

    Building the SQL of a three-table ``select_related`` (about forty columns) cost more Python
    than everything else a trivial logged-in request does. The SQL and the row-to-object
    mapping never change, so they are built once with placeholder values and reused with the
    request's session key and time; the objects come out as the ORM makes them (same
    ``from_db``, same related-object caches).
    """

    def __init__(self, model, db: str) -> None:
        qs = (
            model.objects.using(db)
            .select_related("user__municipality")
            .filter(session_key=_KEY)
            .filter(expire_date__gt=_WHEN)[:1]
        )
        with unscoped("authentication: compile the session query"):
            compiler = qs.query.get_compiler(using=db)
            self.sql, params = compiler.as_sql()
        connection = connections[db]
        expire = model._meta.get_field("expire_date")
        self.key_at = list(params).index(_KEY)
        self.when_at = list(params).index(expire.get_db_prep_value(_WHEN, connection))
        self.params = list(params)
        self.expire = expire
        self.compiler = compiler
        self.db = db
        klass_info, select = compiler.klass_info, compiler.select
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.model = klass_info["model"]
        self.span = (first, last)
        self.init_list = [f[0].target.attname for f in select[first:last]]
        self.populators = get_related_populators(klass_info, select, db)
        self.converters = compiler.get_converters([col[0] for col in select[: compiler.col_count]])

    def load(self, session_key: str, now: datetime.datetime):
        connection = connections[self.db]
        params = list(self.params)
        params[self.key_at] = session_key
        params[self.when_at] = self.expire.get_db_prep_value(now, connection)
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if self.converters:
            row = next(iter(self.compiler.apply_converters([list(row)], self.converters)))
        first, last = self.span
        session = self.model.from_db(self.db, self.init_list, row[first:last])
        for populator in self.populators:
            populator.populate(row, session)
        return session

    @classmethod
    def for_connection(cls, model, db: str) -> _CompiledLoad:
        """One per connection object (each thread has its own), built on first use."""
        connection = connections[db]
        compiled = getattr(connection, "_lus_session_load", None)
        if compiled is None or compiled.model is not model:
            compiled = cls(model, db)
            connection._lus_session_load = compiled
        return compiled


class SessionStore(DBStore):
    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        #: The user row read with the session (None: anonymous, or not loaded yet).
        self.loaded_user: Any = None

    @classmethod
    def get_model_class(cls):
        from lus.accounts.models import Session

        return Session

    def _get_session_from_db(self):
        self.loaded_user = None
        # The session decides the request's municipality: read before any scope exists (the
        # query is compiled SQL, which no scope applies to).
        db = self.model.objects.db
        session = _CompiledLoad.for_connection(self.model, db).load(
            self.session_key, timezone.now()
        )
        if session is None:
            self._session_key = None
            return None
        self.loaded_user = session.user
        return session

    def create_model_instance(self, data: dict[str, Any]):
        instance = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        instance.user_id = int(user_id) if user_id not in (None, "") else None
        return instance
