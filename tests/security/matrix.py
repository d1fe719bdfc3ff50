"""Shared machinery of the URL matrix (also used by the bad-input gate)."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from urllib.parse import urlparse

from django.apps import apps
from django.db import connection, transaction
from django.urls import reverse

from tests.conftest import GATE_LOG
from tests.security.conftest import walk_urls
from tests.security.providers import KINDS, PROVIDERS
from tests.security.url_table import (
    ANONYMOUS,
    FOREIGN_HR,
    HR,
    LEADER,
    LEADERS_LEADER,
    LOGIN,
    OTHER_LEADER,
    OTHER_LEADERS_LEADER,
    REDIRECT,
    URLS,
)

#: For another leader's object, the other leader plays the leader's part (and so on).
SWAP = {
    LEADER: OTHER_LEADER,
    OTHER_LEADER: LEADER,
    LEADERS_LEADER: OTHER_LEADERS_LEADER,
    OTHER_LEADERS_LEADER: LEADERS_LEADER,
}
#: Outcomes decided before any object lookup: they cannot leak whether an object exists.
OBJECT_INDEPENDENT = {LOGIN, 405}
REJECTED = {LOGIN, 400, 403, 404, 405, 409, 422}


def as_set(value):
    return set(value) if isinstance(value, set | frozenset | tuple | list) else {value}


def outcome(response) -> str | int:
    if 300 <= response.status_code < 400:
        path = urlparse(response["Location"]).path
        if path in (reverse("login"), reverse("admin:login")):
            return LOGIN
        return REDIRECT
    return response.status_code


def expected(row, method: str, role: str, kind: str | None):
    table = row.get if method == "GET" else row.post
    if kind is None:
        return as_set(table[role])
    if kind == "own":
        if role == FOREIGN_HR:
            return _foreign(table[role], row)
        return as_set(table[role])
    if kind == "other":
        if role == FOREIGN_HR:
            return _foreign(table[role], row)
        return as_set(table[SWAP.get(role, role)])
    # kind == "foreign": the object belongs to the foreign HR's municipality.
    if role == ANONYMOUS:
        return as_set(table[role])
    if role == FOREIGN_HR:
        return as_set(table[HR])
    return _foreign(table[role], row)


def _foreign(value, row):
    if not row.object_lookup:
        return as_set(value)
    value = as_set(value)
    kept = value & OBJECT_INDEPENDENT
    if kept:
        return kept
    # A role that may never do this gets 403 for any object, existing or not: no leak.
    return {404, 403} if value == {403} else {404}


def build_path(entry, values: dict) -> str:
    if not entry.key.startswith("<") and "<" not in entry.key:
        return reverse(entry.key, kwargs=values)
    path = "/" + entry.route
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m[1]]), path)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m[1]]), path)
    return path.replace("^", "").replace("$", "")


class TableError(Exception):
    pass


def group_of(key: str) -> str:
    """The test group of a URL: its ModelAdmin for admin URLs, else its namespace. The gates
    run one test per group, so pytest-xdist spreads them over the CPUs."""
    from django.contrib import admin

    if key.startswith("admin:"):
        for model in admin.site._registry:
            prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
            if key.startswith(prefix):
                return model._meta.label_lower
        return "admin"
    return key.split(":")[0] if ":" in key else "site"


def url_groups() -> list[str]:
    return sorted({group_of(entry.key) for entry in walk_urls()})


def check_table() -> None:
    """Raise TableError listing every URL, ModelAdmin or kwarg the table does not cover."""
    from django.contrib import admin

    from tests.security.url_table import ADMIN_MODELS

    problems = []
    seen = set()
    missing_admins = {
        m._meta.label_lower for m in admin.site._registry if m._meta.label_lower not in ADMIN_MODELS
    }
    for label in sorted(missing_admins):
        problems.append(
            f"ModelAdmin {label!r} has no policy. Add to ADMIN_MODELS in "
            f"tests/security/url_table.py:\n    {label!r}: AdminPolicy(view='hr', add='hr', "
            f"change='hr', delete='hr'),  # or 'readonly' / 'platform'\n"
            f"  and a provider @provider({label!r}) in tests/security/providers.py"
        )
    admin_prefixes = tuple(f"admin:{label.replace('.', '_')}_" for label in missing_admins)
    for entry in walk_urls():
        seen.add(entry.key)
        row = URLS.get(entry.key)
        if row is None and admin_prefixes and entry.key.startswith(admin_prefixes):
            continue  # reported once per ModelAdmin above
        if row is None:
            problems.append(
                f"URL {entry.key!r} (/{entry.route}) has no row. Add to URLS in "
                f"tests/security/url_table.py:\n    {entry.key!r}: Row(get=E(...), post=E(...)),"
            )
            continue
        names = {k: row.providers.get(k, k) for k in entry.kwargs}
        missing = [n for n in names.values() if n not in PROVIDERS]
        if missing:
            problems.append(
                f"URL {entry.key!r} (/{entry.route}) needs providers {missing}: add "
                f"@provider({missing[0]!r}) in tests/security/providers.py, or map the kwarg "
                f"in its row: providers={{{next(iter(names))!r}: 'app.model'}}"
            )
    stale = set(URLS) - seen
    if stale:
        problems.append(f"Rows for URLs that do not exist (remove them): {sorted(stale)}")
    if problems:
        raise TableError("\n".join(problems))


def cases(world, group: str | None = None):
    """(entry, row, kind, path) for every URL (of ``group``) and object kind. Providers create
    their objects here. URLs the table does not cover are left to ``check_table``."""
    result = []
    for entry in walk_urls():
        if group is not None and group_of(entry.key) != group:
            continue
        row = URLS.get(entry.key)
        if row is None:
            continue
        names = {k: row.providers.get(k, k) for k in entry.kwargs}
        if any(n not in PROVIDERS for n in names.values()):
            continue
        fixed = all(PROVIDERS[n].fixed for n in names.values())
        for kind in [None] if fixed else KINDS:
            values = {k: PROVIDERS[n].func(world, kind) for k, n in names.items()}
            if any(v is None for v in values.values()):
                continue
            result.append((entry, row, kind, build_path(entry, values)))
    return result


def call(client, method: str, path: str, **kwargs):
    """One request inside a rolled-back savepoint, the client's cookies restored afterwards,
    so that a successful POST (logout, delete) does not change the world for the next call.
    Returns the response and the data changes it made (see ``record_writes``)."""
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    try:
        with transaction.atomic(), record_writes() as writes:
            response = client.generic(method, path, **kwargs)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return response, sorted(writes)


WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)


@contextmanager
def record_writes():
    """Collect the tables a request changed rows in (statements that affected > 0 rows),
    apart from side-effect tables (sessions, login throttling, audit). Much cheaper than
    hashing the database around every one of thousands of requests, and just as strict."""
    from tests.security.conftest import FINGERPRINT_EXCLUDE

    ignored = {apps.get_model(label)._meta.db_table for label in FINGERPRINT_EXCLUDE}
    writes: set[str] = set()

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        match = WRITE.match(sql)
        if match and match[1] not in ignored and context["cursor"].rowcount != 0:
            writes.add(match[1])
        return result

    with connection.execute_wrapper(wrapper):
        yield writes


def record_gate(gate: str, **counts: int) -> None:
    """Add this test's counts to the gate summary printed at the end of the run."""
    GATE_LOG.parent.mkdir(exist_ok=True)
    with GATE_LOG.open("a") as f:
        f.write(json.dumps({"gate": gate, **counts}) + "\n")


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content
