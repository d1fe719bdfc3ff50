"""The person's preparation inputs in "Download my data" (the attached PDFs go into the ZIP;
collected by ``lus.orchestration.mydata``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .models import PreparationInput
from .selectors import inputs_of_leader


def preparation_inputs(person: Any) -> list[dict]:
    return [
        {
            "kind": item.kind,
            "year": item.year,
            "title": item.title,
            "source": item.source,
            "created_at": item.created_at.isoformat(),
            "pdf": f"forberedelsesdata/{item.pk}.pdf" if item.has_pdf else None,
            "results": [
                {
                    "dimension": s.dimension,
                    "result": str(s.score),
                    "benchmark": None if s.benchmark is None else str(s.benchmark),
                    "scale_max": None if s.scale_max is None else str(s.scale_max),
                }
                for s in item.scores.all()
            ],
        }
        for item in inputs_of_leader(person)
    ]


def preparation_input_pdfs(person: Any) -> Iterator[tuple[str, bytes]]:
    for item in PreparationInput.objects.filter(leader=person, pdf_size__gt=0).order_by("pk"):
        if item.pdf is not None:
            yield f"{item.pk}.pdf", bytes(item.pdf)
