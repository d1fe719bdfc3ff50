"""Filed LUS and blank forms are tagged, accessible PDFs that stay PDF/A for archiving: a
structure tree in reading order, document language and title, headings, real table headers and
alternative text for every figure (the logo, the conversation wheel). No veraPDF here, so the
structure is checked with pikepdf; qpdf --check stays clean."""

from __future__ import annotations

import io
import itertools
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field

import pikepdf
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from pdfminer.high_level import extract_text

from lus.documents.models import DocumentSettings
from tests.documents.factories import make_agreed_conversation
from tests.documents.test_pdf import _render

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8"
    b"N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@dataclass
class Structure:
    tags: Counter = field(default_factory=Counter)
    order: list[str] = field(default_factory=list)  # structure types, depth first
    figures: list[str | None] = field(default_factory=list)  # their alternative texts
    header_ids: set[str] = field(default_factory=set)
    cell_headers: list[str] = field(default_factory=list)


def _structure(content: bytes) -> tuple[pikepdf.Pdf, Structure]:
    pdf = pikepdf.open(io.BytesIO(content))
    found = Structure()

    def walk(node):
        tag = node.get("/S")
        if tag is not None:
            tag = str(tag)[1:]
            found.tags[tag] += 1
            found.order.append(tag)
            if tag == "Figure":
                found.figures.append(str(node.Alt) if "/Alt" in node else None)
            if tag == "TH" and "/ID" in node:
                found.header_ids.add(bytes(node.ID).decode())
            if tag == "TD" and "/A" in node and "/Headers" in node.A:
                found.cell_headers += [bytes(h).decode() for h in node.A.Headers]
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary):
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return pdf, found


def _assert_tagged_pdfa(pdf: pikepdf.Pdf, title: str) -> None:
    assert "/StructTreeRoot" in pdf.Root
    assert bool(pdf.Root.MarkInfo.Marked) is True
    assert str(pdf.Root.Lang) == "da"
    assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True  # the title, not a file name
    meta = pdf.open_metadata()
    assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("3", "A")  # accessible PDF/A
    assert title in str(meta["dc:title"])


def _qpdf_clean(content: bytes, tmp_path) -> None:
    if not shutil.which("qpdf"):
        pytest.skip("qpdf not installed")
    path = tmp_path / "check.pdf"
    path.write_bytes(content)
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def _with_logo(municipality, scope_of):
    with scope_of(municipality):
        settings = DocumentSettings.objects.filter(municipality=municipality).first()
        settings = settings or DocumentSettings(municipality=municipality)
        settings.logo.save("logo.png", ContentFile(PNG), save=False)
        settings.save()
    return settings


def test_filed_lus_is_tagged_with_headings_table_headers_and_alt_texts(leader, scope_of, tmp_path):
    _with_logo(leader.municipality, scope_of)
    conversation = make_agreed_conversation(leader)
    content = _render(conversation).content
    pdf, found = _structure(content)
    _assert_tagged_pdfa(pdf, "Lederudviklingssamtale 2026")
    # One H1, then H2 sections with H3/H4 below: a hierarchy without skipped levels.
    assert found.tags["H1"] == 1 and found.order.index("H1") < found.order.index("H2")
    headings = [t for t in found.order if t in {"H1", "H2", "H3", "H4"}]
    for before, after in itertools.pairwise(headings):
        assert int(after[1]) <= int(before[1]) + 1, headings
    # Real table headers, and every data cell of the facts table points at its header.
    assert found.tags["TH"] >= 4 and found.tags["TD"] >= 4
    assert found.cell_headers and set(found.cell_headers) <= found.header_ids
    assert found.tags["THead"] >= 1  # the approvals table's column headers
    assert found.tags["L"] >= 1 and found.tags["LI"] >= 1  # lists are lists
    # Every figure carries its alternative text: the logo names the municipality.
    assert found.figures == [f"{leader.municipality.name}s logo"]
    _qpdf_clean(content, tmp_path)


def test_filed_lus_text_comes_out_in_reading_order(leader):
    conversation = make_agreed_conversation(leader)
    text = extract_text(io.BytesIO(_render(conversation).content))
    order = [
        leader.municipality.name,
        "Lederudviklingssamtale 2026",
        "Leders leder",
        "Spørgeramme",
        "Kompetenceudviklingsplan",
        "Aktiviteter",
        "Samtalen, tema for tema",
        "Opfølgning\n",
        "Godkendelse",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions), list(zip(order, positions, strict=True))


def test_blank_form_is_tagged_with_column_headers(client, leader, scope_of, tmp_path):
    _with_logo(leader.municipality, scope_of)
    conversation = make_agreed_conversation(leader)
    client.force_login(leader)
    content = client.get(reverse("documents:blank_form", args=[conversation.pk])).content
    pdf, found = _structure(content)
    _assert_tagged_pdfa(pdf, "tomt skema")
    assert found.tags["H1"] == 1 and found.tags["H2"] >= 1
    assert found.tags["THead"] >= 1 and found.tags["TH"] >= 4
    assert set(found.cell_headers) <= found.header_ids
    assert found.figures == [f"{leader.municipality.name}s logo"]
    text = extract_text(io.BytesIO(content))
    head = text.index("Spørgsmål")  # the column headers, left to right
    assert head < text.index("Stikord", head) < text.index("Noter", head)
    assert text.index("Noter", head) < text.index("Aftaler", head)
    _qpdf_clean(content, tmp_path)


def test_conversation_wheel_has_an_alternative_text_naming_its_themes(
    client, leader, scope_of, tmp_path
):
    conversation = make_agreed_conversation(leader)
    with scope_of(leader.municipality):
        settings, _ = DocumentSettings.objects.get_or_create(municipality=leader.municipality)
        settings.printable_layout = DocumentSettings.PrintableLayout.WHEEL
        settings.save()
        titles = [s.title for s in conversation.version.sections.all() if s.kind != "plan"]
    client.force_login(leader)
    content = client.get(reverse("documents:blank_form", args=[conversation.pk])).content
    pdf, found = _structure(content)
    _assert_tagged_pdfa(pdf, "samtalehjul")
    (alt,) = found.figures
    assert alt.startswith("Samtalehjul med temaerne: ")
    assert any(title in alt for title in titles), (alt, titles)
    assert found.tags["H1"] == 1 and found.tags["H2"] >= 1
    _qpdf_clean(content, tmp_path)
