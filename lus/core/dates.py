"""Date arithmetic shared by the apps."""

from __future__ import annotations

import datetime


def due_date(start: datetime.date, years: int) -> datetime.date:
    """``start`` plus whole ``years`` (29 February becomes 28 February in a common year)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def iso(value: datetime.date | datetime.datetime | None) -> str | None:
    """ISO 8601 text of a date or time, or None (for JSON exports)."""
    return value.isoformat() if value is not None else None
