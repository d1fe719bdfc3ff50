"""Where a filed PDF goes. Pluggable: a destination is an object with ``key``, ``label`` and
``deliver(record, content)`` that raises on failure; register it with :func:`register` and
add its key to ``models.Destination`` so HR can choose it in the admin.

Every filed PDF is first stored in the app's own archive storage (that copy is what downloads
and retries read); the destination then delivers those exact bytes.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from .models import Destination, FiledRecord


class FilingDestination(Protocol):
    key: str

    def deliver(self, record: FiledRecord, content: bytes) -> None: ...


DESTINATIONS: dict[str, FilingDestination] = {}


def register(destination: FilingDestination) -> FilingDestination:
    DESTINATIONS[destination.key] = destination
    return destination


def get(key: str) -> FilingDestination:
    return DESTINATIONS[key]


class ArchiveDestination:
    """The app's own archive: the PDF is already stored; delivery checks it reads back intact."""

    key = Destination.ARCHIVE

    def deliver(self, record: FiledRecord, content: bytes) -> None:
        import hashlib

        with record.file.open("rb") as f:
            stored = f.read()
        if hashlib.sha256(stored).hexdigest() != record.sha256:
            raise OSError("The archived file does not match its SHA-256.")


def journal_metadata(record: FiledRecord) -> list[tuple[str, str]]:
    """The journal metadata sent with the PDF (and shown in the admin). No CPR number."""
    return [
        (_("Leader"), record.leader_name),
        (_("Year"), str(record.year)),
        (_("Case reference"), record.journal_reference or "-"),
        (_("KLE subject number"), record.kle_number or "-"),
        (_("KLE action facet"), record.action_facet or "-"),
        (_("Deletion date"), record.deletion_text()),
        (_("Framework version"), record.framework_version_label),
        (
            _("Filed at"),
            formats.date_format(timezone.localtime(record.filed_at), "DATETIME_FORMAT"),
        ),
        (_("Filed by"), record.filed_by_name),
        (_("Filing no."), str(record.sequence)),
        (_("File"), record.filename),
        (_("SHA-256"), record.sha256),
        (_("Size (bytes)"), str(record.size)),
    ]


class EmailDestination:
    """E-mail to the ESDH's journal address (Acadre and others file mail on a case by the
    reference in the subject)."""

    key = Destination.EMAIL

    def message(self, record: FiledRecord, content: bytes) -> EmailMessage:
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("%(reference)s LUS %(year)s - %(name)s") % {
                "reference": record.journal_reference,
                "year": record.year,
                "name": record.leader_name,
            }
            lines = [
                _(
                    "Development plan from a leadership development conversation (LUS), for the "
                    "leader's personnel record."
                ),
                "",
                *(f"{label}: {value}" for label, value in journal_metadata(record)),
            ]
        message = EmailMessage(
            subject=subject.strip(),
            body="\n".join(lines),
            to=[record.destination_address],
            headers={
                "X-LUS-KLE": record.kle_number,
                "X-LUS-Action-Facet": record.action_facet,
                "X-LUS-Deletion-Date": record.deletion_text(),
                "X-LUS-SHA256": record.sha256,
            },
        )
        message.attach(record.filename, content, "application/pdf")
        return message

    def deliver(self, record: FiledRecord, content: bytes) -> None:
        if not record.destination_address:
            raise ValueError("No journal e-mail address.")
        self.message(record, content).send(fail_silently=False)


register(ArchiveDestination())
register(EmailDestination())
