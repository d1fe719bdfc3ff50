"""Anonymous statistics of scale questions for HR: averages and distributions per org unit and
year, never per person.

k-anonymity: a group is shown only with at least ``MIN_GROUP`` leaders. Units with fewer leaders
are merged into "Øvrige"; if that remainder is still too small (but not empty), the smallest
shown unit is merged into it too, until it is large enough — so no hidden remainder exists that
could be computed by subtracting the shown groups from the total. A year with fewer than
``MIN_GROUP`` leaders in all shows nothing. A question answered by fewer than ``MIN_GROUP``
leaders of a group shows no numbers for that group.

Only the leaders' own preparations that they have shared count; the aggregation runs in the
database (counts per year, unit, question and value), no answer of a person leaves it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from lus.accounts.models import OrgUnit
from lus.conversations.models import Answer, Role
from lus.frameworks.models import Question

MIN_GROUP = 5
OTHERS = "__others__"  # the key of the merged group ("Øvrige")


@dataclass
class QuestionInfo:
    key: str
    text: str
    scale_min: int
    scale_max: int


@dataclass
class Cell:
    """Statistics of one question (or a whole theme) for one group in one year."""

    n: int = 0  # answers
    total: float = 0.0
    distribution: dict[int, int] = field(default_factory=dict)

    def add(self, value: float, count: int) -> None:
        self.n += count
        self.total += value * count

    @property
    def average(self) -> float | None:
        return self.total / self.n if self.n else None


@dataclass
class GroupYear:
    name: str
    leaders: int
    theme: Cell
    questions: dict[str, Cell]


@dataclass
class ThemeStats:
    title: str
    questions: list[QuestionInfo]
    scale_min: float
    scale_max: float
    normalised: bool  # mixed scales: averages are in per cent of the scale
    years: dict[int, list[GroupYear]] = field(default_factory=dict)
    totals: dict[int, GroupYear] = field(default_factory=dict)

    @property
    def year_list(self) -> list[int]:
        return sorted(self.years)


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


def _value(q: QuestionInfo, value: int, normalised: bool) -> float:
    if not normalised:
        return value
    return 100 * (value - q.scale_min) / (q.scale_max - q.scale_min)


def scale_statistics(*, k: int = MIN_GROUP) -> list[ThemeStats]:
    """Per theme (section title) and year: each group's average and per-question distribution,
    plus the municipality total. Four queries, whatever the number of answers."""
    base = Answer.objects.filter(
        question__type=Question.Type.SCALE,
        scale_value__isnull=False,
        preparation__role=Role.LEADER,
        preparation__shared_at__isnull=False,
    )
    year = "preparation__conversation__year"
    unit = "preparation__conversation__leader__org_unit_id"
    leader = "preparation__conversation__leader_id"
    # Group sizes: distinct leaders per year and unit.
    sizes: dict[int, dict] = {}
    for row in base.values(year, unit).annotate(n=Count(leader, distinct=True)):
        sizes.setdefault(row[year], {})[row[unit]] = row["n"]
    # Distributions: answers per year, unit, question and value.
    counts = list(base.values(year, unit, "question__key", "scale_value").annotate(n=Count("pk")))
    # The questions (newest wording per key) and their themes.
    questions: dict[str, QuestionInfo] = {}
    theme_of: dict[str, str] = {}
    for q in (
        Question.objects.filter(type=Question.Type.SCALE, customisation__isnull=True)
        .order_by("section__version__published_at", "section__order", "order", "pk")
        .values("key", "text", "scale_min", "scale_max", "section__title")
    ):
        key = str(q["key"])
        questions[key] = QuestionInfo(key, q["text"], q["scale_min"], q["scale_max"])
        theme_of[key] = q["section__title"]
    unit_names = dict(OrgUnit.objects.values_list("pk", "name"))

    themes: dict[str, ThemeStats] = {}
    for key, q in questions.items():
        theme = themes.setdefault(theme_of[key], ThemeStats(theme_of[key], [], 0, 0, False))
        if q not in theme.questions:
            theme.questions.append(q)
    for theme in themes.values():
        bounds = {(q.scale_min, q.scale_max) for q in theme.questions}
        theme.normalised = len(bounds) > 1
        theme.scale_min, theme.scale_max = (0, 100) if theme.normalised else bounds.pop()
        theme.questions_by_key = {q.key: q for q in theme.questions}

    # Which group each (year, unit) is shown under, and the group sizes after merging.
    shown_as: dict[int, dict] = {y: merge_small_groups(s, k) for y, s in sizes.items()}
    groups: dict[tuple, GroupYear] = {}
    totals: dict[tuple, GroupYear] = {}
    for row in counts:
        key = str(row["question__key"])
        y, u = row[year], row[unit]
        if key not in questions or u not in shown_as.get(y, {}):
            continue
        theme = themes[theme_of[key]]
        q = questions[key]
        group_key = shown_as[y][u]
        for store, gk, name, n_leaders in (
            (groups, (theme.title, y, group_key), _group_name(group_key, unit_names), None),
            (totals, (theme.title, y), _("All leaders"), None),
        ):
            g = store.get(gk)
            if g is None:
                leaders = (
                    sum(n for uu, n in sizes[y].items() if shown_as[y].get(uu, 0) == group_key)
                    if store is groups
                    else sum(n for uu, n in sizes[y].items() if uu in shown_as[y])
                )
                g = store[gk] = GroupYear(name, n_leaders or leaders, Cell(), {})
            cell = g.questions.setdefault(key, Cell())
            cell.add(row["scale_value"], row["n"])
            cell.distribution[row["scale_value"]] = (
                cell.distribution.get(row["scale_value"], 0) + row["n"]
            )
            g.theme.add(_value(q, row["scale_value"], theme.normalised), row["n"])
    for (title, y, _gk), g in groups.items():
        themes[title].years.setdefault(y, []).append(g)
    for (title, y), g in totals.items():
        themes[title].totals[y] = g
    for theme in themes.values():
        for y, gs in theme.years.items():
            gs.sort(key=lambda g: (g.name == _("Others"), g.name.lower()))
            for g in [*gs, theme.totals[y]]:
                # A question answered by fewer than k leaders of the group shows nothing.
                g.questions = {qk: c for qk, c in g.questions.items() if c.n >= k}
    return [t for t in themes.values() if t.years]


def _group_name(key, unit_names: dict) -> str:
    if key == OTHERS:
        return _("Others")
    return unit_names.get(key) or _("No unit")
