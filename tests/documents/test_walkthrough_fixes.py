"""Found in the municipalities' walk-through: the draft PDF after filing, and the blank form's
keywords column where a framework has no keywords."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pdfminer.high_level import extract_text

from tests.documents.factories import make_agreed_conversation
from tests.plans.factories import held_conversation

pytestmark = pytest.mark.django_db


def test_the_draft_pdf_link_is_gone_after_filing(client, leader):
    conversation = make_agreed_conversation(leader)
    page = reverse("documents:document", args=[conversation.pk])
    client.force_login(leader.manager)
    assert "Hent PDF'en (ikke journaliseret)" in client.get(page).content.decode()
    client.post(reverse("documents:file", args=[conversation.pk]))
    for user in (leader.manager, leader):
        client.force_login(user)
        body = client.get(page).content.decode()
        assert "Hent PDF'en (ikke journaliseret)" not in body
        assert "LUS'en er journaliseret" in body


@pytest.mark.parametrize("has_keywords", [False, True])
def test_the_blank_form_has_a_keywords_column_only_with_keywords(client, has_keywords):
    conversation = held_conversation("items", status="invited", keywords=has_keywords)
    client.force_login(conversation.leaders_leader)
    response = client.get(reverse("documents:blank_form", args=[conversation.pk]))
    text = extract_text(io.BytesIO(response.content))
    assert "Noter" in text and "Aftaler" in text
    assert ("Stikord" in text) is has_keywords


def test_agreed_writers_minutes_are_filed_with_the_plan_with_kle_and_stay_unchanged(
    client, archive_storage
):
    """ "Referatet lægges efterfølgende i en lukket ledersag": the agreed writer's minutes are
    part of the filed PDF (KLE and action facet in its metadata), and the record is immutable."""
    from lus.documents.models import DocumentSettings, FiledRecord, ImmutableRecordError
    from lus.plans import services
    from lus.tenants.scoping import tenant_scope

    c = held_conversation("continuing", status="held", minutes_by="leaders_leader")
    with tenant_scope(c.municipality):
        DocumentSettings.objects.create(
            municipality=c.municipality, kle_number="81.03.00", action_facet="G01"
        )
        plan = services.plan_get_or_create(conversation=c)
        outcome = services.cell_save(
            plan=plan,
            user=c.leaders_leader,
            key="minutes",
            base_revision=0,
            value="Referat: vi aftalte fokus på feedback.",
        )
        assert outcome.saved
        services.plan_approve(plan=plan, user=c.leader)
        services.plan_approve(plan=plan, user=c.leaders_leader)
    client.force_login(c.leaders_leader)
    assert client.post(reverse("documents:file", args=[c.pk])).status_code == 302
    with tenant_scope(c.municipality):
        record = FiledRecord.objects.get()
        with record.file.open("rb") as f:
            content = f.read()
        # Immutable like every filed record.
        with pytest.raises(ImmutableRecordError):
            record.delete()
    text = extract_text(io.BytesIO(content))
    assert "Referat" in text and "vi aftalte fokus på feedback" in text
    assert b"KLE 81.03.00 G01" in content or "KLE 81.03.00 G01" in text
