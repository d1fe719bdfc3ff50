"""Gate 1: isolation and permissions for every URL x role x object kind x method.

The expectations live in tests/security/url_table.py; see docs/security.md.
"""

from __future__ import annotations

import pytest

from tests.security.conftest import CANARY, db_fingerprint
from tests.security.matrix import REJECTED, TableError, body, call, cases, expected, outcome
from tests.security.url_table import FOREIGN_HR, ROLES


def test_every_url_is_declared_and_behaves_as_declared(world, clients, capsys):
    try:
        all_cases = cases(world)
    except TableError as exc:
        pytest.fail(str(exc), pytrace=False)

    failures = []
    combinations = 0
    for entry, row, kind, path in all_cases:
        for role in ROLES:
            for method in ("GET", "POST"):
                combinations += 1
                want = expected(row, method, role, kind)
                before = db_fingerprint() if method == "POST" else None
                response, after = call(
                    clients[role],
                    method,
                    path,
                    after=db_fingerprint if method == "POST" else None,
                )
                got = outcome(response)
                where = f"{method} {path} as {role} ({entry.key}, object: {kind or '-'})"
                if got not in want:
                    failures.append(f"{where}: got {got}, table says {sorted(map(str, want))}")
                content = body(response)
                # Foreign HR legitimately sees its own municipality (where the canaries live).
                leaked = CANARY.encode() in content or CANARY.lower().encode() in content
                if role != FOREIGN_HR and leaked:
                    failures.append(f"{where}: foreign canary leaked into the response")
                if method == "POST" and got in REJECTED and before != after:
                    changed = [k for k in before if before[k] != after.get(k)]
                    failures.append(f"{where}: rejected ({got}) but changed {changed}")
    with capsys.disabled():
        print(f"\nURL matrix: {combinations} combinations tried ({len(all_cases)} URL cases).")
    assert not failures, f"{len(failures)} of {combinations} failed:\n" + "\n".join(failures)
    assert combinations > 0


def test_missing_row_fails_with_instructions(world, monkeypatch):
    from tests.security import url_table

    monkeypatch.delitem(url_table.URLS, "healthz")
    with pytest.raises(TableError, match=r"'healthz'.*Add to URLS in tests/security/url_table"):
        cases(world)
