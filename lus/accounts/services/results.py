"""What a people import answers: the errors per row, the changes it makes, the counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("Line %(line)s, column “%(column)s”: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class PeopleDiff:
    """What an import changes, shown before it is applied (e-mail, name, ...)."""

    new: list[tuple[str, str]] = field(default_factory=list)
    #: (e-mail, name, old leader's e-mail, new leader's e-mail)
    manager_changes: list[tuple[str, str, str, str]] = field(default_factory=list)
    #: people of the municipality missing from a full file: deactivated, not deleted
    leavers: list[tuple[str, str]] = field(default_factory=list)
    #: people in the file who had been deactivated: active again
    returning: list[tuple[str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.new or self.manager_changes or self.leavers or self.returning)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    #: people in the file whom the import leaves exactly as they are
    unchanged: int = 0
    deactivated: int = 0
    errors: list[RowError] = field(default_factory=list)
    diff: PeopleDiff = field(default_factory=PeopleDiff)

    @property
    def ok(self) -> bool:
        return not self.errors


class PeopleImportError(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
