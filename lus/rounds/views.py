"""HR's pages: the rounds, each round's status overview (+ CSV) and anonymous statistics.

Status and dates only: the selectors never load answers, notes or plans for a person. Everyone
but HR of the municipality gets 404 (another municipality's round is not in the scope at all).
"""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lus.core.access import object_for_user

from . import selectors
from .forms import OverviewFilterForm
from .handover import handover_candidates
from .models import LusRound

PAGE_SIZE = 50


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise Http404


@login_required
@require_GET
@never_cache
def index(request: HttpRequest) -> HttpResponse:
    _require(request, "rounds.list_rounds")
    return render(
        request,
        "rounds/index.html",
        {
            "rounds": selectors.rounds_with_progress(),
            "handover_count": handover_candidates().count(),
        },
    )


def _overview(request: HttpRequest, pk: int):
    lus_round = object_for_user(request, LusRound, perm="rounds.view_round", pk=pk)
    form = OverviewFilterForm(request.GET or None, lus_round=lus_round)
    filters = form.filters()
    overview = selectors.round_overview(
        lus_round, leaders_leaders_page=request.GET.get("side_ll"), **filters
    )
    return lus_round, form, overview


def _short_date(value) -> str:
    """ "25/11 2026" (the overview's day format) or a dash."""
    if value is None:
        return "\u2013"  # en dash
    d = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{d.day}/{d.month} {d.year}"


@login_required
@require_GET
@never_cache
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    lus_round, form, data = _overview(request, pk)
    page = selectors.overview_page(data, request.GET.get("side"), PAGE_SIZE)
    for c in page:
        c.dates = [
            _short_date(d)
            for d in (c.invited_at, c.scheduled_at, c.held_at, c.plan_agreed_at, c.filed_at)
        ]
    return render(
        request,
        "rounds/overview.html",
        {
            "round": lus_round,
            "form": form,
            "overview": data,
            "page": page,
            "buckets": selectors.BUCKETS,
            "query": _without(request),
            # The links that open a unit, choose a leader's leader or turn a page of them
            # keep the other filters.
            "unit_query": _without(request, "side_ll", "unit"),
            "ll_query": _without(request, "side_ll", "leaders_leader", "search"),
            "all_ll_query": _without(request, "side_ll", "leaders_leader"),
            "ll_page_query": _without(request, "side_ll"),
            "deadline_passed": data.today > lus_round.deadline,
        },
    )


def _without(request: HttpRequest, *keys: str) -> str:
    query = request.GET.copy()
    for key in ("side", *keys):
        query.pop(key, None)
    return query.urlencode()


class _Excel(csv.excel):
    delimiter = ";"  # what Danish Excel expects


def _cell(value) -> str:
    """Dates in Danish format; text that a spreadsheet would run as a formula is defused."""
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return formats.date_format(value, "d-m-Y H:i")
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


@login_required
@require_GET
@never_cache
def overview_csv(request: HttpRequest, pk: int) -> HttpResponse:
    lus_round, _form, data = _overview(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"lus-status-{lus_round.year}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # BOM: Excel opens UTF-8 (æøå) correctly
    writer = csv.writer(response, dialect=_Excel)
    writer.writerow(
        [
            _("Leader"),
            _("Job title"),
            _("Organisational unit"),
            _("Leader's leader"),
            _("Status"),
            _("Overdue"),
            _("Invited"),
            _("Conversation planned for"),
            _("Preparation shared"),
            _("Held"),
            _("Plan agreed"),
            _("Filed"),
        ]
    )
    for c in data.rows.iterator(chunk_size=500):
        overdue = selectors.is_overdue(c.status, lus_round.deadline, data.today)
        writer.writerow(
            [
                _cell(c.leader.name),
                _cell(c.leader.job_title),
                _cell(c.leader.org_unit.name if c.leader.org_unit else ""),
                _cell(c.leaders_leader.name),
                _cell(selectors.BUCKET_LABELS[selectors.BUCKET_OF[c.status]]),
                _("yes") if overdue else _("no"),
                _cell(c.invited_at),
                _cell(c.scheduled_at),
                _cell(c.shared_at),
                _cell(c.held_at),
                _cell(c.plan_agreed_at),
                _cell(c.filed_at),
            ]
        )
    return response
