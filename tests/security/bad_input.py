"""Reusable bad-input helpers (docs/security.md): a corpus of malformed POST bodies for any
endpoint, and a hypothesis-based check that a form answers anything with field errors.

    from tests.security.bad_input import assert_form_survives
    assert_form_survives(MyForm, form_kwargs={"leader": leader})  # >= 200 examples
"""

from __future__ import annotations

import re
from urllib.parse import quote_from_bytes

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NASTY_VALUES = [
    "",
    "abc",
    "-1",
    "0",
    "1e309",
    "99999999999999999999999999",
    "2026-02-30",
    "\x00",
    "a\x00b",
    "A" * 100_000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    "🙂" * 1000,
    "true",
    "[]",
    "{}",
]

INPUT_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', re.I)


def field_names(html: str) -> list[str]:
    names = [n for n in INPUT_NAME.findall(html) if n not in ("csrfmiddlewaretoken",)]
    return sorted(set(names))


def corpus(fields: list[str], foreign_ids: list[int]) -> list[dict]:
    """Request kwargs for Client.generic("POST", path, **kwargs), one per malformed body."""
    form = "application/x-www-form-urlencoded"
    fields = fields or ["name", "id", "pk"]
    bodies: list[dict] = [
        {"data": b"", "content_type": form},  # missing every field
        {"data": b"\xff\xfe\xfa=\xc3\x28", "content_type": form},  # invalid UTF-8, raw
        {"data": b"a=%ff%fe%c3%28&b=%00", "content_type": form},  # invalid UTF-8, escaped
        {"data": b'{"name": 1}', "content_type": "application/json"},  # wrong content type
        {"data": b"<xml/>", "content_type": "text/xml"},
        {"data": b"--x\r\ngarbage", "content_type": "multipart/form-data; boundary=x"},
        {"data": b"--\r\n", "content_type": "multipart/form-data"},  # no boundary
        {"data": b"=" * 1000 + b"&&&&", "content_type": form},
    ]
    for value in NASTY_VALUES:
        encoded = "&".join(
            f"{quote_from_bytes(f.encode())}={quote_from_bytes(value.encode('utf-8', 'replace'))}"
            for f in fields
        )
        bodies.append({"data": encoded.encode(), "content_type": form})
    # Repeated keys with conflicting values, and foreign ids in every field.
    repeated = "&".join(f"{f}=1&{f}=abc&{f}=" for f in fields)
    bodies.append({"data": repeated.encode(), "content_type": form})
    for fid in foreign_ids:
        encoded = "&".join(f"{quote_from_bytes(f.encode())}={fid}" for f in fields)
        bodies.append({"data": encoded.encode(), "content_type": form})
    return bodies


# --- hypothesis ----------------------------------------------------------------------------
text_values = st.one_of(
    st.text(max_size=300),
    st.integers().map(str),
    st.floats(allow_nan=True).map(str),
    st.sampled_from(NASTY_VALUES),
    st.dates().map(str),
)


def assert_form_survives(form_class, *, form_kwargs=None, examples: int = 200, check=None):
    """Binds ``form_class`` to ``examples`` generated bodies (random text, numbers, NUL bytes,
    huge values, missing and repeated fields) and asserts validation never raises: bad input
    must come back as field errors. ``check(form)`` may assert more per example."""
    from django.utils.datastructures import MultiValueDict

    names = list(form_class(**(form_kwargs or {})).fields)
    body = st.dictionaries(
        st.sampled_from(names) if names else st.just("x"),
        st.lists(text_values, min_size=1, max_size=3),
        max_size=len(names) + 1,
    )

    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(body)
    def run(data):
        form = form_class(data=MultiValueDict(data), **(form_kwargs or {}))
        valid = form.is_valid()
        if not valid:
            assert form.errors, "invalid without any error message"
            for messages in form.errors.values():
                assert all(isinstance(m, str) and m for m in messages)
        if check:
            check(form)

    run()
