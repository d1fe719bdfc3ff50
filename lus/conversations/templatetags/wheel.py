"""Norddjurs' "samtalehjul" on screen: the four dimensions as a server-rendered SVG wheel with
both parties' answers, a text alternative and the same data as a table. It is also where the
two agree which dimension to start with."""

from __future__ import annotations

import math
import textwrap

from django import template
from django.utils.translation import gettext as _

register = template.Library()

COLOURS = ["#cfe3f3", "#d7ecd9", "#fbe5c8", "#ead8ef"]
#: The wheel's shape: both prepare and the framework has exactly four dimensions (themes).
DIMENSIONS = 4
RADIUS = 100


def _answered(value) -> bool:
    return value not in (None, "", "-")


def _wedge(i: int, n: int) -> tuple[str, float, float]:
    a0 = -math.pi / 2 + 2 * math.pi * i / n
    a1 = -math.pi / 2 + 2 * math.pi * (i + 1) / n
    x0, y0 = RADIUS * math.cos(a0), RADIUS * math.sin(a0)
    x1, y1 = RADIUS * math.cos(a1), RADIUS * math.sin(a1)
    path = f"M0,0 L{x0:.2f},{y0:.2f} A{RADIUS},{RADIUS} 0 0 1 {x1:.2f},{y1:.2f} Z"
    mid = (a0 + a1) / 2
    return path, round(0.55 * RADIUS * math.cos(mid), 2), round(0.55 * RADIUS * math.sin(mid), 2)


@register.simple_tag(takes_context=True)
def conversation_wheel(context):
    """The wheel's data for the conversation view's context, or None when the framework is
    not shaped as a wheel."""
    if not context.get("both"):
        return None
    themes = sorted(
        (b for b in context.get("blocks", []) if b["section"].kind == "theme"),
        key=lambda b: (b["section"].order, b["section"].pk),
    )
    if len(themes) != DIMENSIONS:
        return None
    visible = context.get("visible", {})
    start_id = context.get("start_id")
    segments = []
    for i, block in enumerate(themes):
        rows = block["rows"]
        path, x, y = _wedge(i, len(themes))
        # "?" where that party's answers are not visible to the viewer (not shared yet).
        leader = sum(1 for r in rows if _answered(r["leader"])) if visible.get("leader") else "?"
        leaders_leader = (
            sum(1 for r in rows if _answered(r["leaders_leader"]))
            if visible.get("leaders_leader")
            else "?"
        )
        # Short answers (a scale, a choice: the type says) are shown as they are; texts are
        # counted.
        values = [
            (r["question"].text, r["leader"], r["leaders_leader"])
            for r in rows
            if r["question"].question_type.short_answer
        ]
        title_lines = textwrap.wrap(block["section"].title, 14) or [""]
        count_lines = [
            _("Leader %(a)s of %(n)s") % {"a": leader, "n": len(rows)},
            _("Leader's leader %(b)s of %(n)s") % {"b": leaders_leader, "n": len(rows)},
        ]
        segments.append(
            {
                "section": block["section"],
                "path": path,
                "x": x,
                "y": y - 6 * len(title_lines),
                "colour": COLOURS[i % len(COLOURS)],
                "lines": title_lines,
                "count_lines": count_lines,
                "is_start": block["section"].pk == start_id,
                "total": len(rows),
                "leader": leader,
                "leaders_leader": leaders_leader,
                "values": values,
            }
        )
    start = next((s["section"].title for s in segments if s["is_start"]), None)
    parts = [_("The conversation wheel with four dimensions.")]
    for s in segments:
        parts.append(
            _("%(title)s: answered by the leader %(a)s, by the leader's leader %(b)s, of %(n)s.")
            % {
                "title": s["section"].title,
                "a": s["leader"],
                "b": s["leaders_leader"],
                "n": s["total"],
            }
        )
    parts.append(
        _("You start with %(title)s.") % {"title": start} if start else _("No start chosen yet.")
    )
    description = " ".join(parts)
    return {"segments": segments, "description": description, "start": start}
