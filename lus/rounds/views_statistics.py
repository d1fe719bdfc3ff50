"""HR's anonymous statistics: the stored numbers of every round whose deadline has passed
(``statistics.py`` explains the rules); a running round shows no number at all."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import statistics as stats
from .charts import bar_chart


@login_required
@require_GET
@never_cache
def statistics(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("rounds.view_statistics"):
        raise Http404
    themes = stats.scale_statistics()
    for i, theme in enumerate(themes):
        years = [y for y in theme.year_list if theme.totals[y].theme.average is not None]
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
        theme.latest_year = theme.year_list[-1]
        theme.latest_groups = [*theme.years[theme.latest_year], theme.totals[theme.latest_year]]
        theme.rows = [
            {
                "question": q,
                "cells": [g.questions.get(q.key) for g in theme.latest_groups],
                "spread": theme.totals[theme.latest_year].questions.get(q.key),
            }
            for q in theme.questions
        ]
        theme.unit_rows = _unit_rows(theme)
    return render(
        request,
        "rounds/statistics.html",
        {
            "themes": themes,
            "min_group": stats.MIN_GROUP,
            "running": stats.running_rounds(),
        },
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
        cells = [next((g for g in theme.years[y] if g.name == name), None) for y in theme.year_list]
        rows.append({"name": name, "cells": cells})
    rows.append({"name": _("All leaders"), "cells": [theme.totals[y] for y in theme.year_list]})
    return rows
