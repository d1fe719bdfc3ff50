"""Reading a survey tool's CSV export of results per leader and dimension (pure: no database).

The format most tools can export ("long" format): a header line, then one line per leader and
dimension. Column names are recognised in Danish and English, in any order and case:

    brugernavn;dimension;score;benchmark
    lone.leder;Tydelig retning;3,8;4,1

- the leader: ``brugernavn`` / ``username`` or ``e-mail`` / ``email``;
- ``dimension`` (also ``spørgsmål``, ``tema``, ``område``);
- ``score`` (also ``resultat``, ``gennemsnit``, ``værdi``);
- optional ``benchmark`` (also ``organisationen``, ``kommunen``, ``sammenligning``) and
  ``skala`` (the scale's maximum, e.g. 5 or 100).

Separators ``;`` ``,`` or tab; UTF-8 (with or without BOM) or Windows-1252; decimal comma or
point. Every problem is reported with its line and column, in Danish.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
MAX_DIMENSION = 200
MAX_DIMENSIONS_PER_LEADER = 200
#: How many problems the summary lists; the rest are counted.
MAX_ERRORS_SHOWN = 20

COLUMNS = {
    "username": ("brugernavn", "username", "bruger", "initialer"),
    "email": ("e-mail", "email", "mail", "e-mailadresse"),
    "dimension": ("dimension", "spørgsmål", "tema", "område", "question"),
    "score": ("score", "resultat", "gennemsnit", "værdi", "result", "value"),
    "benchmark": (
        "benchmark",
        "organisationen",
        "kommunen",
        "sammenligning",
        "hele organisationen",
        "organisation",
    ),
    "scale": ("skala", "scale", "skala maks", "maks"),
}


@dataclass
class ParsedRow:
    line: int
    leader_key: str
    by: str  # "username" or "email"
    dimension: str
    score: Decimal
    benchmark: Decimal | None
    scale_max: Decimal | None


@dataclass
class ParseResult:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    error_count: int = 0

    def add_error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_SHOWN:
            self.errors.append(message)

    @property
    def more_errors(self) -> int:
        return self.error_count - len(self.errors)


def _number(text: str) -> Decimal:
    cleaned = text.strip().replace("\xa0", "").replace(" ", "").replace("%", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    value = Decimal(cleaned)
    if not value.is_finite() or abs(value) >= Decimal("1000000"):
        raise InvalidOperation
    return value.quantize(Decimal("0.01"))


def _header_map(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = name.strip().strip('"').lower()
        for column, aliases in COLUMNS.items():
            if key in aliases and column not in found:
                found[column] = index
    return found


def parse_results_csv(raw: bytes) -> ParseResult:
    """Parse the file. Raises nothing: every problem is an error in the result."""
    result = ParseResult()
    if len(raw) > MAX_FILE_BYTES:
        result.add_error(_("The file is larger than 5 MB."))
        return result
    if b"\x00" in raw:
        result.add_error(_("The file contains NUL bytes; it is not a CSV text file."))
        return result
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            result.add_error(_("The file could not be read as text (UTF-8 or Windows-1252)."))
            return result
    if not text.strip():
        result.add_error(_("The file is empty."))
        return result
    first_line = text.splitlines()[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error:
        result.add_error(_("Line 1: the header could not be read."))
        return result
    columns = _header_map(header)
    missing = [
        name
        for name, ok in (
            (_("username or e-mail"), "username" in columns or "email" in columns),
            ("dimension", "dimension" in columns),
            ("score", "score" in columns),
        )
        if not ok
    ]
    if missing:
        result.add_error(
            _("Line 1 must hold the column names. Missing: %(missing)s. Found: %(found)s.")
            % {
                "missing": ", ".join(missing),
                "found": ", ".join(h.strip() for h in header if h.strip())[:300] or "-",
            }
        )
        return result
    by = "username" if "username" in columns else "email"
    seen: dict[tuple[str, str], int] = {}
    per_leader: dict[str, int] = {}
    try:
        for line_no, row in enumerate(reader, start=2):
            if line_no > MAX_ROWS + 1:
                result.add_error(
                    _("The file has more than %(max)s lines; split it up.") % {"max": MAX_ROWS}
                )
                break
            if not any(cell.strip() for cell in row):
                continue
            _parse_row(result, columns, header, by, row, line_no, seen, per_leader)
    except csv.Error as exc:
        result.add_error(
            _("Line %(line)s: the line could not be read (%(error)s).")
            % {"line": reader.line_num, "error": exc}
        )
    if not result.rows and not result.error_count:
        result.add_error(_("The file has no results below the header."))
    return result


def _parse_row(result, columns, header, by, row, line_no, seen, per_leader) -> None:
    def cell(column: str) -> str:
        index = columns.get(column)
        return row[index].strip() if index is not None and index < len(row) else ""

    def column_name(column: str) -> str:
        return header[columns[column]].strip()

    errors_before = result.error_count
    key = cell(by)
    if not key:
        result.add_error(
            _("Line %(line)s, column “%(column)s”: the leader is missing.")
            % {"line": line_no, "column": column_name(by)}
        )
    dimension = cell("dimension")
    if not dimension:
        result.add_error(
            _("Line %(line)s, column “%(column)s”: the dimension is missing.")
            % {"line": line_no, "column": column_name("dimension")}
        )
    elif len(dimension) > MAX_DIMENSION:
        result.add_error(
            _("Line %(line)s, column “%(column)s”: at most %(max)s characters.")
            % {"line": line_no, "column": column_name("dimension"), "max": MAX_DIMENSION}
        )
    values = {}
    for column, required in (("score", True), ("benchmark", False), ("scale", False)):
        text = cell(column)
        if not text:
            if required:
                result.add_error(
                    _("Line %(line)s, column “%(column)s”: the result is missing.")
                    % {"line": line_no, "column": column_name(column)}
                )
            values[column] = None
            continue
        try:
            values[column] = _number(text)
        except (InvalidOperation, ValueError):
            result.add_error(
                _("Line %(line)s, column “%(column)s”: must be a number (e.g. 3,8).")
                % {"line": line_no, "column": column_name(column)}
            )
    if result.error_count > errors_before:
        return
    normalized = key.lower()
    if (normalized, dimension.lower()) in seen:
        result.add_error(
            _("Line %(line)s: the same leader and dimension as line %(other)s.")
            % {"line": line_no, "other": seen[(normalized, dimension.lower())]}
        )
        return
    seen[(normalized, dimension.lower())] = line_no
    per_leader[normalized] = per_leader.get(normalized, 0) + 1
    if per_leader[normalized] > MAX_DIMENSIONS_PER_LEADER:
        result.add_error(
            _("Line %(line)s: more than %(max)s dimensions for one leader.")
            % {"line": line_no, "max": MAX_DIMENSIONS_PER_LEADER}
        )
        return
    result.rows.append(
        ParsedRow(
            line=line_no,
            leader_key=normalized,
            by=by,
            dimension=dimension,
            score=values["score"],
            benchmark=values["benchmark"],
            scale_max=values["scale"],
        )
    )
