"""Views: who may see, file, download and retry; audited downloads; HTML shown as text."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from lus.audit.models import AuditEvent
from lus.documents.models import FiledRecord
from tests.documents.factories import make_agreed_conversation
from tests.factories import HRFactory, LeaderFactory

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


def test_only_the_leaders_leader_files_and_both_download(client, leader, scope_of):
    conversation = make_agreed_conversation(leader)
    url = reverse("documents:file", args=[conversation.pk])
    assert _client(client, leader).post(url).status_code == 403
    other = LeaderFactory(municipality=leader.municipality)
    assert _client(client, other).post(url).status_code == 404
    assert _client(client, other.manager).post(url).status_code == 404
    hr = HRFactory(municipality=leader.municipality)
    assert _client(client, hr).post(url).status_code == 404
    response = _client(client, leader.manager).post(url)
    assert response.status_code == 302
    with scope_of(leader.municipality):
        record = FiledRecord.objects.get()
    # Filing again without reopening: refused with the reason, nothing new.
    again = client.post(url)
    assert again.status_code == 409
    assert "allerede journaliseret" in again.content.decode()
    download = reverse("documents:download", args=[record.pk])
    for user in (leader, leader.manager):
        response = _client(client, user).get(download)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert f'filename="{record.filename}"' in response["Content-Disposition"]
        assert hashlib.sha256(response.content).hexdigest() == record.sha256
    for user in (other, other.manager, hr):
        assert _client(client, user).get(download).status_code == 404
    with scope_of(leader.municipality):
        assert AuditEvent.objects.filter(action="download_filed_lus").count() == 2


def test_document_page_shows_records_and_html_as_text(client, leader, scope_of):
    evil = "<script>alert(1)</script>"
    conversation = make_agreed_conversation(leader, point=evil)
    page = reverse("documents:document", args=[conversation.pk])
    response = _client(client, leader.manager).get(page)
    assert response.status_code == 200
    assert "Journalisér i personalesagen" in response.content.decode()
    client.post(reverse("documents:file", args=[conversation.pk]))
    body = _client(client, leader).get(page).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "leveret" in body
    assert "Journalisér i personalesagen" not in body  # the leader does not file


def test_preview_and_blank_form_for_the_parties(client, leader, scope_of):
    conversation = make_agreed_conversation(leader)
    for name in ("preview", "blank_form"):
        url = reverse(f"documents:{name}", args=[conversation.pk])
        response = _client(client, leader).get(url)
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF-")
        assert response["Content-Disposition"].isascii()
        hr = HRFactory(municipality=leader.municipality)
        assert _client(client, hr).get(url).status_code == 404
    with scope_of(leader.municipality):
        assert AuditEvent.objects.filter(action="download_lus_preview").count() == 1


def test_hr_sees_metadata_only_in_the_admin(client, leader, scope_of):
    conversation = make_agreed_conversation(leader)
    _client(client, leader.manager).post(reverse("documents:file", args=[conversation.pk]))
    with scope_of(leader.municipality):
        record = FiledRecord.objects.get()
    hr = HRFactory(municipality=leader.municipality)
    _client(client, hr)
    listing = client.get(reverse("admin:documents_filedrecord_changelist"))
    assert listing.status_code == 200
    assert record.leader_name in listing.content.decode()
    change = client.get(reverse("admin:documents_filedrecord_change", args=[record.pk]))
    body = change.content.decode()
    assert change.status_code == 200
    assert record.sha256 in body
    assert record.file.name not in body  # no link to the file itself
    assert (
        client.post(reverse("admin:documents_filedrecord_delete", args=[record.pk])).status_code
        == 403
    )
    foreign_hr = HRFactory()
    _client(client, foreign_hr)
    assert (
        client.get(reverse("admin:documents_filedrecord_change", args=[record.pk])).status_code
        == 404
    )


def test_a_filed_plan_is_reopened_in_the_browser_flow_and_filed_again(client, leader, scope_of):
    """Plan page after filing: a link to what was filed, reopening with a reason; after both
    approve again, filing adds a second record and keeps the first."""
    from lus.plans.models import Plan
    from tests.documents.factories import approve

    conversation = make_agreed_conversation(leader)
    leaders_leader = leader.manager
    assert (
        _client(client, leaders_leader)
        .post(reverse("documents:file", args=[conversation.pk]))
        .status_code
        == 302
    )
    plan_page = client.get(reverse("plans:plan", args=[conversation.pk])).content.decode()
    assert "Se hvad der er journaliseret i personalesagen" in plan_page
    assert reverse("documents:document", args=[conversation.pk]) in plan_page
    assert reverse("plans:reopen", args=[conversation.pk]) in plan_page

    response = client.post(reverse("plans:reopen", args=[conversation.pk]), {"reason": "Ny opgave"})
    assert response.status_code == 302
    with scope_of(leader.municipality):
        conversation.refresh_from_db()
        assert conversation.status == "held"
        approve(conversation)
    assert client.post(reverse("documents:file", args=[conversation.pk])).status_code == 302
    with scope_of(leader.municipality):
        records = list(FiledRecord.objects.order_by("sequence"))
        assert [r.sequence for r in records] == [1, 2]
        assert Plan.objects.get(conversation=conversation).agreed_at is not None
