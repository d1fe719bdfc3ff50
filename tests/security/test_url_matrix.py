"""Gate 1: isolation and permissions for every URL x role x object kind x method.

The expectations live in tests/security/url_table.py; see docs/security.md. One test per URL
group (a namespace or a ModelAdmin) so the gate runs in parallel; the totals are printed in the
"security gates" section at the end of the run.
"""

from __future__ import annotations

import pytest

from tests.security.conftest import CANARY
from tests.security.matrix import (
    REJECTED,
    TableError,
    body,
    call,
    cases,
    check_table,
    expected,
    outcome,
    record_gate,
    url_groups,
)
from tests.security.url_table import FOREIGN_HR, ROLES


def test_every_url_is_declared_in_the_table():
    try:
        check_table()
    except TableError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.mark.parametrize("group", url_groups())
def test_urls_behave_as_declared(group, world, clients):
    all_cases = cases(world, group)
    failures = []
    combinations = 0
    for entry, row, kind, path in all_cases:
        for role in ROLES:
            for method in ("GET", "POST"):
                combinations += 1
                want = expected(row, method, role, kind)
                response, writes = call(clients[role], method, path)
                got = outcome(response)
                where = f"{method} {path} as {role} ({entry.key}, object: {kind or '-'})"
                if got not in want:
                    failures.append(f"{where}: got {got}, table says {sorted(map(str, want))}")
                content = body(response)
                # Foreign HR legitimately sees its own municipality (where the canaries live).
                leaked = CANARY.encode() in content or CANARY.lower().encode() in content
                if role != FOREIGN_HR and leaked:
                    failures.append(f"{where}: foreign canary leaked into the response")
                if method == "POST" and got in REJECTED and writes:
                    failures.append(f"{where}: rejected ({got}) but changed {writes}")
    record_gate("URL matrix", combinations=combinations, url_cases=len(all_cases))
    assert not failures, f"{len(failures)} of {combinations} failed:\n" + "\n".join(failures)


def test_missing_row_fails_with_instructions(monkeypatch):
    from tests.security import url_table

    monkeypatch.delitem(url_table.URLS, "healthz")
    with pytest.raises(TableError, match=r"'healthz'.*Add to URLS in tests/security/url_table"):
        check_table()


def test_a_change_by_a_rejected_post_is_seen(world, clients):
    """The write recorder the gates rely on notices a real change."""
    from django.contrib.auth import get_user_model

    from tests.security.matrix import record_writes

    with record_writes() as writes:
        get_user_model()._base_manager.filter(pk=world.leader.pk).update(name="Ændret")
    assert writes == {get_user_model()._meta.db_table}
