from __future__ import annotations

from django.db.models import Subquery

from lus.conversations.models import Conversation
from lus.plans.models import PlanItem

from .models import StatusNote, StatusTalk


def talks_of(conversation: Conversation) -> list[StatusTalk]:
    return list(StatusTalk.objects.filter(conversation=conversation).order_by("number"))


def plan_items_of(conversation: Conversation) -> list[PlanItem]:
    return list(PlanItem.objects.filter(plan__conversation=conversation).order_by("order", "pk"))


def notes_by_item(talk: StatusTalk) -> dict[int, StatusNote]:
    return {n.item_id: n for n in StatusNote.objects.filter(talk=talk)}


def previous_status(conversation: Conversation):
    """The status talks held on the leader's previous LUS plan, with the notes per point:
    ``(previous conversation, [(item, [(talk, note), ...]), ...])`` or None."""
    # One query where nothing was held (most leaders): the previous conversation is read
    # with its talks, not before them.
    previous_pk = (
        Conversation.objects.filter(leader_id=conversation.leader_id, year__lt=conversation.year)
        .order_by("-year")
        .values("pk")[:1]
    )
    talks = list(
        StatusTalk.objects.filter(conversation_id=Subquery(previous_pk))
        .select_related("conversation")
        .order_by("number")
    )
    if not talks:
        return None
    previous = talks[0].conversation
    notes = {}
    for note in StatusNote.objects.filter(talk__in=talks):
        notes[(note.talk_id, note.item_id)] = note
    rows = [
        (item, [(talk, notes.get((talk.pk, item.pk))) for talk in talks])
        for item in plan_items_of(previous)
    ]
    return previous, rows


def agreements_of(conversation: Conversation):
    """The agreements per section (Albertslund's perspectives: what, when, who, responsible,
    follow-up date): ``[(section, [(field, text, date or None)])]`` for the sections whose
    agreement fields hold something, in the framework's order. Empty when the layout has no
    section fields or there is no plan yet."""
    from lus.frameworks.models import PlanField, Section
    from lus.plans.models import Plan, PlanValue

    plan = Plan.objects.filter(conversation=conversation).select_related("version").first()
    if plan is None:
        return []
    fields = list(PlanField.objects.filter(version=plan.version, per=PlanField.Per.SECTION))
    if not fields:
        return []
    values = {
        (v.section_id, v.field_id): v.value
        for v in PlanValue.objects.filter(
            plan=plan, section__isnull=False, item__isnull=True, activity__isnull=True
        )
    }
    out = []
    for section in Section.objects.filter(version=plan.version).order_by("order", "pk"):
        texts = [(f, values.get((section.pk, f.pk), "").strip()) for f in fields]
        rows = [
            (f, text, _as_date(text) if f.kind == PlanField.Kind.DATE else None)
            for f, text in texts
        ]
        if any(text for _f, text, _d in rows):
            out.append((section, rows))
    return out


def _as_date(text: str):
    import datetime

    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None
