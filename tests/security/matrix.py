"""Shared machinery of the URL matrix (also used by the bad-input gate)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from django.db import transaction
from django.urls import reverse

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


def cases(world):
    """Yield (entry, row, kind, path) for every URL and object kind; raise TableError listing
    every URL or kwarg the table does not cover yet."""
    from django.contrib import admin

    from tests.security.url_table import ADMIN_MODELS

    problems = []
    seen = set()
    result = []
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
            continue
        fixed = all(PROVIDERS[n].fixed for n in names.values())
        for kind in [None] if fixed else KINDS:
            values = {k: PROVIDERS[n].func(world, kind) for k, n in names.items()}
            if any(v is None for v in values.values()):
                continue
            result.append((entry, row, kind, build_path(entry, values)))
    stale = set(URLS) - seen
    if stale:
        problems.append(f"Rows for URLs that do not exist (remove them): {sorted(stale)}")
    if problems:
        raise TableError("\n".join(problems))
    return result


def call(client, method: str, path: str, after=None, **kwargs):
    """One request inside a rolled-back savepoint, the client's cookies restored afterwards,
    so that a successful POST (logout, delete) does not change the world for the next call."""
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    try:
        with transaction.atomic():
            response = client.generic(method, path, **kwargs)
            extra = after() if after else None
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return response, extra


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content
