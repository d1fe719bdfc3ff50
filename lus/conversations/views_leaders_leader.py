"""The leader's leader's side before the conversation: "Mine ledere" (the overview of direct
reports), creating a report's LUS, tailoring the team's questions, and the invitation (booking,
e-mail with a calendar invitation, rebooking). Thin: reads in selectors.py, writes in
services.py, the e-mail in invitations.py."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lus.accounts.models import User
from lus.core.access import object_for_user
from lus.frameworks.models import Question, Section, TeamCustomisation
from lus.frameworks.services import framework_current_version

from . import selectors, services
from .forms import CustomiseForm, InvitationForm
from .invitations import invitation_email
from .models import Conversation

logger = logging.getLogger(__name__)


def _my_leaders_context(request: HttpRequest) -> dict:
    today = timezone.localdate()
    rows = selectors.my_reports(request.user, today)
    return {
        "rows": rows,
        "year": today.year,
        "can_customise": bool(rows),
    }


@login_required
@never_cache
@require_GET
def my_leaders(request: HttpRequest) -> HttpResponse:
    """ "Mine ledere": each direct report with this year's LUS, last year's plan, overdue
    follow-ups and the senior-conversation hint."""
    return render(request, "conversations/my_leaders.html", _my_leaders_context(request))


@login_required
@require_POST
def create_for_report(request: HttpRequest, leader_pk: int) -> HttpResponse:
    leader = object_for_user(
        request,
        User.objects.filter(is_active=True).select_related("municipality"),
        perm="conversations.create_conversation_for",
        pk=leader_pk,
    )
    try:
        conversation = services.conversation_create_for_report(
            leaders_leader=request.user, leader=leader, year=timezone.localdate().year
        )
    except ValidationError as exc:
        ctx = _my_leaders_context(request)
        ctx["create_error"] = {"leader": leader, "message": " ".join(exc.messages)}
        return render(request, "conversations/my_leaders.html", ctx, status=409)
    messages.success(
        request,
        _("The LUS for %(name)s has been created. Invite %(name)s when you are ready.")
        % {"name": leader.name},
    )
    return redirect(reverse("conversations:invite", args=[conversation.pk]))


# --- team customisation -------------------------------------------------------------------------
def _tailorable_versions(request) -> list:
    """The published versions the user's leader team uses: the municipality's current one and
    every version the user's conversations are on, each with those conversations' years."""
    from lus.frameworks.models import FrameworkVersion

    current = framework_current_version(municipality=request.user.municipality)
    years: dict[int, set[int]] = {}
    for version_id, year in Conversation.objects.filter(leaders_leader=request.user).values_list(
        "version_id", "year"
    ):
        years.setdefault(version_id, set()).add(year)
    ids = set(years) | ({current.pk} if current else set())
    versions = list(
        FrameworkVersion.objects.filter(pk__in=ids, status=FrameworkVersion.Status.PUBLISHED)
        .select_related("framework")
        .order_by("framework__name", "number")
    )
    for v in versions:
        v.lus_years = sorted(years.get(v.pk, ()))
        v.is_current = current is not None and v.pk == current.pk
    return versions


def _chosen_version(request, versions):
    """The version asked for (``version`` in the query or form), else the current one. A
    version the user's team does not use is a 404."""
    raw = request.POST.get("version") or request.GET.get("version")
    if not raw:
        return next((v for v in versions if v.is_current), versions[-1] if versions else None)
    for v in versions:
        if str(v.pk) == raw:
            return v
    raise Http404


def _customise_context(request, version, *, form=None, error=None) -> dict:
    customisation = (
        TeamCustomisation.objects.filter(version=version, owner=request.user).first()
        if version
        else None
    )
    locked = (
        services.customisation_locked_by(version=version, owner=request.user) if version else []
    )
    return {
        "version": version,
        "customisation": customisation,
        "sections": selectors.team_questions(version, customisation) if version else [],
        "locked": locked,
        "form": form,
        "error": error,
        "type_choices": CustomiseForm.base_fields["type"].choices,
        "default_type": CustomiseForm.base_fields["type"].initial,
        "versions": getattr(request, "_tailorable_versions", []),
    }


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def customise(request: HttpRequest) -> HttpResponse:
    """Tailor a framework version's questions for the user's own leader team: by default the
    current version; any version the team's conversations are on can be chosen."""
    if not request.user.has_perm("conversations.customise_team"):
        raise PermissionDenied
    request._tailorable_versions = _tailorable_versions(request)
    version = _chosen_version(request, request._tailorable_versions)
    if request.method == "GET":
        return render(request, "conversations/customise.html", _customise_context(request, version))
    form = CustomiseForm(data=request.POST)
    if version is None:
        ctx = _customise_context(request, None, error=_("No published question framework."))
        return render(request, "conversations/customise.html", ctx, status=409)
    if not form.is_valid():
        ctx = _customise_context(
            request, version, form=form, error=_("The change could not be made. Try again.")
        )
        return render(request, "conversations/customise.html", ctx, status=400)
    d = form.cleaned_data
    question = section = None
    if d["question"]:
        question = (
            Question.objects.filter(section__version=version, pk=d["question"])
            .filter(customisation__isnull=True)
            .select_related("section")
            .first()
            or Question.objects.filter(
                section__version=version,
                pk=d["question"],
                customisation__owner=request.user,
            )
            .select_related("section")
            .first()
        )
        if question is None:
            ctx = _customise_context(request, version, error=_("Unknown question."))
            return render(request, "conversations/customise.html", ctx, status=400)
    if d["section"]:
        section = (
            Section.objects.filter(version=version, pk=d["section"])
            .exclude(kind=Section.Kind.PLAN)
            .first()
        )
        if section is None:
            ctx = _customise_context(request, version, error=_("Unknown section."))
            return render(request, "conversations/customise.html", ctx, status=400)
    try:
        services.team_customise(
            owner=request.user,
            version=version,
            action=d["action"],
            question=question,
            section=section,
            text=d["text"],
            type=d["type"] or Question.Type.TEXT,
        )
    except ValidationError as exc:
        ctx = _customise_context(request, version, form=form, error=" ".join(exc.messages))
        ctx["error_question"] = d["question"]
        ctx["error_section"] = d["section"]
        return render(request, "conversations/customise.html", ctx, status=422)
    done = {
        "remove": _("The question has been removed for your team."),
        "restore": _("The question has been put back."),
        "reword": _("The new wording has been saved."),
        "add": _("Your question has been added."),
    }[d["action"]]
    messages.success(request, done)
    anchor = f"#section-{section.pk}" if section else f"#question-{question.pk}"
    if d["action"] == "remove" and question and question.customisation_id:
        anchor = f"#section-{question.section_id}"
    return redirect(f"{reverse('conversations:customise')}?version={version.pk}{anchor}")


# --- invitation ---------------------------------------------------------------------------------
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = object_for_user(
        request,
        selectors.conversations_for_user(request.user).select_related("municipality"),
        perm="conversations.invite_conversation",
        view_perm="conversations.view_conversation",
        pk=pk,
    )
    if request.method == "GET":
        form = InvitationForm(conversation=conversation)
        return render(
            request, "conversations/invite.html", {"conversation": conversation, "form": form}
        )
    form = InvitationForm(data=request.POST, conversation=conversation)
    status = 400
    if form.is_valid():
        try:
            rebooking = services.conversation_book(
                conversation=conversation,
                booking=form.booking(),
                user=request.user,
                request=request,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
            status = 422
        else:
            _send_invitation(request, conversation, rebooking=rebooking)
            return redirect(reverse("conversations:my_leaders"))
    ctx = {"conversation": conversation, "form": form}
    return render(request, "conversations/invite.html", ctx, status=status)


def _send_invitation(request: HttpRequest, conversation, *, rebooking: bool) -> None:
    name = conversation.leader.name
    if not conversation.leader.email:
        messages.warning(
            request,
            _(
                "The LUS is booked, but %(name)s has no e-mail address, so no invitation was "
                "sent. Ask HR to add it, or tell %(name)s yourself."
            )
            % {"name": name},
        )
        return
    link = request.build_absolute_uri(reverse("conversations:prepare", args=[conversation.pk]))
    try:
        invitation_email(conversation, link=link, rebooking=rebooking).send()
    except OSError:
        logger.warning("invitation e-mail for conversation %s could not be sent", conversation.pk)
        messages.warning(
            request,
            _("The LUS is booked, but the e-mail to %(name)s could not be sent. Try again later.")
            % {"name": name},
        )
        return
    messages.success(
        request,
        (
            _("%(name)s has been sent the new time with an updated calendar invitation.")
            if rebooking
            else _("%(name)s has been invited by e-mail with a calendar invitation.")
        )
        % {"name": name},
    )
