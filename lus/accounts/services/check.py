"""Checking parsed rows against the municipality as it is: duplicates, unknown leaders,
usernames, the separation of duties, cycles and leavers; and the diff the import would make."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lus.accounts.models import User
from lus.tenants.scoping import unscoped

from .parse import Row
from .results import ImportResult, PeopleDiff, PeopleImportError, RowError

#: The longest username (``User.username``); a new person's username is their e-mail.
USERNAME_MAX = 150
#: The same answer as the admin's add form (``lus.accounts.forms.USERNAME_UNAVAILABLE``).
USERNAME_UNAVAILABLE_IMPORT = gettext_lazy(
    "The e-mail cannot be used as a username in LUS. Ask the platform administrator."
)


@dataclass
class CheckedFile:
    """A file that passed the check: the municipality's people by e-mail, the leavers, the
    e-mails of the people the file changes, and the result (the diff, no counts yet)."""

    existing: dict[str, User]
    leavers: list[User]
    changing: set[str]
    result: ImportResult


def people_check(
    *,
    rows: list[Row],
    errors: list[RowError],
    deactivate_missing: bool,
    actor: User | None,
) -> CheckedFile:
    """Check parsed ``rows`` (with the ``errors`` the parse found) against the municipality in
    scope; raise ``PeopleImportError`` with every error, sorted, if there is any."""
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
    cycles = find_cycles(managers)
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
    result.diff = people_diff(rows, existing, leavers)
    changing = {r.email for r in rows if r.email in existing and row_changes(r, existing[r.email])}
    return CheckedFile(existing=existing, leavers=leavers, changing=changing, result=result)


def find_cycles(managers: dict[str, str]) -> dict[str, list[str]]:
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


def row_changes(row: Row, person: User) -> bool:
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


def people_diff(rows: list[Row], existing: dict[str, User], leavers: list[User]) -> PeopleDiff:
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
