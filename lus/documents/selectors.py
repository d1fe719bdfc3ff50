"""Reads for the printed LUS: everything the print template shows, in a fixed number of queries.

The plan follows the pinned framework version's layout (``PlanField.per``): fields once per
plan, agreements per section, development points with their fields and activities, then the
conversation's notes and minutes, the approvals, reopenings and follow-ups.
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils import formats
from django.utils.translation import gettext as _

from lus.accounts.models import User
from lus.conversations.models import Conversation, Minutes, Preparation, Role, SectionNote
from lus.frameworks.models import PlanField, Question, Section
from lus.plans.models import FollowUp, Plan, PlanActivity, PlanApproval, PlanReopening

from .models import DocumentSettings, FiledRecord


@dataclass
class Value:
    label: str
    text: str
    kind: str = PlanField.Kind.LONGTEXT


@dataclass
class Activity:
    text: str
    values: list[Value] = field(default_factory=list)


@dataclass
class Item:
    number: int
    title: str
    year: int
    status: str
    values: list[Value] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)


@dataclass
class SectionBlock:
    title: str
    values: list[Value] = field(default_factory=list)
    notes: str = ""


@dataclass
class Approval:
    role: str
    name: str
    at: datetime.datetime | None


@dataclass
class AnswerRow:
    question: str
    group: str
    answer: str


@dataclass
class PreparationBlock:
    role_label: str
    name: str
    shared_at: datetime.datetime | None
    sections: list[tuple[str, list[AnswerRow]]]


def settings_for(municipality_id: int) -> DocumentSettings:
    """The municipality's print and filing settings (defaults when HR saved none)."""
    found = DocumentSettings.objects.filter(municipality_id=municipality_id).first()
    return found or DocumentSettings(municipality_id=municipality_id)


def logo_data_uri(doc_settings: DocumentSettings) -> str:
    """The logo as a data: URI (the PDF renderer fetches nothing over the network)."""
    if not doc_settings.logo:
        return ""
    name = (doc_settings.logo.name or "").lower()
    mime = "image/png" if name.endswith(".png") else "image/jpeg"
    try:
        with doc_settings.logo.open("rb") as f:
            data = f.read()
    except OSError:
        return ""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def format_value(kind: str, raw: str) -> str:
    raw = (raw or "").strip()
    if not raw:
        return ""
    if kind == PlanField.Kind.DATE:
        try:
            return formats.date_format(datetime.date.fromisoformat(raw), "DATE_FORMAT")
        except ValueError:
            return raw
    if kind == PlanField.Kind.HORIZON:
        return {"short": _("Short term"), "long": _("Long term")}.get(raw, raw)
    return raw


def _answer_display(question: Question, answer) -> str:
    if answer is None:
        return ""
    return question.question_type.display(question, answer)


def _preparations(conversation: Conversation) -> list[PreparationBlock]:
    from lus.conversations import selectors as conv_selectors

    blocks = []
    people: dict[str, User] = {
        Role.LEADER: conversation.leader,
        Role.LEADERS_LEADER: conversation.leaders_leader,
    }
    for preparation in Preparation.objects.filter(
        conversation=conversation, shared_at__isnull=False
    ).order_by("role"):
        answers = conv_selectors.answers_of(preparation)
        sections = []
        for view in conv_selectors.preparation_structure(conversation, preparation.role):
            rows = [
                AnswerRow(q.text, q.group, _answer_display(q, answers.get(q.pk)))
                for q in view.questions
                if q.is_answerable
            ]
            if rows:
                sections.append((view.section.title, rows))
        blocks.append(
            PreparationBlock(
                role_label=str(Role(preparation.role).label),
                name=people[preparation.role].get_full_name(),
                shared_at=preparation.shared_at,
                sections=sections,
            )
        )
    return blocks


def print_context(conversation: Conversation, *, filed: FiledRecord | None = None) -> dict:
    """Everything ``documents/print/lus.html`` shows for one conversation."""
    version = conversation.version
    doc_settings = settings_for(conversation.municipality_id)
    fields = list(PlanField.objects.filter(version=version).order_by("order", "pk"))
    by_per: dict[str, list[PlanField]] = {p: [] for p in PlanField.Per.values}
    for f in fields:
        by_per[f.per].append(f)
    plan = getattr(conversation, "plan", None)  # None when no plan was made
    sections = [
        s
        for s in Section.objects.filter(version=version).order_by("order", "pk")
        if s.kind != Section.Kind.PLAN and s.is_valid_in(conversation.year)
    ]
    ctx: dict[str, Any] = {
        "conversation": conversation,
        "municipality": conversation.municipality,
        "leader": conversation.leader,
        "leaders_leader": conversation.leaders_leader,
        "version": version,
        "framework": version.framework,
        "settings": doc_settings,
        "logo": logo_data_uri(doc_settings),
        "plan": plan,
        "plan_title": version.plan_title or _("Development plan"),
        # Albertslund: the agreements per theme are the plan itself.
        "agreements_per_section": version.plan_kind == version.PlanKind.SECTION_AGREEMENTS,
        "plan_values": [],
        "section_blocks": [],
        "items": [],
        "follow_ups": [],
        "approvals": [],
        "minutes": "",
        "minutes_by": "",
        "preparations": [],
        "reopenings": [],
        "filed": filed,
    }
    notes = {
        n.section_id: n.text
        for n in SectionNote.objects.filter(conversation=conversation)
        if n.text.strip()
    }
    if plan is not None:
        values = list(plan.values.all())
        plan_values = {
            v.field_id: v.value
            for v in values
            if v.item_id is None and v.activity_id is None and v.section_id is None
        }
        item_values = {
            (v.item_id, v.field_id): v.value
            for v in values
            if v.item_id is not None and v.activity_id is None
        }
        activity_values = {
            (v.activity_id, v.field_id): v.value for v in values if v.activity_id is not None
        }
        section_values = {
            (v.section_id, v.field_id): v.value for v in values if v.section_id is not None
        }
        ctx["plan_values"] = [
            Value(f.label, format_value(f.kind, plan_values.get(f.pk, "")), f.kind)
            for f in by_per[PlanField.Per.PLAN]
            if not f.is_follow_up_date  # listed under "Opfølgning"
        ]
        if by_per[PlanField.Per.SECTION] or notes:
            for s in sections:
                block = SectionBlock(
                    s.title,
                    [
                        Value(f.label, format_value(f.kind, section_values.get((s.pk, f.pk), "")))
                        for f in by_per[PlanField.Per.SECTION]
                    ],
                    notes.get(s.pk, ""),
                )
                if block.notes or any(v.text for v in block.values) or by_per["section"]:
                    ctx["section_blocks"].append(block)
        items = plan.items.prefetch_related(
            Prefetch("activities", queryset=PlanActivity.objects.order_by("order", "pk"))
        ).order_by("order", "pk")
        for n, item in enumerate(items, start=1):
            ctx["items"].append(
                Item(
                    number=n,
                    title=item.title,
                    year=item.year,
                    status=item.get_status_display(),
                    values=[
                        Value(f.label, format_value(f.kind, item_values.get((item.pk, f.pk), "")))
                        for f in by_per[PlanField.Per.ITEM]
                    ],
                    activities=[
                        Activity(
                            a.text,
                            [
                                Value(
                                    f.label,
                                    format_value(f.kind, activity_values.get((a.pk, f.pk), "")),
                                )
                                for f in by_per[PlanField.Per.ACTIVITY]
                            ],
                        )
                        for a in item.activities.all()
                    ],
                )
            )
        ctx["follow_ups"] = _follow_ups(plan, fields, values)
        ctx["approvals"] = _approvals(conversation, plan)
        ctx["reopenings"] = list(
            PlanReopening.objects.filter(plan=plan).select_related("reopened_by")
        )
    elif notes:
        ctx["section_blocks"] = [
            SectionBlock(s.title, [], notes[s.pk]) for s in sections if s.pk in notes
        ]
    if doc_settings.include_minutes:
        minutes = Minutes.objects.filter(conversation=conversation).first()
        if minutes is not None and minutes.text.strip():
            ctx["minutes"] = minutes.text
            writer = getattr(conversation, "minutes_by", "")
            if writer:
                person = (
                    conversation.leader if writer == Role.LEADER else conversation.leaders_leader
                )
                ctx["minutes_by"] = person.get_full_name()
    if doc_settings.include_preparation:
        ctx["preparations"] = _preparations(conversation)
    return ctx


def _follow_ups(plan, fields: list[PlanField], values) -> list[tuple[datetime.date | str, str]]:
    rows: list[tuple[datetime.date | str, str]] = [
        (f.date, f.title) for f in FollowUp.objects.filter(plan=plan).order_by("date")
    ]
    if rows:
        return rows
    labels = {f.pk: f.label for f in fields if f.is_follow_up_date}
    found = []
    for v in values:
        if v.field_id in labels and v.value.strip():
            try:
                found.append((datetime.date.fromisoformat(v.value.strip()), labels[v.field_id]))
            except ValueError:
                found.append((v.value.strip(), labels[v.field_id]))
    return sorted(found, key=lambda t: str(t[0]))


def _approvals(conversation: Conversation, plan: Plan) -> list[Approval]:
    current = list(
        PlanApproval.objects.filter(plan=plan, cleared_at__isnull=True)
        .select_related("approved_by")
        .order_by("approved_at", "pk")
    )
    if current:
        return [
            Approval(
                str(Role(a.role).label) if a.role in Role.values else a.role,
                a.approved_by.get_full_name(),
                a.approved_at,
            )
            for a in current
        ]
    return [
        Approval(
            str(Role.LEADER.label), conversation.leader.get_full_name(), plan.approved_by_leader_at
        ),
        Approval(
            str(Role.LEADERS_LEADER.label),
            conversation.leaders_leader.get_full_name(),
            plan.approved_by_leaders_leader_at,
        ),
    ]


def records_for_conversation(conversation: Conversation) -> list[FiledRecord]:
    return list(
        FiledRecord.objects.filter(conversation=conversation)
        .prefetch_related("attempts")
        .order_by("-sequence")
    )


def both_approved(conversation: Conversation) -> bool:
    plan = getattr(conversation, "plan", None)
    if plan is None:
        return False
    try:
        plan = type(plan).objects.get(pk=plan.pk)
    except type(plan).DoesNotExist:  # pragma: no cover
        return False
    return bool(plan.approved_by_leader_at and plan.approved_by_leaders_leader_at)
