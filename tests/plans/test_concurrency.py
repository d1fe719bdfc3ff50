"""Two real concurrent writers on PostgreSQL (threads, each with its own DB connection) edit the
same plan as fast as they can — partly the same fields, partly different ones. Every edit must be
kept: either saved (exactly one revision step each, none overwritten) or returned to its writer
as a conflict carrying both versions (theirs and mine)."""

from __future__ import annotations

import random
import threading

import pytest
from django.db import connection, connections

from lus.conversations.models import SectionNote
from lus.plans import services
from lus.plans.models import PlanValue
from lus.tenants.scoping import tenant_scope
from tests.plans.factories import fields_of, held_conversation

EDITS_PER_WRITER = 150


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writers_lose_nothing(capsys):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs PostgreSQL: SQLite serialises whole-database writes and has no row locks, "
            "so it cannot show two writers racing (run with DATABASE_URL=postgres://...)."
        )
    c = held_conversation("prompts")
    municipality = c.municipality
    with tenant_scope(municipality):
        plan = services.plan_get_or_create(conversation=c)
        sections = list(c.version.sections.order_by("order"))
    keys = [f"p{f.pk}" for f in fields_of(c, "plan")] + [f"n{s.pk}" for s in sections[:2]]
    users = {"leader": c.leader, "leaders_leader": c.leaders_leader}
    barrier = threading.Barrier(2)
    log: dict[str, list] = {"leader": [], "leaders_leader": []}
    errors: list[BaseException] = []

    def writer(name: str, seed: int) -> None:
        rng = random.Random(seed)
        known = dict.fromkeys(keys, 0)  # the revision this "browser" last saw per field
        try:
            with tenant_scope(municipality):
                barrier.wait()
                for i in range(EDITS_PER_WRITER):
                    key = rng.choice(keys)
                    value = f"{name} {i}"
                    outcome = services.cell_save(
                        plan=plan, user=users[name], key=key, base_revision=known[key], value=value
                    )
                    log[name].append((key, value, outcome))
                    # The browser learns the revision from the answer (saved or conflict); on a
                    # conflict it shows both versions and the user decides later.
                    known[key] = outcome.revision
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=writer, args=("leader", 1)),
        threading.Thread(target=writer, args=("leaders_leader", 2)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors

    attempts = [(w, k, v, o) for w, entries in log.items() for k, v, o in entries]
    saved = [a for a in attempts if a[3].saved]
    conflicts = [a for a in attempts if a[3].is_conflict]
    unchanged = [a for a in attempts if a[3].status == services.Outcome.UNCHANGED]
    # A conflict hands back both versions: mine is exactly what was sent, theirs is a real save.
    saved_values = {(k, v) for _w, k, v, _o in saved}
    for _w, key, value, o in conflicts:
        assert o.mine == value and o.theirs is not None and o.theirs != value
        assert (key, o.theirs) in saved_values
    # No save overwrote another: each field's revisions are 1..n, one per save, and the stored
    # text is the last save's.
    with tenant_scope(municipality):
        stored = {
            f"p{v.field_id}": (v.value, v.revision) for v in PlanValue.objects.filter(plan=plan)
        }
        stored |= {
            f"n{n.section_id}": (n.text, n.revision)
            for n in SectionNote.objects.filter(conversation=c)
        }
    for key in keys:
        revisions = sorted(o.revision for _w, k, _v, o in saved if k == key)
        assert revisions == list(range(1, len(revisions) + 1)), key
        if revisions:
            last = next(v for _w, k, v, o in saved if k == key and o.revision == revisions[-1])
            assert stored[key] == (last, revisions[-1])
    kept = len(saved) + len(conflicts) + len(unchanged)
    with capsys.disabled():
        print(
            f"\nConcurrency (PostgreSQL, 2 writers, {len(keys)} fields): edits tried "
            f"{len(attempts)}, kept {kept} (saved {len(saved)}, returned as conflict with both "
            f"versions {len(conflicts)}, identical {len(unchanged)}), lost {len(attempts) - kept}."
        )
    assert kept == len(attempts) == 2 * EDITS_PER_WRITER
    assert conflicts, "the writers never collided; the test proves nothing"
