"""Reads for the conversation view and the co-edited plan: every editable value as a *cell*
(key, label, kind, value, revision), loaded with a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from lus.frameworks.models import PlanField, Question, Section
from lus.frameworks.selectors import version_structure

from .models import (
    ConversationState,
    FollowUp,
    Minutes,
    Plan,
    PlanActivity,
    PlanItem,
    PlanValue,
    SectionNote,
)
from .services import minutes_writer_role


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


def plan_view(plan: Plan) -> PlanView:
    """The plan as cells following the version's layout (4 queries; the layout is cached)."""
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
    items = []
    if has_items:
        for item in PlanItem.objects.filter(plan=plan).prefetch_related(
            Prefetch("activities", queryset=PlanActivity.objects.order_by("order", "pk"))
        ):
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
            items.append(view)
    return PlanView(
        plan=plan,
        plan_cells=plan_cells,
        section_cells=section_cells,
        sections=sections,
        items=items,
        has_items=has_items,
        has_activities=bool(per["activity"]),
        activity_fields=per["activity"],
    )


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


def minutes_cell(conversation) -> Cell | None:
    if not minutes_writer_role(conversation):
        return None
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
        preparation__role="leader",
        question__type=Question.Type.SCALE,
        scale_value__isnull=False,
    ).values_list("question__key", "scale_value", "question__scale_max")
    return {k: (v, m) for k, v, m in rows}


def follow_ups_for(user):
    """The user's follow-ups (as leader or as leader's leader), soonest first."""
    return (
        FollowUp.objects.filter(
            Q(plan__conversation__leader=user) | Q(plan__conversation__conductor=user)
        )
        .select_related("plan__conversation__leader", "plan__conversation__conductor")
        .order_by("date", "pk")
    )
