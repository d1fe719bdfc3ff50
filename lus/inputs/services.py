"""Writes for preparation inputs (HackSoft style: keyword-only, validated, atomic, audited)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lus.accounts.models import User
from lus.audit.models import AuditEvent
from lus.audit.services import audit_record

from .models import MAX_PDF_BYTES, InputImport, InputScore, PreparationInput
from .parsing import parse_results_csv


@dataclass
class ImportSummary:
    """What HR is told: counts and the problems of the file — never a result."""

    imported: bool
    leaders: int = 0
    scores: int = 0
    replaced: int = 0
    errors: list[str] = field(default_factory=list)
    more_errors: int = 0
    batch: InputImport | None = None


def inputs_import_csv(
    *, municipality, actor: User, kind: str, year: int, title: str, raw: bytes
) -> ImportSummary:
    """Import a survey tool's CSV. All or nothing: a file with any problem imports no row (HR
    corrects the file and imports it again). Re-importing the same kind and year for a leader
    replaces that leader's earlier imported results of that kind and year."""
    parsed = parse_results_csv(raw)
    if parsed.error_count:
        return ImportSummary(imported=False, errors=parsed.errors, more_errors=parsed.more_errors)
    by = parsed.rows[0].by
    keys = {row.leader_key for row in parsed.rows}
    # One municipality's people fit in memory; matching is case-insensitive.
    field_name = "username" if by == "username" else "email"
    found: dict[str, User] = {}
    for person in User.objects.filter(municipality=municipality).only("pk", field_name):
        value = getattr(person, field_name).lower()
        if value in keys:
            found.setdefault(value, person)
    summary = ImportSummary(imported=False)
    for row in parsed.rows:
        if row.leader_key not in found:
            # The same answer for a name of another municipality as for no name at all.
            message = _("Line %(line)s: no person with that %(what)s in the municipality.") % {
                "line": row.line,
                "what": _("username") if by == "username" else _("e-mail"),
            }
            if len(summary.errors) < 20:
                summary.errors.append(message)
            else:
                summary.more_errors += 1
    if summary.errors:
        return summary

    by_leader: dict[int, list] = {}
    for row in parsed.rows:
        by_leader.setdefault(found[row.leader_key].pk, []).append(row)
    with transaction.atomic():
        batch = InputImport(
            municipality=municipality,
            kind=kind,
            year=year,
            title=title,
            imported_by=actor,
            imported_by_name=actor.name or actor.username,
        )
        batch.full_clean()
        batch.save()
        old = PreparationInput.objects.filter(
            leader_id__in=by_leader,
            kind=kind,
            year=year,
            source=PreparationInput.Source.IMPORT,
        )
        summary.replaced = old.count()
        old.delete()
        scores = []
        for leader_id, rows in by_leader.items():
            item = PreparationInput(
                municipality=municipality,
                leader_id=leader_id,
                kind=kind,
                year=year,
                title=title,
                source=PreparationInput.Source.IMPORT,
                batch=batch,
            )
            item.full_clean(exclude=["leader"])
            item.save()
            for order, row in enumerate(rows):
                scores.append(
                    InputScore(
                        municipality=municipality,
                        input=item,
                        order=order,
                        dimension=row.dimension,
                        score=row.score,
                        benchmark=row.benchmark,
                        scale_max=row.scale_max,
                    )
                )
        InputScore.objects.bulk_create(scores, batch_size=1000)
        batch.leaders = len(by_leader)
        batch.scores = len(scores)
        batch.save(update_fields=["leaders", "scores"])
        audit_record(
            actor=actor,
            action="import_preparation_inputs",
            target=batch,
            subject=None,
            detail=_("%(title)s %(year)s: %(leaders)s leaders, %(scores)s results")
            % {"title": title, "year": year, "leaders": batch.leaders, "scores": batch.scores},
            category=AuditEvent.Category.CHANGE,
        )
    summary.imported = True
    summary.leaders = batch.leaders
    summary.scores = batch.scores
    summary.batch = batch
    return summary


def input_attach_pdf(
    *, leader: User, kind: str, year: int, title: str, name: str, content: bytes
) -> PreparationInput:
    """The leader attaches a report (a PDF) as an input to their own preparation."""
    if not content.startswith(b"%PDF-"):
        raise ValidationError({"file": _("Choose a PDF file.")})
    if len(content) > MAX_PDF_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB.")})
    if leader.municipality_id is None:  # a platform account has no LUS to prepare
        raise ValidationError(
            PreparationInput._meta.get_field("municipality").error_messages["null"]
        )
    item = PreparationInput(
        municipality_id=leader.municipality_id,
        leader=leader,
        kind=kind,
        year=year,
        title=title,
        source=PreparationInput.Source.UPLOAD,
        pdf=content,
        pdf_name=(name or "rapport.pdf")[-200:],
        pdf_size=len(content),
    )
    item.full_clean()
    with transaction.atomic():
        item.save()
        audit_record(
            actor=leader,
            action="attach_preparation_input",
            target=item,
            subject=leader,
            detail=title,
            category=AuditEvent.Category.CHANGE,
        )
    return item


def input_delete(*, item: PreparationInput, actor: User) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="delete_preparation_input",
            target=item,
            subject=item.leader,
            detail=item.title,
            category=AuditEvent.Category.CHANGE,
        )
        item.delete()
