"""A leader's development over the years: their own scale answers per theme, year by year, and
the development points of earlier plans with how they went (a point carried over in a continuing
plan as one thread). Read by the leader, and by the
leader's leader for the conversations they held themselves (content belongs to the two
parties of each conversation, so a new leader's leader does not see the earlier ones).
Four queries, whatever the number of years and questions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch

from lus.conversations.models import Answer, Conversation, Role

from .models import PlanItem, PlanItemEvaluation

# The chart's drawing area (SVG user units); the template draws axes and labels around it.
WIDTH, HEIGHT, PAD = 320, 120, 28


@dataclass
class Point:
    year: int
    value: float
    x: float
    y: float

    @property
    def label(self) -> str:
        return f"{self.value:.1f}".replace(".", ",")


@dataclass
class QuestionRow:
    text: str
    values: dict[int, int] = field(default_factory=dict)


@dataclass
class Theme:
    title: str
    scale_min: int
    scale_max: int
    rows: list[QuestionRow]
    years: list[int]
    points: list[Point] = field(default_factory=list)

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def cells(self) -> list[tuple[str, list[int | None]]]:
        return [(r.text, [r.values.get(y) for y in self.years]) for r in self.rows]

    @property
    def means(self) -> list[str]:
        by_year = {p.year: p.label for p in self.points}
        return [by_year.get(y, "") for y in self.years]

    @property
    def gridlines(self) -> list[tuple[int, float]]:
        return [
            (v, _y(v, self.scale_min, self.scale_max)) for v in (self.scale_min, self.scale_max)
        ]


@dataclass
class Step:
    """One year of a development point: the plan it was in and how it went at the next LUS."""

    year: int
    evaluations: list[PlanItemEvaluation]


@dataclass
class Thread:
    """A development point from the year it was added to its newest plan: a point carried
    over in a continuing plan (Høje-Taastrup) is one thread, not one card per year."""

    title: str
    year: int
    steps: list[Step]

    @property
    def continued(self) -> bool:
        return len(self.steps) > 1


@dataclass
class History:
    years: list[int]
    themes: list[Theme]
    points: list[Thread]


def _threads(items: list[PlanItem]) -> list[Thread]:
    """Chains the carried-over points (newest plan first, as ``items`` come) into threads;
    a link to a plan the viewer may not see simply ends the thread there."""
    by_pk = {item.pk: item for item in items}
    carried = {item.continues_id for item in items if item.continues_id in by_pk}
    threads = []
    for newest in items:
        if newest.pk in carried:
            continue  # shown in the thread of the point that continues it
        chain = [newest]
        while chain[-1].continues_id in by_pk:
            chain.append(by_pk[chain[-1].continues_id])
        chain.reverse()
        steps = [Step(item.plan.conversation.year, list(item.evaluations.all())) for item in chain]
        threads.append(Thread(newest.title, chain[0].year, steps))
    return threads


def _y(value: float, low: int, high: int) -> float:
    span = (high - low) or 1
    return PAD + (HEIGHT - 2 * PAD) * (1 - (value - low) / span)


def development_history(*, leader, viewer) -> History:
    conversations = Conversation.objects.filter(leader=leader)
    if viewer.pk != leader.pk:
        conversations = conversations.filter(leaders_leader=viewer)
    conv_years = dict(conversations.values_list("pk", "year"))
    years = sorted(set(conv_years.values()))

    answers = Answer.objects.filter(
        preparation__conversation_id__in=list(conv_years),
        preparation__role=Role.LEADER,
        scale_value__isnull=False,
    )
    if viewer.pk != leader.pk:
        answers = answers.filter(preparation__shared_at__isnull=False)
    rows = answers.values_list(
        "preparation__conversation_id",
        "scale_value",
        "question__text",
        "question__scale_min",
        "question__scale_max",
        "question__order",
        "question__section__title",
        "question__section__order",
    ).order_by("question__section__order", "question__order")

    # A theme is a section title; a question is its text (versions copy both from year to year).
    themes: dict[str, dict] = {}
    for conv_id, value, text, low, high, _q_order, title, _s_order in rows:
        theme = themes.setdefault(title, {"rows": {}, "low": low, "high": high})
        theme["low"], theme["high"] = min(theme["low"], low), max(theme["high"], high)
        theme["rows"].setdefault(text, QuestionRow(text)).values[conv_years[conv_id]] = value

    result = []
    for title, data in themes.items():
        theme_years = sorted({y for r in data["rows"].values() for y in r.values})
        theme = Theme(title, data["low"], data["high"], list(data["rows"].values()), theme_years)
        sums: dict[int, list[int]] = defaultdict(list)
        for r in theme.rows:
            for y, v in r.values.items():
                sums[y].append(v)
        step = (WIDTH - 2 * PAD - 16) / max(len(theme_years) - 1, 1)
        for i, y in enumerate(theme_years):
            mean = sum(sums[y]) / len(sums[y])
            x = PAD + 16 + i * step if len(theme_years) > 1 else WIDTH / 2
            theme.points.append(Point(y, mean, x, _y(mean, theme.scale_min, theme.scale_max)))
        result.append(theme)

    evaluations = PlanItemEvaluation.objects.filter(
        conversation_id__in=list(conv_years)
    ).select_related("conversation")
    items = list(
        PlanItem.objects.filter(plan__conversation_id__in=list(conv_years))
        .select_related("plan__conversation")
        .prefetch_related(
            Prefetch("evaluations", queryset=evaluations.order_by("conversation__year"))
        )
        .order_by("-plan__conversation__year", "order", "pk")
    )
    return History(years=years, themes=result, points=_threads(items))
