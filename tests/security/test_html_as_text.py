"""Gate 4b: HTML typed into any free-text field is shown as text on every page.

Every user-editable text column of every LUS model (answers, notes, plan values, names, framework
texts, ...) gets a ``<script>`` payload appended; then every URL of the matrix is fetched as
every role. The raw payload must never come back — only escaped (or stripped by the sanitiser).
New models and views are covered without touching this test.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models

from tests.security.matrix import body, call, cases, record_gate
from tests.security.url_table import ANONYMOUS, ROLES

PAYLOAD = '<script>lusXss("{}")</script><b>fed</b>'
RAW = b"<script>lusXss("
ESCAPED = b"&lt;script&gt;lusXss("

#: Models the database refuses to change (PostgreSQL triggers); their text is copied from
#: rows that do get the payload (names, labels).
APPEND_ONLY = {"audit.auditevent", "documents.filedrecord", "documents.deliveryattempt"}

#: Columns that are not free text a person types (identifiers, codes, machine values).
NOT_FREE_TEXT = {
    "password",
    "username",
    "email",
    "slug",
    "key",
    "code",
    "uid",
    "ics_uid",
    "sha256",
    "ip",
    "language",
    "target_id",
    "target_repr",
    "content_type",
    "mime_type",
    "filename",
}


def _free_text_fields(model):
    for f in model._meta.concrete_fields:
        if not isinstance(f, models.CharField | models.TextField):
            continue
        if f.choices or f.name in NOT_FREE_TEXT or f.name.endswith(("_url", "_id", "_key")):
            continue
        if isinstance(f, models.EmailField | models.URLField | models.SlugField):
            continue
        if f.max_length and f.max_length < 60:
            continue  # short codes and numbers, not prose
        yield f


def _plant_payload() -> int:
    from lus.tenants.scoping import unscoped

    planted = 0
    with unscoped("test: plant HTML in every free-text column"):
        for model in apps.get_models():
            if not model._meta.app_config.name.startswith("lus.") or model._meta.proxy:
                continue
            if model._meta.label_lower in APPEND_ONLY:
                continue  # append-only by design; its text is covered via the names it copies
            if model._meta.label_lower == "accounts.session":
                continue  # signed machine data: planting text in it would log everyone out
            fields = list(_free_text_fields(model))
            if not fields:
                continue
            for obj in model._base_manager.all():
                for f in fields:
                    text = PAYLOAD.format(f"{model._meta.model_name}.{f.name}")
                    current = getattr(obj, f.attname) or ""
                    if f.max_length:
                        current = current[: max(0, f.max_length - len(text))]
                    setattr(obj, f.attname, current + text)
                model._base_manager.filter(pk=obj.pk).update(
                    **{f.attname: getattr(obj, f.attname) for f in fields}
                )
                planted += len(fields)
    return planted


def test_html_in_free_text_is_shown_as_text_everywhere(world, clients):
    all_cases = cases(world)
    planted = _plant_payload()
    assert planted > 0
    for role in ROLES:  # planting must not have logged anyone out (the gate would see nothing)
        if role != ANONYMOUS:
            assert clients[role].get("/").status_code == 200, role
    pages = escaped_pages = 0
    failures = []
    for entry, _row, kind, path in all_cases:
        for role in ROLES:
            response, _ = call(clients[role], "GET", path)
            if response.status_code >= 500:
                failures.append(f"GET {path} as {role}: HTTP {response.status_code}")
                continue
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue  # JSON/CSV/PDF downloads are data, not markup (the PDF has its own test)
            pages += 1
            content = body(response)
            if RAW in content:
                at = content.index(RAW)
                failures.append(
                    f"GET {path} as {role} ({entry.key}, {kind or '-'}): raw HTML "
                    f"{content[at : at + 60]!r}"
                )
            escaped_pages += ESCAPED in content
    record_gate("HTML as text", values_planted=planted, pages=pages, escaped=escaped_pages)
    assert not failures, "\n".join(failures)
    assert escaped_pages > 0, "the payload never appeared: the test is not seeing user text"
