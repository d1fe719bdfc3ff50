"""Co-editing one cell: deciding a save (merge or conflict) and applying it.

Every editable value of the plan, the section notes and the minutes is a *cell*: one row with a
``revision`` counter. A browser saves one cell at a time and sends the revision its text was
based on. ``merge_decision`` (pure) decides what happens; ``cell_save`` applies it inside
``transaction.atomic`` with the plan row locked (``select_for_update``), so two savers of the
same plan are serialised and the revision compare is exact. Nothing is ever overwritten
silently: a save based on an old revision is returned as a conflict carrying both versions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lus.audit.models import AuditEvent
from lus.audit.services import audit_record
from lus.conversations.models import Minutes, SectionNote
from lus.frameworks.models import PlanField, Section

from ..merge import merge
from ..models import Plan, PlanActivity, PlanEvent, PlanItem, PlanValue
from .common import (
    CELL_KEY,
    LOCKED_STATUSES,
    _clear_approvals,
    _conversation_status,
    _lock_plan,
    minutes_writer_role,
    role_in,
)
from .errors import CellGone, NotMinutesWriter, PlanLocked
from .events import plan_event_add


class Outcome:
    SAVED = "saved"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class SaveOutcome:
    status: str
    #: the value stored after the decision
    value: str
    #: the revision stored after the decision (what the next save must be based on)
    revision: int
    #: on conflict: the whole text with the overlapping stretches read the other person's way
    #: (``theirs``) and this save's way (``mine``); everything else is merged in both
    theirs: str | None = None
    mine: str | None = None
    approvals_cleared: bool = False
    #: on conflict: (their reading, my reading) of each overlapping stretch
    parts: tuple = ()
    #: saved by merging with an edit this save had not seen
    merged: bool = False

    @property
    def saved(self) -> bool:
        return self.status == Outcome.SAVED

    @property
    def is_conflict(self) -> bool:
        return self.status == Outcome.CONFLICT


def merge_decision(
    *,
    stored_value: str,
    stored_revision: int,
    base_revision: int,
    new_value: str,
    base_value: str | None = None,
) -> SaveOutcome:
    """Decide a save of one cell (pure; no database).

    - based on the stored revision: saved (revision + 1), or unchanged if the text is the same;
    - based on an older revision with exactly the stored text: unchanged;
    - based on an older revision, with the text it was based on (``base_value``): a three-way
      merge (``merge.merge``). Edits of different characters are both kept and saved; only
      where both changed the same characters is it a conflict, carrying the whole text read
      both ways and the overlapping stretches. Nothing is written on a conflict;
    - based on an older revision without ``base_value`` (an old page): a conflict with both
      versions, as before.
    """
    if base_revision == stored_revision:
        if new_value == stored_value:
            return SaveOutcome(Outcome.UNCHANGED, stored_value, stored_revision)
        return SaveOutcome(Outcome.SAVED, new_value, stored_revision + 1)
    if new_value == stored_value:
        return SaveOutcome(Outcome.UNCHANGED, stored_value, stored_revision)
    if base_value is None or base_revision > stored_revision:
        return SaveOutcome(
            Outcome.CONFLICT,
            stored_value,
            stored_revision,
            theirs=stored_value,
            mine=new_value,
            parts=((stored_value, new_value),),
        )
    result = merge(base_value, stored_value, new_value)
    if not result.clean:
        return SaveOutcome(
            Outcome.CONFLICT,
            stored_value,
            stored_revision,
            theirs=result.theirs,
            mine=result.mine,
            parts=tuple(result.conflicts),
        )
    if result.mine == stored_value:
        return SaveOutcome(Outcome.UNCHANGED, stored_value, stored_revision)
    return SaveOutcome(Outcome.SAVED, result.mine, stored_revision + 1, merged=True)


#: The longest value of each cell kind (the templates' ``maxlength`` comes from here).
MAX_LENGTH: Final = {
    "text": 500,
    "longtext": 10_000,
    "responsible": 200,
    "title": 300,
    "minutes": 50_000,
}
DEFAULT_MAX_LENGTH: Final = 10_000
HORIZONS = ("", "short", "long")


def clean_cell_value(kind: str, value: str) -> str:
    """Normalise and validate one cell value by its kind; Danish ValidationError."""
    if not isinstance(value, str):
        raise ValidationError({"value": _("The value could not be read.")})
    if "\x00" in value:
        raise ValidationError({"value": _("The text contains characters that cannot be saved.")})
    value = value.replace("\r\n", "\n")
    if kind == "date":
        value = value.strip()
        if value:
            try:
                datetime.date.fromisoformat(value)
            except ValueError as exc:
                raise ValidationError({"value": _("Enter a valid date.")}) from exc
        return value
    if kind == "horizon":
        if value not in HORIZONS:
            raise ValidationError({"value": _("Choose short or long term.")})
        return value
    limit = MAX_LENGTH.get(kind, DEFAULT_MAX_LENGTH)
    if len(value) > limit:
        raise ValidationError(
            {"value": _("The text is too long (at most %(max)s characters).") % {"max": limit}}
        )
    if kind in ("text", "responsible", "title"):
        value = value.replace("\n", " ")
    return value


def _fields_of(plan: Plan) -> dict[int, PlanField]:
    return {f.pk: f for f in PlanField.objects.filter(version_id=plan.version_id)}


def _locate(plan: Plan, key: str, user, role: str):
    """(row, attribute, kind, is_plan_content) for a cell key, creating a value row that does
    not exist yet. Raises ValidationError for a key that is not part of this plan, CellGone for a
    deleted point/activity, NotMinutesWriter for minutes the user does not write."""
    match = CELL_KEY.match(key or "")
    if not match:
        raise ValidationError({"key": _("Unknown field.")})
    g = match.groupdict()
    conversation = plan.conversation
    m = plan.municipality_id
    if g["minutes"]:
        if minutes_writer_role(conversation) != role:
            raise NotMinutesWriter
        minutes, _created = Minutes.objects.select_for_update().get_or_create(
            conversation=conversation, defaults={"municipality_id": m}
        )
        return minutes, "text", "minutes", False
    if g["note"]:
        section = Section.objects.filter(pk=int(g["note"]), version_id=plan.version_id).first()
        if section is None or section.kind == Section.Kind.PLAN:
            raise ValidationError({"key": _("Unknown field.")})
        note, _created = SectionNote.objects.select_for_update().get_or_create(
            conversation=conversation, section=section, defaults={"municipality_id": m}
        )
        return note, "text", "longtext", False
    if g["title"] or g["text"]:
        model = PlanItem if g["title"] else PlanActivity
        lookup = {"plan": plan} if g["title"] else {"item__plan": plan}
        cell = (
            model.objects.select_for_update()
            .filter(pk=int(g["item"] or g["activity"]), **lookup)
            .first()
        )
        if cell is None:
            raise CellGone
        return cell, ("title" if g["title"] else "text"), ("title" if g["title"] else "text"), True
    field_id = int(g["plan_field"] or g["section_field"] or g["item_field"] or g["activity_field"])
    field = _fields_of(plan).get(field_id)
    per = (
        "plan"
        if g["plan_field"]
        else "section"
        if g["section_field"]
        else "item"
        if g["item_field"]
        else "activity"
    )
    if field is None or field.per != per:
        raise ValidationError({"key": _("Unknown field.")})
    target: dict[str, Section | PlanItem | PlanActivity | None] = {
        "item": None,
        "activity": None,
        "section": None,
    }
    if per == "section":
        section = Section.objects.filter(pk=int(g["section"]), version_id=plan.version_id).first()
        if section is None:
            raise ValidationError({"key": _("Unknown field.")})
        target["section"] = section
    elif per == "item":
        target["item"] = PlanItem.objects.filter(pk=int(g["item"]), plan=plan).first()
        if target["item"] is None:
            raise CellGone
    elif per == "activity":
        activity = (
            PlanActivity.objects.filter(pk=int(g["activity"]), item__plan=plan)
            .select_related("item")
            .first()
        )
        if activity is None:
            raise CellGone
        target["activity"], target["item"] = activity, activity.item
    value = PlanValue.objects.select_for_update().filter(plan=plan, field=field, **target).first()
    if value is None:
        value = PlanValue.objects.create(municipality_id=m, plan=plan, field=field, **target)
    return value, "value", field.kind, True


@transaction.atomic
def cell_save(
    *,
    plan: Plan,
    user,
    key: str,
    base_revision: int,
    value: str,
    base_value: str | None = None,
    token: str = "",
    request=None,
) -> SaveOutcome:
    """Save one cell of the plan / notes / minutes for ``user`` (a party of the conversation).

    ``base_value`` is the text the browser's edit started from (revision ``base_revision``):
    with it, a save that crossed another person's save is merged (see ``merge_decision``).
    ``token`` (unique per save attempt) makes a resent save answer what the first one did.

    Raises PlanLocked (agreed: read-only), CellGone (carrying the text back), NotMinutesWriter
    or ValidationError (bad key or value). A plan edit clears earlier approvals. A save is
    audited (``request``: only for the client address)."""
    plan = _lock_plan(plan.pk)
    if _conversation_status(plan.conversation_id) in LOCKED_STATUSES:
        raise PlanLocked
    role = role_in(plan.conversation, user)
    if token:
        done = (
            PlanEvent.objects.filter(plan_id=plan.pk, token=token[:64], kind=PlanEvent.Kind.CELL)
            .values_list("key", "revision")
            .first()
        )
        if done is not None and done[0] == key:
            row, attr, _kind, _content = _locate(plan, key, user, role)
            return SaveOutcome(Outcome.SAVED, getattr(row, attr), row.revision)
    try:
        row, attr, kind, is_plan_content = _locate(plan, key, user, role)
    except CellGone as exc:
        raise CellGone(
            _(
                "The other person has deleted this development point. Your text is kept "
                "below; copy it if you need it."
            ),
            mine=value,
        ) from exc
    value = clean_cell_value(kind, value)
    if base_value is not None and kind in ("date", "horizon"):
        base_value = None  # a choice, not a text: merging characters makes no sense
    if base_value is not None:
        try:
            base_value = clean_cell_value(kind, base_value)
        except ValidationError:
            base_value = None
    outcome = merge_decision(
        stored_value=getattr(row, attr),
        stored_revision=row.revision,
        base_revision=base_revision,
        new_value=value,
        base_value=base_value,
    )
    if not outcome.saved:
        return outcome
    value = clean_cell_value(kind, outcome.value)
    setattr(row, attr, value)
    row.revision = outcome.revision
    fields = [attr, "revision"]
    if hasattr(row, "updated_by_id"):
        row.updated_by = user
        fields.append("updated_by")
    if hasattr(row, "updated_at"):
        fields.append("updated_at")
    row.save(update_fields=fields)
    cleared = False
    if is_plan_content:
        cleared = _clear_approvals(plan, _("Changed after approval"))
        Plan.objects.filter(pk=plan.pk).update(updated_at=timezone.now())
    plan_event_add(
        plan=plan,
        kind=PlanEvent.Kind.CELL,
        user=user,
        key=key,
        revision=outcome.revision,
        value=value,
        token=token,
    )
    if cleared:
        plan_event_add(plan=plan, kind=PlanEvent.Kind.PANEL, user=user)
    what = "minutes" if key == "minutes" else "notes" if key.startswith("n") else "plan"
    audit_record(
        actor=user,
        action=f"change_{what}",
        target=plan,
        detail={
            "minutes": _("Changed the minutes"),
            "notes": _("Changed the conversation notes"),
            "plan": _("Changed the development plan"),
        }[what],
        category=AuditEvent.Category.CHANGE,
        request=request,
    )
    return SaveOutcome(
        Outcome.SAVED, value, outcome.revision, approvals_cleared=cleared, merged=outcome.merged
    )
