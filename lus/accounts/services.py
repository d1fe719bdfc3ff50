"""Side effects on people: import of people and hierarchy from CSV."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lus.accounts.models import OrgUnit, User
from lus.accounts.signals import people_changed
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope, unscoped

CSV_COLUMNS = ["email", "name", "job_title", "org_unit", "manager_email", "birth_date", "is_hr"]
REQUIRED_COLUMNS = {"email", "name"}
MAX_ROWS = 50_000
#: The longest e-mail a person can have (``User.email``), and a new person's username (their
#: e-mail, ``User.username``).
EMAIL_MAX = 254
USERNAME_MAX = 150
#: The same answer as the admin's add form (``lus.accounts.forms.USERNAME_UNAVAILABLE``).
USERNAME_UNAVAILABLE_IMPORT = gettext_lazy(
    "The e-mail cannot be used as a username in LUS. Ask the platform administrator."
)
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


def _parse_rows(
    text: str, progress: Callable[[int], None] | None = None
) -> tuple[list[_Row], list[RowError]]:
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


def _find_cycles(managers: dict[str, str]) -> dict[str, list[str]]:
    """Each person in a cycle of leaders, with the cycle's members (sorted). Linear: every
    person is walked once, whatever the depth of the hierarchy."""
    cycles: dict[str, list[str]] = {}
    done: set[str] = set()
    for start in managers:
        if start in done:
            continue
        path: list[str] = []
        position: dict[str, int] = {}
        current = start
        while current and current not in done and current not in position:
            position[current] = len(path)
            path.append(current)
            current = managers.get(current, "")
        if current and current in position:
            members = sorted(path[position[current] :])
            for email in members:
                cycles[email] = members
        done.update(path)
    return cycles


def _row_changes(row: _Row, person: User) -> bool:
    """Whether importing the row would change the existing person."""
    unit_name = person.org_unit.name if person.org_unit is not None else ""
    manager_email = (person.manager.email or "").lower() if person.manager is not None else ""
    return (
        not person.is_active
        or person.email != row.email
        or person.name != row.name
        or person.job_title != row.job_title
        or unit_name != row.org_unit
        or person.birth_date != row.birth_date
        or person.is_hr != row.is_hr
        or manager_email != row.manager_email
    )


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
    rows, errors = _parse_rows(csv_decode(data), progress)
    with tenant_scope(municipality):
        existing = {u.email.lower(): u for u in User.objects.select_related("manager", "org_unit")}
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
        known = file_emails | existing.keys()  # once: rebuilt per row it made the check O(n²)
        for row in rows:
            if row.manager_email and row.manager_email not in known:
                errors.append(
                    RowError(
                        row.line,
                        "manager_email",
                        _("Unknown leader “%s”: not in the file or the municipality.")
                        % row.manager_email,
                    )
                )
        with unscoped("people import: usernames are unique across municipalities"):
            taken = {
                name.lower()
                for name in User.objects.filter(username__in=file_emails).values_list(
                    "username", flat=True
                )
            }
        for row in rows:
            # A new person's username is their e-mail. Whoever holds it — a colleague under
            # another e-mail or a person of another municipality — the answer is the same, so
            # the import never tells HR that a name exists elsewhere.
            if row.email in taken and row.email not in existing:
                errors.append(RowError(row.line, "email", str(USERNAME_UNAVAILABLE_IMPORT)))
            elif len(row.email) > USERNAME_MAX and row.email not in existing:
                errors.append(
                    RowError(
                        row.line,
                        "email",
                        _(
                            "A new person's e-mail is their username in LUS, which has at "
                            "most %s characters."
                        )
                        % USERNAME_MAX,
                    )
                )
            # Separation of duties: an import never makes the importing person someone's
            # leader's leader (an unchanged relation stays).
            if (
                actor is not None
                and row.manager_email
                and row.manager_email == (actor.email or "").lower()
                and not (row.email in existing and existing[row.email].manager_id == actor.pk)
            ):
                errors.append(
                    RowError(
                        row.line,
                        "manager_email",
                        _(
                            "You cannot make yourself the leader's leader of a person. Ask a "
                            "colleague in HR to import this line."
                        ),
                    )
                )
        managers = {
            email: (u.manager.email.lower() if u.manager else "") for email, u in existing.items()
        }
        managers.update({r.email: r.manager_email for r in rows})
        cycles = _find_cycles(managers)
        for row in rows:
            if row.email in cycles:
                errors.append(
                    RowError(
                        row.line,
                        "manager_email",
                        _("The leaders form a cycle: %s.") % " → ".join(cycles[row.email]),
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
        changing = {
            r.email for r in rows if r.email in existing and _row_changes(r, existing[r.email])
        }
        if dry_run:
            result.created = len(result.diff.new)
            result.updated = len(changing)
            result.unchanged = len(rows) - result.created - result.updated
            result.deactivated = len(leavers)
            return result
        with transaction.atomic():
            _people_write(
                municipality=municipality,
                rows=rows,
                existing=existing,
                changing=changing,
                leavers=leavers,
                actor=actor,
                result=result,
                progress=write_progress,
            )
            if result.created or result.updated or result.deactivated:
                # People came, left or moved between units: the apps above count again.
                people_changed.send(User, municipality_id=municipality.pk)
            _import_audited(municipality, actor, result)
        return result


#: Rows per INSERT/UPDATE statement when an import is applied.
WRITE_BATCH = 1000
#: What an import sets on a person it updates (``is_staff`` follows ``is_hr``).
WRITTEN_FIELDS = [
    "is_active",
    "date_left",
    "email",
    "name",
    "job_title",
    "org_unit",
    "birth_date",
    "is_hr",
    "is_staff",
    "manager",
]


def _people_write(
    *,
    municipality: Municipality,
    rows: list[_Row],
    existing: dict[str, User],
    changing: set[str],
    leavers: list[User],
    actor: User | None,
    result: ImportResult,
    progress: Callable[[int], None] | None,
) -> None:
    """Write a checked file in batches. Everything ``full_clean`` would ask has been answered
    for the whole file by the check (e-mails, lengths, unknown leaders, cycles, usernames,
    duplicates, the separation of duties), so people are inserted and updated in bulk: a
    statement per ``WRITE_BATCH`` people, not two per person. ``progress(rows_written)``."""
    from lus.accounts.models import has_admin_access

    written = 0

    def advance(n: int) -> None:
        nonlocal written
        written += n
        if progress is not None:
            progress(written)

    units = {u.name: u for u in OrgUnit.objects.all()}
    new_units = sorted(
        {
            r.org_unit
            for r in rows
            if r.org_unit
            and r.org_unit not in units
            and (r.email in changing or r.email not in existing)
        }
    )
    if new_units:
        OrgUnit.objects.bulk_create(
            [OrgUnit(municipality=municipality, name=name) for name in new_units],
            batch_size=WRITE_BATCH,
        )
        units = {u.name: u for u in OrgUnit.objects.all()}

    old_manager_ids = {email: u.manager_id for email, u in existing.items()}
    now = timezone.now()
    created: list[tuple[_Row, User]] = []
    updated: list[tuple[_Row, User]] = []
    for row in rows:
        person = existing.get(row.email)
        if person is None:
            person = User(municipality=municipality, username=row.email, date_joined=now)
            person.set_unusable_password()
            created.append((row, person))
        elif row.email not in changing:
            result.unchanged += 1
            continue
        else:
            updated.append((row, person))
        if not person.is_active:  # returning to the municipality
            person.is_active = True
            person.date_left = None
        person.email = row.email
        person.name = row.name
        person.job_title = row.job_title
        person.org_unit = units[row.org_unit] if row.org_unit else None
        person.birth_date = row.birth_date
        person.is_hr = row.is_hr
        person.is_staff = has_admin_access(person)  # the rule ``User.save`` applies
    result.created, result.updated = len(created), len(updated)

    # New people in waves down the hierarchy: a person is inserted with their leader's leader
    # once that leader exists, so every link is written by the INSERT itself (as many waves
    # as the new part of the hierarchy is deep).
    pks = {email: person.pk for email, person in existing.items()}
    waiting = created
    while waiting:
        ready = [(r, p) for r, p in waiting if not r.manager_email or r.manager_email in pks]
        if not ready:  # cannot happen after the check (no cycles, no unknown leaders)
            raise PeopleImportError(
                [
                    RowError(
                        r.line, "manager_email", _("This would make a cycle in the hierarchy.")
                    )
                    for r, _p in waiting[:SUMMARY_SHOWN]
                ]
            )
        for row, person in ready:
            person.manager_id = pks[row.manager_email] if row.manager_email else None
        for start in range(0, len(ready), WRITE_BATCH):
            batch = [p for _r, p in ready[start : start + WRITE_BATCH]]
            _insert_people(batch)
            pks.update((person.email, person.pk) for person in batch)
            advance(len(batch))
        waiting = [(r, p) for r, p in waiting if p.pk is None]

    lookup = {**existing, **{p.email: p for _r, p in created}}
    changed_leader: list[tuple[User, int | None]] = []
    for row, person in updated:
        person.manager_id = lookup[row.manager_email].pk if row.manager_email else None
        if old_manager_ids[row.email] != person.manager_id:
            changed_leader.append((person, old_manager_ids[row.email]))
    for start in range(0, len(updated), WRITE_BATCH):
        batch = [p for _r, p in updated[start : start + WRITE_BATCH]]
        _update_people(municipality, batch)
        advance(len(batch))
    advance(result.unchanged)

    if leavers:
        today = timezone.localdate()
        ids = [u.pk for u in leavers]
        for start in range(0, len(ids), WRITE_BATCH):
            id_batch = ids[start : start + WRITE_BATCH]
            User.objects.filter(pk__in=id_batch, date_left__isnull=True).update(date_left=today)
            User.objects.filter(pk__in=id_batch).update(is_active=False)
        for person in leavers:
            person.is_active = False
            person.date_left = person.date_left or today
        result.deactivated = len(leavers)

    if changed_leader:
        by_pk = {p.pk: p for p in lookup.values()}
        _leaders_changed(
            [(person, by_pk.get(old) if old else None) for person, old in changed_leader],
            by_pk,
            actor,
        )


def _import_audited(municipality: Municipality, actor: User | None, result: ImportResult) -> None:
    from lus.audit.models import AuditEvent
    from lus.audit.services import audit_record

    audit_record(
        actor=actor,
        action="import_people",
        target=municipality,
        category=AuditEvent.Category.CHANGE,
        detail=_(
            "People import: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
            "%(deactivated)s deactivated"
        )
        % {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "deactivated": result.deactivated,
        },
    )


def _update_people(municipality: Municipality, batch: list[User]) -> None:
    """Write ``WRITTEN_FIELDS`` of a batch of people in one statement. On PostgreSQL an
    ``UPDATE … FROM (VALUES …)`` joined on the key (Django's ``bulk_update`` builds a CASE per
    field and person, slow for thousands of people); elsewhere ``bulk_update``."""
    from django.db import connections

    connection = connections[User.objects.db]
    if connection.vendor != "postgresql":
        User.objects.bulk_update(batch, WRITTEN_FIELDS)
        return
    qn = connection.ops.quote_name
    pk = User._meta.pk
    assert pk is not None
    fields = [cast(Field, User._meta.get_field(name)) for name in WRITTEN_FIELDS]
    row = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
    params: list = []
    for person in batch:
        params.append(pk.get_db_prep_save(person.pk, connection))
        params.extend(f.get_db_prep_save(getattr(person, f.attname), connection) for f in fields)
    params.append(municipality.pk)
    # Each value is cast to its column's type: a column whose values are all NULL in a batch
    # would otherwise be text.
    assignments = ", ".join(
        f"{qn(f.attname)} = v.{qn(f.attname)}::{f.cast_db_type(connection)}" for f in fields
    )
    columns = ", ".join(qn(c) for c in [pk.attname, *(f.attname for f in fields)])
    sql = (
        f"UPDATE {qn(User._meta.db_table)} AS t SET {assignments} "  # noqa: S608 (names only)
        f"FROM (VALUES {', '.join([row] * len(batch))}) AS v({columns}) "
        f"WHERE t.{qn(pk.attname)} = v.{qn(pk.attname)}::{pk.cast_db_type(connection)} "
        f"AND t.{qn('municipality_id')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _insert_people(batch: list[User]) -> None:
    User.objects.bulk_create(batch)
    if any(person.pk is None for person in batch):  # a database that returns no keys
        keys = dict(
            User.objects.filter(username__in=[p.username for p in batch]).values_list(
                "username", "pk"
            )
        )
        for person in batch:
            person.pk = keys[person.username]


def _leaders_changed(
    changes: list[tuple[User, User | None]], people: dict[int, User], actor: User | None
) -> None:
    """Existing people whose leader's leader changed: each in their own log (one INSERT for
    all), and each is told (mails after the commit)."""
    from lus.accounts.notifications import person_notify_leader_change
    from lus.audit.models import AuditEvent
    from lus.audit.services import audit_event, audit_record_many

    events = []
    for person, old in changes:
        new = people.get(person.manager_id) if person.manager_id else None
        events.append(
            audit_event(
                actor=actor,
                action="change_leader",
                target=person,
                subject=person,
                category=AuditEvent.Category.CHANGE,
                detail=_("Leader's leader changed from %(old)s to %(new)s (people import)")
                % {"old": old.name if old else "-", "new": new.name if new else "-"},
            )
        )
        person_notify_leader_change(person=person, old_manager=old, new_manager=new, actor=actor)
    audit_record_many(events)


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


#: How long an unapplied check (with the file's text) is kept.
JOB_KEPT = datetime.timedelta(days=1)


def people_import_job_create(
    *,
    municipality: Municipality,
    actor: User,
    text: str,
    deactivate_missing: bool,
    language: str = "da",
):
    """Store a long file's check and hand it to a task worker. The actor's earlier checks
    and the municipality's checks older than ``JOB_KEPT`` go: a file's people data waits for
    one apply, not for ever."""
    from django.db.models import Q

    from lus.accounts.models import PeopleImportJob
    from lus.accounts.tasks import people_import_check_task

    with tenant_scope(municipality):
        PeopleImportJob.objects.filter(
            Q(created_by=actor) | Q(created_at__lt=timezone.now() - JOB_KEPT)
        ).delete()
        job = PeopleImportJob(
            municipality=municipality,
            created_by=actor,
            text=text,
            deactivate_missing=deactivate_missing,
            language=language,
            rows_total=people_import_rows_estimate(text),
        )
        job.full_clean()
        job.save()
    # After the commit, so a worker on another server finds the row.
    transaction.on_commit(lambda: people_import_check_task.enqueue(job_id=job.pk))
    return job


def people_import_job_run(*, job_id: int) -> None:
    """Run a stored check (in a task worker), writing its progress and bounded result."""
    from django.utils import translation

    from lus.accounts.models import PeopleImportJob

    with unscoped("people import check: the task worker loads its job"):
        job = (
            PeopleImportJob.objects.select_related("municipality", "created_by")
            .filter(pk=job_id)
            .first()
        )
    if job is None or job.status not in (
        PeopleImportJob.Status.QUEUED,
        PeopleImportJob.Status.RUNNING,
    ):
        return  # replaced by a newer check, or already done
    jobs = PeopleImportJob._base_manager.filter(pk=job.pk)
    jobs.update(status=PeopleImportJob.Status.RUNNING)

    def progress(rows: int) -> None:
        jobs.update(rows_checked=min(rows, job.rows_total))

    with translation.override(job.language), tenant_scope(job.municipality):
        try:
            result = people_import(
                municipality=job.municipality,
                data=job.text,
                dry_run=True,
                deactivate_missing=job.deactivate_missing,
                actor=job.created_by,
                progress=progress,
            )
        except PeopleImportError as exc:
            jobs.update(
                status=PeopleImportJob.Status.FAILED,
                rows_checked=job.rows_total,
                result=people_import_errors_summary(errors=exc.errors),
            )
        except Exception:
            jobs.update(
                status=PeopleImportJob.Status.FAILED,
                result={
                    "errors": [[0, "-", _("The check failed. Upload the file again.")]],
                    "error_count": 1,
                },
            )
            raise
        else:
            jobs.update(
                status=PeopleImportJob.Status.DONE,
                rows_checked=job.rows_total,
                result=people_import_summary(result=result),
            )


def people_import_job_apply(*, job, actor: User, language: str = "da") -> bool:
    """Hand a checked long file to a task worker to write (the page shows the progress).
    False when the check is not waiting to be applied (not done, failed, or already being
    applied: a second click on "Apply" writes nothing twice)."""
    from lus.accounts.models import PeopleImportJob
    from lus.accounts.tasks import people_import_apply_task

    claimed = PeopleImportJob._base_manager.filter(
        pk=job.pk, municipality_id=job.municipality_id, status=PeopleImportJob.Status.DONE
    ).update(
        status=PeopleImportJob.Status.APPLYING, applied_by=actor, language=language, rows_applied=0
    )
    if not claimed:
        return False
    transaction.on_commit(lambda: people_import_apply_task.enqueue(job_id=job.pk))
    return True


class _ProgressWriter:
    """Progress of an apply, written where the polling page sees it while the import's own
    transaction is still open: on PostgreSQL through a second connection (autocommit, a short
    lock timeout; progress is best effort and never stops the import). SQLite has one writer
    at a time, so there the page sees the progress when the import is done."""

    def __init__(self, job_pk: int):
        from django.db import DEFAULT_DB_ALIAS, connections

        from lus.accounts.models import PeopleImportJob

        self.job_pk = job_pk
        self.table = PeopleImportJob._meta.db_table
        main = connections[DEFAULT_DB_ALIAS]
        self.side = None
        if main.vendor == "postgresql":
            self.side = main.__class__(dict(main.settings_dict), alias=DEFAULT_DB_ALIAS)

    def __call__(self, rows: int) -> None:
        from django.db import DatabaseError

        if self.side is None:
            return
        try:
            with self.side.cursor() as cursor:
                cursor.execute("SET lock_timeout = '1s'")
                cursor.execute(
                    f"UPDATE {self.table} SET rows_applied = %s WHERE id = %s",  # noqa: S608
                    [rows, self.job_pk],
                )
        except DatabaseError:
            pass

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def people_import_job_apply_run(*, job_id: int) -> None:
    """Apply a checked file (in a task worker): the file is checked again against the
    municipality as it is now (and the separation of duties for whoever pressed "Apply"),
    then written in batches in one transaction, all or nothing. The file's text goes once
    it is applied; the counts stay for the page."""
    from django.utils import translation

    from lus.accounts.models import PeopleImportJob

    with unscoped("people import apply: the task worker loads its job"):
        job = (
            PeopleImportJob.objects.select_related("municipality", "applied_by")
            .filter(pk=job_id)
            .first()
        )
    if job is None or job.status != PeopleImportJob.Status.APPLYING:
        return  # replaced by a newer check, or already applied
    jobs = PeopleImportJob._base_manager.filter(pk=job.pk)
    progress = _ProgressWriter(job.pk)
    with translation.override(job.language), tenant_scope(job.municipality):
        try:
            result = people_import(
                municipality=job.municipality,
                data=job.text,
                deactivate_missing=job.deactivate_missing,
                actor=job.applied_by,
                write_progress=progress,
            )
        except PeopleImportError as exc:
            # The municipality changed since the check: the file no longer fits.
            jobs.update(
                status=PeopleImportJob.Status.FAILED,
                result=people_import_errors_summary(errors=exc.errors),
            )
        except Exception:
            jobs.update(
                status=PeopleImportJob.Status.FAILED,
                result={
                    "errors": [[0, "-", _("The import failed; nothing was written. Try again.")]],
                    "error_count": 1,
                },
            )
            raise
        else:
            jobs.update(
                status=PeopleImportJob.Status.APPLIED,
                text="",
                rows_applied=job.rows_total,
                result={
                    "applied": {
                        "created": result.created,
                        "updated": result.updated,
                        "unchanged": result.unchanged,
                        "deactivated": result.deactivated,
                    }
                },
            )
        finally:
            progress.close()
