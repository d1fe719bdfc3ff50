"""The conversation view (used during the meeting), the co-edited development plan, agreeing and
reopening it, and the follow-ups. Thin: writes in services.py, reads in selectors.py.

Co-editing (see ``services.cell_save``): each field is saved on its own with the revision it was
based on (``save``); the page polls ``state`` every few seconds and updates the fields the user is
not editing (static/js/plan.js). A save based on an old revision answers 409 with both versions.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from lus.audit.services import audit_record
from lus.conversations import selectors as conversation_selectors
from lus.conversations.models import Conversation, Role
from lus.conversations.services import (
    ConversationStatusError,
    conversation_hold,
)
from lus.core.access import object_for_user

from . import selectors, services
from .models import FollowUp


def _locked_message() -> str:
    return _("The plan has been agreed and is locked. Reopen it (with a reason) to change it.")


def _conversation(
    request: HttpRequest, pk: int, perm: str = "plans.view_conversation_content", queryset=None
):
    return object_for_user(
        request,
        queryset
        if queryset is not None
        else conversation_selectors.conversations_for_user(request.user),
        perm=perm,
        view_perm="plans.view_conversation_content",
        pk=pk,
    )


def _is_other_party(request, conversation) -> bool:
    return request.user.pk == conversation.conductor_id


def _panel_context(request, conversation, plan) -> dict:
    user = request.user
    role = "leader" if user.pk == conversation.leader_id else "leaders_leader"
    mine = plan.approved_by_leader_at if role == "leader" else plan.approved_by_conductor_at
    return {
        "conversation": conversation,
        "plan": plan,
        "role": role,
        "approved_by_me": bool(mine),
        "locked": conversation.status in services.LOCKED_STATUSES,
        "can_approve": conversation.status == Conversation.Status.HELD and not mine,
        "can_reopen": user.has_perm("plans.reopen_plan", conversation),
        "reopenings": (
            list(plan.reopenings.select_related("reopened_by"))
            if getattr(conversation, "has_reopenings", True)
            else []
        ),
        "panel_sig": f"{conversation.status}|{plan.approved_by_leader_at}|"
        f"{plan.approved_by_conductor_at}|{plan.agreed_at}",
    }


# --- the conversation view ------------------------------------------------------------------------


def _answer_rows(conversation, user, role_questions, answers, visible):
    from lus.conversations.views import answer_display

    rows = {}
    for role, sections in role_questions.items():
        for s in sections:
            for q in s.questions:
                if not q.is_answerable:
                    continue
                row = rows.setdefault(q.pk, {"question": q, "leader": None, "conductor": None})
                if visible[role]:
                    row[role] = answer_display(q, answers[role].get(q.pk)) or "-"
    return rows


def _conversation_context(request, conversation) -> dict:
    """Everything the conversation view shows, in a constant number of queries whatever the
    layout and the amount of data: ``conversation`` comes from
    ``selectors.conversations_for_view`` (plan, start section, minutes and a few flags in the
    same row); answers, items, plan values and notes are one query each."""
    user = request.user
    plan = selectors.related_or_none(conversation, "plan")
    if plan is None:
        plan = services.plan_get_or_create(conversation=conversation)
    plan.conversation = conversation
    both = conversation.version.both_prepare
    effective = conversation_selectors.conversation_questions(conversation)
    structures = {
        "leader": conversation_selectors.preparation_structure(conversation, Role.LEADER, effective)
    }
    if both:
        structures["conductor"] = conversation_selectors.preparation_structure(
            conversation, Role.LEADERS_LEADER, effective
        )
    answers, last_year = selectors.conversation_answers(conversation)
    is_leader = user.pk == conversation.leader_id
    visible = {
        "leader": is_leader or user.has_perm("conversations.view_leader_preparation", conversation),
        "conductor": both and (not is_leader or conversation.conductor_shared),
    }
    rows = _answer_rows(conversation, user, structures, answers, visible)
    # One list of sections (the leader's, plus any the leader's leader alone answers).
    seen, sections = set(), []
    for sv in structures["leader"] + structures.get("conductor", []):
        if sv.section.pk in seen:
            continue
        seen.add(sv.section.pk)
        sections.append(sv.section)
    state = selectors.related_or_none(conversation, "plan_state")
    start_id = state.start_section_id if state else None
    sections = selectors.ordered_sections(sections, start_id)
    # This year's development points and the previous plan's (to evaluate) in one query.
    previous_id = (
        conversation.previous_plan_continuing
        if conversation.version.plan_continues
        else conversation.previous_plan_any
    )
    plan_ids = [plan.pk] + ([previous_id] if previous_id else [])
    items = selectors.plan_items(
        plan_ids,
        evaluated_in=conversation,
        before_year=(previous_id, conversation.year) if previous_id else None,
    )
    view = selectors.plan_view(plan, items=[i for i in items if i.plan_id == plan.pk])
    notes = selectors.note_cells(conversation, sections)
    blocks = []
    for section in sections:
        questions = []
        for role in ("leader", "conductor"):
            for sv in structures.get(role, []):
                if sv.section.pk != section.pk:
                    continue
                for q in sv.questions:
                    if q.is_answerable and q.pk not in {r["question"].pk for r in questions}:
                        row = rows[q.pk]
                        if q.type == q.Type.SCALE and q.key in last_year:
                            value, top = last_year[q.key]
                            row["last_year"] = f"{value} / {top}"
                        questions.append(row)
        blocks.append(
            {
                "section": section,
                "rows": questions,
                "cells": view.section_cells.get(section.pk) or [notes[section.pk]],
            }
        )
    # (plan id, items with their evaluation); the template only needs the items.
    previous = (
        (previous_id, [i for i in items if i.plan_id == previous_id], None) if previous_id else None
    )
    writer = services.minutes_writer_role(conversation)
    my_role = "leader" if is_leader else "leaders_leader"
    return {
        "conversation": conversation,
        "plan": plan,
        "view": view,
        "blocks": blocks,
        "both": both,
        "visible": visible,
        "previous": previous,
        "start_id": start_id,
        "all_sections": sorted(sections, key=lambda s: (s.order, s.pk)),
        "minutes": selectors.minutes_cell(conversation, loaded=True),
        "minutes_writer": writer,
        "writes_minutes": writer == my_role,
        "minutes_editable": writer == my_role and user.has_perm("plans.edit_plan", conversation),
        "can_edit": user.has_perm("plans.edit_plan", conversation),
        "can_mark_held": user.has_perm("plans.can_mark_held", conversation),
        **_panel_context(request, conversation, plan),
    }


@login_required
@never_cache
@require_GET
def conduct(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(
        request, pk, queryset=selectors.conversations_for_view(request.user)
    )
    ctx = _conversation_context(request, conversation)
    if _is_other_party(request, conversation):
        audit_record(
            actor=request.user,
            action="view_conversation",
            target=conversation,
            detail=_("Conversation view (the leader's preparation, notes and plan)"),
            request=request,
        )
    return render(request, "plans/conduct.html", ctx)


@login_required
@require_POST
def hold(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk, perm="plans.hold_conversation")
    try:
        conversation_hold(conversation=conversation)
    except ConversationStatusError as exc:
        return HttpResponse(" ".join(exc.messages), status=409, content_type="text/plain")
    audit_record(
        actor=request.user,
        action="hold_conversation",
        target=conversation,
        detail=_("Marked the conversation as held"),
        request=request,
    )
    return redirect(reverse("plans:conduct", args=[pk]) + "?held=1")


@login_required
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    raw = request.POST.get("section")
    if raw is None:
        return HttpResponse(_("Choose a section from the list."), status=400)
    try:
        section_id = int(raw) if raw.strip() else None
        services.conversation_set_start(conversation=conversation, section_id=section_id)
    except (ValueError, ValidationError):
        return HttpResponse(_("Choose a section from the list."), status=400)
    except services.PlanLocked:
        return HttpResponse(_locked_message(), status=409)
    return redirect("plans:conduct", pk=pk)


# --- the plan -------------------------------------------------------------------------------------


def _plan_context(request, conversation) -> dict:
    plan = services.plan_get_or_create(conversation=conversation)
    plan.conversation = conversation
    view = selectors.plan_view(plan)
    return {
        "view": view,
        "can_edit": request.user.has_perm("plans.edit_plan", conversation),
        "follow_ups": list(plan.follow_ups.all()),
        **_panel_context(request, conversation, plan),
    }


@login_required
@never_cache
@require_GET
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    ctx = _plan_context(request, conversation)
    if request.GET.get("partial") == "body":
        return render(request, "plans/partials/plan_body.html", ctx)
    if _is_other_party(request, conversation):
        audit_record(
            actor=request.user,
            action="view_plan",
            target=ctx["plan"],
            detail=_("Development plan"),
            request=request,
        )
    return render(request, "plans/plan.html", ctx)


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def save(request: HttpRequest, pk: int) -> JsonResponse:
    """Save one cell: ``key``, ``revision`` (what the text was based on) and ``value``."""
    conversation = _conversation(request, pk)
    key = request.POST.get("key", "")
    base = _int(request.POST.get("revision"))
    value = request.POST.get("value")
    if base is None or value is None or not key:
        return JsonResponse({"error": _("The form is incomplete. Reload the page.")}, status=400)
    plan = services.plan_get_or_create(conversation=conversation)
    try:
        outcome = services.cell_save(
            plan=plan, user=request.user, key=key, base_revision=base, value=value
        )
    except services.PlanLocked:
        return JsonResponse({"status": "locked", "error": _locked_message()}, status=409)
    except services.CellGone:
        return JsonResponse(
            {
                "status": "gone",
                "error": _(
                    "The other person has deleted this development point. Your text is kept "
                    "below; copy it if you need it."
                ),
                "mine": value,
            },
            status=409,
        )
    except PermissionError:
        return JsonResponse({"error": _("Only the agreed writer writes the minutes.")}, status=403)
    except ValidationError as exc:
        return JsonResponse({"status": "invalid", "error": " ".join(exc.messages)}, status=422)
    if outcome.is_conflict:
        return JsonResponse(
            {
                "status": "conflict",
                "key": key,
                "revision": outcome.revision,
                "theirs": outcome.theirs,
                "mine": outcome.mine,
                "error": _("The other person saved this field while you were writing."),
            },
            status=409,
        )
    if outcome.saved:
        what = "minutes" if key == "minutes" else "notes" if key.startswith("n") else "plan"
        audit_record(
            actor=request.user,
            action=f"change_{what}",
            target=plan,
            detail={
                "minutes": _("Changed the minutes"),
                "notes": _("Changed the conversation notes"),
                "plan": _("Changed the development plan"),
            }[what],
            request=request,
        )
    return JsonResponse(
        {
            "status": outcome.status,
            "key": key,
            "revision": outcome.revision,
            "value": outcome.value,
            "approvals_cleared": outcome.approvals_cleared,
            "message": _("The approvals have been withdrawn because the plan was changed.")
            if outcome.approvals_cleared
            else "",
        }
    )


@login_required
@never_cache
@require_GET
def state(request: HttpRequest, pk: int) -> JsonResponse:
    """What is saved now (polled every few seconds by both people's browsers)."""
    conversation = _conversation(request, pk)
    plan = services.plan_get_or_create(conversation=conversation)
    plan.conversation = conversation
    view = selectors.plan_view(plan)
    cells = view.all_cells()
    cells += list(selectors.note_cells(conversation, view.sections).values())
    minutes = selectors.minutes_cell(conversation)
    if minutes:
        cells.append(minutes)
    panel_ctx = _panel_context(request, conversation, plan)
    panel = render_to_string("plans/partials/approvals.html", panel_ctx, request)
    return JsonResponse(
        {
            "cells": {c.key: [c.value, c.revision, c.updated_by] for c in cells},
            "structure": view.structure,
            "status": conversation.status,
            "panel": panel,
            "panel_sig": panel_ctx["panel_sig"],
        }
    )


@login_required
@require_POST
def structure(request: HttpRequest, pk: int) -> HttpResponse:
    """Add or delete a development point or an activity."""
    conversation = _conversation(request, pk)
    action = request.POST.get("action")
    target = _int(request.POST.get("id"))
    plan = services.plan_get_or_create(conversation=conversation)
    try:
        if action == "add_item":
            services.plan_item_create(plan=plan, user=request.user)
        elif action == "delete_item" and target is not None:
            services.plan_item_delete(plan=plan, user=request.user, item_id=target)
        elif action == "add_activity" and target is not None:
            services.plan_activity_create(plan=plan, user=request.user, item_id=target)
        elif action == "delete_activity" and target is not None:
            services.plan_activity_delete(plan=plan, user=request.user, activity_id=target)
        else:
            return HttpResponse(_("Unknown action."), status=400)
    except services.PlanLocked:
        return HttpResponse(_locked_message(), status=409)
    except services.CellGone:
        return HttpResponse(_("The development point no longer exists."), status=404)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=422)
    audit_record(
        actor=request.user,
        action="change_plan",
        target=plan,
        detail=_("Changed the development points of the plan"),
        request=request,
    )
    return redirect("plans:plan", pk=pk)


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    plan = services.plan_get_or_create(conversation=conversation)
    try:
        result = services.plan_approve(plan=plan, user=request.user)
    except services.PlanLocked:
        return HttpResponse(_locked_message(), status=409)
    except services.PlanError as exc:
        return HttpResponse(" ".join(exc.messages), status=409)
    audit_record(
        actor=request.user,
        action="approve_plan",
        target=plan,
        detail=_("Approved the development plan"),
        request=request,
    )
    if result.agreed:
        audit_record(
            actor=request.user,
            action="agree_plan",
            target=plan,
            detail=_("Both have approved: the plan is agreed and locked"),
            request=request,
        )
    return redirect(reverse("plans:plan", args=[pk]) + ("?agreed=1" if result.agreed else ""))


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    plan = services.plan_get_or_create(conversation=conversation)
    reason = request.POST.get("reason", "")
    try:
        services.plan_reopen(plan=plan, user=request.user, reason=reason)
    except services.PlanError as exc:
        return HttpResponse(" ".join(exc.messages), status=409)
    except ValidationError as exc:
        plan.conversation = conversation
        ctx = _plan_context(request, conversation)
        ctx["reopen_error"] = " ".join(exc.messages)
        ctx["reopen_reason"] = reason.replace("\x00", "")[:2000]
        return render(request, "plans/plan.html", ctx, status=422)
    audit_record(
        actor=request.user,
        action="reopen_plan",
        target=plan,
        detail=_("Reopened the agreed plan: %(reason)s") % {"reason": reason.strip()[:200]},
        request=request,
    )
    return redirect(reverse("plans:plan", args=[pk]) + "?reopened=1")


# --- follow-ups ---------------------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def follow_ups(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "plans/follow_ups.html",
        {"follow_ups": list(selectors.follow_ups_for(request.user))},
    )


@login_required
@never_cache
@require_GET
def follow_up_ics(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = object_for_user(
        request,
        FollowUp.objects.select_related(
            "plan__conversation__leader", "plan__conversation__conductor"
        ),
        perm="plans.view_follow_up",
        pk=pk,
    )
    audit_record(
        actor=request.user,
        action="export_follow_up",
        target=follow_up,
        detail=_("Follow-up exported as a calendar file"),
        request=request,
    )
    response = HttpResponse(
        services.follow_up_ics(follow_up=follow_up, base_url=request.build_absolute_uri("/")),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="opfoelgning-{follow_up.pk}.ics"'
    return response
