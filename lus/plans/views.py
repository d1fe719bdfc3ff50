"""The conversation view (used during the meeting), the co-edited development plan, agreeing and
reopening it, and the follow-ups. Thin: writes in services.py, reads in selectors.py.

Co-editing (see ``services.cell_save``): each field is saved on its own with the revision and the
text it was based on (``save``); a save that crossed the other person's is merged at character
level, and only an edit of the same characters answers 409 (to that saver alone). Changes reach
the other browser through the event stream (``stream.py``, server-sent events); ``state`` is the
polling fallback and writes nothing (static/js/plan.js).
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

from lus.conversations import selectors as conversation_selectors
from lus.conversations.models import Conversation, Role
from lus.core.access import object_for_user
from lus.core.errors import domain_errors

from . import selectors, services
from .models import FollowUp


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


def _panel_context(request, conversation, plan) -> dict:
    user = request.user
    role = Role.LEADER if user.pk == conversation.leader_id else Role.LEADERS_LEADER
    mine = plan.approved_by_leader_at if role == Role.LEADER else plan.approved_by_leaders_leader_at
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
        "cursor": selectors.plan_cursor(plan),
        "panel_sig": f"{conversation.status}|{plan.approved_by_leader_at}|"
        f"{plan.approved_by_leaders_leader_at}|{plan.agreed_at}",
    }


# --- the conversation view ------------------------------------------------------------------------


ROLES_COMPARED = (Role.LEADER, Role.LEADERS_LEADER)
DIFFERENCE_WORTH_TALKING = 2


def _answer_rows(conversation, user, role_questions, answers, visible):
    from lus.conversations.views import answer_display

    rows = {}
    for role, sections in role_questions.items():
        for s in sections:
            for q in s.questions:
                if not q.is_answerable:
                    continue
                row = rows.setdefault(q.pk, {"question": q, "leader": None, "leaders_leader": None})
                if visible[role]:
                    row[role] = answer_display(q, answers[role].get(q.pk)) or "-"
    # Where both answered a scale and are 2 or more apart, the conversation has a place to
    # start: the view marks it (in words, not colour alone).
    for q_pk, row in rows.items():
        if not (visible["leader"] and visible["leaders_leader"]):
            break
        values = [getattr(answers[r].get(q_pk), "scale_value", None) for r in ROLES_COMPARED]
        if None not in values and abs(values[0] - values[1]) >= DIFFERENCE_WORTH_TALKING:
            row["difference"] = abs(values[0] - values[1])
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
        structures["leaders_leader"] = conversation_selectors.preparation_structure(
            conversation, Role.LEADERS_LEADER, effective
        )
    answers, last_year = selectors.conversation_answers(conversation)
    is_leader = user.pk == conversation.leader_id
    visible = {
        "leader": is_leader or user.has_perm("conversations.view_leader_preparation", conversation),
        "leaders_leader": both and (not is_leader or conversation.leaders_leader_shared),
    }
    rows = _answer_rows(conversation, user, structures, answers, visible)
    # One list of sections (the leader's, plus any the leader's leader alone answers).
    seen, sections = set(), []
    for sv in structures["leader"] + structures.get("leaders_leader", []):
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
        for role in ("leader", "leaders_leader"):
            for sv in structures.get(role, []):
                if sv.section.pk != section.pk:
                    continue
                for q in sv.questions:
                    if q.is_answerable and q.pk not in {r["question"].pk for r in questions}:
                        row = rows[q.pk]
                        if (
                            q.question_type.compared_with_last_year
                            and q.key in last_year
                            and visible["leader"]
                        ):
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
    # Last year's plan and answers were shared with last year's leader's leader: this year's
    # sees them once the leader has shared this year's preparation with them (docs/security.md).
    previous = (
        (previous_id, [i for i in items if i.plan_id == previous_id], None)
        if previous_id and visible["leader"]
        else None
    )
    writer = services.minutes_writer_role(conversation)
    my_role = Role.LEADER if is_leader else Role.LEADERS_LEADER
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
    services.content_read(
        conversation=conversation,
        user=request.user,
        action="view_conversation",
        target=conversation,
        detail=_("Conversation view (the leader's preparation, notes and plan)"),
        request=request,
    )
    return render(request, "plans/conduct.html", ctx)


#: The statuses from which a conversation can be marked held.
HOLDABLE = {
    Conversation.Status.INVITED,
    Conversation.Status.PREPARING,
    Conversation.Status.SHARED,
}


@login_required
@require_POST
@domain_errors
def hold(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk, perm="plans.hold_conversation")
    # A conversation that was never booked is marked held only on purpose (a stray click on a
    # leader's LUS that has not taken place would lock the preparation).
    if (
        conversation.scheduled_at is None
        and conversation.status in HOLDABLE
        and request.POST.get("confirm_unbooked") != "1"
    ):
        return HttpResponse(
            _("The conversation was never booked. Confirm that it has been held."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    services.conversation_mark_held(conversation=conversation, user=request.user, request=request)
    return redirect(reverse("plans:conduct", args=[pk]) + "?held=1")


@login_required
@require_POST
@domain_errors
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
    services.content_read(
        conversation=conversation,
        user=request.user,
        action="view_plan",
        target=ctx["plan"],
        detail=_("Development plan"),
        request=request,
    )
    if request.GET.get("partial") == "body":
        return render(request, "plans/partials/plan_body.html", ctx)
    return render(request, "plans/plan.html", ctx)


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
@domain_errors(json=True)
def save(request: HttpRequest, pk: int) -> JsonResponse:
    """Save one cell: ``key``, ``revision`` (what the text was based on) and ``value``."""
    conversation = _conversation(request, pk)
    key = request.POST.get("key", "")
    base = _int(request.POST.get("revision"))
    value = request.POST.get("value")
    # The text the edit started from (absent from pages loaded before merging existed).
    base_value = request.POST.get("base")
    if base is None or value is None or not key:
        return JsonResponse({"error": _("The form is incomplete. Reload the page.")}, status=400)
    plan = services.plan_get_or_create(conversation=conversation)
    # Refusals (locked, point deleted, not the minutes writer, invalid) are answered by
    # ``domain_errors``; the save audits itself.
    outcome = services.cell_save(
        plan=plan,
        user=request.user,
        key=key,
        base_revision=base,
        value=value,
        base_value=base_value,
        token=request.POST.get("token", ""),
        request=request,
    )
    if outcome.is_conflict:
        return JsonResponse(
            {
                "status": "conflict",
                "key": key,
                "revision": outcome.revision,
                "theirs": outcome.theirs,
                "mine": outcome.mine,
                "stored": outcome.value,
                "parts": [list(p) for p in outcome.parts],
                "error": _("The other person changed the same words while you were writing."),
            },
            status=409,
        )
    return JsonResponse(
        {
            "status": outcome.status,
            "key": key,
            "revision": outcome.revision,
            "value": outcome.value,
            "merged": outcome.merged,
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
    """What is saved now: the polling fallback when the event stream is broken. A read only —
    it writes nothing but the (throttled) audit row of the other party's read."""
    conversation = _conversation(request, pk)
    plan = selectors.plan_of(conversation)
    if plan is None:
        # The page creates the plan; a state read before that has nothing to show.
        return JsonResponse({"cells": {}, "status": conversation.status, "cursor": 0})
    plan.conversation = conversation
    view = selectors.plan_view(plan)
    cells = view.all_cells()
    cells += list(selectors.note_cells(conversation, view.sections).values())
    minutes = selectors.minutes_cell(conversation)
    if minutes:
        cells.append(minutes)
    panel_ctx = _panel_context(request, conversation, plan)
    panel = render_to_string("plans/partials/approvals.html", panel_ctx, request)
    services.content_read(
        conversation=conversation,
        user=request.user,
        action="view_plan",
        target=plan,
        detail=_("Development plan"),
        request=request,
    )
    return JsonResponse(
        {
            "cells": {c.key: [c.value, c.revision, c.updated_by] for c in cells},
            "structure": view.structure,
            "status": conversation.status,
            "panel": panel,
            "panel_sig": panel_ctx["panel_sig"],
            "cursor": selectors.plan_cursor(plan),
        }
    )


@login_required
@require_POST
def presence(request: HttpRequest, pk: int) -> JsonResponse:
    """The user is typing in a field (``key``; empty: left it)."""
    conversation = _conversation(request, pk, perm="plans.edit_plan")
    plan = selectors.plan_of(conversation)
    if plan is None:
        return JsonResponse({"status": "ok"})
    plan.conversation = conversation
    if "key" not in request.POST:
        # Leaving a field sends an empty key; a body without one is not a presence message.
        return JsonResponse({"error": _("Unknown field.")}, status=400)
    try:
        services.plan_presence(plan=plan, user=request.user, key=request.POST["key"])
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)  # not a field
    return JsonResponse({"status": "ok"})


@login_required
@require_POST
@domain_errors
def structure(request: HttpRequest, pk: int) -> HttpResponse:
    """Add or delete a development point or an activity."""
    conversation = _conversation(request, pk)
    action = request.POST.get("action")
    target = _int(request.POST.get("id"))
    plan = services.plan_get_or_create(conversation=conversation)
    who = {"plan": plan, "user": request.user, "request": request}
    if action == "add_item":
        services.plan_item_create(**who)
    elif action == "delete_item" and target is not None:
        services.plan_item_delete(**who, item_id=target)
    elif action == "add_activity" and target is not None:
        services.plan_activity_create(**who, item_id=target)
    elif action == "delete_activity" and target is not None:
        services.plan_activity_delete(**who, activity_id=target)
    else:
        return HttpResponse(_("Unknown action."), status=400)
    return redirect("plans:plan", pk=pk)


@login_required
@require_POST
@domain_errors
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    plan = services.plan_get_or_create(conversation=conversation)
    result = services.plan_approve(plan=plan, user=request.user, request=request)
    return redirect(reverse("plans:plan", args=[pk]) + ("?agreed=1" if result.agreed else ""))


@login_required
@require_POST
@domain_errors
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    plan = services.plan_get_or_create(conversation=conversation)
    reason = request.POST.get("reason", "")
    try:
        services.plan_reopen(plan=plan, user=request.user, reason=reason, request=request)
    except services.PlanError:
        raise  # 409 (``domain_errors``)
    except ValidationError as exc:
        # The reason is missing or too long: the form again, with what was typed.
        plan.conversation = conversation
        ctx = _plan_context(request, conversation)
        ctx["reopen_error"] = " ".join(exc.messages)
        ctx["reopen_reason"] = reason.replace("\x00", "")[:2000]
        return render(request, "plans/plan.html", ctx, status=422)
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
            "plan__conversation__leader", "plan__conversation__leaders_leader"
        ),
        perm="plans.view_follow_up",
        pk=pk,
    )
    ics = services.follow_up_export(
        follow_up=follow_up,
        user=request.user,
        base_url=request.build_absolute_uri("/"),
        request=request,
    )
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="opfoelgning-{follow_up.pk}.ics"'
    return response
