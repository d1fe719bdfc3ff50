"""Preparation of a LUS: the form, saving (plain POST and autosave), sharing, and the
leaders_leader's read view. Thin: parsing in forms.py, writes in services.py, reads in selectors.py.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lus.audit.services import audit_read
from lus.core.access import object_for_user

from . import extensions, selectors, services
from .forms import parse_preparation
from .models import Conversation, Role

KEPT_DRAFTS = "kept_preparation_drafts"


def _is_autosave(request: HttpRequest) -> bool:
    return request.headers.get("X-LUS-Autosave") == "1"


def login_required_keeping_draft(view):
    """Like login_required, but a form POST that arrives after the session expired is kept in
    the (new, anonymous) session and restored into the form after logging in again — so no
    typed word is lost. Autosave requests get a 401 JSON answer instead of a redirect (the
    browser keeps its own copy of the draft meanwhile)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if _is_autosave(request):
            return JsonResponse(
                {"error": _("Your session has expired. Log in again; your text is kept.")},
                status=401,
            )
        if request.method == "POST":
            kept = request.session.get(KEPT_DRAFTS, {})
            kept[request.path] = {k: request.POST.getlist(k) for k in request.POST}
            kept[request.path].pop("csrfmiddlewaretoken", None)
            request.session[KEPT_DRAFTS] = kept
        return redirect_to_login(request.path)

    return wrapper


def _own_conversation(request: HttpRequest, pk: int, *, perm: str) -> Conversation:
    """One of the user's conversations (404 otherwise), if they hold ``perm`` on it (403)."""
    return object_for_user(
        request,
        selectors.conversations_for_user(request.user),
        perm=perm,
        view_perm="conversations.view_conversation",
        pk=pk,
    )


def _role_of(user, conversation: Conversation) -> str:
    return Role.LEADER if conversation.leader_id == user.pk else Role.LEADERS_LEADER


def _context(request, conversation, role, *, data=None, conflict=None, for_save=False):
    """The form's context. ``for_save``: only what a save needs (the previous plan's points
    without their plan and activities, one query instead of four); not for rendering."""
    preparation = services.preparation_for(conversation=conversation, role=role)
    sections = selectors.preparation_structure(conversation, role)
    answers = selectors.answers_of(preparation)
    questions = [q for s in sections for q in s.questions]
    previous = None
    if role == Role.LEADER and for_save:
        previous = extensions.previous_points(conversation)
    elif role == Role.LEADER:
        previous = selectors.previous_plan(conversation)
    _apply_form_data(questions, answers, previous, data, conflict)
    if not for_save:
        _annotate_other_keywords(conversation, role, questions)
    missing = services.missing_mandatory(questions, answers)
    wrong_count = services.keyword_count_problems(questions, answers)
    progress = selectors.preparation_progress(sections, answers)
    for current, following in zip(sections, [*sections[1:], None], strict=True):
        current.next_section = following.section if following else None
    return {
        "progress": progress,
        "answered_total": sum(p.answered for p in progress),
        "question_total": sum(p.total for p in progress),
        "conversation": conversation,
        "role": role,
        "preparation": preparation,
        "sections": sections,
        "answers": answers,
        "questions": questions,
        "previous": previous,
        "missing": missing,
        "wrong_count": wrong_count,
        "data": data,
        "conflict": conflict,
        "can_edit": request.user.has_perm("conversations.edit_preparation", conversation),
        "evaluation_statuses": extensions.evaluation_statuses(),
    }


def _annotate_other_keywords(conversation, role, questions) -> None:
    """Albertslund: once both have picked their keywords, each sees the other's before the
    conversation (``q.other_keywords``); until then a shared keyword question says so."""
    shared = [q for q in questions if services.is_exchanged(q)]
    if not shared or not conversation.version.both_prepare:
        return
    picked = services.keywords_by_role(conversation, shared)
    other = Role.LEADERS_LEADER if role == Role.LEADER else Role.LEADER
    for q in shared:
        q.keyword_exchange = True
        q.other_name = (
            conversation.leaders_leader.name if role == Role.LEADER else conversation.leader.name
        )
        if picked is not None:
            labels = {o.pk: o.label for o in q.options.all()}
            q.other_keywords = [labels.get(k, "?") for k in picked[other].get(q.pk, [])]


def answer_values(question, answer) -> list[str]:
    """An answer as the list of form values that represent it."""
    if answer is None:
        return []
    return question.question_type.answer_values(answer)


def answer_display(question, answer) -> str:
    if answer is None:
        return ""
    return question.question_type.display(question, answer)


def _apply_form_data(questions, answers, previous, data, conflict) -> None:
    _annotate(questions, answers, data, conflict)
    if previous:
        for item in previous.items:
            evaluation = previous.evaluations.get(item.pk)
            raw = data.raw_evaluations.get(item.pk, {}) if data else {}
            item.eval_text = raw.get("text", evaluation.text if evaluation else "")
            item.eval_status = raw.get("status", evaluation.status if evaluation else "")
            item.errors = data.errors.get(f"eval-{item.pk}", []) if data else []


def _annotate(questions, answers, data, conflict) -> None:
    """Attach what the template shows per question: the values in the form (what the user
    posted, if anything, else the saved answer), errors, and the other tab's version."""
    for q in questions:
        answer = answers.get(q.pk)
        q.answer = answer
        q.display = answer_display(q, answer)
        saved = answer_values(q, answer)
        q.current = data.raw[q.pk] if data and q.pk in data.raw else saved
        q.current_text = q.current[0] if q.current else ""
        q.errors = data.errors.get(f"q-{q.pk}", []) if data else []
        q.other_version = q.display if conflict and q.current != saved else None
        q.changed_after_share = bool(answer and answer.changed_after_share_at)


@login_required_keeping_draft
@never_cache
@require_http_methods(["GET", "POST"])
def prepare(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _own_conversation(request, pk, perm="conversations.prepare_conversation")
    role = _role_of(request.user, conversation)
    if request.method == "GET":
        ctx = _context(request, conversation, role)
        kept = request.session.get(KEPT_DRAFTS, {}).pop(request.path, None)
        if kept is not None:
            request.session.modified = True
        # Only the person who typed it gets it back (a shared computer, another login).
        if kept is not None and kept.get("author") == [str(request.user.pk)]:
            request.session.modified = True
            ctx["restored"] = True
            data = _restore(kept, ctx)
            # Only errors matter here, not "unknown question" noise from another role's form.
            data.errors.pop("__all__", None)
            _apply_form_data(ctx["questions"], ctx["answers"], ctx["previous"], data, None)
        return render(request, "conversations/prepare.html", ctx)
    return _save(request, conversation, role)


def _restore(kept: dict, ctx: dict):
    from django.http import QueryDict

    post = QueryDict(mutable=True)
    for k, values in kept.items():
        post.setlist(k, values)
    items = ctx["previous"].item_ids if ctx["previous"] else set()
    return parse_preparation(post, ctx["questions"], items)


def _save(request: HttpRequest, conversation: Conversation, role: str) -> HttpResponse:
    if not request.user.has_perm("conversations.edit_preparation", conversation):
        msg = _("The conversation has been held; the preparation can no longer be changed.")
        if _is_autosave(request):
            return JsonResponse({"error": msg}, status=409)
        ctx = _context(request, conversation, role)
        ctx["closed_error"] = msg
        return render(request, "conversations/prepare.html", ctx, status=409)
    ctx = _context(request, conversation, role, for_save=True)
    items = ctx["previous"].item_ids if ctx["previous"] else set()
    data = parse_preparation(request.POST, ctx["questions"], items)
    preparation = ctx["preparation"]
    status = 200
    if data.base_revision is not None:
        try:
            services.preparation_save(
                preparation=preparation,
                base_revision=data.base_revision,
                answers=data.answers,
                existing=ctx["answers"],
                evaluations=data.evaluations,
                existing_evaluations=ctx["previous"].evaluations if ctx["previous"] else {},
            )
        except services.PreparationConflict:
            # Saved in another tab meanwhile: save nothing, show both versions.
            if _is_autosave(request):
                return JsonResponse(
                    {
                        "conflict": True,
                        "error": _(
                            "This preparation was saved in another tab or window. "
                            "Reload to see both versions."
                        ),
                        "revision": preparation.revision,
                    },
                    status=409,
                )
            ctx = _context(request, conversation, role, data=data, conflict=True)
            return render(request, "conversations/prepare.html", ctx, status=409)
        except ValidationError as exc:
            data.add_error("__all__", " ".join(exc.messages))
    if data.errors:
        status = 422 if data.base_revision is not None else 400
    if _is_autosave(request):
        saved = timezone.localtime(preparation.saved_at) if preparation.saved_at else None
        return JsonResponse(
            {
                "revision": preparation.revision,
                "saved_at": formats.time_format(saved, "H:i") if saved else None,
                "errors": data.errors,
            },
            status=status,
        )
    if status == 200:
        return redirect(reverse("conversations:prepare", args=[conversation.pk]) + "?saved=1")
    ctx = _context(request, conversation, role, data=data)
    return render(request, "conversations/prepare.html", ctx, status=status)


@login_required_keeping_draft
@require_POST
def share(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _own_conversation(request, pk, perm="conversations.edit_preparation")
    role = _role_of(request.user, conversation)
    ctx = _context(request, conversation, role)
    try:
        services.preparation_share(
            preparation=ctx["preparation"], questions=ctx["questions"], answers=ctx["answers"]
        )
    except ValidationError as exc:
        ctx["share_error"] = " ".join(exc.messages)
        return render(request, "conversations/prepare.html", ctx, status=422)
    return redirect(reverse("conversations:prepare", args=[conversation.pk]) + "?shared=1")


@login_required_keeping_draft
@never_cache
@require_http_methods(["GET"])
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Check your answers": the whole preparation at a glance before sharing it."""
    conversation = _own_conversation(request, pk, perm="conversations.prepare_conversation")
    ctx = _context(request, conversation, _role_of(request.user, conversation))
    return render(request, "conversations/summary.html", ctx)


@login_required_keeping_draft
@never_cache
@require_http_methods(["GET"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The conversation as the other party sees it: status always, the leader's answers once
    shared (the full conversation view is ``plans:conduct``)."""
    conversation = object_for_user(
        request,
        selectors.conversations_for_user(request.user),
        perm="conversations.view_conversation",
        pk=pk,
    )
    ctx = {"conversation": conversation, "sections": None}
    if request.user.has_perm("conversations.view_leader_preparation", conversation):
        preparation = services.preparation_for(conversation=conversation, role=Role.LEADER)
        ctx["preparation"] = preparation
        ctx["sections"] = selectors.preparation_structure(conversation, Role.LEADER)
        ctx["answers"] = selectors.answers_of(preparation)
        _annotate([q for s in ctx["sections"] for q in s.questions], ctx["answers"], None, None)
        previous = selectors.previous_plan(conversation)
        if previous:
            for item in previous.items:
                item.evaluation = previous.evaluations.get(item.pk)
        ctx["previous"] = previous
        if request.user.pk == conversation.leaders_leader_id:
            audit_read(
                actor=request.user,
                action="view_preparation",
                target=conversation,
                detail=_("The leader's shared preparation"),
                request=request,
            )
    return render(request, "conversations/detail.html", ctx)


@login_required_keeping_draft
@require_POST
def senior(request: HttpRequest, pk: int) -> HttpResponse:
    """The leader says whether they want the senior conversation offered (55+)."""
    conversation = _own_conversation(request, pk, perm="conversations.answer_senior_offer")
    try:
        services.conversation_set_senior_wish(
            conversation=conversation, wanted=request.POST.get("wanted") == "1"
        )
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=409, content_type="text/plain")
    return redirect(reverse("conversations:prepare", args=[conversation.pk]) + "#senior")
