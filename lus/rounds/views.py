"""HR's pages: the rounds, each round's status overview (+ CSV) and anonymous statistics.

Status and dates only: the selectors never load answers, notes or plans for a person. Everyone
but HR of the municipality gets 404 (another municipality's round is not in the scope at all).
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from lus.core.access import object_for_user

from . import selectors
from . import statistics as stats
from .charts import bar_chart
from .forms import HandoverForm, OverviewFilterForm
from .handover import conversation_hand_over, handover_candidates
from .models import ConductorHandover, LusRound

PAGE_SIZE = 100


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
    overview = selectors.round_overview(lus_round, **form.filters())
    return lus_round, form, overview


def _short_date(value) -> str:
    """ "25/11 2026" (the overview's day format) or a dash."""
    if value is None:
        return "\u2013"  # en dash
    d = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{d.day}/{d.month} {d.year}"


def _row_html(c, label: str, overdue_badge: str) -> str:
    """One conversation's row of the overview. Built here rather than in the template: with
    100 rows a page, template tags per cell were the biggest part of the page's time (bench)."""
    job = c.leader.job_title
    return format_html(
        '<tr{}><th scope="row">{}{}</th><td>{}</td><td>{}</td><td>{}{}</td>{}</tr>',
        mark_safe(' class="table-danger"') if c.overdue else "",
        c.leader.name,
        format_html('<br><span class="small fw-normal">{}</span>', job) if job else "",
        (c.leader.org_unit.name if c.leader.org_unit else "") or "\u2013",
        c.conductor.name,
        label,
        overdue_badge if c.overdue else "",
        format_html_join(
            "",
            "<td>{}</td>",
            (
                (_short_date(d),)
                for d in (c.invited_at, c.scheduled_at, c.held_at, c.plan_agreed_at, c.filed_at)
            ),
        ),
    )


@login_required
@require_GET
@never_cache
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    lus_round, form, data = _overview(request, pk)
    paginator = Paginator(data.rows, PAGE_SIZE)
    if data.row_count is not None:
        paginator.count = data.row_count  # known from the counts: no COUNT query
    page = paginator.get_page(request.GET.get("side"))
    labels = {key: str(label) for key, label in selectors.BUCKET_LABELS.items()}
    badge = format_html(' <span class="badge text-bg-danger">{}</span>', _("Overdue"))
    for c in page:
        c.overdue = selectors.is_overdue(c.status, lus_round.deadline, data.today)
        c.row_html = _row_html(c, labels[selectors.BUCKET_OF[c.status]], badge)
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "rounds/overview.html",
        {
            "round": lus_round,
            "form": form,
            "overview": data,
            "page": page,
            "buckets": selectors.BUCKETS,
            "query": query.urlencode(),
            "deadline_passed": data.today > lus_round.deadline,
        },
    )


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
                _cell(c.conductor.name),
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


@login_required
@require_GET
@never_cache
def statistics(request: HttpRequest) -> HttpResponse:
    _require(request, "rounds.view_statistics")
    themes = stats.scale_statistics()
    for i, theme in enumerate(themes):
        years = theme.year_list
        unit = "%" if theme.normalised else ""
        theme.chart = bar_chart(
            chart_id=f"chart-{i}",
            title=_("%(theme)s: average per year") % {"theme": theme.title},
            desc=_("Average of the scale questions of the theme for all leaders, per year: %(v)s.")
            % {
                "v": "; ".join(
                    f"{y}: {formats.number_format(theme.totals[y].theme.average, 1)}{unit}"
                    for y in years
                )
            },
            points=[(str(y), theme.totals[y].theme.average) for y in years],
            y_min=theme.scale_min,
            y_max=theme.scale_max,
        )
        theme.latest_year = years[-1]
        theme.latest_groups = [*theme.years[theme.latest_year], theme.totals[theme.latest_year]]
        theme.rows = [
            {
                "question": q,
                "cells": [g.questions.get(q.key) for g in theme.latest_groups],
            }
            for q in theme.questions
        ]
        theme.unit_rows = _unit_rows(theme)
    return render(
        request,
        "rounds/statistics.html",
        {"themes": themes, "min_group": stats.MIN_GROUP},
    )


def _unit_rows(theme) -> list[dict]:
    """Rows of the table "average per unit and year" (a group missing in a year: None)."""
    names: list[str] = []
    for y in theme.year_list:
        for g in theme.years[y]:
            if g.name not in names:
                names.append(g.name)
    rows = []
    for name in names:
        cells = []
        for y in theme.year_list:
            g = next((g for g in theme.years[y] if g.name == name), None)
            cells.append(g)
        rows.append({"name": name, "cells": cells})
    rows.append({"name": _("All leaders"), "cells": [theme.totals[y] for y in theme.year_list]})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def handover(request: HttpRequest) -> HttpResponse:
    """Open conversations whose leader has a new leader's leader, handed over one at a time."""
    _require(request, "rounds.hand_over")
    candidates = handover_candidates()
    form = HandoverForm(request.POST if request.method == "POST" else None, candidates=candidates)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            conversation = form.cleaned_data["conversation"]
            try:
                done = conversation_hand_over(
                    conversation=conversation,
                    to_conductor=conversation.leader.manager,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form.add_error("conversation", exc)
            else:
                messages.success(
                    request,
                    _("%(leader)s's LUS is now held by %(name)s.")
                    % {"leader": conversation.leader.name, "name": done.to_conductor.name},
                )
                return redirect("rounds:handover")
        status = 400
    recent = ConductorHandover.objects.select_related(
        "conversation__leader", "from_conductor", "to_conductor", "handed_over_by"
    )[:20]
    return render(
        request,
        "rounds/handover.html",
        {"candidates": candidates, "form": form, "recent": recent},
        status=status,
    )
