"""The refusals of the plan services. Each carries its HTTP answer (``lus.core.errors``), so the
views map them in one place."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from lus.core.errors import DomainError


class PlanLocked(DomainError):
    """The plan is agreed (or filed): read-only."""

    http_status = 409
    json_status = "locked"
    message = gettext_lazy(
        "The plan has been agreed and is locked. Reopen it (with a reason) to change it."
    )


class CellGone(DomainError):
    """The cell's development point or activity was deleted by the other person (a form asking
    for it gets 404; a co-editing save gets 409 with its text back, see ``cell_save``)."""

    http_status = 404
    json_http_status = 409
    json_status = "gone"
    message = gettext_lazy("The development point no longer exists.")


class NotMinutesWriter(DomainError):
    """The minutes are written by the other party (as agreed in the invitation)."""

    http_status = 403
    message = gettext_lazy("Only the agreed writer writes the minutes.")


class PlanError(ValidationError):
    """A refused plan action (Danish message)."""

    http_status = 409
