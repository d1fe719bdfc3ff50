"""The printed LUS: Danish text, A4, PDF/A identification, embedded fonts, no network,
HTML shown as text, ASCII file name."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess

import pikepdf
import pytest
from pdfminer.high_level import extract_text

from lus.documents import pdf as pdf_module
from lus.documents import selectors
from lus.documents.models import DocumentSettings
from lus.documents.pdf import ascii_slug, pdf_filename, render_pdf
from lus.tenants.scoping import tenant_scope
from tests.documents.factories import ACTIVITY, GOAL, POINT, make_agreed_conversation

pytestmark = pytest.mark.django_db


def _render(conversation):
    with tenant_scope(conversation.municipality_id):
        ctx = selectors.print_context(conversation)
        return render_pdf("documents/print/lus.html", ctx)


def _text(content: bytes) -> str:
    return extract_text(io.BytesIO(content))


def test_pdf_shows_the_danish_plan_with_page_numbers(leader):
    conversation = make_agreed_conversation(leader)
    rendered = _render(conversation)
    text = _text(rendered.content)
    assert "Haderslev Kommune" in text
    assert "Lederudviklingssamtale 2026" in text
    assert POINT in text  # æøå ÆØÅ survive extraction: the fonts map to Unicode
    assert ACTIVITY in text
    assert GOAL in text
    assert "Lang sigt" in text
    assert "1. december 2026" in text
    assert "15. marts 2027" in text  # the follow-up date
    assert "Vi holder månedlige 1:1-samtaler" in text
    assert "Side 1 af" in text
    assert leader.get_full_name() in text
    assert leader.manager.get_full_name() in text
    assert "Godkendelse" in text
    assert "version 1" in text


def test_pdf_is_a4_pdfa_with_metadata_and_embedded_fonts(leader):
    conversation = make_agreed_conversation(leader)
    content = _render(conversation).content
    with pikepdf.open(io.BytesIO(content)) as doc:
        for page in doc.pages:
            box = [float(v) for v in page.mediabox]
            assert box[2] == pytest.approx(595.28, abs=0.5)
            assert box[3] == pytest.approx(841.89, abs=0.5)
        meta = doc.open_metadata()
        assert meta["pdfaid:part"] == "3"
        assert meta["pdfaid:conformance"] == "A"  # tagged, accessible
        assert "Lederudviklingssamtale 2026" in str(meta["dc:title"])
        info = doc.docinfo
        assert leader.get_full_name() in str(info["/Title"])
        assert leader.manager.get_full_name() in str(info["/Author"])
        assert "udviklingsplan" in str(info["/Subject"]).lower() or str(info["/Subject"])
        assert str(doc.Root.Lang) == "da"
        intents = doc.Root.OutputIntents
        assert len(intents) == 1
        assert str(intents[0].S) == "/GTS_PDFA1"
        assert intents[0].DestOutputProfile is not None
        fonts = set()
        for page in doc.pages:
            for _name, font in page.Resources.Font.items():
                for descendant in font.get("/DescendantFonts", [font]):
                    descriptor = descendant.FontDescriptor
                    assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                    fonts.add(str(descendant.BaseFont))
        assert fonts and all("LUS-Sans" in f for f in fonts), fonts


@pytest.mark.skipif(not shutil.which("qpdf"), reason="qpdf not installed")
def test_qpdf_check_is_clean(leader, tmp_path):
    path = tmp_path / "lus.pdf"
    path.write_bytes(_render(make_agreed_conversation(leader)).content)
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def test_html_in_free_text_is_shown_as_text(leader):
    evil = '<script>alert("x")</script><b>fed</b> & <img src="http://example.com/x.png">'
    conversation = make_agreed_conversation(leader, point=evil, plan_text=evil)
    rendered = _render(conversation)
    text = _text(rendered.content)
    assert '<script>alert("x")</script>' in text
    assert "<b>fed</b>" in text
    assert rendered.refused == []  # the <img> in the text was never an element: nothing fetched


def test_rendering_never_fetches_from_the_network(leader, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("network access during rendering")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    conversation = make_agreed_conversation(leader)
    assert _render(conversation).refused == []


def test_fetcher_refuses_http_and_files_outside_the_allowed_directories(tmp_path):
    fetcher = pdf_module._fetcher_class()([pdf_module.font_dir(), pdf_module.PRINT_STATIC])
    for url in ("http://example.com/a.png", "https://example.com/a.css", "ftp://x/y"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    with pytest.raises(ValueError):
        fetcher.fetch(secret.as_uri())
    with pytest.raises(ValueError):
        fetcher.fetch((pdf_module.PRINT_STATIC / ".." / ".." / "lus" / "settings.py").as_uri())
    assert len(fetcher.refused) == 5
    font = pdf_module.font_dir() / pdf_module.FONTS["LUS Sans"][0][2]
    assert fetcher.fetch(font.as_uri()).read(4)


def test_a_remote_stylesheet_or_image_in_a_template_is_refused(settings, tmp_path):
    template_dir = tmp_path / "templates"
    (template_dir / "t").mkdir(parents=True)
    (template_dir / "t" / "remote.html").write_text(
        '<html lang="da"><head><title>x</title>'
        '<link rel="stylesheet" href="https://example.com/x.css"></head>'
        '<body><img src="http://example.com/logo.png" alt="">Ærø</body></html>'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [template_dir]}]
    rendered = render_pdf("t/remote.html", {})
    assert sorted(rendered.refused) == ["http://example.com/logo.png", "https://example.com/x.css"]
    assert "Ærø" in _text(rendered.content)


def test_preparation_and_minutes_follow_the_municipality_setting(leader, scope_of):
    conversation = make_agreed_conversation(leader)
    with scope_of(leader.municipality):
        DocumentSettings.objects.create(
            municipality=leader.municipality, include_preparation=True, include_minutes=False
        )
        ctx = selectors.print_context(conversation)
    assert ctx["settings"].include_preparation is True
    assert ctx["minutes"] == ""


def test_logo_is_embedded_as_data(leader, scope_of):
    from django.core.files.base import ContentFile

    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
        b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8"
        b"N\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    conversation = make_agreed_conversation(leader)
    with scope_of(leader.municipality):
        s = DocumentSettings(municipality=leader.municipality)
        s.logo.save("logo.png", ContentFile(png), save=False)
        s.save()
        ctx = selectors.print_context(conversation)
    assert ctx["logo"].startswith("data:image/png;base64,")
    rendered = _render(conversation)
    assert rendered.refused == []


def test_ascii_filename():
    assert ascii_slug("Søren Ærø Åberg") == "Soeren-Aeroe-Aaberg"
    assert ascii_slug("José Müller-Lüdenscheidt") == "Jose-Muller-Ludenscheidt"
    assert ascii_slug("") == "leder"
    name = pdf_filename(
        year=2026, leader_name="Mette Søndergaard", date=datetime.date(2026, 11, 20)
    )
    assert name == "LUS-2026-Mette-Soendergaard-2026-11-20.pdf"
    assert name.isascii()


def test_page_counter_css_is_danish():
    from django.utils import translation

    with translation.override("da"):
        assert pdf_module.page_counter_css() == '"Side " counter(page) " af " counter(pages)'


def test_notes_minutes_and_approvals_by_whom_are_printed(leader, scope_of):
    from lus.conversations.models import Conversation, Minutes, SectionNote

    conversation = make_agreed_conversation(leader)
    with scope_of(leader.municipality):
        Conversation.objects.filter(pk=conversation.pk).update(minutes_by="leaders_leader")
        conversation.refresh_from_db()
        section = conversation.version.sections.get(title="Stikord")
        SectionNote.objects.create(
            municipality=leader.municipality,
            conversation=conversation,
            section=section,
            text="Vi talte om trivsel på tværs af afdelingerne.",
        )
        Minutes.objects.create(
            municipality=leader.municipality,
            conversation=conversation,
            text="Referat: samtalen forløb godt; næste møde i marts.",
        )
    text = _text(_render(conversation).content)
    assert "Vi talte om trivsel på tværs af afdelingerne." in text
    assert "Referat: samtalen forløb godt; næste møde i marts." in text
    assert f"Skrevet af {leader.manager.get_full_name()}" in text
    assert "Godkendelse" in text
    assert text.count(leader.manager.get_full_name()) >= 2


def test_minutes_left_out_when_the_municipality_says_so(leader, scope_of):
    from lus.conversations.models import Minutes

    conversation = make_agreed_conversation(leader)
    with scope_of(leader.municipality):
        DocumentSettings.objects.create(municipality=leader.municipality, include_minutes=False)
        Minutes.objects.create(
            municipality=leader.municipality, conversation=conversation, text="Hemmeligt referat"
        )
    assert "Hemmeligt referat" not in _text(_render(conversation).content)
