"""Blank forms of a published framework version are rendered once and then served from the
shared cache; anything that changes the page is a new key (never a stale form)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.cache import caches
from django.urls import reverse

from lus.documents import pdf
from lus.documents.models import DocumentSettings
from tests.documents.factories import make_agreed_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def renders():
    with mock.patch.object(pdf, "_write_pdf", wraps=pdf._write_pdf) as spy:
        yield spy


def _skema(client, conversation):
    response = client.get(reverse("documents:blank_form", args=[conversation.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    return response.content


def test_second_request_is_served_from_the_cache_without_rendering(client, leader, renders):
    conversation = make_agreed_conversation(leader)
    client.force_login(leader)
    first = _skema(client, conversation)
    second = _skema(client, conversation)
    assert renders.call_count == 1
    assert second == first
    # In the shared cache (PostgreSQL by default), so every node serves it.
    (key,) = [k for k in caches["default"]._cache if "lus:printable:" in k]
    assert f":v{conversation.version_id}:da:" in key
    # The leader's leader gets the same cached form.
    client.force_login(leader.manager)
    assert _skema(client, conversation) == first
    assert renders.call_count == 1


def test_a_change_of_what_the_form_shows_renders_anew(client, leader, renders, scope_of):
    conversation = make_agreed_conversation(leader)
    client.force_login(leader)
    _skema(client, conversation)
    leader.name = "Ærtebjørn Ødegård"
    leader.save(update_fields=["name"])
    renamed = _skema(client, conversation)
    assert renders.call_count == 2
    with scope_of(leader.municipality):
        settings, _ = DocumentSettings.objects.get_or_create(municipality=leader.municipality)
        settings.printable_layout = DocumentSettings.PrintableLayout.WHEEL
        settings.save()
    assert _skema(client, conversation) != renamed
    assert renders.call_count == 3


def test_another_version_is_another_entry(renders):
    html_context = {"conversation": None, "blocks": [], "framework": {"name": "X"}}
    for version_id in (1, 2, 1):
        pdf.render_pdf_cached(
            "documents/print/blank_form.html",
            html_context,
            stylesheet="blank_form.css",
            version_id=version_id,
        )
    assert renders.call_count == 2


def test_an_incomplete_render_is_not_kept(renders):
    refused = pdf.RenderedPdf(content=b"%PDF-", seconds=0, refused=["http://x"])
    with mock.patch.object(pdf, "_write_pdf", return_value=refused) as failing:
        for _ in range(2):
            pdf.render_pdf_cached(
                "documents/print/blank_form.html", {}, stylesheet="blank_form.css", version_id=1
            )
    assert failing.call_count == 2
