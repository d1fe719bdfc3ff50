"""A long people file is checked by a task worker: the upload answers at once with a progress
page; the page polls a status endpoint and then shows the same bounded summary as a short
file's, with "Apply" working as before. (Tests run tasks with the immediate backend.)"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from lus.accounts.models import PeopleImportJob, User
from lus.accounts.services import people_import, people_import_job_create
from lus.tenants.scoping import tenant_scope, unscoped
from tests.factories import HRFactory, LeaderFactory


def long_file(n: int, *, bad: int = 0) -> str:
    rows = ["chef@haderslev.dk;Chef;Chef;Skoler;"]
    rows += [f"leder{i}@haderslev.dk;Leder {i};Leder;Skoler;chef@haderslev.dk" for i in range(n)]
    rows += [f"ikke-mail-{i};Forkert {i};;;" for i in range(bad)]
    return "email;name;job_title;org_unit;manager_email\n" + "\n".join(rows) + "\n"


def upload(client, text: str):
    file = SimpleUploadedFile("p.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("admin:accounts_user_import"), {"file": file})


def people(municipality) -> int:
    with tenant_scope(municipality):
        return User.objects.count()


@pytest.fixture
def hr_client(client, hr, django_capture_on_commit_callbacks):
    client.force_login(hr)
    return client


@override_settings(LUS_PEOPLE_IMPORT_BACKGROUND_ROWS=50)
def test_long_file_is_checked_in_the_background_then_applied(
    hr_client, hr, haderslev, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(hr_client, long_file(1200))
    assert response.status_code == 302
    with tenant_scope(haderslev):
        job = PeopleImportJob.objects.get()
    assert response.url == reverse("admin:accounts_user_import_job", args=[job.pk])
    status = hr_client.get(reverse("admin:accounts_user_import_job_status", args=[job.pk]))
    assert status.json() == {
        "status": "done",
        "finished": True,
        "rows_checked": 1201,
        "rows_done": 1201,
        "rows_total": 1201,
        "message": "Kontrollerer … 1201 af 1201 rækker",
    }
    page = hr_client.get(response.url)
    text = page.content.decode()
    assert "1201 nye, 0 opdateret, 0 uændret, 0 deaktiveret." in text
    assert "Nye personer (1201)" in text
    assert text.count("&lt;leder") == 99  # bounded: the first 100 new people (with the chef)
    assert len(page.content) < 60_000
    assert people(haderslev) == 1  # nothing written by the check
    # "Apply" hands the file to a task worker too; the page shows what was written.
    with django_capture_on_commit_callbacks(execute=True):
        applied = hr_client.post(response.url, {"apply": str(job.pk)})
    assert applied.status_code == 302 and applied.url == response.url
    assert people(haderslev) == 1 + 1201
    with tenant_scope(haderslev):
        job.refresh_from_db()
        chef = User.objects.get(email="chef@haderslev.dk")
        assert User.objects.filter(manager=chef).count() == 1200
    assert job.status == "applied" and job.applied_by == hr
    assert job.text == ""  # the file's text is not kept
    assert job.rows_applied == job.rows_total
    status = hr_client.get(reverse("admin:accounts_user_import_job_status", args=[job.pk]))
    assert status.json()["finished"] and status.json()["status"] == "applied"
    page = hr_client.get(response.url).content.decode()
    assert "Importen er gennemført" in page
    assert "1201 oprettet, 0 opdateret, 0 uændret, 0 deaktiveret." in page
    assert "people_import.js" not in page  # nothing left to poll
    # A second "Apply" (another tab, a double click) writes nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        again = hr_client.post(response.url, {"apply": str(job.pk)})
    assert again.status_code == 302 and people(haderslev) == 1 + 1201
    # The import is in the audit log, as one row with the counts.
    from lus.audit.models import AuditEvent

    with tenant_scope(haderslev):
        (event,) = AuditEvent.objects.filter(action="import_people")
    assert event.actor == hr and "1201" in event.detail


@override_settings(LUS_PEOPLE_IMPORT_BACKGROUND_ROWS=50)
def test_applying_a_long_file_shows_progress_and_reapplying_is_unchanged(
    hr_client, hr, haderslev, django_capture_on_commit_callbacks
):
    text = long_file(120)
    with django_capture_on_commit_callbacks(execute=True):
        job_url = upload(hr_client, text).url
    job_id = int(job_url.rstrip("/").rsplit("/", 1)[-1])
    with tenant_scope(haderslev):
        job = PeopleImportJob.objects.get(pk=job_id)
    # Claimed for applying, the worker has not started: the page shows the apply's progress.
    with django_capture_on_commit_callbacks(execute=False):
        assert hr_client.post(job_url, {"apply": str(job_id)}).status_code == 302
    PeopleImportJob._base_manager.filter(pk=job_id).update(rows_applied=60)
    page = hr_client.get(job_url).content.decode()
    assert "Anvender … 60 af 121 rækker" in page and "js/people_import.js" in page
    assert f'href="{job_url}"' in page  # reload by hand without JavaScript
    status = hr_client.get(reverse("admin:accounts_user_import_job_status", args=[job_id]))
    assert status.json()["rows_done"] == 60 and not status.json()["finished"]
    from lus.accounts.services import people_import_job_apply_run

    people_import_job_apply_run(job_id=job_id)
    assert people(haderslev) == 1 + 121
    # The same file again: checked, then applied, nothing changes.
    with django_capture_on_commit_callbacks(execute=True):
        job_url = upload(hr_client, text).url
    assert "0 nye, 0 opdateret, 121 uændret" in hr_client.get(job_url).content.decode()
    job_id = int(job_url.rstrip("/").rsplit("/", 1)[-1])
    with django_capture_on_commit_callbacks(execute=True):
        hr_client.post(job_url, {"apply": str(job_id)})
    page = hr_client.get(job_url).content.decode()
    assert "0 oprettet, 0 opdateret, 121 uændret, 0 deaktiveret." in page
    assert job.pk != job_id


@override_settings(LUS_PEOPLE_IMPORT_BACKGROUND_ROWS=50)
def test_apply_checks_again_and_fails_when_the_municipality_changed(
    hr_client, hr, haderslev, django_capture_on_commit_callbacks
):
    """Between the check and the apply a colleague took the chef's e-mail as username in
    another municipality's way: the apply finds it, writes nothing, and says why."""
    text = long_file(60)
    with django_capture_on_commit_callbacks(execute=True):
        job_url = upload(hr_client, text).url
    job_id = int(job_url.rstrip("/").rsplit("/", 1)[-1])
    LeaderFactory(municipality=haderslev, username="chef@haderslev.dk", email="c2@haderslev.dk")
    before = people(haderslev)
    with django_capture_on_commit_callbacks(execute=True):
        hr_client.post(job_url, {"apply": str(job_id)})
    assert people(haderslev) == before  # nothing of the file
    with tenant_scope(haderslev):
        job = PeopleImportJob.objects.get(pk=job_id)
    assert job.status == "failed"
    page = hr_client.get(job_url)
    assert page.status_code == 200
    assert "Intet blev importeret" in page.content.decode()


def test_apply_progress_is_reported_per_batch(haderslev, monkeypatch):
    from lus.accounts.services import apply

    monkeypatch.setattr(apply, "WRITE_BATCH", 100)
    seen = []
    people_import(municipality=haderslev, data=long_file(250), write_progress=seen.append)
    assert seen[-1] == 251 and seen == sorted(seen) and len(seen) >= 3


@override_settings(LUS_PEOPLE_IMPORT_BACKGROUND_ROWS=50)
def test_long_file_with_problems_shows_the_first_and_offers_all_as_csv(
    hr_client, haderslev, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(hr_client, long_file(100, bad=150))
    job_url = response.url
    job_id = int(job_url.rstrip("/").rsplit("/", 1)[-1])
    status = hr_client.get(reverse("admin:accounts_user_import_job_status", args=[job_id]))
    assert status.json()["status"] == "failed" and status.json()["finished"]
    page = hr_client.get(job_url).content.decode()
    assert "Intet blev importeret" in page
    assert "Filen har 150 problemer; de første 100 vises." in page
    assert page.count("er ikke en gyldig e-mailadresse") == 100
    assert "Anvend disse ændringer" not in page
    full = hr_client.get(reverse("admin:accounts_user_import_errors") + f"?job={job_id}")
    assert full.status_code == 200
    assert len(full.content.decode("utf-8-sig").strip().splitlines()) == 151
    # No apply of a failed check
    assert hr_client.post(job_url, {"apply": str(job_id)}).status_code == 302
    assert people(haderslev) == 1


@override_settings(LUS_PEOPLE_IMPORT_BACKGROUND_ROWS=50)
def test_short_file_keeps_the_synchronous_check(hr_client, haderslev):
    response = upload(hr_client, long_file(10))
    assert response.status_code == 200
    assert response.context["result"].created == 11
    with tenant_scope(haderslev):
        assert not PeopleImportJob.objects.exists()


def test_progress_page_polls_and_has_a_reload_link(client, hr, haderslev):
    """A check still queued (no worker has taken it): the page shows how far it is."""
    with tenant_scope(haderslev):
        job = PeopleImportJob.objects.create(
            municipality=haderslev,
            created_by=hr,
            text=long_file(3000),
            rows_total=3001,
            rows_checked=1500,
            status=PeopleImportJob.Status.RUNNING,
        )
    client.force_login(hr)
    url = reverse("admin:accounts_user_import_job", args=[job.pk])
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Kontrollerer … 1500 af 3001 rækker" in text
    assert f'href="{url}"' in text and "Opdater" in text
    assert "js/people_import.js" in text and "<script>" not in text
    status = client.get(reverse("admin:accounts_user_import_job_status", args=[job.pk]))
    assert status.json()["rows_checked"] == 1500 and not status.json()["finished"]
    assert client.post(url, {"apply": str(job.pk)}).status_code == 302  # not checked yet
    assert people(haderslev) == 1


def test_progress_callback_is_called_every_500_rows(haderslev):
    seen = []
    people_import(municipality=haderslev, data=long_file(1600), dry_run=True, progress=seen.append)
    assert seen == [499, 999, 1499]


def test_another_municipality_and_non_hr_cannot_see_a_check(client, hr, haderslev, randers):
    with tenant_scope(haderslev):
        job = PeopleImportJob.objects.create(
            municipality=haderslev, created_by=hr, text=long_file(5), rows_total=6
        )
    urls = [
        reverse("admin:accounts_user_import_job", args=[job.pk]),
        reverse("admin:accounts_user_import_job_status", args=[job.pk]),
        reverse("admin:accounts_user_import_errors") + f"?job={job.pk}",
    ]
    client.force_login(HRFactory(municipality=randers))
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(urls[0], {"apply": str(job.pk)}).status_code == 404
    leader = LeaderFactory(municipality=haderslev)
    client.force_login(leader)
    for url in urls:
        assert client.get(url).status_code in (302, 403, 404)
        assert "leder0@" not in client.get(url).content.decode()


def test_a_new_check_replaces_the_actors_earlier_one_and_old_ones(hr, haderslev):
    colleague = HRFactory(municipality=haderslev)
    with tenant_scope(haderslev):
        kept = PeopleImportJob.objects.create(
            municipality=haderslev, created_by=colleague, text=long_file(2)
        )
        PeopleImportJob.objects.create(
            municipality=haderslev,
            created_by=colleague,
            text=long_file(2),
            created_at=timezone.now() - datetime.timedelta(days=2),
        )
    first = people_import_job_create(
        municipality=haderslev, actor=hr, text=long_file(3), deactivate_missing=False
    )
    second = people_import_job_create(
        municipality=haderslev, actor=hr, text=long_file(4), deactivate_missing=False
    )
    with unscoped("test"):
        assert set(PeopleImportJob.objects.values_list("pk", flat=True)) == {kept.pk, second.pk}
    assert first.pk != second.pk


def test_the_background_threshold_is_a_declared_setting():
    """Declared in lus/settings.py (env ``LUS_PEOPLE_IMPORT_BACKGROUND_ROWS``), default 2,000."""
    from django.conf import settings

    from lus.accounts.admin import background_rows

    assert isinstance(settings.LUS_PEOPLE_IMPORT_BACKGROUND_ROWS, int)
    assert background_rows() == settings.LUS_PEOPLE_IMPORT_BACKGROUND_ROWS
    with override_settings(LUS_PEOPLE_IMPORT_BACKGROUND_ROWS=7):
        assert background_rows() == 7


@pytest.mark.parametrize("status", ["running", "applying", "applied"])
def test_job_page_and_status_have_a_query_budget(
    client, hr, haderslev, status, django_assert_max_num_queries
):
    """Polled every second or so while a long file is worked on: a few queries, whatever
    the size of the file."""
    with tenant_scope(haderslev):
        job = PeopleImportJob.objects.create(
            municipality=haderslev,
            created_by=hr,
            text="" if status == "applied" else long_file(3000),
            rows_total=3001,
            rows_checked=3001,
            rows_applied=1000,
            status=status,
            result={"applied": {"created": 1, "updated": 2, "unchanged": 3, "deactivated": 0}}
            if status == "applied"
            else {},
        )
    client.force_login(hr)
    url = reverse("admin:accounts_user_import_job", args=[job.pk])
    client.get(url)
    with django_assert_max_num_queries(8):
        page = client.get(url)
    assert page.status_code == 200
    with django_assert_max_num_queries(6):
        status_json = client.get(reverse("admin:accounts_user_import_job_status", args=[job.pk]))
    assert status_json.status_code == 200
    if status == "applied":
        assert "1 oprettet, 2 opdateret, 3 uændret, 0 deaktiveret." in page.content.decode()
    if status == "applying":
        assert "Anvender … 1000 af 3001 rækker" in page.content.decode()


@override_settings(LUS_PEOPLE_IMPORT_BACKGROUND_ROWS=50)
def test_the_colleague_who_applies_cannot_make_themself_a_leaders_leader(
    client, hr, haderslev, django_capture_on_commit_callbacks
):
    """HR A checks a file that makes HR B a leader's leader; B presses "Apply": refused (the
    separation of duties is checked for whoever applies), nothing written."""
    colleague = HRFactory(municipality=haderslev, email="hr-b@haderslev.dk")
    text = long_file(60).replace(
        "leder0@haderslev.dk;Leder 0;Leder;Skoler;chef@haderslev.dk",
        "leder0@haderslev.dk;Leder 0;Leder;Skoler;hr-b@haderslev.dk",
    )
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        job_url = upload(client, text).url
    job_id = int(job_url.rstrip("/").rsplit("/", 1)[-1])
    before = people(haderslev)
    client.force_login(colleague)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(job_url, {"apply": str(job_id)})
    assert people(haderslev) == before
    page = client.get(job_url).content.decode()
    assert "Du kan ikke gøre dig selv til leders leder for en person" in page


@pytest.mark.django_db(transaction=True)
def test_apply_progress_is_visible_while_the_apply_transaction_is_open(hr, haderslev):
    """On PostgreSQL the progress is written through a second connection, so the polling page
    sees it before the import's transaction commits (SQLite: at the end)."""
    from django.db import connection, transaction

    from lus.accounts.services import _ProgressWriter

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (SQLite has one writer at a time)")
    with tenant_scope(haderslev):
        job = PeopleImportJob.objects.create(
            municipality=haderslev, created_by=hr, text="x", status="applying", rows_total=10
        )
    writer = _ProgressWriter(job.pk)
    try:
        with tenant_scope(haderslev), transaction.atomic():
            User.objects.filter(pk=hr.pk).update(name="Skrives")  # the import's open transaction
            writer(7)
            from django.db import connections

            other = connections.create_connection("default")
            try:
                with other.cursor() as cursor:
                    cursor.execute(
                        "SELECT rows_applied FROM accounts_peopleimportjob WHERE id = %s", [job.pk]
                    )
                    assert cursor.fetchone()[0] == 7
            finally:
                other.close()
    finally:
        writer.close()
