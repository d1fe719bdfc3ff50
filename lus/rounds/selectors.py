"""Reads for HR: who is in a round, the status overview and anonymous statistics.

Nothing here reads or returns conversation content for a person: the overview selects status
and dates only (``.only(...)``); the statistics aggregate scale answers in the database and
return only groups of at least ``MIN_GROUP`` leaders.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lus.accounts.models import OrgUnit, User
from lus.conversations.models import Conversation

from .models import LusRound

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
    by_unit: list[StatusCounts]
    by_leaders_leader: list[StatusCounts]
    total: StatusCounts
    #: Every row of the filter (lazy; the CSV export reads it whole).
    rows: QuerySet
    today: datetime.date
    #: The version of the counts: a rendered table of them is cached under it.
    version: int = 0
    #: How many rows of the filter each unit has, in the order of the list (unit id, n).
    rows_per_unit: list[tuple[int | None, int]] = field(default_factory=list)
    #: Every leader's leader with a conversation this year (the filter's choices).
    leaders_leader_ids: list[int] = field(default_factory=list)
    filters_key: str = ""

    @property
    def row_count(self) -> int:
        return sum(n for _unit, n in self.rows_per_unit)


def _counts_of(table: dict, key) -> StatusCounts:
    counts = table.get(key)
    if counts is None:
        counts = table[key] = StatusCounts(key, "")
    return counts


def _round_counts(lus_round: LusRound):
    """The kept counts of the round's year, read once per request (the filter form and the
    overview both need them)."""
    from .counts import status_counts

    if not hasattr(lus_round, "_counts"):
        # Cached on the instance for the request; the stubs cannot know this attribute.
        lus_round._counts = status_counts(lus_round.municipality_id, lus_round.year)  # type: ignore[attr-defined]
    return lus_round._counts  # type: ignore[attr-defined]


def round_overview(
    lus_round: LusRound,
    *,
    unit: OrgUnit | None = None,
    leaders_leader: User | None = None,
    bucket: str = "",
    overdue_only: bool = False,
    today: datetime.date | None = None,
    names: dict[str, dict[int, str]] | None = None,
) -> Overview:
    """Counts per status for each org unit and each leader's leader, and the (lazy, filtered)
    list of conversations with status and dates only. The counts come from the counts kept
    as data (``lus.rounds.counts``): a bounded number of rows, whatever the number of leaders."""
    from .counts import NO_LUS

    today = today or timezone.localdate()
    unit_ids = round_unit_ids(lus_round)
    if unit is not None:
        chosen = unit_ids_with_descendants([unit.pk])
        unit_ids = chosen if unit_ids is None else unit_ids & chosen
    overdue_possible = today > lus_round.deadline
    if bucket in BUCKET_LABELS:
        listed = next(s for k, _l, s in BUCKETS if k == bucket)
    else:
        listed = set(S.values)
    if overdue_only:
        listed = listed - DONE if overdue_possible else set()

    summary, counted = _round_counts(lus_round)
    units: dict[int | None, StatusCounts] = {}
    leaders_leaders: dict[int | None, StatusCounts] = {}
    every_leaders_leader: set[int] = set()
    in_list: dict[int | None, int] = {}
    total = StatusCounts(key=None, name=str(_("Total")))
    for unit_id, leaders_leader_id, status, n in counted:
        if unit_ids is not None and unit_id not in unit_ids:
            continue
        if status == NO_LUS:
            if leaders_leader is None:
                _counts_of(units, unit_id).without_lus += n
                total.without_lus += n
            continue
        every_leaders_leader.add(leaders_leader_id)
        if leaders_leader is not None and leaders_leader_id != leaders_leader.pk:
            continue
        bucket_key = BUCKET_OF[status]
        late = n if overdue_possible and status not in DONE else 0
        for target, key in ((units, unit_id), (leaders_leaders, leaders_leader_id), (None, None)):
            counts = total if target is None else _counts_of(target, key)
            counts.counts[bucket_key] += n
            counts.overdue += late
        if status in listed:
            in_list[unit_id] = in_list.get(unit_id, 0) + n

    # ``names``: the units' and leaders' leaders' names the caller has already read.
    names_of = names or {}
    unit_names = names_of.get("unit")
    if unit_names is None or not set(units) - {None} <= set(unit_names):
        unit_names = dict(
            OrgUnit.objects.filter(pk__in=[k for k in units if k]).values_list("pk", "name")
        )
    people = names_of.get("leaders_leader")
    if people is None or not set(leaders_leaders) <= set(people):
        people = dict(User.objects.filter(pk__in=list(leaders_leaders)).values_list("pk", "name"))
    for key, counts in units.items():
        counts.name = (unit_names.get(key) if key is not None else None) or str(_("No unit"))
    for key, counts in leaders_leaders.items():
        counts.name = people.get(key, "") if key is not None else ""

    # The leader's municipality is named too, so PostgreSQL joins only this municipality's
    # people instead of scanning everyone's.
    rows = Conversation.objects.filter(
        year=lus_round.year, leader__municipality_id=lus_round.municipality_id
    )
    if unit_ids is not None:
        rows = rows.filter(leader__org_unit_id__in=unit_ids)
    if leaders_leader is not None:
        rows = rows.filter(leaders_leader=leaders_leader)
    if listed != set(S.values):
        rows = rows.filter(status__in=sorted(listed))
    # The list goes unit by unit (by name; people without a unit last), then by name.
    order = sorted(
        in_list,
        key=lambda u: (u is None, unit_names.get(u, "").lower() if u is not None else "", u or 0),
    )
    rows = rows.select_related("leader", "leader__org_unit", "leaders_leader").only(*STATUS_FIELDS)
    return Overview(
        round=lus_round,
        by_unit=sorted(units.values(), key=lambda c: c.name.lower()),
        by_leaders_leader=sorted(leaders_leaders.values(), key=lambda c: c.name.lower()),
        total=total,
        rows=rows.order_by("leader__org_unit__name", "leader__name", "pk"),
        today=today,
        version=summary.version,
        rows_per_unit=[(u, in_list[u]) for u in order],
        leaders_leader_ids=sorted(every_leaders_leader),
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


def overview_page(overview: Overview, number, per_page: int) -> Page:
    """One page of the overview's list, read from the units on that page only: which units
    those are, and where in the first of them the page starts, follow from the counts. The
    query reads those units' conversations, not the municipality's."""
    paginator: Paginator[Conversation] = Paginator([], per_page)
    paginator.count = overview.row_count
    try:
        number = paginator.validate_number(number)
    except PageNotAnInteger:
        number = 1
    except EmptyPage:
        number = paginator.num_pages
    start = (number - 1) * per_page
    skip, seen = 0, 0
    on_page: list[int | None] = []
    for unit_id, n in overview.rows_per_unit:
        if seen + n <= start:
            seen += n
            continue
        if not on_page:
            skip = start - seen
        on_page.append(unit_id)
        seen += n
        if seen >= start + per_page:
            break
    rows: list[Conversation] = []
    if on_page:
        ids = [u for u in on_page if u is not None]
        in_units = Q(leader__org_unit_id__in=ids)
        if None in on_page:
            in_units |= Q(leader__org_unit_id__isnull=True)
        position = Case(
            *[When(leader__org_unit_id=u, then=Value(i)) for i, u in enumerate(ids)],
            default=Value(len(ids)),
            output_field=IntegerField(),
        )
        rows = list(
            overview.rows.filter(in_units)
            .annotate(unit_position=position)
            .order_by("unit_position", "leader__name", "pk")[skip : skip + per_page]
        )
    deadline = overview.round.deadline
    for c in rows:
        # Read by the template; the stubs cannot know these attributes.
        c.overdue = is_overdue(c.status, deadline, overview.today)  # type: ignore[attr-defined]
        c.bucket_label = BUCKET_LABELS[BUCKET_OF[c.status]]  # type: ignore[attr-defined]
    return Page(rows, number, paginator)


def round_leaders_leaders(lus_round: LusRound) -> QuerySet[User]:
    """The leaders' leaders holding the round's conversations (for the filter)."""
    _summary, counted = _round_counts(lus_round)
    units = round_unit_ids(lus_round)
    ids = {ll for unit, ll, _s, _n in counted if ll and (units is None or unit in units)}
    return User.objects.filter(pk__in=ids).order_by("name")


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
