"""Filing: render once, immutable record with SHA-256 and size, destinations, retry with the
same bytes, refusals."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import DatabaseError, InternalError

from lus.conversations.models import Conversation
from lus.documents import services
from lus.documents.models import (
    DeliveryAttempt,
    Destination,
    DocumentSettings,
    FiledRecord,
    ImmutableRecordError,
)
from tests.documents.factories import approve, make_agreed_conversation

pytestmark = pytest.mark.django_db


def _file(conversation, scope_of):
    with scope_of(conversation.municipality_id):
        return services.filed_record_create(
            conversation=conversation, actor=conversation.leaders_leader
        )


def test_filing_stores_an_immutable_record_with_checksum(leader, scope_of):
    conversation = make_agreed_conversation(leader)
    record = _file(conversation, scope_of)
    with scope_of(leader.municipality):
        record = FiledRecord.objects.get(pk=record.pk)
        content = record.file.open("rb").read()
        conversation.refresh_from_db()
        assert conversation.status == Conversation.Status.FILED
        assert record.sha256 == hashlib.sha256(content).hexdigest()
        assert record.size == len(content)
        assert content.startswith(b"%PDF-")
        assert record.filed_by == leader.manager
        assert record.sequence == 1
        assert record.filename.startswith("LUS-2026-") and record.filename.isascii()
        assert record.framework_version_id == conversation.version_id
        assert "version 1" in record.framework_version_label
        assert record.approved_by_leader_at and record.approved_by_leaders_leader_at
        assert record.delivered
        attempt = record.attempts.get()
        assert attempt.ok and attempt.destination == Destination.ARCHIVE
        assert attempt.sha256 == record.sha256
        from lus.audit.models import AuditEvent

        assert AuditEvent.objects.filter(action="file_lus", subject=leader).count() == 1


def test_filed_record_cannot_be_changed_or_deleted(leader, scope_of):
    record = _file(make_agreed_conversation(leader), scope_of)
    with scope_of(leader.municipality):
        record.leader_name = "Someone else"
        with pytest.raises(ImmutableRecordError):
            record.save()
        with pytest.raises(ImmutableRecordError):
            record.delete()
        with pytest.raises(ImmutableRecordError):
            FiledRecord.objects.filter(pk=record.pk).update(sha256="0" * 64)
        with pytest.raises(ImmutableRecordError):
            FiledRecord.objects.filter(pk=record.pk).delete()
        with pytest.raises(ImmutableRecordError):
            record.file.storage.delete(record.file.name)
        attempt = record.attempts.get()
        with pytest.raises(ImmutableRecordError):
            attempt.save()
        with pytest.raises(ImmutableRecordError):
            DeliveryAttempt.objects.filter(pk=attempt.pk).delete()
        assert FiledRecord.objects.get(pk=record.pk).leader_name != "Someone else"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL trigger")
def test_database_refuses_raw_update_and_delete(leader, scope_of):
    record = _file(make_agreed_conversation(leader), scope_of)
    for sql in (
        "UPDATE documents_filedrecord SET sha256 = 'x' WHERE id = %s",
        "DELETE FROM documents_filedrecord WHERE id = %s",
    ):
        with (
            pytest.raises((DatabaseError, InternalError)),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [record.pk])


def test_filing_twice_without_reopening_is_refused(leader, scope_of):
    conversation = make_agreed_conversation(leader)
    _file(conversation, scope_of)
    with pytest.raises(ValidationError, match="allerede"):
        _file(conversation, scope_of)
    with scope_of(leader.municipality):
        assert FiledRecord.objects.count() == 1


def test_filing_before_both_approved_is_refused(leader, scope_of):
    conversation = make_agreed_conversation(leader, agree=False)
    with pytest.raises(ValidationError, match="godkendt"):
        _file(conversation, scope_of)


def test_only_the_leaders_leader_files(leader, scope_of):
    conversation = make_agreed_conversation(leader)
    with scope_of(leader.municipality), pytest.raises(ValidationError):
        services.filed_record_create(conversation=conversation, actor=leader)


def test_refiling_after_reopening_adds_a_new_record(leader, scope_of):
    conversation = make_agreed_conversation(leader)
    first = _file(conversation, scope_of)
    with scope_of(leader.municipality):
        first_bytes = first.file.open("rb").read()
        # Reopening the filed plan (with a reason) takes the LUS back to "held" and
        # withdraws the approvals; both then approve again.
        from lus.plans.models import Plan, PlanReopening
        from lus.plans.services import plan_reopen

        plan_reopen(
            plan=Plan.objects.get(conversation=conversation),
            user=conversation.leaders_leader,
            reason="Ny aftale om uddannelse",
        )
        assert PlanReopening.objects.filter(plan__conversation=conversation).count() == 1
        conversation.refresh_from_db()
        approve(conversation)
        conversation.refresh_from_db()
    second = _file(conversation, scope_of)
    with scope_of(leader.municipality):
        assert second.pk != first.pk
        assert second.sequence == 2
        assert FiledRecord.objects.count() == 2
        assert FiledRecord.objects.get(pk=first.pk).file.open("rb").read() == first_bytes
        assert second.file.name != first.file.name


def _email_settings(municipality, scope_of, **kw):
    with scope_of(municipality):
        return DocumentSettings.objects.create(
            municipality=municipality,
            destination=Destination.EMAIL,
            journal_email="journal@acadre.example.dk",
            journal_reference="SAG-2026-0042",
            kle_number="81.03.00",
            action_facet="G01",
            deletion_years=5,
            deletion_basis=DocumentSettings.DeletionBasis.AFTER_FILING,
            **kw,
        )


def test_email_destination_sends_the_pdf_with_journal_metadata(leader, scope_of):
    _email_settings(leader.municipality, scope_of)
    record = _file(make_agreed_conversation(leader), scope_of)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["journal@acadre.example.dk"]
    assert message.subject.startswith("SAG-2026-0042 LUS 2026")
    assert "KLE-emnenummer: 81.03.00" in message.body
    assert "G01" in message.body
    assert record.sha256 in message.body
    name, content, mimetype = message.attachments[0]
    assert name == record.filename and mimetype == "application/pdf"
    assert hashlib.sha256(content).hexdigest() == record.sha256
    assert message.extra_headers["X-LUS-KLE"] == "81.03.00"
    with scope_of(leader.municipality):
        record = FiledRecord.objects.get(pk=record.pk)
        assert record.kle_number == "81.03.00" and record.action_facet == "G01"
        assert record.deletion_date == record.filed_at.date().replace(year=2031) or (
            record.deletion_date.year == 2031
        )
        assert record.delivered


def test_failed_delivery_is_recorded_and_retry_sends_identical_bytes(leader, scope_of, settings):
    _email_settings(leader.municipality, scope_of)
    settings.EMAIL_BACKEND = "tests.documents.failing_backend.FailingBackend"
    record = _file(make_agreed_conversation(leader), scope_of)
    with scope_of(leader.municipality):
        record = FiledRecord.objects.get(pk=record.pk)
        assert not record.delivered
        failed = record.last_attempt
        assert "SMTP" in failed.error
        original = record.file.open("rb").read()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    with scope_of(leader.municipality):
        attempt = services.filed_record_retry(record=record, actor=leader.manager)
        assert attempt.ok
        assert FiledRecord.objects.get(pk=record.pk).delivered
        assert record.attempts.count() == 2
        with pytest.raises(ValidationError):
            services.filed_record_retry(record=record, actor=leader.manager)
    sent = mail.outbox[0].attachments[0][1]
    assert sent == original
    assert hashlib.sha256(sent).hexdigest() == record.sha256


def test_retry_refuses_a_file_that_no_longer_matches_its_checksum(leader, scope_of, settings):
    _email_settings(leader.municipality, scope_of)
    settings.EMAIL_BACKEND = "tests.documents.failing_backend.FailingBackend"
    record = _file(make_agreed_conversation(leader), scope_of)
    with open(record.file.path, "ab") as f:
        f.write(b"tampered")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with scope_of(leader.municipality), pytest.raises(ValidationError, match="kontrolsum"):
        services.filed_record_retry(record=record, actor=leader.manager)


def test_deletion_date_after_leaving(leader, scope_of):
    from lus.accounts.models import User

    with scope_of(leader.municipality):
        DocumentSettings.objects.create(municipality=leader.municipality, deletion_years=10)
    record = _file(make_agreed_conversation(leader), scope_of)
    assert record.deletion_date is None
    assert "10 år efter" in record.deletion_text()
    with scope_of(leader.municipality):
        User.objects.filter(pk=leader.pk).update(date_left=datetime.date(2027, 6, 30))
        record = FiledRecord.objects.select_related("leader").get(pk=record.pk)
        assert record.effective_deletion_date == datetime.date(2037, 6, 30)


def test_settings_refuse_cpr_in_reference_and_email_without_address(haderslev, scope_of):
    with scope_of(haderslev):
        s = DocumentSettings(
            municipality=haderslev, journal_reference="Sag 010203-1234", destination="email"
        )
        with pytest.raises(ValidationError) as exc:
            s.full_clean()
    assert "journal_reference" in exc.value.message_dict
    assert "journal_email" in exc.value.message_dict
