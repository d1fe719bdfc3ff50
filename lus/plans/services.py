"""Side effects on development plans (issue 5 adds co-editing on top of these rows)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lus.frameworks.models import PlanField, Section

from .models import (
    ConversationState,
    FollowUp,
    Minutes,
    Plan,
    PlanActivity,
    PlanApproval,
    PlanItem,
    PlanItemEvaluation,
    PlanReopening,
    PlanValue,
    SectionNote,
)


@transaction.atomic
def plan_create(*, conversation, continues: bool | None = None) -> Plan:
    plan = Plan(
        municipality_id=conversation.municipality_id,
        leader=conversation.leader,
        conversation=conversation,
        version=conversation.version,
        continues=conversation.version.plan_continues if continues is None else continues,
    )
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_item_add(*, plan: Plan, title: str, year: int, activities: list[str] = ()) -> PlanItem:
    item = PlanItem(
        municipality_id=plan.municipality_id,
        plan=plan,
        title=title,
        year=year,
        order=plan.items.count(),
    )
    item.full_clean()
    item.save()
    for i, text in enumerate(activities):
        activity = PlanActivity(municipality_id=plan.municipality_id, item=item, text=text, order=i)
        activity.full_clean()
        activity.save()
    return item


@transaction.atomic
def evaluation_save(*, conversation, item_id: int, text: str, status: str) -> PlanItemEvaluation:
    if status and status not in PlanItemEvaluation.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    evaluation, _created = PlanItemEvaluation.objects.get_or_create(
        item_id=item_id,
        conversation=conversation,
        defaults={"municipality_id": conversation.municipality_id},
    )
    if evaluation.text != text or evaluation.status != status:
        evaluation.text = text
        evaluation.status = status
        evaluation.full_clean()
        evaluation.save(update_fields=["text", "status", "updated_at"])
        PlanItemEvaluation.objects.filter(pk=evaluation.pk).update(revision=F("revision") + 1)
    return evaluation


def evaluations_save(*, conversation, evaluations, existing: dict) -> None:
    """Save several evaluations at once (the preparation form): ``evaluations`` with
    ``item_id``, ``text``, ``status``; ``existing``: item id -> the saved ``PlanItemEvaluation``
    (pk, text, status are enough). Same result as ``evaluation_save`` for each, in at most two
    queries (one insert, one update) whatever the number of points. Call it inside the
    preparation's transaction (its revision check serialises concurrent saves)."""
    now = timezone.now()
    to_create, to_update = [], []
    for e in evaluations:
        if e.status and e.status not in PlanItemEvaluation.Status.values:
            raise ValidationError({"status": _("Choose a status from the list.")})
        current = existing.get(e.item_id)
        if current is not None and current.text == e.text and current.status == e.status:
            continue
        obj = current or PlanItemEvaluation(
            municipality_id=conversation.municipality_id,
            item_id=e.item_id,
            conversation_id=conversation.pk,
        )
        obj.text, obj.status = e.text, e.status
        # item, conversation and municipality are known to exist (the form only accepts the
        # previous plan's points): validate the values without a query per point.
        obj.full_clean(exclude=["item", "conversation", "municipality"], validate_unique=False)
        if current is None:
            obj.revision = 1 if (e.text or e.status) else 0
            to_create.append(obj)
        else:
            obj.updated_at = now
            to_update.append(obj)
    PlanItemEvaluation.objects.bulk_create(to_create)
    if to_update:
        PlanItemEvaluation.objects.bulk_update(
            [
                PlanItemEvaluation(
                    pk=o.pk,
                    text=o.text,
                    status=o.status,
                    updated_at=now,
                    revision=F("revision") + 1,
                )
                for o in to_update
            ],
            ["text", "status", "updated_at", "revision"],
        )


# --- issue 5: co-editing ------------------------------------------------------------------------
#
# Every editable value of the plan, the section notes and the minutes is a *cell*: one row with a
# ``revision`` counter. A browser saves one cell at a time and sends the revision its text was
# based on. ``merge_decision`` (pure) decides what happens; ``cell_save`` applies it inside
# ``transaction.atomic`` with the plan row locked (``select_for_update``), so two savers of the
# same plan are serialised and the revision compare is exact. Nothing is ever overwritten
# silently: a save based on an old revision is returned as a conflict carrying both versions.


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
    #: on conflict: the other person's saved version and the one this save tried to store
    theirs: str | None = None
    mine: str | None = None
    approvals_cleared: bool = False

    @property
    def saved(self) -> bool:
        return self.status == Outcome.SAVED

    @property
    def is_conflict(self) -> bool:
        return self.status == Outcome.CONFLICT


def merge_decision(
    *, stored_value: str, stored_revision: int, base_revision: int, new_value: str
) -> SaveOutcome:
    """Decide a save of one cell (pure; no database).

    - based on the stored revision: saved (revision + 1), or unchanged if the text is the same;
    - based on an older (or unknown) revision but with exactly the stored text: unchanged —
      both people wrote the same, nothing to choose;
    - otherwise: a conflict with both versions; nothing is written. The user chooses (keep
      mine / take theirs / merge) and saves again based on ``revision``.
    """
    if base_revision == stored_revision:
        if new_value == stored_value:
            return SaveOutcome(Outcome.UNCHANGED, stored_value, stored_revision)
        return SaveOutcome(Outcome.SAVED, new_value, stored_revision + 1)
    if new_value == stored_value:
        return SaveOutcome(Outcome.UNCHANGED, stored_value, stored_revision)
    return SaveOutcome(
        Outcome.CONFLICT, stored_value, stored_revision, theirs=stored_value, mine=new_value
    )


class PlanLocked(Exception):
    """The plan is agreed (or filed): read-only."""


class CellGone(Exception):
    """The cell's development point or activity was deleted by the other person."""


class PlanError(ValidationError):
    """A refused plan action (Danish message)."""


LOCKED_STATUSES = ("plan_agreed", "filed")
CELL_KEY = re.compile(
    r"^(?:p(?P<plan_field>\d{1,10})"
    r"|s(?P<section>\d{1,10})-f(?P<section_field>\d{1,10})"
    r"|i(?P<item>\d{1,10})-(?:f(?P<item_field>\d{1,10})|(?P<title>title))"
    r"|a(?P<activity>\d{1,10})-(?:f(?P<activity_field>\d{1,10})|(?P<text>text))"
    r"|n(?P<note>\d{1,10})"
    r"|(?P<minutes>minutes))$"
)
MAX_LENGTH = {"text": 500, "longtext": 10_000, "responsible": 200, "title": 300, "minutes": 50_000}
HORIZONS = ("", "short", "long")


def role_in(conversation, user) -> str:
    if conversation.leader_id == user.pk:
        return "leader"
    if conversation.conductor_id == user.pk:
        return "leaders_leader"
    raise PermissionError("not a party")


def minutes_writer_role(conversation) -> str:
    """ "leader", "leaders_leader" or "" (no minutes). Set by the invitation (another app)."""
    if conversation.version.minutes == "none":
        return ""
    return getattr(conversation, "minutes_by", "") or ""


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
    limit = MAX_LENGTH.get(kind, 10_000)
    if len(value) > limit:
        raise ValidationError(
            {"value": _("The text is too long (at most %(max)s characters).") % {"max": limit}}
        )
    if kind in ("text", "responsible", "title"):
        value = value.replace("\n", " ")
    return value


def _lock_plan(plan_id: int) -> Plan:
    return Plan.objects.select_for_update().select_related("conversation").get(pk=plan_id)


def _conversation_status(conversation_id: int) -> str:
    from lus.conversations.models import Conversation

    return Conversation.objects.filter(pk=conversation_id).values_list("status", flat=True).get()


def _fields_of(plan: Plan) -> dict[int, PlanField]:
    return {f.pk: f for f in PlanField.objects.filter(version_id=plan.version_id)}


def _locate(plan: Plan, key: str, user, role: str):
    """(row, attribute, kind, is_plan_content) for a cell key, creating a value row that does
    not exist yet. Raises ValidationError for a key that is not part of this plan, CellGone for a
    deleted point/activity, PermissionError for minutes the user does not write."""
    match = CELL_KEY.match(key or "")
    if not match:
        raise ValidationError({"key": _("Unknown field.")})
    g = match.groupdict()
    conversation = plan.conversation
    m = plan.municipality_id
    if g["minutes"]:
        if minutes_writer_role(conversation) != role:
            raise PermissionError("not the minutes writer")
        row, _created = Minutes.objects.select_for_update().get_or_create(
            conversation=conversation, defaults={"municipality_id": m}
        )
        return row, "text", "minutes", False
    if g["note"]:
        section = Section.objects.filter(pk=int(g["note"]), version_id=plan.version_id).first()
        if section is None or section.kind == Section.Kind.PLAN:
            raise ValidationError({"key": _("Unknown field.")})
        row, _created = SectionNote.objects.select_for_update().get_or_create(
            conversation=conversation, section=section, defaults={"municipality_id": m}
        )
        return row, "text", "longtext", False
    if g["title"] or g["text"]:
        model = PlanItem if g["title"] else PlanActivity
        lookup = {"plan": plan} if g["title"] else {"item__plan": plan}
        row = model.objects.select_for_update().filter(pk=int(g["item"] or g["activity"]), **lookup)
        row = row.first()
        if row is None:
            raise CellGone
        return row, ("title" if g["title"] else "text"), ("title" if g["title"] else "text"), True
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
    target = {"item": None, "activity": None, "section": None}
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
    row = PlanValue.objects.select_for_update().filter(plan=plan, field=field, **target).first()
    if row is None:
        row = PlanValue.objects.create(municipality_id=m, plan=plan, field=field, **target)
    return row, "value", field.kind, True


def _clear_approvals(plan: Plan, reason: str) -> bool:
    if not (plan.approved_by_leader_at or plan.approved_by_conductor_at):
        return False
    Plan.objects.filter(pk=plan.pk).update(
        approved_by_leader_at=None,
        approved_by_conductor_at=None,
        approved_by_leader=None,
        approved_by_conductor=None,
    )
    PlanApproval.objects.filter(plan=plan, cleared_at__isnull=True).update(
        cleared_at=timezone.now(), cleared_reason=reason[:200]
    )
    plan.approved_by_leader_at = plan.approved_by_conductor_at = None
    plan.approved_by_leader = plan.approved_by_conductor = None
    return True


@transaction.atomic
def cell_save(*, plan: Plan, user, key: str, base_revision: int, value: str) -> SaveOutcome:
    """Save one cell of the plan / notes / minutes for ``user`` (a party of the conversation).

    Raises PlanLocked (agreed: read-only), CellGone, PermissionError (minutes of the other
    writer) or ValidationError (bad key or value). A plan edit clears earlier approvals."""
    plan = _lock_plan(plan.pk)
    if _conversation_status(plan.conversation_id) in LOCKED_STATUSES:
        raise PlanLocked
    role = role_in(plan.conversation, user)
    row, attr, kind, is_plan_content = _locate(plan, key, user, role)
    value = clean_cell_value(kind, value)
    outcome = merge_decision(
        stored_value=getattr(row, attr),
        stored_revision=row.revision,
        base_revision=base_revision,
        new_value=value,
    )
    if not outcome.saved:
        return outcome
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
    return SaveOutcome(Outcome.SAVED, value, outcome.revision, approvals_cleared=cleared)


# --- structure: development points and activities ------------------------------------------------


def _editable_plan(plan: Plan) -> Plan:
    plan = _lock_plan(plan.pk)
    if _conversation_status(plan.conversation_id) in LOCKED_STATUSES:
        raise PlanLocked
    return plan


@transaction.atomic
def plan_item_create(*, plan: Plan, user, title: str = "") -> PlanItem:
    plan = _editable_plan(plan)
    title = clean_cell_value("title", title or "").strip() or _("New development point")
    item = plan_item_add(plan=plan, title=title, year=plan.conversation.year)
    _clear_approvals(plan, _("Changed after approval"))
    return item


@transaction.atomic
def plan_item_delete(*, plan: Plan, user, item_id: int) -> None:
    plan = _editable_plan(plan)
    deleted, _rows = PlanItem.objects.filter(plan=plan, pk=item_id).delete()
    if not deleted:
        raise CellGone
    _clear_approvals(plan, _("Changed after approval"))


@transaction.atomic
def plan_activity_create(*, plan: Plan, user, item_id: int) -> PlanActivity:
    plan = _editable_plan(plan)
    item = PlanItem.objects.filter(plan=plan, pk=item_id).first()
    if item is None:
        raise CellGone
    activity = PlanActivity(
        municipality_id=plan.municipality_id,
        item=item,
        text=_("New activity"),
        order=item.activities.count(),
    )
    activity.full_clean()
    activity.save()
    _clear_approvals(plan, _("Changed after approval"))
    return activity


@transaction.atomic
def plan_activity_delete(*, plan: Plan, user, activity_id: int) -> None:
    plan = _editable_plan(plan)
    deleted, _rows = PlanActivity.objects.filter(item__plan=plan, pk=activity_id).delete()
    if not deleted:
        raise CellGone
    _clear_approvals(plan, _("Changed after approval"))


# --- getting the plan of a conversation ---------------------------------------------------------


def plan_get_or_create(*, conversation) -> Plan:
    """The conversation's plan, created on first use. A continuing plan (Høje-Taastrup) starts
    with the open development points of the leader's previous plan (with their values and
    activities), so the leader keeps one plan from year to year."""
    plan = Plan.objects.filter(conversation=conversation).select_related("version").first()
    if plan is not None:
        return plan
    try:
        with transaction.atomic():
            plan = plan_create(conversation=conversation)
            if plan.continues:
                _carry_forward(plan)
    except IntegrityError:
        # Created by the other person at the same moment.
        plan = Plan.objects.select_related("version").get(conversation=conversation)
    return plan


def _carry_forward(plan: Plan) -> None:
    previous = (
        Plan.objects.filter(
            leader_id=plan.leader_id,
            continues=True,
            conversation__year__lt=plan.conversation.year,
        )
        .order_by("-conversation__year")
        .first()
    )
    if previous is None:
        return
    finished = set(
        PlanItemEvaluation.objects.filter(
            conversation=plan.conversation,
            item__plan=previous,
            status__in=[PlanItemEvaluation.Status.DONE, PlanItemEvaluation.Status.DROPPED],
        ).values_list("item_id", flat=True)
    )
    fields = {f.key: f for f in PlanField.objects.filter(version_id=plan.version_id)}
    for old in previous.items.filter(status=PlanItem.Status.OPEN).prefetch_related(
        "activities__values__field", "values__field"
    ):
        if old.pk in finished:
            continue
        item = PlanItem.objects.create(
            municipality_id=plan.municipality_id,
            plan=plan,
            title=old.title,
            year=old.year,
            order=old.order,
        )
        for v in old.values.all():
            if v.activity_id is None and v.field.key in fields:
                PlanValue.objects.create(
                    municipality_id=plan.municipality_id,
                    plan=plan,
                    item=item,
                    field=fields[v.field.key],
                    value=v.value,
                )
        for old_activity in old.activities.all():
            activity = PlanActivity.objects.create(
                municipality_id=plan.municipality_id,
                item=item,
                text=old_activity.text,
                order=old_activity.order,
            )
            for v in old_activity.values.all():
                if v.field.key in fields:
                    PlanValue.objects.create(
                        municipality_id=plan.municipality_id,
                        plan=plan,
                        item=item,
                        activity=activity,
                        field=fields[v.field.key],
                        value=v.value,
                    )


# --- agree and lock -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ApprovalResult:
    plan: Plan
    agreed: bool


@transaction.atomic
def plan_approve(*, plan: Plan, user) -> ApprovalResult:
    """Approve the plan as the user's party. When both have approved, the conversation moves to
    "plan agreed", the plan and the conversation become read-only and the follow-up dates become
    follow-ups for both people."""
    from lus.conversations.models import Conversation
    from lus.conversations.services import conversation_agree_plan

    plan = _lock_plan(plan.pk)
    status = _conversation_status(plan.conversation_id)
    if status in LOCKED_STATUSES:
        raise PlanLocked
    if status != Conversation.Status.HELD:
        raise PlanError(_("Mark the conversation as held before approving the plan."))
    role = role_in(plan.conversation, user)
    now = timezone.now()
    if role == "leader" and not plan.approved_by_leader_at:
        plan.approved_by_leader_at, plan.approved_by_leader = now, user
    elif role == "leaders_leader" and not plan.approved_by_conductor_at:
        plan.approved_by_conductor_at, plan.approved_by_conductor = now, user
    else:
        return ApprovalResult(plan, False)
    PlanApproval.objects.create(
        municipality_id=plan.municipality_id,
        plan=plan,
        role=role,
        approved_by=user,
        approved_at=now,
    )
    agreed = bool(plan.approved_by_leader_at and plan.approved_by_conductor_at)
    if agreed:
        plan.agreed_at = now
        conversation = Conversation.objects.get(pk=plan.conversation_id)
        conversation_agree_plan(conversation=conversation)
        plan.conversation = conversation
        _create_follow_ups(plan)
    plan.save(
        update_fields=[
            "approved_by_leader_at",
            "approved_by_leader",
            "approved_by_conductor_at",
            "approved_by_conductor",
            "agreed_at",
            "updated_at",
        ]
    )
    return ApprovalResult(plan, agreed)


def _create_follow_ups(plan: Plan) -> list[FollowUp]:
    title = plan.version.plan_title or _("Development plan")
    created = []
    values = PlanValue.objects.filter(plan=plan, field__is_follow_up_date=True).select_related(
        "item", "field"
    )
    for v in values:
        try:
            date = datetime.date.fromisoformat(v.value.strip())
        except ValueError:
            continue
        label = _("Follow-up: %(plan)s, %(name)s") % {"plan": title, "name": plan.leader.name}
        if v.item_id:
            label = f"{label} ({v.item.title})"
        created.append(
            FollowUp.objects.create(
                municipality_id=plan.municipality_id,
                plan=plan,
                date=date,
                title=label[:300],
                source=v,
            )
        )
    return created


@transaction.atomic
def plan_reopen(*, plan: Plan, user, reason: str) -> PlanReopening:
    """Open an agreed plan again (recorded with the reason). Approvals and the derived
    follow-ups are withdrawn; the conversation goes back to "held"."""
    from lus.conversations.models import Conversation
    from lus.conversations.services import conversation_reopen_plan

    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ValidationError({"reason": _("Write why the plan is reopened.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("The reason is too long (at most 2000 characters).")})
    plan = _lock_plan(plan.pk)
    role_in(plan.conversation, user)
    status = _conversation_status(plan.conversation_id)
    # A filed plan may be reopened too: the filed record stays; filing again makes a new one.
    if status not in (Conversation.Status.PLAN_AGREED, Conversation.Status.FILED):
        raise PlanError(_("Only an agreed plan can be reopened."))
    reopening = PlanReopening(
        municipality_id=plan.municipality_id,
        plan=plan,
        reopened_by=user,
        reopened_at=timezone.now(),
        reason=reason,
    )
    reopening.full_clean()
    reopening.save()
    _clear_approvals(plan, _("Reopened: %(reason)s") % {"reason": reason})
    Plan.objects.filter(pk=plan.pk).update(agreed_at=None)
    FollowUp.objects.filter(plan=plan).delete()
    conversation_reopen_plan(conversation=Conversation.objects.get(pk=plan.conversation_id))
    return reopening


# --- the conversation -----------------------------------------------------------------------------


@transaction.atomic
def conversation_set_start(*, conversation, section_id: int | None) -> ConversationState:
    """Norddjurs: which dimension the conversation starts with (reorders the view)."""
    if _conversation_status(conversation.pk) in LOCKED_STATUSES:
        raise PlanLocked
    section = None
    if section_id is not None:
        section = Section.objects.filter(pk=section_id, version_id=conversation.version_id).first()
        if section is None or section.kind == Section.Kind.PLAN:
            raise ValidationError({"section": _("Choose a section from the list.")})
    state, _created = ConversationState.objects.get_or_create(
        conversation=conversation, defaults={"municipality_id": conversation.municipality_id}
    )
    state.start_section = section
    state.save(update_fields=["start_section"])
    return state


def follow_up_ics(*, follow_up: FollowUp, base_url: str = "") -> bytes:
    """The follow-up as an all-day calendar event (.ics) for both people. The UID is stable
    (plan + source field), so importing it again after a reopened plan updates the event."""
    import icalendar
    from django.urls import reverse

    conversation = follow_up.plan.conversation
    cal = icalendar.Calendar()
    cal.add("prodid", "-//LUS//lederudviklingssamtaler//DA")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = icalendar.Event()
    source = follow_up.source_id or f"f{follow_up.pk}"
    event.add("uid", f"lus-followup-{follow_up.plan_id}-{source}@lus")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", follow_up.date)
    event.add("dtend", follow_up.date + datetime.timedelta(days=1))
    event.add("summary", follow_up.title)
    url = base_url.rstrip("/") + reverse("plans:plan", args=[conversation.pk])
    event.add("description", _("The agreed development plan: %(url)s") % {"url": url})
    event.add("url", url)
    for person in (conversation.leader, conversation.conductor):
        if person.email:
            attendee = icalendar.vCalAddress(f"mailto:{person.email}")
            attendee.params["cn"] = icalendar.vText(person.name)
            event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()
