"""Reads for HR: who is in a round, the status overview and anonymous statistics.

Nothing here reads or returns conversation content for a person: the overview selects status
and dates only (``.only(...)``); the statistics aggregate scale answers in the database and
return only groups of at least ``MIN_GROUP`` leaders.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
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
    "conductor_id",
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
    "conductor__name",
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
        lus_round._unit_ids = unit_ids_with_descendants(chosen) if chosen else None
    return lus_round._unit_ids


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
    key: object  # org unit id or conductor id
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

    # Render-ready HTML: the largest municipality has about 50 units and 50 leaders' leaders
    # (make bench), and a template tag per cell made these tables most of the page's time.
    @property
    def cells_html(self) -> str:
        return mark_safe("".join(f'<td class="text-end">{n}</td>' for n in self.cells))

    @property
    def progress_html(self) -> str:
        if not self.total:
            return mark_safe('<span class="small">\u2013</span>')
        return format_html(
            '<progress class="lus-progress" value="{}" max="{}" aria-label="{}">{} %</progress>'
            ' <span class="small text-nowrap">{}</span>',
            self.done,
            self.total,
            gettext("Held: %(name)s") % {"name": self.name},
            self.percent,
            gettext("%(done)s of %(total)s (%(percent)s %%)")
            % {"done": self.done, "total": self.total, "percent": self.percent},
        )


def is_overdue(status: str, deadline: datetime.date, today: datetime.date) -> bool:
    return today > deadline and status not in DONE


@dataclass
class Overview:
    round: LusRound
    by_unit: list[StatusCounts]
    by_conductor: list[StatusCounts]
    total: StatusCounts
    rows: QuerySet
    today: datetime.date
    #: len(rows) when the counts above already tell it (saves the paginator's COUNT query).
    row_count: int | None = None


def round_overview(
    lus_round: LusRound,
    *,
    unit: OrgUnit | None = None,
    conductor: User | None = None,
    bucket: str = "",
    overdue_only: bool = False,
    today: datetime.date | None = None,
) -> Overview:
    """Counts per status for each org unit and each leader's leader, and the (lazy, filtered)
    list of conversations with status and dates only. A constant number of queries, whatever
    the number of leaders."""
    today = today or timezone.localdate()
    unit_ids = round_unit_ids(lus_round)
    if unit is not None:
        chosen = unit_ids_with_descendants([unit.pk])
        unit_ids = chosen if unit_ids is None else unit_ids & chosen
    # The leader's municipality is named too, so PostgreSQL joins only this municipality's
    # people instead of scanning everyone's (measured by make bench, issue 9).
    base = Conversation.objects.filter(
        year=lus_round.year, leader__municipality_id=lus_round.municipality_id
    )
    if unit_ids is not None:
        base = base.filter(leader__org_unit_id__in=unit_ids)
    if conductor is not None:
        base = base.filter(conductor=conductor)
    overdue_possible = today > lus_round.deadline

    units: dict[object, StatusCounts] = {}
    conductors: dict[object, StatusCounts] = {}
    total = StatusCounts(key=None, name=str(_("Total")))
    for row in base.values("leader__org_unit_id", "conductor_id", "status").annotate(n=Count("pk")):
        bucket_key = BUCKET_OF[row["status"]]
        late = row["n"] if overdue_possible and row["status"] not in DONE else 0
        for target, key in (
            (units, row["leader__org_unit_id"]),
            (conductors, row["conductor_id"]),
            (None, None),
        ):
            counts = total if target is None else target.setdefault(key, StatusCounts(key, ""))
            counts.counts[bucket_key] += row["n"]
            counts.overdue += late

    # Leaders of the round without this year's LUS (added after the round was started).
    if conductor is None:
        missing = round_people(lus_round).filter(manager__isnull=False)
        if unit_ids is not None:
            missing = missing.filter(org_unit_id__in=unit_ids)
        missing = missing.exclude(
            pk__in=Conversation.objects.filter(year=lus_round.year).values("leader_id")
        )
        for row in missing.values("org_unit_id").annotate(n=Count("pk")):
            units.setdefault(
                row["org_unit_id"], StatusCounts(row["org_unit_id"], "")
            ).without_lus = row["n"]
            total.without_lus += row["n"]

    names = dict(OrgUnit.objects.filter(pk__in=[k for k in units if k]).values_list("pk", "name"))
    for key, counts in units.items():
        counts.name = names.get(key) or str(_("No unit"))
    people = dict(User.objects.filter(pk__in=list(conductors)).values_list("pk", "name"))
    for key, counts in conductors.items():
        counts.name = people.get(key, "")

    rows = base.select_related("leader", "leader__org_unit", "conductor").only(*STATUS_FIELDS)
    if bucket in BUCKET_LABELS:
        statuses = next(s for k, _l, s in BUCKETS if k == bucket)
        rows = rows.filter(status__in=statuses)
    if overdue_only:
        rows = rows.exclude(status__in=DONE) if overdue_possible else rows.none()
    rows = rows.order_by("leader__org_unit__name", "leader__name", "pk")
    row_count = None
    if not overdue_only:
        row_count = total.counts[bucket] if bucket in BUCKET_LABELS else total.total
    elif bucket not in BUCKET_LABELS:
        row_count = total.overdue if overdue_possible else 0
    return Overview(
        round=lus_round,
        by_unit=sorted(units.values(), key=lambda c: c.name.lower()),
        by_conductor=sorted(conductors.values(), key=lambda c: c.name.lower()),
        total=total,
        rows=rows,
        row_count=row_count,
        today=today,
    )


def round_conductors(lus_round: LusRound) -> QuerySet[User]:
    """The leaders' leaders holding the round's conversations (for the filter)."""
    return User.objects.filter(
        pk__in=round_conversations(lus_round).values("conductor_id")
    ).order_by("name")


def rounds_with_progress() -> list[LusRound]:
    """Every round of the municipality with its total and held counts (one round a year, so
    a few queries per round is fine)."""
    rounds = list(LusRound.objects.order_by("-year"))
    for r in rounds:
        counts = round_conversations(r).aggregate(
            total=Count("pk"), done=Count("pk", filter=Q(status__in=DONE))
        )
        r.total, r.done = counts["total"], counts["done"]
        r.percent = round(100 * r.done / r.total) if r.total else 0
    return rounds
