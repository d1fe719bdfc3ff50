"""The status counts HR's overview reads, kept as data (``StatusSummary``, ``StatusCount``,
``UnitStatusCount``).

Counting a municipality's conversations on every view of the overview costs in proportion to
the municipality. Instead the counts per (leader's unit, leader's leader, status) are rows, and
so are the counts per (unit with all its sub-units, status), which let the overview open one
unit at a time and read only that unit's sub-units:

- ``status_counts_rebuild`` counts everything once (the first time the overview of a year is
  opened, after a people import moved people between units, and nightly, which also heals
  any change made outside the services, e.g. in the admin);
- every status change, new conversation and hand-over adds its difference in the same
  transaction (``status_count_changed``): a row with +1 for the new key and one with -1 for
  the old (and the same for the unit and every unit above it), so concurrent changes never
  lose an update; the rebuild folds them together.

The summary row is locked first by both (the rebuild counts after it holds the lock), so a
change is either in the rebuild's count or added after it, never both and never neither.
Status and numbers only — never content.
"""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from lus.accounts.models import OrgUnit, User
from lus.conversations.models import Conversation

from .models import StatusCount, StatusSummary, UnitStatusCount

#: A conversation's place in the counts: (leader's unit id, leader's leader id, status).
Key = tuple[int | None, int | None, str]
NO_LUS = ""  # the status of the count of people without this year's LUS


def key_of(conversation: Conversation) -> Key:
    return (conversation.leader.org_unit_id, conversation.leaders_leader_id, conversation.status)


def _people_without_lus(municipality_id: int, year: int):
    """Per unit: active people with a leader's leader who have no LUS this year (those a round
    would give one), as (unit id, number)."""
    today = timezone.localdate()
    people = (
        User.objects.filter(
            municipality_id=municipality_id,
            is_active=True,
            is_superuser=False,
            manager__isnull=False,
        )
        .filter(Q(date_left__isnull=True) | Q(date_left__gt=today))
        .exclude(pk__in=Conversation.objects.filter(year=year).values("leader_id"))
    )
    return people.order_by().values_list("org_unit_id").annotate(n=Count("pk"))


@transaction.atomic
def status_counts_rebuild(*, municipality_id: int, year: int) -> StatusSummary:
    """Count the year's conversations of a municipality into ``StatusCount`` rows (two
    queries over the municipality), replacing what was there."""
    summary = (
        StatusSummary.objects.select_for_update()
        .filter(municipality_id=municipality_id, year=year)
        .first()
    )
    if summary is None:
        try:
            with transaction.atomic():
                summary = StatusSummary.objects.create(municipality_id=municipality_id, year=year)
        except IntegrityError:  # another request built it meanwhile: rebuild on top of it
            summary = StatusSummary.objects.select_for_update().get(
                municipality_id=municipality_id, year=year
            )
    else:
        summary.version += 1
        summary.rebuilt_at = timezone.now()
        summary.save(update_fields=["version", "rebuilt_at"])
    StatusCount.objects.filter(municipality_id=municipality_id, year=year).delete()
    rows = [
        StatusCount(
            municipality_id=municipality_id,
            year=year,
            org_unit_id=unit,
            leaders_leader_id=leaders_leader,
            status=status,
            n=n,
        )
        for unit, leaders_leader, status, n in Conversation.objects.filter(
            year=year, leader__municipality_id=municipality_id
        )
        .order_by()
        .values_list("leader__org_unit_id", "leaders_leader_id", "status")
        .annotate(n=Count("pk"))
    ]
    rows += [
        StatusCount(
            municipality_id=municipality_id, year=year, org_unit_id=unit, status=NO_LUS, n=n
        )
        for unit, n in _people_without_lus(municipality_id, year)
    ]
    StatusCount.objects.bulk_create(rows, batch_size=1000)
    UnitStatusCount.objects.filter(municipality_id=municipality_id, year=year).delete()
    parents = dict(
        OrgUnit.objects.filter(municipality_id=municipality_id).values_list("pk", "parent_id")
    )
    rolled: dict[tuple[int, str], int] = {}
    chains: dict[int, list[int]] = {}
    for row in rows:
        if row.org_unit_id is None:
            continue
        for unit in _chain(row.org_unit_id, parents, chains):
            rolled[(unit, row.status)] = rolled.get((unit, row.status), 0) + row.n
    UnitStatusCount.objects.bulk_create(
        [
            UnitStatusCount(
                municipality_id=municipality_id, year=year, org_unit_id=unit, status=status, n=n
            )
            for (unit, status), n in rolled.items()
        ],
        batch_size=1000,
    )
    if connection.vendor == "postgresql":
        # The planner's row estimates of the rows just written: without them it reads a
        # whole year's counts to find one unit's (a warning, not an error, for a role that
        # does not own the tables).
        with connection.cursor() as cursor:
            cursor.execute(
                f"ANALYZE {StatusCount._meta.db_table}, {UnitStatusCount._meta.db_table}"
            )
    return summary


def _chain(unit_id: int, parents: dict, chains: dict) -> list[int]:
    """The unit and every unit above it (a loop of parents ends where it repeats)."""
    if unit_id not in chains:
        chain, seen, current = [], set(), unit_id
        while current is not None and current not in seen and current in parents:
            seen.add(current)
            chain.append(current)
            current = parents[current]
        chains[unit_id] = chain
    return chains[unit_id]


def unit_chain(municipality_id: int, unit_id: int) -> list[tuple[int, str]]:
    """The unit and every unit above it, the unit first, as (id, name): one query, whatever
    the depth (a loop of parents ends where it repeats)."""
    table = OrgUnit._meta.db_table
    sql = (
        f"WITH RECURSIVE up(id, name, parent_id, depth) AS ("  # noqa: S608 (table name; values are parameters)
        f"SELECT id, name, parent_id, 0 FROM {table} WHERE id = %s AND municipality_id = %s "
        f"UNION SELECT o.id, o.name, o.parent_id, up.depth + 1 FROM {table} o "
        f"JOIN up ON o.id = up.parent_id WHERE up.depth < 100 AND o.municipality_id = %s) "
        f"SELECT id, name FROM up ORDER BY depth"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [unit_id, municipality_id, municipality_id])
        return [(pk, name) for pk, name in cursor.fetchall()]


def status_count_changed(
    conversation: Conversation, *, old: Key | None, new: Key | None, no_lus_unit: bool = False
) -> None:
    """Add a conversation's change to the counts, in the caller's transaction: ``old`` is its
    key before (None: it is new), ``new`` after (None: it is gone). ``no_lus_unit``: it is a
    new LUS of someone counted as without one. Nothing happens for a year whose counts are
    not kept yet (the first overview counts everything)."""
    if old == new:
        return
    bumped = StatusSummary.objects.filter(
        municipality_id=conversation.municipality_id, year=conversation.year
    ).update(version=F("version") + 1)
    if not bumped:
        return
    rows = []
    for key, n in ((old, -1), (new, 1)):
        if key is not None:
            unit, leaders_leader, status = key
            rows.append((unit, leaders_leader, status, n))
    if no_lus_unit and new is not None:
        rows.append((new[0], None, NO_LUS, -1))
    m, year = conversation.municipality_id, conversation.year
    StatusCount.objects.bulk_create(
        [
            StatusCount(
                municipality_id=m,
                year=year,
                org_unit_id=unit,
                leaders_leader_id=leaders_leader,
                status=status,
                n=n,
            )
            for unit, leaders_leader, status, n in rows
        ]
    )
    # The same differences for the unit and every unit above it.
    chains = {
        unit: [pk for pk, _name in unit_chain(m, unit)]
        for unit in {r[0] for r in rows}
        if unit is not None
    }
    UnitStatusCount.objects.bulk_create(
        [
            UnitStatusCount(municipality_id=m, year=year, org_unit_id=a, status=status, n=n)
            for unit, _ll, status, n in rows
            if unit is not None
            for a in chains[unit]
        ]
    )


def status_summary(*, municipality_id: int, year: int) -> StatusSummary:
    """The year's summary, counted first if the year has none yet. Its counts are read per
    unit and per leader's leader by the overview (``lus.rounds.selectors``): rows bounded by
    the municipality's units and leaders' leaders, never its conversations."""
    summary = StatusSummary.objects.filter(municipality_id=municipality_id, year=year).first()
    if summary is None:
        summary = status_counts_rebuild(municipality_id=municipality_id, year=year)
    return summary


def status_counts_rebuild_all(*, municipality_id: int | None = None) -> int:
    """Rebuild every kept summary (of one municipality, or all): after a people import, and
    nightly. Returns how many were rebuilt."""
    from lus.tenants.scoping import tenant_scope, unscoped

    with unscoped("status counts: list the kept summaries"):
        kept = StatusSummary.objects.all()
        if municipality_id is not None:
            kept = kept.filter(municipality_id=municipality_id)
        pairs = list(kept.values_list("municipality_id", "year"))
    for municipality, year in pairs:
        with tenant_scope(municipality):
            status_counts_rebuild(municipality_id=municipality, year=year)
    return len(pairs)


def on_status_changed(sender, *, conversation: Conversation, old_status: str | None, **kwargs):
    """``conversation_status_changed``: a status change moves one count; a new conversation
    adds one (and, if its leader has a leader's leader, takes one from "without a LUS")."""
    new = key_of(conversation)
    if old_status is None:
        no_lus_unit = bool(conversation.leader.manager_id)
        status_count_changed(conversation, old=None, new=new, no_lus_unit=no_lus_unit)
    else:
        status_count_changed(conversation, old=(new[0], new[1], old_status), new=new)


def on_people_changed(sender, *, municipality_id: int, **kwargs) -> None:
    """``people_changed``: people came, left or moved between units — count again."""
    status_counts_rebuild_all(municipality_id=municipality_id)
