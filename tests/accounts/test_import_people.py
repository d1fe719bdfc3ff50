import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from lus.accounts.models import OrgUnit, User
from lus.accounts.services import PeopleImportError, people_import
from lus.audit.models import AuditEvent
from lus.tenants.scoping import tenant_scope, unscoped
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
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert _count(haderslev) == 3
    with tenant_scope(haderslev):
        assert User.objects.get(email="leder@haderslev.dk").job_title == "Overlærer"


def test_reimporting_an_unchanged_file_says_unchanged(haderslev):
    people_import(municipality=haderslev, data=GOOD)
    check = people_import(municipality=haderslev, data=GOOD, dry_run=True)
    assert (check.created, check.updated, check.unchanged) == (0, 0, 3)
    result = people_import(municipality=haderslev, data=GOOD)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    with tenant_scope(haderslev):
        assert User.objects.get(email="leder@haderslev.dk").manager.email == "chef@haderslev.dk"


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


def _import_error(municipality, data) -> str:
    with pytest.raises(PeopleImportError) as exc:
        people_import(municipality=municipality, data=data)
    return " | ".join(str(e) for e in exc.value.errors)


def test_a_name_taken_elsewhere_gets_the_same_answer_as_one_taken_at_home(haderslev, randers):
    """HR never learns whether an e-mail exists in another municipality: the answer is the
    same as for a username held by someone of its own municipality under another e-mail."""
    line = "email;name\nleder@haderslev.dk;Mette\n"
    UserFactory(municipality=randers, username="leder@haderslev.dk", email="x@randers.dk")
    elsewhere = _import_error(haderslev, line)
    with unscoped("test"):
        User.objects.filter(username="leder@haderslev.dk").update(municipality=haderslev)
    at_home = _import_error(haderslev, line)
    assert elsewhere == at_home
    assert "kommune" not in elsewhere.lower()
    assert "kan ikke bruges som brugernavn" in elsewhere


def test_nul_bytes_are_a_clear_error_not_a_database_error(haderslev):
    for data in (b"email;name\na@h.dk;A\x00B\n", "email;name\na@h.dk;A\x00\n"):
        message = _import_error(haderslev, data)
        assert "NUL" in message and "CSV UTF-8" in message
    assert _count(haderslev) == 0


def test_utf16_file_is_refused_with_the_same_clear_message(haderslev):
    message = _import_error(haderslev, "email;name\na@h.dk;Anna\n".encode("utf-16"))
    assert "NUL" in message


def test_admin_import_of_nul_bytes_is_a_400_with_the_message(client, hr, haderslev):
    client.force_login(hr)
    upload = SimpleUploadedFile("p.csv", b"email;name\na@h.dk;A\x00B\n", "text/csv")
    response = client.post(reverse("admin:accounts_user_import"), {"file": upload})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_an_import_never_makes_the_importer_someones_leaders_leader(haderslev, hr):
    people_import(municipality=haderslev, data=GOOD)
    line = f"email;name;manager_email\nleder@haderslev.dk;Mette;{hr.email}\n"
    with pytest.raises(PeopleImportError) as exc:
        people_import(municipality=haderslev, data=line, actor=hr)
    assert "dig selv" in exc.value.errors[0].message
    with tenant_scope(haderslev):
        assert User.objects.get(email="leder@haderslev.dk").manager.email == "chef@haderslev.dk"
    # Someone else may (separation of duties), and an unchanged relation stays importable.
    colleague = UserFactory(municipality=haderslev, username="hr2", is_hr=True, is_staff=True)
    people_import(municipality=haderslev, data=line, actor=colleague)
    people_import(municipality=haderslev, data=line, actor=hr)


def test_a_changed_leader_is_logged_and_the_person_told(
    haderslev, hr, django_capture_on_commit_callbacks
):
    people_import(municipality=haderslev, data=GOOD)
    mail.outbox.clear()
    line = (
        "email;name;manager_email\nny@haderslev.dk;Nina\nleder@haderslev.dk;Mette;ny@haderslev.dk\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        people_import(municipality=haderslev, data=line, actor=hr)
    (message,) = mail.outbox
    assert message.to == ["leder@haderslev.dk"]
    assert "Nina" in message.body and "Jens Nørgaard" in message.body
    with tenant_scope(haderslev):
        event = AuditEvent.objects.get(action="change_leader")
        assert event.subject.email == "leder@haderslev.dk" and event.role == "hr"


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


def test_email_with_danish_letters_before_the_at_says_why(haderslev):
    data = "email;name\nsøren.ærø@haderslev.dk;Søren Ærø\n"
    with pytest.raises(PeopleImportError) as exc:
        people_import(municipality=haderslev, data=data)
    (error,) = exc.value.errors
    assert error.column == "email" and error.line == 2
    assert "æ, ø, å" in error.message and "før @" in error.message


def test_cycles_name_only_their_own_members(haderslev):
    data = (
        "email;name;manager_email\n"
        "a@x.dk;A;b@x.dk\nb@x.dk;B;a@x.dk\n"
        "c@x.dk;C;d@x.dk\nd@x.dk;D;c@x.dk\n"
        "e@x.dk;E;a@x.dk\n"
    )
    with pytest.raises(PeopleImportError) as exc:
        people_import(municipality=haderslev, data=data)
    messages = {e.line: e.message for e in exc.value.errors}
    assert sorted(messages) == [2, 3, 4, 5]  # e@ only points into a cycle
    assert "a@x.dk → b@x.dk" in messages[2] and "c@x.dk" not in messages[2]


def test_admin_page_stays_small_and_offers_every_problem_as_csv(client, hr, haderslev):
    rows = "".join(f"ikke-mail-{n};Navn {n}\n" for n in range(250))
    upload = SimpleUploadedFile("p.csv", f"email;name\n{rows}".encode(), content_type="text/csv")
    client.force_login(hr)
    response = client.post(reverse("admin:accounts_user_import"), {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Filen har 250 problemer; de første 100 vises." in page
    assert page.count("er ikke en gyldig e-mailadresse") == 100
    full = client.get(reverse("admin:accounts_user_import_errors"))
    assert full.status_code == 200 and full["Content-Type"].startswith("text/csv")
    lines = full.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0] == "Linje;Kolonne;Problem" and len(lines) == 251


def test_admin_check_reports_unchanged_people(client, hr, haderslev):
    people_import(municipality=haderslev, data=GOOD)
    client.force_login(hr)
    upload = SimpleUploadedFile("p.csv", GOOD.encode(), content_type="text/csv")
    response = client.post(reverse("admin:accounts_user_import"), {"file": upload})
    assert "0 nye, 0 opdateret, 3 uændret, 0 deaktiveret." in response.content.decode()
