"""The plan's event stream: server-sent events to both browsers (docs/architecture.md).

Every change is a row in ``PlanEvent`` (append-only; its id is the event id, so a reconnect
with ``Last-Event-ID`` resumes exactly where it stopped). The stream sends the rows after the
cursor and then waits:

- served by ASGI on PostgreSQL: on ``LISTEN lus_plan_<id>`` (a psycopg 3 async connection);
  ``services.plan_event_add`` sends ``pg_notify`` in the saving transaction, so a save through
  any app server wakes the streams on every app server — fan-out through the database, never
  process memory;
- served by WSGI (gunicorn sync workers, the test server) or on SQLite: by reading the table
  every quarter second, and ending after ``WSGI_SECONDS`` so a worker thread is not held for
  long (the browser reconnects at once and resumes from its cursor).

The browser keeps polling ``state`` when the stream breaks.
"""

from __future__ import annotations

import asyncio
import json
import time

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.handlers.asgi import ASGIRequest
from django.db import close_old_connections, connection
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lus.tenants.scoping import tenant_scope

from . import selectors, services
from .models import PlanEvent
from .services import plan_channel

WSGI_SECONDS = 25.0
ASGI_SECONDS = 300.0
POLL_SECONDS = 0.25
KEEPALIVE_SECONDS = 15.0
COLUMNS = ("id", "kind", "key", "revision", "value", "by_id", "by_name", "token")


def frame(row: dict, me: int) -> str:
    data = {
        "key": row["key"],
        "by": row["by_name"],
        "mine": row["by_id"] == me,
    }
    if row["kind"] == PlanEvent.Kind.CELL:
        data.update(revision=row["revision"], value=row["value"], token=row["token"])
    return f"id: {row['id']}\nevent: {row['kind']}\ndata: {json.dumps(data)}\n\n"


def _rows_after(plan_id: int, cursor: int) -> list[dict]:
    return list(
        PlanEvent.objects.filter(plan_id=plan_id, id__gt=cursor)
        .order_by("id")
        .values(*COLUMNS)[:200]
    )


def sync_events(plan_id: int, municipality_id: int, cursor: int, me: int, seconds: float):
    yield "retry: 1000\n\n"
    deadline = time.monotonic() + seconds
    quiet_since = time.monotonic()
    try:
        while time.monotonic() < deadline:
            with tenant_scope(municipality_id):
                rows = _rows_after(plan_id, cursor)
            for row in rows:
                cursor = row["id"]
                yield frame(row, me)
            if rows:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > KEEPALIVE_SECONDS:
                quiet_since = time.monotonic()
                yield ": keepalive\n\n"
            time.sleep(POLL_SECONDS)
    finally:
        # A long stream must not hold its connection past its age; inside a transaction (a
        # test's, or a caller's) the connection is not ours to close.
        if not connection.in_atomic_block:
            close_old_connections()


_NOT_LIBPQ = {"server_side_binding", "prepare_threshold", "pool", "assume_role", "isolation_level"}


def _conninfo() -> str:
    from psycopg.conninfo import make_conninfo

    db = settings.DATABASES["default"]
    params = {
        "dbname": db.get("NAME"),
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
        "host": db.get("HOST"),
        "port": db.get("PORT"),
    }
    # libpq's own options only: Django's and psycopg's (server-side binding, prepared
    # statements) are not connection-string keys.
    options = {
        k: v
        for k, v in (db.get("OPTIONS") or {}).items()
        if isinstance(v, str | int) and k not in _NOT_LIBPQ
    }
    return make_conninfo(**{k: v for k, v in params.items() if v}, **options)


SELECT_AFTER = (
    "SELECT id, kind, key, revision, value, by_id, by_name, token FROM plans_planevent "
    "WHERE plan_id = %s AND id > %s ORDER BY id LIMIT 200"
)


async def listen_events(plan_id: int, cursor: int, me: int, seconds: float):
    """On PostgreSQL under ASGI: wait on LISTEN/NOTIFY, read the rows after the cursor."""
    import psycopg

    yield "retry: 1000\n\n"
    conn = await psycopg.AsyncConnection.connect(_conninfo(), autocommit=True)
    woken = asyncio.Event()
    conn.add_notify_handler(lambda _n: woken.set())
    try:
        await conn.execute(f"LISTEN {plan_channel(plan_id)}")
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            woken.clear()
            cur = await conn.execute(SELECT_AFTER, [plan_id, cursor])
            rows = [dict(zip(COLUMNS, r, strict=True)) for r in await cur.fetchall()]
            for row in rows:
                cursor = row["id"]
                yield frame(row, me)
            if rows or woken.is_set():
                continue
            got = False
            async for _n in conn.notifies(timeout=KEEPALIVE_SECONDS, stop_after=1):
                got = True
            if not got:
                yield ": keepalive\n\n"
    finally:
        await conn.close()


async def poll_events_async(plan_id: int, municipality_id: int, cursor: int, me: int, seconds):
    """Under ASGI without PostgreSQL (SQLite in development): read the table."""

    def fetch(after):
        with tenant_scope(municipality_id):
            return _rows_after(plan_id, after)

    yield "retry: 1000\n\n"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        rows = await sync_to_async(fetch)(cursor)
        for row in rows:
            cursor = row["id"]
            yield frame(row, me)
        await asyncio.sleep(POLL_SECONDS)


def _cursor(request: HttpRequest, plan) -> int:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or ""
    try:
        value = int(raw)
    except ValueError:
        return selectors.plan_cursor(plan)
    return max(value, 0)


@login_required
@never_cache
@require_GET
def stream(request: HttpRequest, pk: int) -> HttpResponse:
    from .views import _conversation

    conversation = _conversation(request, pk)
    plan = selectors.plan_of(conversation)
    if plan is None:
        # Nothing to follow yet; 204 tells EventSource not to reconnect (polling goes on).
        return HttpResponse(status=204)
    cursor = _cursor(request, plan)
    services.content_read(
        conversation=conversation,
        user=request.user,
        action="view_plan",
        target=plan,
        detail=_("Development plan"),
        request=request,
    )
    me = request.user.pk
    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # The test server shares one in-memory connection between its threads: a long read
        # would collide with the saves. The browser polls instead.
        return HttpResponse(status=204)
    if isinstance(request, ASGIRequest):
        if connection.vendor == "postgresql":
            events = listen_events(plan.pk, cursor, me, ASGI_SECONDS)
        else:
            events = poll_events_async(plan.pk, plan.municipality_id, cursor, me, ASGI_SECONDS)
    else:
        seconds = getattr(settings, "LUS_STREAM_WSGI_SECONDS", WSGI_SECONDS)
        events = sync_events(plan.pk, plan.municipality_id, cursor, me, seconds)
    response = StreamingHttpResponse(events, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"
    return response
