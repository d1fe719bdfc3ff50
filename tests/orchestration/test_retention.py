import datetime
import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from lus.audit.models import AuditEvent
from lus.audit.services import audit_record
from lus.orchestration import retention
from lus.tenants.scoping import tenant_scope, unscoped
from tests.factories import LeaderFactory, OrgUnitFactory

TODAY = datetime.date(2026, 11, 24)


@pytest.fixture
def content(monkeypatch):
    """A stand-in kind of conversation content: org units named after the person."""
    from lus.accounts.models import OrgUnit

    def handler(person, *, apply):
        qs = OrgUnit.objects.filter(name__startswith=f"content-of-{person.username}")
        return retention._delete(qs, apply)

    monkeypatch.setitem(retention.HANDLERS, "test_content", handler)

    def make(person, n=2):
        for i in range(n):
            OrgUnitFactory(
                municipality=person.municipality, name=f"content-of-{person.username}-{i}"
            )

    return make


def _left(person, date):
    with unscoped("test"):
        type(person).objects.filter(pk=person.pk).update(date_left=date)
    person.refresh_from_db()


def _count(person):
    from lus.accounts.models import OrgUnit

    with tenant_scope(person.municipality):
        return OrgUnit.objects.filter(name__startswith=f"content-of-{person.username}").count()


def test_due_date_counts_years_after_leaving():
    assert retention.due_date(datetime.date(2020, 2, 29), 5) == datetime.date(2025, 2, 28)
    assert retention.due_date(datetime.date(2020, 3, 1), 5) == datetime.date(2025, 3, 1)


def test_dry_run_by_default_then_apply_is_idempotent_logged_and_audited(content, haderslev, caplog):
    haderslev.retention_years = 5
    haderslev.save()
    gone = LeaderFactory(municipality=haderslev, username="gone")
    recent = LeaderFactory(municipality=haderslev, username="recent")
    staying = LeaderFactory(municipality=haderslev, username="staying")
    for p in (gone, recent, staying):
        content(p)
    _left(gone, datetime.date(2021, 6, 1))  # 5 years ago: due
    _left(recent, datetime.date(2024, 1, 1))  # not yet

    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "would delete 2 test_content" in out.getvalue()
    assert "gone" in out.getvalue() and "recent" not in out.getvalue()
    assert _count(gone) == 2  # dry run changed nothing

    caplog.set_level("INFO", logger="lus.retention")
    out = io.StringIO()
    call_command("apply_retention", "--apply", stdout=out)
    assert "Deleted 2 test_content for 1 people" in out.getvalue()
    assert _count(gone) == 0 and _count(recent) == 2 and _count(staying) == 2
    assert any("gone" in r.getMessage() for r in caplog.records)
    with tenant_scope(haderslev):
        event = AuditEvent.objects.get(action="retention_delete")
    assert event.subject == gone and event.role == "system"

    out = io.StringIO()
    call_command("apply_retention", "--apply", stdout=out)
    assert "Deleted nothing for 0 people" in out.getvalue()


def test_municipality_retention_rule_is_per_municipality(content, haderslev, randers):
    randers.retention_years = 10
    randers.save()
    a = LeaderFactory(municipality=haderslev, username="a")
    b = LeaderFactory(municipality=randers, username="b")
    for p in (a, b):
        content(p)
        _left(p, datetime.date(2019, 1, 1))
    retention.apply_retention(apply=True, today=TODAY)
    assert _count(a) == 0 and _count(b) == 2


def _download(response, with_files=False):
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        data = json.loads(archive.read("data.json"))
        if with_files:
            return data, {n: archive.read(n) for n in archive.namelist() if n != "data.json"}
    return data


def test_my_data_download_has_person_and_access_log(client, leader):
    with tenant_scope(leader.municipality):
        audit_record(actor=leader.manager, action="view_preparation", target=leader, detail="LUS")
    client.force_login(leader)
    page = client.get(reverse("orchestration:my_data"))
    assert page.status_code == 200 and "Download mine data" in page.content.decode()
    response = client.get(reverse("orchestration:my_data_download"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "application/zip"
    data = _download(response)
    assert data["person"]["username"] == leader.username
    assert data["access_log"][0]["who"] == leader.manager.name
    assert data["access_log"][0]["purpose"] == "LUS"


def test_home_links_to_own_data_pages(client, leader):
    client.force_login(leader)
    body = client.get(reverse("home")).content.decode()
    assert reverse("orchestration:my_data") in body and reverse("audit:my_log") in body


def test_retention_deletes_real_conversation_content_and_my_data_lists_it(client, leader):
    from lus.conversations.models import Conversation, Preparation
    from tests.conversations.factories import make_conversation

    conversation = make_conversation(leader)
    client.force_login(leader)
    data = _download(client.get(reverse("orchestration:my_data_download")))
    assert data["conversations"][0]["year"] == conversation.year
    _left(leader, datetime.date(2015, 1, 1))
    dry = retention.apply_retention(apply=False, today=TODAY)
    assert dry.deleted["conversations"] == 1
    retention.apply_retention(apply=True, today=TODAY)
    with tenant_scope(leader.municipality):
        assert not Conversation.objects.filter(leader=leader).exists()
        assert not Preparation.objects.filter(conversation_id=conversation.pk).exists()
    assert retention.apply_retention(apply=True, today=TODAY).people == 0


def _filed(leader, settings, tmp_path, *, destination="archive"):
    from lus.documents.models import DocumentSettings
    from lus.documents.services import filed_record_create
    from tests.documents.factories import make_agreed_conversation

    settings.STORAGES = {
        **settings.STORAGES,
        "archive": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    conversation = make_agreed_conversation(leader)
    with tenant_scope(leader.municipality):
        DocumentSettings.objects.update_or_create(
            municipality=leader.municipality,
            defaults={"destination": destination, "journal_email": "journal@esdh.example"},
        )
        return filed_record_create(conversation=conversation, actor=leader.manager)


def test_my_data_download_holds_plans_and_the_filed_pdfs(client, leader, settings, tmp_path):
    record = _filed(leader, settings, tmp_path)
    client.force_login(leader)
    data, files = _download(client.get(reverse("orchestration:my_data_download")), with_files=True)
    assert data["plans"] and data["plans"][0]["year"] == record.year
    assert data["filed_records"][0]["sha256"] == record.sha256
    (pdf,) = files.values()
    assert hashlib.sha256(pdf).hexdigest() == record.sha256


def test_retention_keeps_pdfs_in_the_esdh_as_metadata_only(client, leader, settings, tmp_path):
    from lus.documents.models import FiledRecord

    record = _filed(leader, settings, tmp_path, destination="email")
    _left(leader, datetime.date(2015, 1, 1))
    dry = retention.apply_retention(apply=False, today=TODAY)
    assert dry.deleted["filed_pdfs"] == 1
    with tenant_scope(leader.municipality):
        assert record.file.storage.exists(record.file.name)  # dry run: nothing gone
    retention.apply_retention(apply=True, today=TODAY)
    with tenant_scope(leader.municipality):
        kept = FiledRecord.objects.get(pk=record.pk)  # the row (metadata) stays
        assert kept.sha256 == record.sha256 and not kept.file.storage.exists(kept.file.name)
    client.force_login(leader.manager)
    response = client.get(reverse("documents:download", args=[record.pk]))
    assert response.status_code == 410
    assert "opbevaringsregel" in response.content.decode()
    assert retention.apply_retention(apply=True, today=TODAY).people == 0
