"""One rule for admin access: HR gets it wherever a person is made HR (the admin's "HR" box,
the CSV import), and loses it with HR; admin edits are logged with Danish field names."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lus.accounts.models import User, has_admin_access
from lus.accounts.services import people_import
from lus.audit.models import AuditEvent
from lus.tenants.scoping import tenant_scope, unscoped
from tests.factories import LeaderFactory

pytestmark = pytest.mark.django_db


def _admin_ok(client, person) -> bool:
    client.force_login(person)
    return client.get(reverse("admin:accounts_user_changelist")).status_code == 200


def _change_form(person, **changes) -> dict:
    data = {
        "username": person.username,
        "name": person.name,
        "email": person.email,
        "job_title": person.job_title,
        "org_unit": person.org_unit_id or "",
        "manager": person.manager_id or "",
        "birth_date": "",
        "is_active": "on",
        "date_left": "",
    }
    if person.is_hr:
        data["is_hr"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(
    ("is_hr", "is_superuser", "access"),
    [(False, False, False), (True, False, True), (False, True, True), (True, True, True)],
)
def test_the_rule(is_hr, is_superuser, access):
    assert has_admin_access(User(is_hr=is_hr, is_superuser=is_superuser)) is access


def test_ticking_hr_in_the_admin_gives_admin_access(client, hr, haderslev):
    person = LeaderFactory(municipality=haderslev, username="ny-hr", name="Ny HR")
    assert not _admin_ok(client, person)
    client.force_login(hr)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    response = client.post(url, _change_form(person, is_hr="on"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    with unscoped("test"):
        person.refresh_from_db()
    assert person.is_hr and person.is_staff
    assert _admin_ok(client, person)
    # ... and unticking it takes the access away again.
    client.force_login(hr)
    response = client.post(url, _change_form(person, is_hr=None))
    assert response.status_code == 302
    with unscoped("test"):
        person.refresh_from_db()
    assert not person.is_staff
    assert not _admin_ok(client, person)


def test_hr_in_the_csv_import_gives_admin_access(client, haderslev):
    people_import(
        municipality=haderslev,
        data="email;name;is_hr\nhanne@haderslev.dk;Hanne Østergaard;ja\n",
    )
    with tenant_scope(haderslev):
        hanne = User.objects.get(email="hanne@haderslev.dk")
    assert hanne.is_staff
    assert _admin_ok(client, hanne)


def test_admin_edits_are_logged_with_danish_field_names(client, hr, haderslev):
    person = LeaderFactory(municipality=haderslev, username="omdoebt", name="Før Navn")
    client.force_login(hr)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    response = client.post(url, _change_form(person, name="Efter Navn", job_title="Skoleleder"))
    assert response.status_code == 302
    with tenant_scope(haderslev):
        event = AuditEvent.objects.get(action="admin_change", subject=person)
    assert "Navn" in event.detail and "Stilling" in event.detail, event.detail
    assert "name" not in event.detail and "job title" not in event.detail.lower()


def test_imports_are_audited(haderslev, hr):
    people_import(
        municipality=haderslev,
        data="email;name\nx@haderslev.dk;X Person\n",
        actor=hr,
    )
    with tenant_scope(haderslev):
        event = AuditEvent.objects.get(action="import_people")
    assert event.actor == hr
    assert "1 oprettet" in event.detail or "1 created" in event.detail


def test_hr_ticked_and_unticked_by_a_reimport_follows_the_same_rule(client, haderslev):
    """The import writes changed people in bulk (no ``save()`` per person): admin access is
    still exactly ``has_admin_access``."""
    people_import(
        municipality=haderslev,
        data="email;name;is_hr\nhanne@haderslev.dk;Hanne Østergaard;nej\n",
    )
    with tenant_scope(haderslev):
        hanne = User.objects.get(email="hanne@haderslev.dk")
    assert not hanne.is_staff and not _admin_ok(client, hanne)
    result = people_import(
        municipality=haderslev,
        data="email;name;is_hr\nhanne@haderslev.dk;Hanne Østergaard;ja\n",
    )
    assert result.updated == 1
    with tenant_scope(haderslev):
        hanne = User.objects.get(email="hanne@haderslev.dk")
    assert hanne.is_staff == has_admin_access(hanne) is True
    assert _admin_ok(client, hanne)
    people_import(
        municipality=haderslev,
        data="email;name;is_hr\nhanne@haderslev.dk;Hanne Østergaard;nej\n",
    )
    with tenant_scope(haderslev):
        hanne = User.objects.get(email="hanne@haderslev.dk")
    assert not hanne.is_staff and not _admin_ok(client, hanne)


def test_a_changed_leader_is_in_the_persons_own_log_and_they_are_told(
    haderslev, hr, mailoutbox, django_capture_on_commit_callbacks
):
    people_import(
        municipality=haderslev,
        data="email;name;manager_email\na@haderslev.dk;A;\nb@haderslev.dk;B;\n"
        "c@haderslev.dk;C;a@haderslev.dk\n",
        actor=hr,
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = people_import(
            municipality=haderslev,
            data="email;name;manager_email\na@haderslev.dk;A;\nb@haderslev.dk;B;\n"
            "c@haderslev.dk;C;b@haderslev.dk\n",
            actor=hr,
        )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    with tenant_scope(haderslev):
        c = User.objects.select_related("manager").get(email="c@haderslev.dk")
        (event,) = AuditEvent.objects.filter(action="change_leader")
    assert c.manager.email == "b@haderslev.dk"
    assert event.subject == c and event.actor == hr and event.role == "hr"
    assert "fra A til B" in event.detail or "from A to B" in event.detail
    assert [m.to for m in mailoutbox] == [["c@haderslev.dk"]]
