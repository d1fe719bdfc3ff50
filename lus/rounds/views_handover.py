"""Hand-overs (``handover.py``): HR proposes on ``/hr/overdragelse/``; the leader answers on
``/lus/overdragelse/<pk>/``. HR sees names, status and dates; never content."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lus.core.access import object_for_user

from .forms import HandoverForm
from .handover import (
    handover_accept,
    handover_candidates,
    handover_decline,
    handover_propose,
    handovers_pending,
)
from .models import LeadersLeaderHandover


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def handover(request: HttpRequest) -> HttpResponse:
    """Open conversations whose leader has a new leader's leader: HR proposes a hand-over,
    the leader answers."""
    if not request.user.has_perm("rounds.hand_over"):
        raise Http404
    candidates = handover_candidates()
    form = HandoverForm(request.POST if request.method == "POST" else None, candidates=candidates)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            conversation = form.cleaned_data["conversation"]
            try:
                done = handover_propose(
                    conversation=conversation,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form.add_error("conversation", exc)
            else:
                messages.success(
                    request,
                    _(
                        "%(leader)s has been asked by e-mail to accept %(name)s as the "
                        "leader's leader of the LUS. Nothing changes until %(leader)s answers."
                    )
                    % {"leader": conversation.leader.name, "name": done.to_leaders_leader.name},
                )
                return redirect("rounds:handover")
        status = 400
    answered = LeadersLeaderHandover.objects.exclude(
        status=LeadersLeaderHandover.Status.PENDING
    ).select_related(
        "conversation__leader", "from_leaders_leader", "to_leaders_leader", "handed_over_by"
    )
    return render(
        request,
        "rounds/handover.html",
        {
            "candidates": candidates,
            "pending": handovers_pending(),
            "form": form,
            "recent": answered[:20],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The leader accepts or declines a proposed hand-over of their LUS."""
    proposal = object_for_user(
        request,
        LeadersLeaderHandover.objects.select_related(
            "conversation__leader",
            "conversation__version",
            "from_leaders_leader",
            "to_leaders_leader",
            "handed_over_by",
        ),
        perm="rounds.answer_handover",
        pk=pk,
    )
    error, status = "", 200
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "accept":
                handover_accept(handover=proposal, leader=request.user)
                messages.success(
                    request,
                    _("%(name)s now holds your LUS.") % {"name": proposal.to_leaders_leader.name},
                )
            elif decision == "decline":
                handover_decline(handover=proposal, leader=request.user)
                messages.success(
                    request,
                    _("You have declined. Your LUS stays with %(name)s.")
                    % {"name": proposal.from_leaders_leader.name},
                )
            else:
                raise ValidationError(_("Choose accept or decline."))
        except ValidationError as exc:
            error, status = (
                " ".join(exc.messages),
                409 if decision in ("accept", "decline") else 400,
            )
        else:
            return redirect("handover:answer", pk=proposal.pk)
        proposal.refresh_from_db()
    return render(
        request,
        "rounds/handover_answer.html",
        {
            "proposal": proposal,
            "conversation": proposal.conversation,
            "error": error,
        },
        status=status,
    )
