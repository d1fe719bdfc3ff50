"""Retention: delete a leader's conversation content N years after they left.

``manage.py apply_retention`` finds, per municipality, the people whose ``date_left`` plus the
municipality's ``retention_years`` lies in the past and runs every handler in :data:`HANDLERS`
for them. A handler deletes one kind of content and returns how many rows it deleted (or would
delete, when ``apply`` is False). A new kind of content gets its handler added to
:data:`HANDLERS` here; the app that owns the content provides the function.

The person row itself, and the audit log about them, are kept (the log is append-only and
documents what happened, including the deletion).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from lus.accounts.models import User
from lus.audit.models import AuditEvent
from lus.audit.services import audit_record
from lus.conversations.models import Conversation
from lus.core.dates import due_date
from lus.documents.models import FiledRecord
from lus.inputs.retention import delete_preparation_inputs
from lus.plans.models import Plan
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope

logger = logging.getLogger("lus.retention")

#: ``func(person, *, apply) -> int``: rows deleted (or that would be deleted without ``apply``).
Handler = Callable[..., int]

__all__ = ["HANDLERS", "RetentionResult", "apply_retention", "due_date"]


def _delete(qs: QuerySet, apply: bool) -> int:
    count = qs.count()
    if apply and count:
        qs.delete()
    return count


def delete_plans(person: User, *, apply: bool) -> int:
    return _delete(Plan.objects.filter(leader=person), apply)


def delete_conversations(person: User, *, apply: bool) -> int:
    return _delete(Conversation.objects.filter(leader=person), apply)


def purge_filed_pdfs(person: User, *, apply: bool) -> int:
    """Filed PDFs: kept as metadata only. The bytes leave the app's own archive when the
    ESDH holds the document (a successful delivery to the journal address) or when the
    record's own deletion date has passed; the immutable record row is never deleted."""
    today = timezone.localdate()
    count = 0
    records = FiledRecord.objects.filter(leader=person).prefetch_related("attempts")
    for record in records:
        in_esdh = any(a.ok and a.destination == "email" for a in record.attempts.all())
        expired = record.effective_deletion_date and record.effective_deletion_date <= today
        if not (in_esdh or expired) or not record.file.storage.exists(record.file.name):
            continue
        count += 1
        if apply:
            record.file.storage.purge_for_retention(record.file.name)
    return count


#: Every kind of content retention deletes, in the order it runs (label -> handler).
HANDLERS: dict[str, Handler] = {
    "plans": delete_plans,
    "conversations": delete_conversations,
    "filed_pdfs": purge_filed_pdfs,
    "preparation_inputs": delete_preparation_inputs,
}


@dataclass
class RetentionResult:
    people: int = 0
    deleted: dict[str, int] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)


def apply_retention(*, apply: bool = False, today: datetime.date | None = None) -> RetentionResult:
    """Dry run unless ``apply``. Idempotent: a second run finds nothing left to delete."""
    today = today or timezone.localdate()
    result = RetentionResult()
    for municipality in Municipality.objects.order_by("slug"):
        with tenant_scope(municipality):
            people = User.objects.filter(date_left__isnull=False).order_by("pk")
            for person in people:
                if due_date(person.date_left, municipality.retention_years) > today:
                    continue
                with transaction.atomic():
                    counts = {label: func(person, apply=apply) for label, func in HANDLERS.items()}
                    total = sum(counts.values())
                    if not total:
                        continue
                    result.people += 1
                    for label, n in counts.items():
                        result.deleted[label] = result.deleted.get(label, 0) + n
                    what = ", ".join(f"{n} {label}" for label, n in counts.items() if n)
                    verb = "deleted" if apply else "would delete"
                    line = (
                        f"{municipality.slug}: {person.username} (left {person.date_left}, "
                        f"{municipality.retention_years} years): {verb} {what}"
                    )
                    result.lines.append(line)
                    logger.info("retention %s", line)
                    if apply:
                        audit_record(
                            actor=None,
                            action="retention_delete",
                            target=person,
                            subject=person,
                            detail=what,
                            category=AuditEvent.Category.CHANGE,
                        )
    return result
