"""Reads for the conversation view and the co-edited plan: every editable value as a *cell*
(key, label, kind, value, revision), loaded with a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, F, FilteredRelation, OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext as _

from lus.conversations.models import ConversationState, Minutes, Role, SectionNote
from lus.frameworks.models import PlanField, Section
from lus.frameworks.question_types import types_compared_with_last_year
from lus.frameworks.selectors import version_structure

from .models import (
    FollowUp,
    Plan,
    PlanActivity,
    PlanItem,
    PlanValue,
)
from .services import DEFAULT_MAX_LENGTH, MAX_LENGTH, minutes_writer_role


@dataclass
class Cell:
    key: str
    label: str
    kind: str  # text, longtext, date, responsible, horizon, title
    value: str = ""
    revision: int = 0
    help: str = ""
    updated_by: str = ""

    @property
    def max_length(self) -> int:
        """The longest value the server accepts for this kind (``services.MAX_LENGTH``)."""
        return MAX_LENGTH.get(self.kind, DEFAULT_MAX_LENGTH)

    @property
    def input_id(self) -> str:
        return f"cell-{self.key}"

    @property
    def date_value(self):
        """The value as a date (for showing a date field read-only), or None."""
        import datetime

        try:
            return datetime.date.fromisoformat(self.value) if self.kind == "date" else None
        except ValueError:
            return None


@dataclass
class ActivityView:
    activity: PlanActivity
    cells: list[Cell]


@dataclass
class ItemView:
    item: PlanItem
    title: Cell
    cells: list[Cell]
    activities: list[ActivityView] = field(default_factory=list)


@dataclass
class PlanView:
    plan: Plan
    plan_cells: list[Cell]
    #: section id -> the per-section cells (Albertslund: notes and agreements)
    section_cells: dict[int, list[Cell]]
    sections: list[Section]
    items: list[ItemView]
    has_items: bool
    has_activities: bool
    activity_fields: list[PlanField]

    def all_cells(self) -> list[Cell]:
        cells = list(self.plan_cells)
        for c in self.section_cells.values():
            cells += c
        for i in self.items:
            cells += [i.title, *i.cells]
            for a in i.activities:
                cells += a.cells
        return cells

    @property
    def structure(self) -> str:
        """Changes when a point or an activity is added or deleted (the page re-renders)."""
        return ";".join(
            f"{i.item.pk}:{','.join(str(a.activity.pk) for a in i.activities)}" for i in self.items
        )


def _cell(key, field: PlanField, value: PlanValue | None) -> Cell:
    return Cell(
        key=key,
        label=field.label,
        kind=field.kind,
        value=value.value if value else "",
        revision=value.revision if value else 0,
        help=field.help_text,
        updated_by=(value.updated_by.name if value and value.updated_by else ""),
    )


def plan_view(plan: Plan, items: list[PlanItem] | None = None) -> PlanView:
    """The plan as cells following the version's layout (3 queries; the layout is cached).
    ``items``: the plan's development points with their activities, if already loaded
    (``plan_items``)."""
    structure = version_structure(plan.version)
    fields = structure["plan_fields"]
    values = list(PlanValue.objects.filter(plan=plan).select_related("updated_by"))
    by_target = {(v.field_id, v.item_id, v.activity_id, v.section_id): v for v in values}
    per = {p: [f for f in fields if f.per == p] for p in PlanField.Per.values}
    sections = [s for s in structure["sections"] if s.kind != Section.Kind.PLAN]
    plan_cells = [
        _cell(f"p{f.pk}", f, by_target.get((f.pk, None, None, None))) for f in per["plan"]
    ]
    section_cells = (
        {
            s.pk: [
                _cell(f"s{s.pk}-f{f.pk}", f, by_target.get((f.pk, None, None, s.pk)))
                for f in per["section"]
            ]
            for s in sections
        }
        if per["section"]
        else {}
    )
    has_items = bool(per["item"] or per["activity"]) or plan.version.plan_kind in (
        "items",
        "actions",
    )
    views: list[ItemView] = []
    if has_items:
        if items is None:
            items = plan_items([plan.pk])
        for item in items:
            view = ItemView(
                item=item,
                title=Cell(
                    key=f"i{item.pk}-title",
                    label=_("Development point"),
                    kind="title",
                    value=item.title,
                    revision=item.revision,
                ),
                cells=[
                    _cell(f"i{item.pk}-f{f.pk}", f, by_target.get((f.pk, item.pk, None, None)))
                    for f in per["item"]
                ],
            )
            if per["activity"]:
                for activity in item.activities.all():
                    cells = [
                        Cell(
                            key=f"a{activity.pk}-text",
                            label=_("Activity"),
                            kind="title",
                            value=activity.text,
                            revision=activity.revision,
                        )
                    ]
                    cells += [
                        _cell(
                            f"a{activity.pk}-f{f.pk}",
                            f,
                            by_target.get((f.pk, item.pk, activity.pk, None)),
                        )
                        for f in per["activity"]
                    ]
                    view.activities.append(ActivityView(activity, cells))
            views.append(view)
    return PlanView(
        plan=plan,
        plan_cells=plan_cells,
        section_cells=section_cells,
        sections=sections,
        items=views,
        has_items=has_items,
        has_activities=bool(per["activity"]),
        activity_fields=per["activity"],
    )


def plan_items(
    plan_ids: list[int], *, evaluated_in=None, before_year: tuple[int, int] | None = None
) -> list[PlanItem]:
    """The development points of the given plans in order, activities prefetched (2 queries for
    any number of plans). ``evaluated_in``: a conversation whose evaluation of each point is set
    as ``item.evaluation`` (an unsaved-looking ``PlanItemEvaluation`` or None) in the same
    query. ``before_year``: ``(plan id, year)``: of that plan, leave out the points of ``year`` or
    later."""
    if not plan_ids:
        return []
    qs = PlanItem.objects.filter(plan_id__in=plan_ids).prefetch_related(
        Prefetch("activities", queryset=PlanActivity.objects.order_by("order", "pk"))
    )
    if before_year is not None:
        qs = qs.exclude(plan_id=before_year[0], year__gte=before_year[1])
    return _with_evaluations(qs, evaluated_in) if evaluated_in is not None else list(qs)


def _with_evaluations(qs, conversation) -> list[PlanItem]:
    """The points of ``qs`` with ``item.evaluation`` (the conversation's evaluation of it, or
    None) read in the same query."""
    from .models import PlanItemEvaluation

    # One LEFT JOIN (at most one evaluation per point and conversation) instead of three
    # subqueries: the same rows, a third of the ORM's work to build the SQL.
    items = list(
        qs.annotate(
            ev=FilteredRelation("evaluations", condition=Q(evaluations__conversation=conversation))
        ).annotate(_eval_pk=F("ev__pk"), _eval_text=F("ev__text"), _eval_status=F("ev__status"))
    )
    for item in items:
        item.evaluation = None
        if item._eval_pk is not None:
            item.evaluation = PlanItemEvaluation(
                pk=item._eval_pk,
                municipality_id=item.municipality_id,
                item=item,
                conversation_id=conversation.pk,
                text=item._eval_text,
                status=item._eval_status,
            )
            item.evaluation._state.adding = False  # a saved row (read as columns)
            item.evaluation._state.db = item._state.db
    return items


def previous_points(conversation) -> tuple[list[PlanItem], dict]:
    """The points of the plan evaluated in this conversation (see
    ``conversations.selectors.previous_plan``) without their activities, and this
    conversation's evaluations by item id: one query. What a preparation save needs."""
    plans = Plan.objects.filter(
        leader_id=conversation.leader_id, conversation__year__lt=conversation.year
    )
    if conversation.version.plan_continues:
        plans = plans.filter(continues=True)
    previous = plans.order_by("-conversation__year", "-pk").values("pk")[:1]
    items = _with_evaluations(
        PlanItem.objects.filter(plan_id=Subquery(previous)).exclude(year__gte=conversation.year),
        conversation,
    )
    # ``evaluation`` is set on each point by _with_evaluations, not a field the stubs know
    return items, {i.pk: i.evaluation for i in items if i.evaluation is not None}  # type: ignore[attr-defined]


def conversations_for_view(user):
    """``conversations_for_user`` with what the conversation view needs in the same row: the
    plan, the start section, the minutes, whether the leader's leader shared their
    preparation, whether the plan was ever reopened, and the previous plan's id (the
    continuing plan's for a continuing layout)."""
    from lus.conversations.models import Preparation
    from lus.conversations.selectors import conversations_for_user

    from .models import PlanReopening

    earlier = Plan.objects.filter(
        leader_id=OuterRef("leader_id"), conversation__year__lt=OuterRef("year")
    ).order_by("-conversation__year", "-pk")
    return (
        conversations_for_user(user)
        .select_related("plan__version", "plan_state", "minutes")
        .annotate(
            leaders_leader_shared=Exists(
                Preparation.objects.filter(
                    conversation=OuterRef("pk"),
                    role=Role.LEADERS_LEADER,
                    shared_at__isnull=False,
                )
            ),
            has_reopenings=Exists(PlanReopening.objects.filter(plan__conversation=OuterRef("pk"))),
            previous_plan_any=Subquery(earlier.values("pk")[:1]),
            previous_plan_continuing=Subquery(earlier.filter(continues=True).values("pk")[:1]),
        )
    )


def related_or_none(obj, name: str):
    """A reverse one-to-one loaded with ``select_related`` (None if there is none)."""
    try:
        return getattr(obj, name)
    except AttributeError:  # RelatedObjectDoesNotExist
        return None


def conversation_answers(conversation) -> tuple[dict[str, dict], dict]:
    """This conversation's answers by role ("leader", "leaders_leader") and question id, and the
    leader's scale answers of the previous year by question key -> (value, scale max): one
    query (the two preparations' answers and last year's leader preparation's)."""
    from lus.conversations.models import Answer, Conversation, Preparation

    # Last year's conversation as a scalar subquery (computed once, by the (leader, year)
    # unique index): an OR across a join made PostgreSQL scan every conversation (bench).
    last_year_id = Conversation.objects.filter(
        leader_id=conversation.leader_id, year=conversation.year - 1
    ).values("pk")[:1]
    preps = Preparation.objects.filter(
        Q(conversation_id=conversation.pk)
        | Q(conversation_id=Subquery(last_year_id), role=Role.LEADER)
    ).values("pk")
    rows = Answer.objects.filter(preparation_id__in=Subquery(preps)).annotate(
        _conversation_id=F("preparation__conversation_id"),
        _role=F("preparation__role"),
        _key=F("question__key"),
        _type=F("question__type"),
        _scale_max=F("question__scale_max"),
    )
    answers: dict[str, dict] = {Role.LEADER: {}, Role.LEADERS_LEADER: {}}
    last_year = {}
    compared = types_compared_with_last_year()
    for a in rows:
        if a._conversation_id == conversation.pk:
            answers[Role(a._role)][a.question_id] = a
        elif a._type in compared and a.scale_value is not None:
            last_year[a._key] = (a.scale_value, a._scale_max)
    return answers, last_year


def note_cells(conversation, sections: list[Section]) -> dict[int, Cell]:
    """Section id -> the section's notes cell (1 query)."""
    notes = {
        n.section_id: n
        for n in SectionNote.objects.filter(conversation=conversation).select_related("updated_by")
    }
    result = {}
    for s in sections:
        n = notes.get(s.pk)
        result[s.pk] = Cell(
            key=f"n{s.pk}",
            label=_("Notes"),
            kind="longtext",
            value=n.text if n else "",
            revision=n.revision if n else 0,
            updated_by=n.updated_by.name if n and n.updated_by else "",
        )
    return result


def minutes_cell(conversation, *, loaded: bool = False) -> Cell | None:
    """The minutes cell, or None without minutes. ``loaded``: the conversation's minutes were
    loaded with ``select_related("minutes")`` (no query)."""
    if not minutes_writer_role(conversation):
        return None
    if loaded:
        m = related_or_none(conversation, "minutes")
    else:
        m = Minutes.objects.filter(conversation=conversation).first()
    return Cell(
        key="minutes",
        label=_("Minutes"),
        kind="minutes",
        value=m.text if m else "",
        revision=m.revision if m else 0,
    )


def start_section_id(conversation) -> int | None:
    state = ConversationState.objects.filter(conversation=conversation).first()
    return state.start_section_id if state else None


def ordered_sections(sections: list, start_id: int | None, key=lambda s: s.pk) -> list:
    """The sections rotated so the chosen one comes first (the wheel keeps its order)."""
    ids = [key(s) for s in sections]
    if start_id not in ids:
        return sections
    i = ids.index(start_id)
    return sections[i:] + sections[:i]


def last_year_scale_answers(conversation) -> dict:
    """Question key -> (value, scale max) of the leader's scale answers in the previous LUS
    (1 query), to show beside this year's answer to the same question."""
    from lus.conversations.models import Answer

    rows = Answer.objects.filter(
        preparation__conversation__leader_id=conversation.leader_id,
        preparation__conversation__year=conversation.year - 1,
        preparation__role=Role.LEADER,
        question__type__in=types_compared_with_last_year(),
        scale_value__isnull=False,
    ).values_list("question__key", "scale_value", "question__scale_max")
    return {k: (v, m) for k, v, m in rows}


def follow_ups_for(user):
    """The user's follow-ups (as leader or as leader's leader), soonest first."""
    return (
        FollowUp.objects.filter(
            Q(plan__conversation__leader=user) | Q(plan__conversation__leaders_leader=user)
        )
        .select_related("plan__conversation__leader", "plan__conversation__leaders_leader")
        .order_by("date", "pk")
    )


def plan_of(conversation) -> Plan | None:
    """The conversation's plan if it exists (never creates one: for reads)."""
    return Plan.objects.filter(conversation=conversation).select_related("version").first()


def plan_cursor(plan: Plan) -> int:
    """The id of the plan's latest event (where a fresh event stream starts)."""
    from .models import PlanEvent

    last = PlanEvent.objects.filter(plan_id=plan.pk).order_by("-id").values_list("id", flat=True)
    return last.first() or 0
