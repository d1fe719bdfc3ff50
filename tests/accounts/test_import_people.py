import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from lus.accounts.models import OrgUnit, User
from lus.accounts.services import PeopleImportError, people_import
from lus.tenants.scoping import tenant_scope
from tests.factories import UserFactory

GOOD = """email;name;job_title;org_unit;manager_email;birth_date;is_hr
chef@haderslev.dk;Jens Nørgaard;Skolechef;Skoler;;1975-02-01;nej
leder@haderslev.dk;Mette Søndergaard;Skoleleder;Skoler;chef@haderslev.dk;01-06-1966;
hr@haderslev.dk;Hanne Østergaard;HR-konsulent;HR;chef@haderslev.dk;;ja
"""


def _count(municipality):
    with tenant_scope(municipality):
        return User.objects.count()


def test_good_file_creates_people_and_hierarchy(haderslev):
    result = people_import(municipality=haderslev, data=GOOD.encode())
    assert (result.created, result.updated) == (3, 0)
    with tenant_scope(haderslev):
        leader = User.objects.get(email="leder@haderslev.dk")
        assert leader.name == "Mette Søndergaard"
        assert leader.manager.email == "chef@haderslev.dk"
        assert leader.birth_date.isoformat() == "1966-06-01"
        assert leader.org_unit.name == "Skoler"
        assert leader.is_leader and not leader.is_leaders_leader
        assert leader.manager.is_leaders_leader
        hr = User.objects.get(email="hr@haderslev.dk")
        assert hr.is_hr and hr.is_staff
        assert not hr.has_usable_password()
        assert OrgUnit.objects.count() == 2


def test_reimport_updates_instead_of_duplicating(haderslev):
    people_import(municipality=haderslev, data=GOOD)
    changed = GOOD.replace("Skoleleder", "Overlærer")
    result = people_import(municipality=haderslev, data=changed)
    assert (result.created, result.updated) == (0, 3)
    assert _count(haderslev) == 3


def test_comma_separated_and_cp1252(haderslev):
    data = "email,name\nx@haderslev.dk,Søren Ærø\n".encode("cp1252")
    people_import(municipality=haderslev, data=data)
    with tenant_scope(haderslev):
        assert User.objects.get().name == "Søren Ærø"


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("ikke-en-mail;Navn;;;;;", "email", "er ikke en gyldig e-mailadresse"),
        ("a@b.dk;;;;;;", "name", "Navnet mangler"),
        ("a@b.dk;Navn;;;;31-02-1970;", "birth_date", "er ikke en dato"),
        ("a@b.dk;Navn;;;;;måske", "is_hr", "Skriv “ja” eller “nej”"),
        ("a@b.dk;Navn;;;ukendt@b.dk;;", "manager_email", "Ukendt leder"),
        ("a@b.dk;Navn;;;a@b.dk;;", "manager_email", "sin egen leder"),
    ],
)
def test_bad_rows_are_reported_in_danish_and_nothing_is_imported(haderslev, row, column, message):
    data = GOOD + row + "\n"
    with pytest.raises(PeopleImportError) as exc:
        people_import(municipality=haderslev, data=data)
    assert any(
        e.line == 5 and e.column == column and message in e.message for e in exc.value.errors
    )
    assert "Linje 5" in str(exc.value)
    assert _count(haderslev) == 0


def test_duplicate_emails(haderslev):
    data = GOOD + "Leder@Haderslev.dk;Dobbelt;;;;;\n"
    with pytest.raises(PeopleImportError) as exc:
        people_import(municipality=haderslev, data=data)
    assert [(e.line, e.column) for e in exc.value.errors] == [(5, "email")]
    assert "også på linje 3" in exc.value.errors[0].message
    assert _count(haderslev) == 0


def test_manager_cycle(haderslev):
    data = (
        "email;name;manager_email\n"
        "a@x.dk;A;b@x.dk\nb@x.dk;B;c@x.dk\nc@x.dk;C;a@x.dk\nd@x.dk;D;a@x.dk\n"
    )
    with pytest.raises(PeopleImportError) as exc:
        people_import(municipality=haderslev, data=data)
    assert sorted(e.line for e in exc.value.errors) == [2, 3, 4]
    assert "ring" in exc.value.errors[0].message
    assert _count(haderslev) == 0


def test_cycle_through_existing_people(haderslev):
    people_import(municipality=haderslev, data=GOOD)
    data = "email;name;manager_email\nchef@haderslev.dk;Jens;leder@haderslev.dk\n"
    with pytest.raises(PeopleImportError):
        people_import(municipality=haderslev, data=data)
    with tenant_scope(haderslev):
        assert User.objects.get(email="chef@haderslev.dk").manager is None


def test_missing_column(haderslev):
    with pytest.raises(PeopleImportError) as exc:
        people_import(municipality=haderslev, data="email;title\na@b.dk;x\n")
    assert exc.value.errors[0].column == "name"


def test_email_of_another_municipality_is_refused(haderslev, randers):
    UserFactory(municipality=randers, username="leder@haderslev.dk")
    with pytest.raises(PeopleImportError) as exc:
        people_import(municipality=haderslev, data=GOOD)
    assert "anden kommune" in exc.value.errors[0].message


def test_manager_from_another_municipality_is_unknown(haderslev, randers):
    UserFactory(municipality=randers, email="boss@randers.dk")
    with pytest.raises(PeopleImportError):
        people_import(
            municipality=haderslev, data="email;name;manager_email\na@h.dk;A;boss@randers.dk\n"
        )


def test_dry_run_writes_nothing(haderslev):
    result = people_import(municipality=haderslev, data=GOOD, dry_run=True)
    assert result.created == 3
    assert _count(haderslev) == 0


def test_command(haderslev, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    call_command("import_people", str(good), municipality="haderslev")
    assert "3 oprettet" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "x;;;;;;\n")
    with pytest.raises(CommandError, match="Intet blev importeret"):
        call_command("import_people", str(bad), municipality="haderslev")
    assert "Linje 5" in capsys.readouterr().err
    with pytest.raises(CommandError, match="Ukendt kommune"):
        call_command("import_people", str(good), municipality="nowhere")


def test_admin_import(client, hr, haderslev):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(hr)
    url = reverse("admin:accounts_user_import")
    assert client.get(url).status_code == 200
    bad = SimpleUploadedFile("p.csv", (GOOD + "x;;;;;;\n").encode(), content_type="text/csv")
    response = client.post(url, {"file": bad})
    assert response.status_code == 400
    assert "Intet blev importeret" in response.content.decode()
    assert _count(haderslev) == 1  # only the HR user itself
    good = SimpleUploadedFile("p.csv", GOOD.encode(), content_type="text/csv")
    response = client.post(url, {"file": good})  # checked and shown first, nothing written
    assert response.status_code == 200
    assert response.context["result"].created == 3
    assert _count(haderslev) == 1
    response = client.post(url, {"apply": response.context["digest"]})
    assert response.status_code == 302
    assert _count(haderslev) == 4


def test_admin_import_forbidden_for_non_hr(client, leader):
    leader.is_staff = True
    client.force_login(leader)
    assert client.get(reverse("admin:accounts_user_import")).status_code in (302, 403)
