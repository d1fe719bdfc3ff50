"""Preparation inputs: HR imports results, only the leader and the leaders_leader see them."""

import io
import json
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from lus.audit.models import AuditEvent
from lus.inputs.models import InputImport, PreparationInput
from lus.orchestration.retention import apply_retention
from lus.tenants.scoping import unscoped
from tests.conversations.factories import make_conversation
from tests.factories import HRFactory, LeaderFactory, MunicipalityFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def csv_file(text: str, name="resultater.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def do_import(client, hr, text, **over):
    client.force_login(hr)
    data = {
        "kind": "leadership_evaluation",
        "year": "2026",
        "title": "Ledelsesevaluering 2026",
        "file": csv_file(text),
        **over,
    }
    return client.post(reverse("inputs:hr_import"), data)


@pytest.fixture
def conv(leader):
    return make_conversation(leader, year=2026)


def share(conv):
    with unscoped("test"):
        type(conv).objects.filter(pk=conv.pk).update(shared_at=timezone.now(), status="shared")
        conv.refresh_from_db()


def test_hr_imports_and_sees_only_counts(client, hr, leader, conv):
    other = LeaderFactory(municipality=leader.municipality)
    text = (
        "brugernavn;dimension;score;benchmark\n"
        f"{leader.username};Tydelig retning;3,17;4,06\n"
        f"{leader.username};Feedback til medarbejdere;4,42;3,91\n"
        f"{other.username};Tydelig retning;2,88;4,06\n"
    )
    response = do_import(client, hr, text)
    assert response.status_code == 302
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "3 resultater for 2 ledere" in body
    # HR never sees a result or whose it is: not on the result, not in the list of imports.
    for secret in ("3,17", "4,42", "2,88", "3.17", leader.name, other.name):
        assert secret not in body
    with unscoped("test"):
        assert PreparationInput.objects.filter(leader=leader).get().scores.count() == 2
        assert InputImport.objects.get().leaders == 2
        assert AuditEvent.objects.filter(action="import_preparation_inputs").count() == 1
    # ... and not through the leader's pages.
    assert client.get(reverse("conversations:detail", args=[conv.pk])).status_code == 404
    assert client.get(reverse("plans:conduct", args=[conv.pk])).status_code == 404


def test_a_file_with_a_problem_imports_nothing_and_says_where(client, hr, leader):
    text = (
        "brugernavn;dimension;score\n"
        f"{leader.username};Tydelig retning;3,1\n"
        f"{leader.username};Feedback;mangler\n"
        "ukendt.person;Feedback;2\n"
    )
    response = do_import(client, hr, text)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Intet blev importeret" in body
    assert "Linje 3, kolonne »score«: skal være et tal" in body
    with unscoped("test"):
        assert not PreparationInput.objects.exists()


def test_a_person_of_another_municipality_is_unknown_like_nobody(client, hr, leader):
    stranger = UserFactory(municipality=MunicipalityFactory(), username="fremmed")
    response = do_import(client, hr, f"brugernavn;dimension;score\n{stranger.username};A;1\n")
    assert response.status_code == 400
    assert "Linje 2: ingen person med det brugernavn i kommunen" in response.content.decode()


def test_reimport_replaces_the_leaders_results_of_that_year(client, hr, leader):
    do_import(client, hr, f"brugernavn;dimension;score\n{leader.username};A;1\n")
    do_import(client, hr, f"brugernavn;dimension;score\n{leader.username};A;2\n")
    with unscoped("test"):
        item = PreparationInput.objects.get(leader=leader)
        assert [str(s.score) for s in item.scores.all()] == ["2.00"]


def test_only_hr_may_import(client, leader):
    client.force_login(leader)
    assert client.get(reverse("inputs:hr_import")).status_code == 404


def test_leader_sees_results_beside_the_preparation(client, hr, leader, conv):
    do_import(
        client, hr, f"brugernavn;dimension;score;benchmark\n{leader.username};Retning;3,5;4\n"
    )
    client.force_login(leader)
    body = client.get(reverse("conversations:prepare", args=[conv.pk])).content.decode()
    assert "Resultater at forberede dig ud fra" in body
    assert "Ledelsesevaluering 2026" in body
    assert "3,5" in body and "-0,5" in body


def test_leaders_leader_sees_results_only_after_sharing_and_the_read_is_logged(
    client, hr, leader, conv
):
    do_import(client, hr, f"brugernavn;dimension;score\n{leader.username};Retning;3,5\n")
    client.force_login(leader.manager)
    for name in ("conversations:detail", "plans:conduct"):
        assert (
            "Ledelsesevaluering 2026"
            not in client.get(reverse(name, args=[conv.pk])).content.decode()
        )
    share(conv)
    for name in ("conversations:detail", "plans:conduct"):
        assert (
            "Ledelsesevaluering 2026" in client.get(reverse(name, args=[conv.pk])).content.decode()
        )
    with unscoped("test"):
        assert AuditEvent.objects.filter(
            action="view_preparation_inputs", subject_id=leader.pk
        ).exists()


def test_leader_attaches_a_report_and_only_the_two_can_download_it(client, leader, conv):
    client.force_login(leader)
    response = client.post(
        reverse("inputs:mine"),
        {
            "kind": "wellbeing",
            "year": "2026",
            "title": "Trivselsrapport",
            "file": SimpleUploadedFile("rapport.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    with unscoped("test"):
        item = PreparationInput.objects.get(leader=leader)
    url = reverse("inputs:pdf", args=[item.pk])
    assert client.get(url).content == PDF
    chef = leader.manager
    client.force_login(chef)
    assert client.get(url).status_code == 404  # not shared yet
    share(conv)
    assert client.get(url).status_code == 200
    # Only the leader removes it.
    assert client.post(reverse("inputs:delete", args=[item.pk])).status_code == 403
    for outsider in (
        HRFactory(municipality=leader.municipality),
        LeaderFactory(municipality=leader.municipality),
        HRFactory(municipality=MunicipalityFactory()),
    ):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(reverse("inputs:delete", args=[item.pk])).status_code == 404


def test_a_non_pdf_is_refused_at_the_file_field(client, leader):
    client.force_login(leader)
    response = client.post(
        reverse("inputs:mine"),
        {
            "kind": "wellbeing",
            "year": "2026",
            "title": "X",
            "file": SimpleUploadedFile("x.pdf", b"MZ not a pdf"),
        },
    )
    assert response.status_code == 400
    assert "Vælg en PDF-fil." in response.content.decode()


def test_inputs_are_in_my_data_and_go_with_retention(client, hr, leader):
    do_import(client, hr, f"brugernavn;dimension;score\n{leader.username};Retning;3,5\n")
    client.force_login(leader)
    client.post(
        reverse("inputs:mine"),
        {
            "kind": "apv",
            "year": "2025",
            "title": "APV",
            "file": SimpleUploadedFile("apv.pdf", PDF),
        },
    )
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(reverse("orchestration:my_data_download")).content)
    )
    data = json.loads(archive.read("data.json"))
    titles = {i["title"] for i in data["preparation_inputs"]}
    assert titles == {"Ledelsesevaluering 2026", "APV"}
    assert any(n.startswith("forberedelsesdata/") for n in archive.namelist())
    with unscoped("test"):
        type(leader).objects.filter(pk=leader.pk).update(date_left=date(2000, 1, 1))
    result = apply_retention(apply=True)
    assert result.deleted["preparation_inputs"] == 2
    with unscoped("test"):
        assert not PreparationInput.objects.exists()
