"""Reads for HR: who is in a round, the status overview and anonymous statistics.

Nothing here reads or returns conversation content for a person: the overview selects status
and dates only (``.only(...)``); the statistics aggregate scale answers in the database and
return only groups of at least ``MIN_GROUP`` leaders.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lus.accounts.models import OrgUnit, User
from lus.conversations.models import Conversation

from .models import LusRound, StatusCount, UnitStatusCount

S = Conversation.Status

#: The overview's columns: (key, label, statuses).
BUCKETS: list[tuple[str, object, set[str]]] = [
    ("not_invited", _("Not invited"), {S.CREATED}),
    ("invited", _("Invited"), {S.INVITED, S.PREPARING}),
    ("prepared", _("Prepared"), {S.SHARED}),
    ("held", _("Held"), {S.HELD}),
    ("plan_agreed", _("Plan agreed"), {S.PLAN_AGREED}),
    ("filed", _("Filed"), {S.FILED}),
]
BUCKET_OF = {status: key for key, _label, statuses in BUCKETS for status in statuses}
BUCKET_LABELS = {key: label for key, label, _s in BUCKETS}
#: Counted as done for the progress bar: the conversation has been held.
DONE = {S.HELD, S.PLAN_AGREED, S.FILED}

#: Fields of a conversation HR may see: who, status and dates. Never content.
STATUS_FIELDS = [
    "id",
    "year",
    "status",
    "leader_id",
    "leaders_leader_id",
    "invited_at",
    "scheduled_at",
    "shared_at",
    "held_at",
    "plan_agreed_at",
    "filed_at",
    "leader__name",
    "leader__job_title",
    "leader__org_unit_id",
    "leader__org_unit__name",
    "leaders_leader__name",
]


# --- who is in a round --------------------------------------------------------------------------
def unit_ids_with_descendants(unit_ids) -> set[int]:
    """The units and all their sub-units (one query)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in OrgUnit.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    result: set[int] = set()
    todo = [int(u) for u in unit_ids]
    while todo:
        pk = todo.pop()
        if pk in result:
            continue
        result.add(pk)
        todo.extend(children.get(pk, []))
    return result


def round_unit_ids(lus_round: LusRound) -> set[int] | None:
    """The units a round covers (sub-units included), or None for the whole municipality."""
    if not hasattr(lus_round, "_unit_ids"):
        chosen = list(lus_round.org_units.values_list("pk", flat=True)) if lus_round.pk else []
        # Cached on the instance for the request; the stubs cannot know this attribute.
        lus_round._unit_ids = unit_ids_with_descendants(chosen) if chosen else None  # type: ignore[attr-defined]
    return lus_round._unit_ids  # type: ignore[attr-defined]


def round_people(lus_round: LusRound) -> QuerySet[User]:
    """Everyone the round is about: active people of its units who have not left (platform
    admins excluded). Those without a leader's leader are reported by ``round_start``."""
    today = timezone.localdate()
    people = User.objects.filter(is_active=True, is_superuser=False).filter(
        Q(date_left__isnull=True) | Q(date_left__gt=today)
    )
    units = round_unit_ids(lus_round)
    if units is not None:
        people = people.filter(org_unit_id__in=units)
    return people.order_by("name", "pk")


def round_conversations(lus_round: LusRound) -> QuerySet[Conversation]:
    qs = Conversation.objects.filter(year=lus_round.year)
    units = round_unit_ids(lus_round)
    if units is not None:
        qs = qs.filter(leader__org_unit_id__in=units)
    return qs


# --- the status overview ----------------------------------------------------------------------
@dataclass
class StatusCounts:
    key: object  # org unit id or leaders_leader id
    name: str
    counts: dict[str, int] = field(default_factory=lambda: {k: 0 for k, _l, _s in BUCKETS})
    overdue: int = 0
    without_lus: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return self.counts["held"] + self.counts["plan_agreed"] + self.counts["filed"]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def cells(self) -> list[int]:
        return [self.counts[k] for k, _l, _s in BUCKETS]


def is_overdue(status: str, deadline: datetime.date, today: datetime.date) -> bool:
    return today > deadline and status not in DONE


@dataclass
class Overview:
    round: LusRound
    #: The unit HR has opened (None: the round's top), with the units above it.
    unit: OrgUnit | None
    path: list[tuple[int, str]]
    leaders_leader: User | None
    #: One row per unit one level down (its sub-units counted in), then the opened unit's own
    #: people ("No unit" at the top of a municipality-wide round).
    by_unit: list[StatusCounts]
    #: One page of the leaders' leaders with conversations in the opened unit.
    by_leaders_leader: LeadersLeaderPage
    total: StatusCounts
    #: Every row of the filter (lazy; the CSV export reads it whole).
    rows: QuerySet
    today: datetime.date
    #: The ids of the leaders of ``rows``, in the same order: a page of them, walked by name,
    #: reads about a page of rows (``overview_page``). None: page ``rows`` itself.
    leaders: QuerySet | None = None
    #: The version of the counts: a rendered table of them is cached under it.
    version: int = 0
    #: How many rows the filter gives (from the counts, not a COUNT query).
    row_count: int = 0
    filters_key: str = ""


def _counts_of(table: dict, key) -> StatusCounts:
    counts = table.get(key)
    if counts is None:
        counts = table[key] = StatusCounts(key, "")
    return counts


def _round_summary(lus_round: LusRound):
    """The kept counts' summary of the round's year (counted first if there is none yet)."""
    from .counts import status_summary

    return status_summary(municipality_id=lus_round.municipality_id, year=lus_round.year)


def _units_sql(municipality_id: int, seed: str, seed_params: list) -> tuple[str, list]:
    """A recursive query of the units below ``seed`` (a condition on the seed units), each with
    the seed unit it lies under: (id, top). UNION, not UNION ALL: a loop of parents ends."""
    table = OrgUnit._meta.db_table
    sql = (
        f"WITH RECURSIVE sub(id, top) AS ("  # noqa: S608 (table names; values are parameters)
        f"SELECT id, id FROM {table} WHERE municipality_id = %s AND {seed} "
        f"UNION SELECT o.id, sub.top FROM {table} o JOIN sub ON o.parent_id = sub.id "
        f"WHERE o.municipality_id = %s) "
    )
    return sql, [municipality_id, *seed_params, municipality_id]


def _scope_seed(lus_round: LusRound, unit: OrgUnit | None) -> tuple[str, list] | None:
    """The units the page counts in, as a seed condition: the opened unit, else the round's
    units; None: the whole municipality."""
    if unit is not None:
        return "id = %s", [unit.pk]
    chosen = round_unit_pks(lus_round)
    if chosen:
        return f"id IN ({', '.join(['%s'] * len(chosen))})", chosen
    return None


def _in_scope(municipality_id: int, seed: tuple[str, list]) -> RawSQL:
    """The ids of the scope's units and every unit below them (for ``__in``)."""
    sql, params = _units_sql(municipality_id, *seed)
    return RawSQL(sql + "SELECT id FROM sub", params)  # noqa: S608, S611 (values are parameters)


def unit_path(unit: OrgUnit) -> list[tuple[int, str]]:
    """The unit and every unit above it, the top first, as (id, name); one query."""
    from .counts import unit_chain

    return unit_chain(unit.municipality_id, unit.pk)[::-1]


def round_unit_pks(lus_round: LusRound) -> list[int]:
    """The units the round was started for (none: the whole municipality), read once."""
    if not hasattr(lus_round, "_unit_pks"):
        chosen = list(lus_round.org_units.values_list("pk", flat=True)) if lus_round.pk else []
        # Cached on the instance for the request; the stubs cannot know this attribute.
        lus_round._unit_pks = chosen  # type: ignore[attr-defined]
    return lus_round._unit_pks  # type: ignore[attr-defined]


def unit_in_round(lus_round: LusRound, path: list[tuple[int, str]]) -> bool:
    chosen = set(round_unit_pks(lus_round))
    return not chosen or any(pk in chosen for pk, _name in path)


def _read_unit_rows(
    sql: str, params: list
) -> tuple[list[tuple[int | None, bool, str, int]], dict[int, str]]:
    """Run a query of (top unit id or None for the opened unit's own, name, status, n):
    [(top, is_own, status, n)] and the tops' names."""
    rows: list[tuple[int | None, bool, str, int]] = []
    names: dict[int, str] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for top, name, status, n in cursor.fetchall():
            rows.append((top, top is None, status, int(n)))
            if top is not None:
                names[top] = name
    return rows, names


def _unit_rows(
    lus_round: LusRound, unit: OrgUnit | None, leaders_leader: User | None
) -> tuple[list[tuple[int | None, bool, str, int]], dict[int, str]]:
    """The counts one level below the opened unit, each sub-unit with everything under it, and
    the opened unit's own (``top`` None): [(top, is_own, status, n)] and the tops' names. One
    query, whatever the size of the municipality."""
    m = lus_round.municipality_id
    if leaders_leader is None:
        return _unit_rows_kept(lus_round, unit)
    if unit is not None:
        seed: tuple[str, list] = ("parent_id = %s", [unit.pk])
        own, own_params = "sc.org_unit_id = %s", [unit.pk]
    else:
        round_seed = _scope_seed(lus_round, None)
        seed = round_seed or ("parent_id IS NULL", [])
        # People without a unit belong to a round of the whole municipality only.
        own, own_params = ("1 = 0", []) if round_seed else ("sc.org_unit_id IS NULL", [])
    sql, params = _units_sql(m, *seed)
    table = StatusCount._meta.db_table
    where = ["sc.municipality_id = %s", "sc.year = %s", f"(sub.top IS NOT NULL OR {own})"]
    params += [m, lus_round.year, *own_params]
    if leaders_leader is not None:
        where.append("sc.leaders_leader_id = %s")
        params.append(leaders_leader.pk)
    # Summed by unit before the names are joined: one name per row of the result, not one
    # per count row.
    sql += (
        f"SELECT g.top, t.name, g.status, g.n FROM ("  # noqa: S608 (table names; values are parameters)
        f"SELECT sub.top AS top, sc.status AS status, SUM(sc.n) AS n FROM {table} sc "
        f"LEFT JOIN sub ON sc.org_unit_id = sub.id WHERE {' AND '.join(where)} "
        f"GROUP BY sub.top, sc.status) g LEFT JOIN {OrgUnit._meta.db_table} t ON t.id = g.top"
    )
    return _read_unit_rows(sql, params)


@dataclass
class LeadersLeaderPage:
    """One page of the leaders' leaders: the page knows whether there is a next one, not how
    many there are (counting them would read every leader's leader of the municipality)."""

    object_list: list[StatusCounts]
    number: int
    has_next: bool

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def _page_number(number) -> int:
    try:
        value = int(str(number))
    except (TypeError, ValueError):
        return 1
    return value if 1 <= value <= 10_000 else 1


def _unit_rows_kept(
    lus_round: LusRound, unit: OrgUnit | None
) -> tuple[list[tuple[int | None, bool, str, int]], dict[int, str]]:
    """``_unit_rows`` for every leader's leader, from the counts kept per unit with its
    sub-units (``UnitStatusCount``): the rows of the opened unit's sub-units and of its own
    people, one query reading a few rows per sub-unit, whatever the size of the municipality."""
    m, year = lus_round.municipality_id, lus_round.year
    units, counts = OrgUnit._meta.db_table, StatusCount._meta.db_table
    kept = UnitStatusCount._meta.db_table
    if unit is not None:
        tops, tops_params = "t.parent_id = %s", [unit.pk]
        own, own_params = "s.org_unit_id = %s", [unit.pk]
    elif chosen := round_unit_pks(lus_round):
        tops, tops_params = f"t.id IN ({', '.join(['%s'] * len(chosen))})", list(chosen)
        own, own_params = "1 = 0", []  # people without a unit: a round of units has none
    else:
        tops, tops_params = "t.parent_id IS NULL", []
        own, own_params = "s.org_unit_id IS NULL", []
    sql = (
        f"SELECT u.org_unit_id, t.name, u.status, SUM(u.n) FROM {kept} u "  # noqa: S608 (table names; values are parameters)
        f"JOIN {units} t ON t.id = u.org_unit_id "
        f"WHERE u.municipality_id = %s AND u.year = %s AND t.municipality_id = %s AND {tops} "
        f"GROUP BY u.org_unit_id, t.name, u.status "
        f"UNION ALL SELECT NULL, NULL, s.status, SUM(s.n) FROM {counts} s "
        f"WHERE s.municipality_id = %s AND s.year = %s AND {own} GROUP BY s.status"
    )
    params = [m, year, m, *tops_params, m, year, *own_params]
    return _read_unit_rows(sql, params)


def _leaders_leader_page(
    scope: QuerySet,
    *,
    leaders_leader: User | None,
    search: str,
    number,
    per_page: int,
    overdue_possible: bool,
) -> LeadersLeaderPage:
    """One page of the leaders' leaders with conversations in the scope, by name (a name
    search narrows them), each with its counts: two queries that read the page, walking the
    people by name and asking the counts' (leader's leader) index for each."""
    from .counts import NO_LUS

    counted = scope.exclude(status=NO_LUS)
    people = User.objects.filter(
        Exists(counted.filter(leaders_leader_id=OuterRef("pk"), n__gt=0).values("pk"))
    )
    if leaders_leader is not None:
        people = people.filter(pk=leaders_leader.pk)
    if search:
        people = people.filter(name__icontains=search)
    number = _page_number(number)
    start = (number - 1) * per_page
    found = list(people.order_by("name", "pk").only("pk", "name")[start : start + per_page + 1])
    table: dict[int | None, StatusCounts] = {}
    for person in found[:per_page]:
        _counts_of(table, person.pk).name = person.name
    if table:
        for ll, status, n in (
            counted.filter(leaders_leader_id__in=list(table))
            .order_by()
            .values_list("leaders_leader_id", "status")
            .annotate(total=Sum("n"))
        ):
            _add(table[ll], status, n, overdue_possible)
    return LeadersLeaderPage(
        object_list=[c for c in table.values() if c.total],
        number=number,
        has_next=len(found) > per_page,
    )


def _add(counts: StatusCounts, status: str, n: int, overdue_possible: bool) -> None:
    from .counts import NO_LUS

    if status == NO_LUS:
        counts.without_lus += n
        return
    counts.counts[BUCKET_OF[status]] += n
    if overdue_possible and status not in DONE:
        counts.overdue += n


#: Leaders' leaders per page of their table.
LEADERS_LEADERS_PER_PAGE = 25


def round_overview(
    lus_round: LusRound,
    *,
    unit: OrgUnit | None = None,
    path: list[tuple[int, str]] | None = None,
    leaders_leader: User | None = None,
    bucket: str = "",
    overdue_only: bool = False,
    search: str = "",
    leaders_leaders_page=None,
    today: datetime.date | None = None,
) -> Overview:
    """The status of a round from the counts kept as data (``lus.rounds.counts``), one unit
    at a time: its sub-units' counts (everything under each counted in), a page of its
    leaders' leaders and the (lazy, filtered) list of its conversations with status and dates
    only. What the page reads is bounded by the unit's sub-units and the page sizes, not by
    the municipality's size."""
    from .counts import NO_LUS

    today = today or timezone.localdate()
    m = lus_round.municipality_id
    overdue_possible = today > lus_round.deadline
    if bucket in BUCKET_LABELS:
        listed = next(s for k, _l, s in BUCKETS if k == bucket)
    else:
        listed = set(S.values)
    if overdue_only:
        listed = listed - DONE if overdue_possible else set()

    summary = _round_summary(lus_round)
    rows, names = _unit_rows(lus_round, unit, leaders_leader)
    units: dict[int | None, StatusCounts] = {}
    total = StatusCounts(key=None, name=str(_("Total")))
    row_count = 0
    for top, _own, status, n in rows:
        if not n or (status == NO_LUS and leaders_leader is not None):
            continue
        _add(_counts_of(units, top), status, n, overdue_possible)
        _add(total, status, n, overdue_possible)
        if status in listed:
            row_count += n
    for key, counts in units.items():
        counts.name = names.get(key, "") if key is not None else ""
    by_unit = sorted((c for key, c in units.items() if key is not None), key=lambda c: c.name)
    if None in units:
        own = units[None]
        if unit is None:
            own.name = str(_("No unit"))
        elif by_unit:
            own.name = str(_("%(unit)s (its own leaders)") % {"unit": unit.name})
        else:
            own.name = unit.name
        by_unit.append(own)

    seed = _scope_seed(lus_round, unit)
    scope = StatusCount.objects.filter(municipality_id=m, year=lus_round.year)
    conversations = Conversation.objects.filter(year=lus_round.year)
    if listed != set(S.values):
        conversations = conversations.filter(status__in=sorted(listed))
    # The leader's municipality is named too, so PostgreSQL joins only this municipality's
    # people instead of scanning everyone's.
    listing = conversations.filter(leader__municipality_id=m)
    if seed is not None:
        scope = scope.filter(org_unit_id__in=_in_scope(m, seed))
        listing = listing.filter(leader__org_unit_id__in=_in_scope(m, seed))
    if leaders_leader is not None:
        listing = listing.filter(leaders_leader=leaders_leader)
    # The whole municipality's list is paged by walking its people by name. A leader's
    # leader's conversations are few (their index finds them), and a unit's are gathered by
    # unit however the query is written (PostgreSQL cannot know how many units the recursive
    # query gives): one query sorts those.
    leaders = None
    if seed is None and leaders_leader is None:
        leaders = _leaders_by_name(m, conversations)
    return Overview(
        round=lus_round,
        unit=unit,
        path=path or [],
        leaders_leader=leaders_leader,
        by_unit=by_unit,
        by_leaders_leader=_leaders_leader_page(
            scope,
            leaders_leader=leaders_leader,
            search=search,
            number=leaders_leaders_page,
            per_page=LEADERS_LEADERS_PER_PAGE,
            overdue_possible=overdue_possible,
        ),
        total=total,
        rows=_with_status(listing).order_by("leader__name", "leader_id"),
        today=today,
        leaders=leaders,
        version=summary.version,
        row_count=row_count,
        filters_key=":".join(
            str(x)
            for x in (
                unit.pk if unit else "",
                leaders_leader.pk if leaders_leader else "",
                bucket if bucket in BUCKET_LABELS else "",
                int(overdue_only),
                int(overdue_possible),
            )
        ),
    )


def _with_status(conversations: QuerySet) -> QuerySet:
    """The conversations with their leader, unit and leader's leader: status and dates only."""
    return conversations.select_related("leader", "leader__org_unit", "leaders_leader").only(
        *STATUS_FIELDS
    )


def _leaders_by_name(municipality_id: int, conversations: QuerySet) -> QuerySet:
    """The ids of the municipality's people with one of ``conversations`` (one a year each),
    by name then id: the people's (municipality, name, id) index walked, each one's
    conversation looked up.

    Joining the two tables instead lets PostgreSQL underestimate how many of the
    municipality's people have a conversation (it cannot know every conversation's leader is
    of its municipality), so on a large municipality it sorts all of them for one page. A
    scalar subquery in the condition is never turned into a join: the plan walks the index
    and stops after the page."""
    conversation = conversations.filter(leader_id=OuterRef("pk")).order_by().values("pk")[:1]
    return (
        User.objects.filter(municipality_id=municipality_id)
        .alias(conversation_id=Subquery(conversation))
        .filter(conversation_id__isnull=False)
        .order_by("name", "pk")
        .values_list("pk", flat=True)
    )


def overview_page(overview: Overview, number, per_page: int) -> Page:
    """One page of the overview's list, by leader's name. The number of rows comes from the
    counts (no COUNT over the municipality's conversations)."""
    paginator: Paginator[Conversation] = Paginator([], per_page)
    paginator.count = overview.row_count
    try:
        number = paginator.validate_number(number)
    except PageNotAnInteger:
        number = 1
    except EmptyPage:
        number = paginator.num_pages
    start = (number - 1) * per_page
    rows: list
    if not overview.row_count:
        rows = []
    elif overview.leaders is None:
        rows = list(overview.rows[start : start + per_page])
    else:
        # The page's leaders as a subquery: its LIMIT keeps it apart (it walks the index), and
        # the page is one query. Each has one conversation of the year, the one listed.
        leaders = overview.leaders[start : start + per_page]
        page = Conversation.objects.filter(year=overview.round.year, leader_id__in=leaders)
        rows = list(_with_status(page).order_by("leader__name", "leader_id"))
    deadline = overview.round.deadline
    for c in rows:
        # Read by the template; the stubs cannot know these attributes.
        c.overdue = is_overdue(c.status, deadline, overview.today)
        c.bucket_label = BUCKET_LABELS[BUCKET_OF[c.status]]
    return Page(rows, number, paginator)


def rounds_with_progress() -> list[LusRound]:
    """Every round of the municipality with its total and held counts (one round a year, so
    a few queries per round is fine)."""
    rounds = list(LusRound.objects.order_by("-year"))
    for r in rounds:
        counts = round_conversations(r).aggregate(
            total=Count("pk"), done=Count("pk", filter=Q(status__in=DONE))
        )
        total, done = counts["total"], counts["done"]
        # Read by the template; the stubs cannot know these attributes.
        r.total, r.done = total, done  # type: ignore[attr-defined]
        r.percent = round(100 * done / total) if total else 0  # type: ignore[attr-defined]
    return rounds


# --- HR's to-do list ----------------------------------------------------------------------------
#: At most this many people per list on the to-do page (the counts are always complete).
TODO_LIMIT = 200


@dataclass
class TodoList:
    key: str
    label: object
    count: int = 0
    rows: list = field(default_factory=list)


@dataclass
class TodoUnit:
    name: str
    lists: dict[str, TodoList]

    @property
    def count(self) -> int:
        return sum(t.count for t in self.lists.values())


TODO_KINDS: list[tuple[str, object]] = [
    ("no_lus", _("No LUS yet")),
    ("not_invited", _("Not invited")),
    ("not_prepared", _("Not prepared")),
    ("overdue", _("Overdue")),
]


def round_todo(lus_round: LusRound, *, today: datetime.date | None = None) -> list[TodoUnit]:
    """Per unit, who needs HR's attention: people without this year's LUS, leaders not yet
    invited, invited but not yet prepared, and (after the deadline) not yet held. Names,
    status and dates only — never content. Three queries, whatever the size of the round."""
    today = today or timezone.localdate()
    units: dict[str, TodoUnit] = {}

    def unit_of(name: str) -> TodoUnit:
        name = name or str(_("No unit"))
        if name not in units:
            units[name] = TodoUnit(name, {k: TodoList(k, label) for k, label in TODO_KINDS})
        return units[name]

    def add(name: str, kind: str, row) -> None:
        todo = unit_of(name).lists[kind]
        todo.count += 1
        if len(todo.rows) < TODO_LIMIT:
            todo.rows.append(row)

    missing = (
        round_people(lus_round)
        .filter(manager__isnull=False)
        .exclude(pk__in=Conversation.objects.filter(year=lus_round.year).values("leader_id"))
        .select_related("org_unit", "manager")
        .only("pk", "name", "job_title", "org_unit__name", "manager__name")
    )
    for person in missing:
        add(person.org_unit.name if person.org_unit else "", "no_lus", person)
    overdue = today > lus_round.deadline
    statuses = [S.CREATED, S.INVITED, S.PREPARING] + ([S.SHARED] if overdue else [])
    for c in (
        round_conversations(lus_round)
        .filter(status__in=statuses)
        .select_related("leader", "leader__org_unit", "leaders_leader")
        .only(*STATUS_FIELDS)
        .order_by("leader__name", "pk")
    ):
        unit_name = c.leader.org_unit.name if c.leader.org_unit else ""
        if c.status == S.CREATED:
            add(unit_name, "not_invited", c)
        elif c.status in (S.INVITED, S.PREPARING):
            add(unit_name, "not_prepared", c)
        if overdue:
            add(unit_name, "overdue", c)
    return sorted(units.values(), key=lambda u: u.name.lower())
