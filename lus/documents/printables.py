"""Blank printable versions of a conversation's framework (team customisation applied).

- ``table`` (default; Albertslund's walk'n'talk form): A4 landscape, per section a table with
  the question, the keywords to tick, and empty "notes" and "agreements" columns.
- ``wheel`` (Norddjurs' conversation wheel): one A3 page, the sections as segments of a wheel
  with their questions around it and room to write.
HR chooses the layout per municipality (``DocumentSettings.printable_layout``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils import timezone

from lus.frameworks.models import Section
from lus.frameworks.selectors import effective_questions

from .models import DocumentSettings
from .pdf import ascii_slug, render_pdf_cached
from .selectors import logo_data_uri, settings_for

WHEEL_COLOURS = ["#cfe3f3", "#d7ecd9", "#fbe5c8", "#ead8ef", "#f6d5d5", "#dde4ea"]


@dataclass
class Row:
    text: str
    group: str
    keywords: list[str] = field(default_factory=list)
    help_text: str = ""


@dataclass
class Block:
    title: str
    intro: str
    rows: list[Row]
    colour: str = ""
    path: str = ""
    label_x: float = 0
    label_y: float = 0


def _blocks(conversation) -> list[Block]:
    blocks = []
    for section, questions in effective_questions(
        version=conversation.version,
        customisation=conversation.customisation,
        year=conversation.year,
    ):
        if section.kind == Section.Kind.PLAN:
            continue
        rows = [
            Row(
                q.text,
                q.group,
                q.question_type.printed_options(q),
                q.help_text,
            )
            for q in questions
            if q.is_answerable
        ]
        if rows:
            blocks.append(Block(section.title, section.intro, rows))
    return blocks


def _wheel(blocks: list[Block], *, r: float = 100.0, size_mm: float = 150.0) -> None:
    """SVG wedge paths (centre 0,0, viewBox ±104) and each label's top-left corner in mm
    inside the ``size_mm`` wheel box (labels are 56 mm wide HTML text, not SVG text)."""
    n = max(len(blocks), 1)
    for i, block in enumerate(blocks):
        a0 = -math.pi / 2 + 2 * math.pi * i / n
        a1 = -math.pi / 2 + 2 * math.pi * (i + 1) / n
        x0, y0 = r * math.cos(a0), r * math.sin(a0)
        x1, y1 = r * math.cos(a1), r * math.sin(a1)
        large = 1 if (a1 - a0) > math.pi else 0
        block.path = f"M0,0 L{x0:.2f},{y0:.2f} A{r},{r} 0 {large} 1 {x1:.2f},{y1:.2f} Z"
        mid = (a0 + a1) / 2
        scale = size_mm / 208
        block.label_x = round(size_mm / 2 + 0.6 * r * math.cos(mid) * scale - 28, 1)
        block.label_y = round(size_mm / 2 + 0.6 * r * math.sin(mid) * scale - 5, 1)
        block.colour = WHEEL_COLOURS[i % len(WHEEL_COLOURS)]


def blank_form_pdf(conversation) -> tuple[bytes, str]:
    doc_settings = settings_for(conversation.municipality_id)
    blocks = _blocks(conversation)
    wheel = doc_settings.printable_layout == DocumentSettings.PrintableLayout.WHEEL
    if wheel:
        _wheel(blocks)
    ctx = {
        "conversation": conversation,
        "municipality": conversation.municipality,
        "version": conversation.version,
        "framework": conversation.version.framework,
        "logo": logo_data_uri(doc_settings),
        "blocks": blocks,
        # The "keywords" column only where the framework has keywords to tick (Albertslund).
        "has_keywords": any(row.keywords for block in blocks for row in block.rows),
    }
    template = "documents/print/wheel.html" if wheel else "documents/print/blank_form.html"
    # A published version never changes: rendered once per version and content, then cached.
    rendered = render_pdf_cached(
        template,
        ctx,
        stylesheet="wheel.css" if wheel else "blank_form.css",
        version_id=conversation.version_id,
    )
    name = (
        f"LUS-{conversation.year}-{ascii_slug(conversation.version.framework.name)}-"
        f"{'samtalehjul' if wheel else 'skema'}-{timezone.localdate().isoformat()}.pdf"
    )
    return rendered.content, name
