"""The people import in one call: parse the file, check it, then apply it (or only show what
it would change)."""

from __future__ import annotations

from collections.abc import Callable

from lus.accounts.models import User
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope

from .apply import people_apply
from .check import people_check
from .parse import csv_decode, parse_rows
from .results import ImportResult


def people_import(
    *,
    municipality: Municipality,
    data: bytes | str,
    dry_run: bool = False,
    deactivate_missing: bool = False,
    actor: User | None = None,
    progress: Callable[[int], None] | None = None,
    write_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Create or update people and their hierarchy from CSV, all or nothing, in one transaction.

    Columns: email, name (required), job_title, org_unit, manager_email, birth_date, is_hr.
    People are matched on e-mail within the municipality. Any row error aborts the whole import
    with every error listed; nothing is written. ``result.diff`` lists the new people, changed
    leaders, leavers and returning people; ``dry_run`` computes it without writing anything.
    With ``deactivate_missing`` (the file is the whole municipality) active people not in the
    file are leavers: deactivated with ``date_left`` today, never deleted (their filed records
    stay). The importing ``actor`` is never deactivated by their own import.
    ``progress(rows_read)`` is called every ``PROGRESS_EVERY`` rows while the file is read
    (reading and validating the rows is most of the check's time); ``write_progress(rows)``
    after each batch of people written when the import is applied.
    """
    rows, errors = parse_rows(csv_decode(data), progress)
    with tenant_scope(municipality):
        checked = people_check(
            rows=rows, errors=errors, deactivate_missing=deactivate_missing, actor=actor
        )
        result = checked.result
        if dry_run:
            result.created = len(result.diff.new)
            result.updated = len(checked.changing)
            result.unchanged = len(rows) - result.created - result.updated
            result.deactivated = len(checked.leavers)
            return result
        people_apply(
            municipality=municipality,
            rows=rows,
            checked=checked,
            actor=actor,
            progress=write_progress,
        )
        return result
