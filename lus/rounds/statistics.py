"""Anonymous statistics of scale questions for HR (and HovedMED): averages per organisational
unit and round, and the spread of the answers for the whole municipality — never per person,
and never a number that rests on fewer than ``MIN_GROUP`` (k = 5) leaders, not even by
subtracting one number shown from another. The rules (docs/security.md, "Statistics"):

1. **Frozen groups.** A leader counts in the unit they belonged to when the round started (or
   when they were added to it): ``RoundMember``. Moving a person later changes nothing.
2. **Published once.** A round's numbers are computed once, the first time the page is opened
   after the round's deadline, and stored (``RoundStatistics``); they never change after that.
   Two views of the page are always identical, so comparing them (before and after a move, a
   late share, a deletion) reveals nothing. Before the deadline no number of the round is
   shown at all.
3. **k everywhere.** A unit with fewer than k contributing leaders is merged into "Øvrige";
   if that remainder is still below k, the smallest unit is merged into it too. Every cell
   (a unit's theme average, a unit's average of one question, the municipality's) shows a
   number only when at least k leaders answered it, and **complementary suppression** hides
   more cells until the hidden ones of a row together are 0 or at least k leaders — so the
   total minus the shown cells never reveals a hidden small cell.
4. **Bucketed spread.** The distribution is shown for the whole municipality only, in three
   bands of the scale (low, middle, high), and a band with fewer than k leaders shows
   "færre end 5" (with the same complementary rule); exact per-value counts per unit are
   never shown.

Only the leaders' own preparations that they have shared count. The aggregation runs in the
database (counts per frozen unit, question and value; distinct leaders per unit and theme).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, Count, OuterRef, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from lus.conversations.models import Answer, Role
from lus.frameworks.models import Question
from lus.frameworks.question_types import question_type, statistics_types

from .models import LusRound, RoundMember, RoundStatistics

MIN_GROUP = 5
OTHERS = "__others__"  # the key of the merged group ("Øvrige")
ALL = "__all__"  # the municipality as a whole
NO_UNIT = "__none__"


# --- pure rules ----------------------------------------------------------------------------------
def merge_small_groups(sizes: dict, k: int = MIN_GROUP) -> dict:
    """Map each group key to the key it is shown under (itself, or OTHERS), or drop it.

    >>> merge_small_groups({1: 7, 2: 3, 3: 1})  # 2 and 3 together make 4 < 5: 1 joins them
    {1: "__others__", 2: "__others__", 3: "__others__"}
    """
    shown = {key for key, n in sizes.items() if n >= k}
    rest = sum(n for key, n in sizes.items() if key not in shown)
    while 0 < rest < k and shown:
        smallest = min(shown, key=lambda key: (sizes[key], str(key)))
        shown.discard(smallest)
        rest += sizes[smallest]
    if rest and rest < k:
        return {}  # fewer than k leaders in all
    return {key: (key if key in shown else OTHERS) for key in sizes}


def suppressed(counts: dict, k: int = MIN_GROUP) -> set:
    """The cells of one row to hide: each cell resting on fewer than k leaders, and then the
    smallest shown ones until the hidden cells together rest on none or at least k leaders
    (the row's total is shown, so total minus the shown cells must not reveal a small cell).

    >>> sorted(suppressed({"a": 7, "b": 3}))  # b alone is hidden: 7 + hidden = total
    ['a', 'b']
    """
    hidden = {key for key, n in counts.items() if n < k}
    while 0 < sum(counts[key] for key in hidden) < k:
        shown = [key for key in counts if key not in hidden]
        if not shown:
            break
        hidden.add(min(shown, key=lambda key: (counts[key], str(key))))
    return hidden


def bands(scale_min: int, scale_max: int) -> list[tuple[int, int]]:
    """The scale in three bands (low, middle, high), the outer two of equal size:
    1-5 gives 1-2, 3, 4-5; 0-5 gives 0-1, 2-3, 4-5; 1-10 gives 1-3, 4-7, 8-10."""
    m = scale_max - scale_min + 1
    outer = max(1, (m + 1) // 3)
    middle = m - 2 * outer
    result = [(scale_min, scale_min + outer - 1)]
    if middle > 0:
        result.append((scale_min + outer, scale_min + outer + middle - 1))
    result.append((scale_max - outer + 1, scale_max))
    return result


def band_label(band: tuple[int, int]) -> str:
    lo, hi = band
    return str(lo) if lo == hi else f"{lo}\u2013{hi}"  # en dash


# --- who is in a round ---------------------------------------------------------------------------
def round_members_freeze(*, lus_round: LusRound, leader_ids=None) -> int:
    """Record the round's leaders with the unit they belong to now; leaders already recorded
    keep the unit they had. ``leader_ids``: the leaders to add (default: every leader with a
    conversation of the round's year in its units). Returns the number added."""
    from lus.accounts.models import User

    from .selectors import round_conversations

    if leader_ids is None:
        leader_ids = round_conversations(lus_round).values_list("leader_id", flat=True)
    known = set(RoundMember.objects.filter(lus_round=lus_round).values_list("leader_id", flat=True))
    people = User.objects.filter(pk__in=list(leader_ids)).exclude(pk__in=known)
    rows = [
        RoundMember(
            municipality_id=lus_round.municipality_id,
            lus_round=lus_round,
            leader_id=pk,
            org_unit_id=unit_id,
            org_unit_name=unit_name or "",
        )
        for pk, unit_id, unit_name in people.values_list("pk", "org_unit_id", "org_unit__name")
    ]
    RoundMember.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# --- computing a round's numbers once -------------------------------------------------------------
@dataclass
class _Question:
    key: str
    text: str
    scale_min: int
    scale_max: int
    type: str


def _round_questions(year: int) -> tuple[dict[str, _Question], dict[str, str]]:
    """Scale questions answered by the year's leaders (newest wording per key) and the theme
    (section title) each belongs to."""
    questions: dict[str, _Question] = {}
    theme_of: dict[str, str] = {}
    for q in (
        Question.objects.filter(
            type__in=statistics_types(),
            customisation__isnull=True,
            section__version__conversations__year=year,
        )
        .distinct()
        .order_by("section__version__published_at", "section__order", "order", "pk")
        .values("key", "text", "scale_min", "scale_max", "type", "section__title")
    ):
        key = str(q["key"])
        questions[key] = _Question(key, q["text"], q["scale_min"], q["scale_max"], q["type"])
        theme_of[key] = q["section__title"]
    return questions, theme_of


def _normalise(q: _Question, value: float, normalised: bool) -> float:
    if not normalised:
        return value
    # The type knows what its numbers mean on 0 to 100 (a scale: its bounds).
    return question_type(q.type).normalised(q, value)


def round_statistics_compute(lus_round: LusRound, *, k: int = MIN_GROUP) -> dict:
    """The round's statistics as stored: only numbers that pass the rules above."""
    if not RoundMember.objects.filter(lus_round=lus_round).exists():
        round_members_freeze(lus_round=lus_round)  # a round from before members were recorded
    questions, theme_of = _round_questions(lus_round.year)
    result: dict = {"year": lus_round.year, "k": k, "themes": []}
    if not questions:
        return result
    unit = Subquery(
        RoundMember.objects.filter(
            lus_round=lus_round, leader_id=OuterRef("preparation__conversation__leader_id")
        ).values("org_unit_id")[:1]
    )
    base = Answer.objects.filter(
        question__type__in=statistics_types(),
        question__key__in=list(questions),
        question__customisation__isnull=True,
        scale_value__isnull=False,
        preparation__role=Role.LEADER,
        preparation__shared_at__isnull=False,
        preparation__conversation__year=lus_round.year,
        preparation__conversation__leader__in=RoundMember.objects.filter(
            lus_round=lus_round
        ).values("leader_id"),
    ).annotate(unit=unit)
    leader = "preparation__conversation__leader_id"
    names = dict(
        RoundMember.objects.filter(lus_round=lus_round).values_list("org_unit_id", "org_unit_name")
    )

    def unit_key(u):
        return NO_UNIT if u is None else u

    sizes = {
        unit_key(r["unit"]): r["n"]
        for r in base.values("unit").annotate(n=Count(leader, distinct=True))
    }
    shown_as = merge_small_groups(sizes, k)
    if not shown_as:
        return result
    theme_case = Case(
        *[When(question__key=key, then=Value(title)) for key, title in theme_of.items()],
        output_field=CharField(),
    )
    # Distinct leaders per (group, theme): a leader belongs to one unit, so units add up.
    theme_leaders: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for r in (
        base.annotate(theme=theme_case)
        .values("unit", "theme")
        .annotate(n=Count(leader, distinct=True))
    ):
        group = shown_as[unit_key(r["unit"])]
        theme_leaders[r["theme"]][group] += r["n"]
        theme_leaders[r["theme"]][ALL] += r["n"]
    # Answers per (group, question, value): one answer per leader and question.
    values: dict[tuple, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for r in base.values("unit", "question__key", "scale_value").annotate(n=Count("pk")):
        group = shown_as[unit_key(r["unit"])]
        for g in (group, ALL):
            values[(g, str(r["question__key"]))][r["scale_value"]] += r["n"]

    groups = sorted(
        set(shown_as.values()), key=lambda g: (g == OTHERS, g == NO_UNIT, str(names.get(g, g)))
    )
    group_leaders = defaultdict(int)
    for u, g in shown_as.items():
        group_leaders[g] += sizes[u]
    by_theme: dict[str, list[_Question]] = defaultdict(list)
    for key, q in questions.items():
        by_theme[theme_of[key]].append(q)
    for title, theme_questions in by_theme.items():
        scales = {(q.scale_min, q.scale_max) for q in theme_questions}
        normalised = len(scales) > 1
        lo, hi = (0, 100) if normalised else scales.pop()
        if not theme_leaders[title][ALL]:
            continue
        theme = {
            "title": title,
            "normalised": normalised,
            "scale_min": lo,
            "scale_max": hi,
            "questions": [{"key": q.key, "text": q.text} for q in theme_questions],
            "groups": [],
        }
        # The theme row: each group's average over all the theme's answers.
        row_n = {g: theme_leaders[title].get(g, 0) for g in groups}
        hidden = suppressed(row_n, k)
        total_n = theme_leaders[title][ALL]
        cells: dict[str, dict] = {}
        for g in [*groups, ALL]:
            n = total_n if g == ALL else row_n[g]
            total = count = 0.0
            for q in theme_questions:
                for value, c in values.get((g, q.key), {}).items():
                    total += _normalise(q, value, normalised) * c
                    count += c
            show = n >= k and (g == ALL or g not in hidden) and count
            cells[g] = {
                "key": g if isinstance(g, str) else str(g),
                "name": names.get(g, "") if g not in (ALL, OTHERS, NO_UNIT) else "",
                "leaders": group_leaders[g] if g != ALL else sum(group_leaders.values()),
                "average": round(total / count, 2) if show else None,
                "questions": {},
            }
        # Each question row: the groups' averages, the municipality's, and its spread.
        theme["distribution"] = {}
        for q in theme_questions:
            q_n = {g: sum(values.get((g, q.key), {}).values()) for g in groups}
            q_hidden = suppressed(q_n, k)
            all_values = values.get((ALL, q.key), {})
            all_n = sum(all_values.values())
            for g in [*groups, ALL]:
                vals = all_values if g == ALL else values.get((g, q.key), {})
                n = all_n if g == ALL else q_n[g]
                show = n >= k and (g == ALL or g not in q_hidden)
                avg = sum(v * c for v, c in vals.items()) / n if show else None
                cells[g]["questions"][q.key] = round(avg, 2) if avg is not None else None
            if all_n >= k:
                spread = {
                    band_label(b): sum(c for v, c in all_values.items() if b[0] <= v <= b[1])
                    for b in bands(q.scale_min, q.scale_max)
                }
                band_hidden = suppressed(spread, k)
                theme["distribution"][q.key] = [
                    [label, None if label in band_hidden else n] for label, n in spread.items()
                ]
        theme["groups"] = [cells[g] for g in groups]
        theme["total"] = cells[ALL]
        result["themes"].append(theme)
    return result


def published_statistics(today: datetime.date | None = None) -> tuple[list, list]:
    """(stored statistics of every round whose deadline has passed, oldest first — computed
    now if this is the first look; rounds still running, which show nothing yet)."""
    today = today or timezone.localdate()
    published, running = [], []
    rounds = list(LusRound.objects.order_by("year").select_related("statistics"))
    for lus_round in rounds:
        if lus_round.deadline >= today:
            running.append(lus_round)
            continue
        stored = getattr(lus_round, "statistics", None)
        if stored is None:
            stored = _store(lus_round)
        published.append(stored)
    return published, running


def _store(lus_round: LusRound) -> RoundStatistics:
    try:
        with transaction.atomic():
            return RoundStatistics.objects.create(
                municipality_id=lus_round.municipality_id,
                lus_round=lus_round,
                data=round_statistics_compute(lus_round),
            )
    except IntegrityError:  # computed by a concurrent request a moment ago: use that
        return RoundStatistics.objects.get(lus_round=lus_round)


# --- the page's view of the stored numbers -------------------------------------------------------
@dataclass
class Cell:
    average: float | None = None
    distribution: list = field(default_factory=list)


@dataclass
class GroupYear:
    name: str
    leaders: int
    theme: Cell
    questions: dict[str, Cell]


@dataclass
class ThemeStats:
    title: str
    questions: list
    scale_min: float
    scale_max: float
    normalised: bool
    years: dict[int, list[GroupYear]] = field(default_factory=dict)
    totals: dict[int, GroupYear] = field(default_factory=dict)

    @property
    def year_list(self) -> list[int]:
        return sorted(self.years)


@dataclass
class _QuestionText:
    key: str
    text: str


def _group_name(cell: dict) -> str:
    if cell["key"] == ALL:
        return _("All leaders")
    if cell["key"] == OTHERS:
        return _("Others")
    if cell["key"] == NO_UNIT:
        return _("No unit")
    return cell["name"] or _("No unit")


def _group(cell: dict, distributions: dict | None = None) -> GroupYear:
    return GroupYear(
        name=_group_name(cell),
        leaders=cell["leaders"],
        theme=Cell(cell["average"]),
        questions={
            key: Cell(avg, (distributions or {}).get(key, []))
            for key, avg in cell["questions"].items()
        },
    )


def scale_statistics(today: datetime.date | None = None) -> list[ThemeStats]:
    """Per theme: each published round's groups and municipality total, from the stored
    numbers only (nothing is recomputed)."""
    published, _running = published_statistics(today)
    themes: dict[str, ThemeStats] = {}
    for stored in published:
        data = stored.data
        for t in data.get("themes", []):
            theme = themes.get(t["title"])
            if theme is None:
                theme = themes[t["title"]] = ThemeStats(
                    t["title"], [], t["scale_min"], t["scale_max"], t["normalised"]
                )
            known = {q.key for q in theme.questions}
            for q in t["questions"]:
                if q["key"] in known:  # the newest wording wins
                    next(x for x in theme.questions if x.key == q["key"]).text = q["text"]
                else:
                    theme.questions.append(_QuestionText(q["key"], q["text"]))
            theme.normalised = theme.normalised or t["normalised"]
            year = data["year"]
            theme.years[year] = [_group(g) for g in t["groups"]]
            theme.totals[year] = _group(t["total"], t.get("distribution"))
    return list(themes.values())


def running_rounds(today: datetime.date | None = None) -> list[LusRound]:
    return [
        r
        for r in LusRound.objects.order_by("year")
        if r.deadline >= (today or timezone.localdate())
    ]
