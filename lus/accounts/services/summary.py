"""A checked file's summary of bounded size, for the import page and the task's result."""

from __future__ import annotations

from .results import ImportResult, RowError

#: Problems and changes kept for the summary page; the rest are counted (problems are
#: downloadable as CSV).
SUMMARY_SHOWN = 100


def people_import_summary(*, result: ImportResult) -> dict:
    """A checked file's summary of bounded size (JSON-safe): counts, then the first changes."""
    diff = result.diff
    summary: dict = {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "deactivated": result.deactivated,
    }
    for name in ("new", "manager_changes", "leavers", "returning"):
        items = getattr(diff, name)
        summary[name] = [list(item) for item in items[:SUMMARY_SHOWN]]
        summary[f"{name}_count"] = len(items)
    return summary


def people_import_errors_summary(*, errors: list[RowError]) -> dict:
    return {
        "errors": [[e.line, e.column, str(e.message)] for e in errors[:SUMMARY_SHOWN]],
        "error_count": len(errors),
    }


def people_import_rows_estimate(text: str) -> int:
    """Data rows of a CSV text without parsing it (a quoted line break counts twice)."""
    return max(sum(1 for line in text.splitlines() if line.strip()) - 1, 0)
