"""What was filed about the person, in "Download my data" (``lus.orchestration.mydata``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lus.core.dates import iso

from .models import FiledRecord


def filed_records(person: Any) -> list[dict]:
    """What was filed to the person's personnel record (the PDFs are in the download's pdf/)."""
    return [
        {
            "year": r.year,
            "filed_at": iso(r.filed_at),
            "filed_by": r.filed_by_name,
            "file": r.filename,
            "sha256": r.sha256,
            "destination": r.destination,
            "deletion_date": iso(r.effective_deletion_date),
            "pdf_in_download": r.file.storage.exists(r.file.name),
        }
        for r in FiledRecord.objects.filter(leader=person).select_related("leader")
    ]


def filed_pdfs(person: Any) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every filed PDF about the person still in the app's archive."""
    for record in FiledRecord.objects.filter(leader=person).order_by("filed_at", "pk"):
        if record.file.storage.exists(record.file.name):
            with record.file.open("rb") as f:
                yield f"{record.sequence}-{record.filename}", f.read()
