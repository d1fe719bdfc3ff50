"""Reading a people file: the text from the uploaded bytes, and one row per person with the
errors a row shows on its own (before it is compared with the municipality)."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from .results import PeopleImportError, RowError

CSV_COLUMNS = ["email", "name", "job_title", "org_unit", "manager_email", "birth_date", "is_hr"]
REQUIRED_COLUMNS = {"email", "name"}
MAX_ROWS = 50_000
#: The longest e-mail a person can have (``User.email``).
EMAIL_MAX = 254
TRUE_VALUES = {"1", "ja", "yes", "true", "x", "sand"}
FALSE_VALUES = {"", "0", "nej", "no", "false", "falsk"}


@dataclass
class Row:
    line: int
    email: str
    name: str
    job_title: str
    org_unit: str
    manager_email: str
    birth_date: datetime.date | None
    is_hr: bool


def _nul_error() -> PeopleImportError:
    # UTF-16 or a binary file; PostgreSQL cannot store NUL in text (a 500 otherwise).
    return PeopleImportError(
        [
            RowError(
                0,
                "-",
                _(
                    "The file contains NUL characters, so it is not a plain CSV text file. "
                    "Save it as “CSV UTF-8” and upload it again."
                ),
            )
        ]
    )


def csv_decode(data: bytes | str) -> str:
    if isinstance(data, str):
        if "\x00" in data:
            raise _nul_error()
        return data
    if b"\x00" in data:
        raise _nul_error()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PeopleImportError([RowError(0, "-", _("The file is not a text (CSV) file."))])


def _parse_date(value: str) -> datetime.date:
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _email_error(email: str) -> str:
    local = email.rpartition("@")[0]
    if local and not local.isascii():
        # Mail systems do not deliver to æ, ø, å before the @ (the domain may have them).
        return (
            _(
                "“%s” is not a valid e-mail: the part before @ cannot contain æ, ø, å or other "
                "letters outside a-z. Use the address the mail system gives the person "
                "(often ae, oe, aa)."
            )
            % email
        )
    return _("“%s” is not a valid e-mail.") % email


#: How often (in rows) the check reports its progress.
PROGRESS_EVERY = 500


def parse_rows(
    text: str, progress: Callable[[int], None] | None = None
) -> tuple[list[Row], list[RowError]]:
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = REQUIRED_COLUMNS - set(header)
    if missing:
        return [], [
            RowError(
                1, ", ".join(sorted(missing)), _("Required column is missing from the header.")
            )
        ]
    reader.fieldnames = header
    rows: list[Row] = []
    errors: list[RowError] = []
    for index, raw in enumerate(reader, start=2):
        if index - 1 > MAX_ROWS:
            errors.append(RowError(index, "-", _("Too many rows (at most %s).") % MAX_ROWS))
            break
        values = {k: (v or "").strip() for k, v in raw.items() if k}
        if not any(values.values()):
            continue
        if progress is not None and index % PROGRESS_EVERY == 0:
            progress(index - 1)
        line_errors: list[RowError] = []
        email = values.get("email", "").lower()
        try:
            validate_email(email)
        except ValidationError:
            line_errors.append(RowError(index, "email", _email_error(email)))
        else:
            if len(email) > EMAIL_MAX:
                line_errors.append(
                    RowError(
                        index,
                        "email",
                        _("The e-mail is too long (at most %s characters).") % EMAIL_MAX,
                    )
                )
        name = values.get("name", "")
        if not name:
            line_errors.append(RowError(index, "name", _("The name is missing.")))
        elif len(name) > 200:
            line_errors.append(RowError(index, "name", _("The name is too long.")))
        birth_date = None
        if values.get("birth_date"):
            try:
                birth_date = _parse_date(values["birth_date"])
            except ValueError:
                line_errors.append(
                    RowError(
                        index,
                        "birth_date",
                        _("“%s” is not a date (use YYYY-MM-DD).") % values["birth_date"],
                    )
                )
        hr_value = values.get("is_hr", "").lower()
        if hr_value not in TRUE_VALUES | FALSE_VALUES:
            line_errors.append(RowError(index, "is_hr", _("Write “ja” or “nej”.")))
        manager_email = values.get("manager_email", "").lower()
        if manager_email and manager_email == email:
            line_errors.append(
                RowError(index, "manager_email", _("A person cannot be their own leader."))
            )
        errors.extend(line_errors)
        rows.append(
            Row(
                line=index,
                email=email,
                name=name,
                job_title=values.get("job_title", "")[:200],
                org_unit=values.get("org_unit", "")[:200],
                manager_email=manager_email,
                birth_date=birth_date,
                is_hr=hr_value in TRUE_VALUES,
            )
        )
    return rows, errors
