"""My development over the years (the leader), and a leader's development (their leader's
leader, for the conversations they held)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lus.audit.services import audit_read

from .history import HEIGHT, PAD, WIDTH, development_history


def _render(request: HttpRequest, leader) -> HttpResponse:
    history = development_history(leader=leader, viewer=request.user)
    return render(
        request,
        "plans/history.html",
        {
            "leader": leader,
            "own": leader.pk == request.user.pk,
            "history": history,
            "chart": {"width": WIDTH, "height": HEIGHT, "pad": PAD},
        },
    )


@login_required
@never_cache
@require_GET
def my_development(request: HttpRequest) -> HttpResponse:
    return _render(request, request.user)


@login_required
@never_cache
@require_GET
def leader_development(request: HttpRequest, leader_pk: int) -> HttpResponse:
    # Only one's own reports; anyone else is "not found" (no hint that the person exists).
    leader = get_object_or_404(request.user.reports.all(), pk=leader_pk)
    audit_read(
        actor=request.user,
        action="view_history",
        target=leader,
        subject=leader,
        detail=_("Development over the years"),
        request=request,
    )
    return _render(request, leader)
