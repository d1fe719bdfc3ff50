"""Writing a checked people file: people inserted and updated in batches, leavers deactivated,
changed leaders logged and told, the import audited — in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.db import transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from lus.accounts.models import OrgUnit, User
from lus.accounts.signals import people_changed
from lus.tenants.models import Municipality

from .check import CheckedFile
from .parse import Row
from .results import ImportResult, PeopleImportError, RowError
from .summary import SUMMARY_SHOWN

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


def people_apply(
    *,
    municipality: Municipality,
    rows: list[Row],
    checked: CheckedFile,
    actor: User | None,
    progress: Callable[[int], None] | None,
) -> None:
    """Write a checked file in one transaction (in the municipality's scope), filling in the
    counts of ``checked.result``."""
    result = checked.result
    with transaction.atomic():
        people_write(
            municipality=municipality,
            rows=rows,
            existing=checked.existing,
            changing=checked.changing,
            leavers=checked.leavers,
            actor=actor,
            result=result,
            progress=progress,
        )
        if result.created or result.updated or result.deactivated:
            # People came, left or moved between units: the apps above count again.
            people_changed.send(User, municipality_id=municipality.pk)
        _import_audited(municipality, actor, result)


def people_write(
    *,
    municipality: Municipality,
    rows: list[Row],
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
    created: list[tuple[Row, User]] = []
    updated: list[tuple[Row, User]] = []
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
