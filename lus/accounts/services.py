"""Side effects on people: import of people and hierarchy from CSV."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lus.accounts.models import OrgUnit, User
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope, unscoped

CSV_COLUMNS = ["email", "name", "job_title", "org_unit", "manager_email", "birth_date", "is_hr"]
REQUIRED_COLUMNS = {"email", "name"}
MAX_ROWS = 50_000
TRUE_VALUES = {"1", "ja", "yes", "true", "x", "sand"}
FALSE_VALUES = {"", "0", "nej", "no", "false", "falsk"}


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


@dataclass
class _Row:
    line: int
    email: str
    name: str
    job_title: str
    org_unit: str
    manager_email: str
    birth_date: datetime.date | None
    is_hr: bool


def csv_decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
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


def _parse_rows(text: str) -> tuple[list[_Row], list[RowError]]:
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
    rows: list[_Row] = []
    errors: list[RowError] = []
    for index, raw in enumerate(reader, start=2):
        if index - 1 > MAX_ROWS:
            errors.append(RowError(index, "-", _("Too many rows (at most %s).") % MAX_ROWS))
            break
        values = {k: (v or "").strip() for k, v in raw.items() if k}
        if not any(values.values()):
            continue
        line_errors: list[RowError] = []
        email = values.get("email", "").lower()
        try:
            validate_email(email)
        except ValidationError:
            line_errors.append(RowError(index, "email", _("“%s” is not a valid e-mail.") % email))
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
            _Row(
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


def _find_cycles(managers: dict[str, str]) -> set[str]:
    in_cycle: set[str] = set()
    for start in managers:
        seen: list[str] = []
        current = start
        while current and current not in seen:
            seen.append(current)
            current = managers.get(current, "")
        if current and current == start:
            in_cycle.update(seen)
    return in_cycle


def people_import(
    *,
    municipality: Municipality,
    data: bytes | str,
    dry_run: bool = False,
    deactivate_missing: bool = False,
    actor: User | None = None,
) -> ImportResult:
    """Create or update people and their hierarchy from CSV, all or nothing, in one transaction.

    Columns: email, name (required), job_title, org_unit, manager_email, birth_date, is_hr.
    People are matched on e-mail within the municipality. Any row error aborts the whole import
    with every error listed; nothing is written. ``result.diff`` lists the new people, changed
    leaders, leavers and returning people; ``dry_run`` computes it without writing anything.
    With ``deactivate_missing`` (the file is the whole municipality) active people not in the
    file are leavers: deactivated with ``date_left`` today, never deleted (their filed records
    stay). The importing ``actor`` is never deactivated by their own import.
    """
    rows, errors = _parse_rows(csv_decode(data))
    with tenant_scope(municipality):
        existing = {u.email.lower(): u for u in User.objects.select_related("manager")}
        seen: dict[str, int] = {}
        for row in rows:
            if row.email in seen:
                errors.append(
                    RowError(
                        row.line,
                        "email",
                        _("The e-mail is also on line %s.") % seen[row.email],
                    )
                )
            seen.setdefault(row.email, row.line)
        file_emails = {r.email for r in rows}
        for row in rows:
            if row.manager_email and row.manager_email not in file_emails | existing.keys():
                errors.append(
                    RowError(
                        row.line,
                        "manager_email",
                        _("Unknown leader “%s”: not in the file or the municipality.")
                        % row.manager_email,
                    )
                )
        with unscoped("people import: usernames are unique across municipalities"):
            taken = set(
                User.objects.filter(username__in=file_emails)
                .exclude(municipality=municipality)
                .values_list("username", flat=True)
            )
        for row in rows:
            if row.email in taken and row.email not in existing:
                errors.append(
                    RowError(row.line, "email", _("The e-mail is in use in another municipality."))
                )
        managers = {
            email: (u.manager.email.lower() if u.manager else "") for email, u in existing.items()
        }
        managers.update({r.email: r.manager_email for r in rows})
        cycle = _find_cycles(managers)
        for row in rows:
            if row.email in cycle:
                errors.append(
                    RowError(
                        row.line,
                        "manager_email",
                        _("The leaders form a cycle: %s.") % " → ".join(sorted(cycle)),
                    )
                )
        leavers = []
        if deactivate_missing:
            leavers = [
                u
                for email, u in sorted(existing.items())
                if email not in file_emails
                and u.is_active
                and not u.is_superuser
                and (actor is None or u.pk != actor.pk)
            ]
            leaving = {u.email.lower() for u in leavers}
            for row in rows:
                if row.manager_email in leaving:
                    errors.append(
                        RowError(
                            row.line,
                            "manager_email",
                            _("The leader “%s” is not in the file and would be deactivated.")
                            % row.manager_email,
                        )
                    )
        result = ImportResult(errors=sorted(errors, key=lambda e: (e.line, e.column)))
        if errors:
            raise PeopleImportError(result.errors)
        result.diff = _diff(rows, existing, leavers)
        if dry_run:
            result.created = len(result.diff.new)
            result.updated = len(rows) - result.created
            result.deactivated = len(leavers)
            return result
        with transaction.atomic():
            units = {u.name: u for u in OrgUnit.objects.all()}
            people: dict[str, User] = {}
            for row in rows:
                unit = None
                if row.org_unit:
                    unit = units.get(row.org_unit)
                    if unit is None:
                        unit = OrgUnit.objects.create(municipality=municipality, name=row.org_unit)
                        units[row.org_unit] = unit
                person = existing.get(row.email)
                if person is None:
                    person = User(municipality=municipality, username=row.email)
                    person.set_unusable_password()
                    result.created += 1
                else:
                    result.updated += 1
                if not person.is_active:  # returning to the municipality
                    person.is_active = True
                    person.date_left = None
                person.email = row.email
                person.name = row.name
                person.job_title = row.job_title
                person.org_unit = unit
                person.birth_date = row.birth_date
                person.is_hr = row.is_hr
                person.is_staff = person.is_staff or row.is_hr
                person.manager = None
                person.save()
                people[row.email] = person
            lookup = {**existing, **people}
            for row in rows:
                person = people[row.email]
                person.manager = lookup[row.manager_email] if row.manager_email else None
                person.full_clean(exclude=["password", "username"])
                person.save(update_fields=["manager"])
            today = timezone.localdate()
            for person in leavers:
                person.is_active = False
                person.date_left = person.date_left or today
                person.save(update_fields=["is_active", "date_left"])
                result.deactivated += 1
        return result


def _diff(rows: list[_Row], existing: dict[str, User], leavers: list[User]) -> PeopleDiff:
    diff = PeopleDiff()
    for row in rows:
        person = existing.get(row.email)
        if person is None:
            diff.new.append((row.email, row.name))
            continue
        old_manager = person.manager.email.lower() if person.manager else ""
        if old_manager != row.manager_email:
            diff.manager_changes.append((row.email, row.name, old_manager, row.manager_email))
        if not person.is_active:
            diff.returning.append((row.email, row.name))
    diff.leavers = [(u.email.lower(), u.name) for u in leavers]
    return diff
