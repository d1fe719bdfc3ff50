"""Org data sync: the dry-run diff (new people, changed leaders, leavers), applying in one
transaction, leavers deactivated (not deleted)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from lus.accounts.models import User
from lus.accounts.services import PeopleImportError, people_import
from lus.tenants.scoping import tenant_scope
from tests.accounts.test_import_people import GOOD

# Mette gets a new leader (Hanne), Hanne leaves, Ole is new.
NEXT_YEAR = """email;name;job_title;org_unit;manager_email
chef@haderslev.dk;Jens Nørgaard;Skolechef;Skoler;
leder@haderslev.dk;Mette Søndergaard;Skoleleder;Skoler;ole@haderslev.dk
ole@haderslev.dk;Ole Ny;Områdechef;Skoler;chef@haderslev.dk
"""


def people(municipality):
    with tenant_scope(municipality):
        return {u.email: u for u in User.objects.select_related("manager")}


@pytest.fixture
def imported(haderslev):
    people_import(municipality=haderslev, data=GOOD)
    return haderslev


def test_dry_run_diff_lists_new_changed_and_leavers_and_writes_nothing(imported):
    before = people(imported)
    result = people_import(
        municipality=imported, data=NEXT_YEAR, dry_run=True, deactivate_missing=True
    )
    diff = result.diff
    assert diff.new == [("ole@haderslev.dk", "Ole Ny")]
    assert diff.manager_changes == [
        ("leder@haderslev.dk", "Mette Søndergaard", "chef@haderslev.dk", "ole@haderslev.dk")
    ]
    assert diff.leavers == [("hr@haderslev.dk", "Hanne Østergaard")]
    assert (result.created, result.updated, result.deactivated) == (1, 2, 1)
    after = people(imported)
    assert after.keys() == before.keys()
    assert all(u.is_active for u in after.values())


def test_apply_deactivates_leavers_and_keeps_them(imported):
    result = people_import(municipality=imported, data=NEXT_YEAR, deactivate_missing=True)
    assert (result.created, result.updated, result.deactivated) == (1, 2, 1)
    now = people(imported)
    hanne = now["hr@haderslev.dk"]
    assert not hanne.is_active and hanne.date_left == timezone.localdate()
    assert now["leder@haderslev.dk"].manager.email == "ole@haderslev.dk"
    assert len(now) == 4  # nobody deleted


def test_without_the_switch_nobody_leaves(imported):
    result = people_import(municipality=imported, data=NEXT_YEAR)
    assert result.diff.leavers == [] and result.deactivated == 0
    assert people(imported)["hr@haderslev.dk"].is_active


def test_leaver_keeps_an_earlier_date_left(imported):
    with tenant_scope(imported):
        User.objects.filter(email="hr@haderslev.dk").update(date_left=datetime.date(2026, 1, 31))
    people_import(municipality=imported, data=NEXT_YEAR, deactivate_missing=True)
    assert people(imported)["hr@haderslev.dk"].date_left == datetime.date(2026, 1, 31)


def test_returning_person_is_active_again(imported):
    people_import(municipality=imported, data=NEXT_YEAR, deactivate_missing=True)
    result = people_import(municipality=imported, data=GOOD, dry_run=True)
    assert result.diff.returning == [("hr@haderslev.dk", "Hanne Østergaard")]
    people_import(municipality=imported, data=GOOD)
    hanne = people(imported)["hr@haderslev.dk"]
    assert hanne.is_active and hanne.date_left is None


def test_leader_who_would_leave_is_an_error(imported):
    data = "email;name;manager_email\nleder@haderslev.dk;Mette;hr@haderslev.dk\n"
    data += "chef@haderslev.dk;Jens;\n"
    # hr@ is in the municipality but not in the file: a full file cannot keep her as a leader
    with pytest.raises(PeopleImportError) as exc:
        people_import(municipality=imported, data=data, deactivate_missing=True)
    assert exc.value.errors[0].column == "manager_email"
    assert all(u.is_active for u in people(imported).values())


def test_importer_is_never_deactivated_by_their_own_import(imported, hr):
    result = people_import(municipality=imported, data=NEXT_YEAR, deactivate_missing=True, actor=hr)
    assert hr.email not in {email for email, _ in result.diff.leavers}


def test_apply_is_one_transaction(imported, monkeypatch):
    """A failure after the people are written (the last step: the audit row) leaves the
    municipality as it was."""
    from lus.accounts.services import apply

    def failing_audit(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(apply, "_import_audited", failing_audit)
    with pytest.raises(RuntimeError):
        people_import(municipality=imported, data=NEXT_YEAR, deactivate_missing=True)
    monkeypatch.undo()
    now = people(imported)
    assert "ole@haderslev.dk" not in now and now["hr@haderslev.dk"].is_active


def test_command_prints_the_diff(imported, tmp_path, capsys):
    path = tmp_path / "next.csv"
    path.write_text(NEXT_YEAR)
    call_command(
        "import_people", str(path), municipality="haderslev", dry_run=True, deactivate_missing=True
    )
    out = capsys.readouterr().out
    assert "+ ny: Ole Ny" in out and "- fratrådt (deaktiveres): Hanne" in out
    assert "Prøvekørsel" in out
    assert people(imported)["hr@haderslev.dk"].is_active


def test_admin_shows_the_diff_then_applies(client, imported):
    from tests.factories import HRFactory

    admin_hr = HRFactory(municipality=imported, email="hr-admin@haderslev.dk")
    client.force_login(admin_hr)
    url = reverse("admin:accounts_user_import")
    upload = SimpleUploadedFile("p.csv", NEXT_YEAR.encode(), content_type="text/csv")
    response = client.post(url, {"file": upload, "deactivate_missing": "on"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ole Ny" in text and "Hanne Østergaard" in text
    assert people(imported)["hr@haderslev.dk"].is_active  # nothing applied yet
    assert client.post(url, {"apply": "forged"}).status_code == 302
    assert people(imported)["hr@haderslev.dk"].is_active
    response = client.post(url, {"apply": response.context["digest"]})
    assert response.status_code == 302
    now = people(imported)
    assert not now["hr@haderslev.dk"].is_active
    assert now["hr-admin@haderslev.dk"].is_active  # the importer never leaves
