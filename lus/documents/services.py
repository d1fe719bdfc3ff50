"""Filing a LUS: render the PDF once, store an immutable record, deliver it, retry delivery."""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lus.accounts.models import User
from lus.audit.models import AuditEvent
from lus.audit.services import audit_record
from lus.conversations.models import Conversation
from lus.conversations.services import conversation_file
from lus.core.dates import due_date

from . import destinations, selectors
from .models import DeliveryAttempt, Destination, DocumentSettings, FiledRecord
from .pdf import pdf_filename, render_pdf

logger = logging.getLogger("lus.documents")
S = Conversation.Status


def lus_pdf_render(*, conversation: Conversation, filed: FiledRecord | None = None) -> bytes:
    return render_pdf(
        "documents/print/lus.html", selectors.print_context(conversation, filed=filed)
    ).content


def _deletion_date(
    doc_settings: DocumentSettings, leader: User, filed_at: datetime.datetime
) -> datetime.date | None:
    basis = DocumentSettings.DeletionBasis
    if doc_settings.deletion_basis == basis.AFTER_FILING:
        return due_date(timezone.localdate(filed_at), doc_settings.deletion_years)
    if leader.date_left:
        return due_date(leader.date_left, doc_settings.deletion_years)
    return None


@transaction.atomic
def _record_create(
    *, conversation: Conversation, actor, request: HttpRequest | None = None
) -> tuple[FiledRecord, bytes]:
    # Lock the conversation: two clicks (or two tabs) cannot file twice.
    conversation = (
        Conversation.objects.select_for_update()
        .select_related("leader", "leaders_leader", "version__framework", "municipality")
        .get(pk=conversation.pk)
    )
    if actor.pk != conversation.leaders_leader_id:
        raise ValidationError(_("Only the leader's leader holding the LUS can file it."))
    if conversation.status == S.FILED:
        raise ValidationError(
            _("The LUS has already been filed. Reopen the plan to change and file it again.")
        )
    if conversation.status != S.PLAN_AGREED or not selectors.both_approved(conversation):
        raise ValidationError(_("The LUS can be filed when both of you have approved the plan."))
    doc_settings = selectors.settings_for(conversation.municipality_id)
    leader, version = conversation.leader, conversation.version
    plan = conversation.plan
    now = timezone.now()
    last = FiledRecord.objects.filter(leader=leader, year=conversation.year).aggregate(
        n=Max("sequence")
    )["n"]
    record = FiledRecord(
        municipality_id=conversation.municipality_id,
        conversation=conversation,
        leader=leader,
        leader_name=leader.get_full_name(),
        leaders_leader=conversation.leaders_leader,
        year=conversation.year,
        sequence=(last or 0) + 1,
        filed_at=now,
        filed_by=actor,
        filed_by_name=actor.get_full_name(),
        destination=doc_settings.destination,
        destination_address=(
            doc_settings.journal_email if doc_settings.destination == Destination.EMAIL else ""
        ),
        journal_reference=doc_settings.journal_reference,
        framework_version=version,
        framework_version_label=_("%(name)s, version %(number)s")
        % {"name": version.framework.name, "number": version.number},
        kle_number=doc_settings.kle_number,
        action_facet=doc_settings.action_facet,
        deletion_years=doc_settings.deletion_years,
        deletion_basis=doc_settings.deletion_basis,
        deletion_date=_deletion_date(doc_settings, leader, now),
        approved_by_leader_at=plan.approved_by_leader_at,
        approved_by_leaders_leader_at=plan.approved_by_leaders_leader_at,
    )
    record.filename = pdf_filename(
        year=conversation.year, leader_name=record.leader_name, date=timezone.localdate(now)
    )
    content = lus_pdf_render(conversation=conversation, filed=record)
    record.sha256 = hashlib.sha256(content).hexdigest()
    record.size = len(content)
    stored_name = f"{record.filename[:-4]}-{record.sequence}.pdf"
    record.file.save(stored_name, ContentFile(content), save=False)
    record.full_clean()
    record.save()
    conversation_file(conversation=conversation)
    audit_record(
        actor=actor,
        action="file_lus",
        target=record,
        subject=leader,
        detail=_("Filed the LUS in the personnel record (SHA-256 %(sha)s)")
        % {"sha": record.sha256},
        category=AuditEvent.Category.CHANGE,
        request=request,
    )
    return record, content


def filed_record_create(
    *, conversation: Conversation, actor, request: HttpRequest | None = None
) -> FiledRecord:
    """File the agreed LUS: render once, store the immutable record, then deliver it to the
    municipality's destination (the attempt is recorded; a failure can be retried)."""
    record, content = _record_create(conversation=conversation, actor=actor, request=request)
    _deliver(record=record, content=content, actor=actor)
    return record


def _deliver(*, record: FiledRecord, content: bytes, actor) -> DeliveryAttempt:
    digest = hashlib.sha256(content).hexdigest()
    error = ""
    try:
        if digest != record.sha256:
            raise OSError("The bytes to send do not match the filed record's SHA-256.")
        destinations.get(record.destination).deliver(record, content)
    except Exception as exc:
        logger.warning("delivery of filed record %s failed: %s", record.pk, exc)
        error = f"{type(exc).__name__}: {exc}"[:2000]
    attempt = DeliveryAttempt(
        municipality_id=record.municipality_id,
        record=record,
        attempted_by=actor if getattr(actor, "pk", None) else None,
        destination=record.destination,
        ok=not error,
        error=error,
        sha256=digest,
    )
    attempt.full_clean()
    attempt.save()
    return attempt


def filed_record_content(record: FiledRecord) -> bytes:
    """The archived bytes, verified against the stored SHA-256."""
    with record.file.open("rb") as f:
        content = f.read()
    if hashlib.sha256(content).hexdigest() != record.sha256:
        raise ValidationError(_("The archived file does not match its checksum."))
    return content


def filed_record_retry(
    *, record: FiledRecord, actor, request: HttpRequest | None = None
) -> DeliveryAttempt:
    """Send the very same archived bytes to the destination again."""
    if record.delivered:
        raise ValidationError(_("The document has already been delivered."))
    content = filed_record_content(record)
    attempt = _deliver(record=record, content=content, actor=actor)
    audit_record(
        actor=actor,
        action="retry_filing",
        target=record,
        subject=record.leader,
        detail=_("Sent the filed LUS to the journal again"),
        category=AuditEvent.Category.CHANGE,
        request=request,
    )
    return attempt
