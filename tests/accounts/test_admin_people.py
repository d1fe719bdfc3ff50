"""People in the admin: nobody sets another person's password, a person sets their own from a
one-time link sent to them (never where the municipality is SSO-only), HR cannot make itself
anyone's leader's leader, and the person hears of every change that decides who may see
their LUS or where their password link goes."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from lus.accounts.models import User
from lus.audit.models import AuditEvent
from lus.sso.models import IdentityProvider
from lus.tenants.scoping import tenant_scope, unscoped
from tests.factories import HRFactory, LeaderFactory, UserFactory

pytestmark = pytest.mark.django_db
ACTION = "send_password_links"


def _sso_only(municipality):
    with unscoped("test: identity provider"):
        IdentityProvider.objects.create(
            municipality=municipality,
            protocol="oidc",
            oidc_issuer="https://login.example.dk",
            oidc_client_id="lus",
        )


def _send_links(client, *people):
    return client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": ACTION, "_selected_action": [p.pk for p in people]},
        follow=True,
    )


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/adgangskode/\S+/)", message.body).group(1)


def test_a_link_lets_the_person_set_their_own_password_once(client, hr, leader):
    client.force_login(hr)
    response = _send_links(client, leader)
    assert "Et link til at vælge adgangskode er sendt" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == [leader.email] and leader.username in message.body
    link = _link(message)
    client.logout()
    page = client.get(link, follow=True)
    assert page.status_code == 200 and 'name="new_password1"' in page.content.decode()
    done = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"new_password1": "Egen-hemmelig-2026", "new_password2": "Egen-hemmelig-2026"},
    )
    assert done.status_code == 302 and done["Location"] == reverse("login")
    with unscoped("test"):
        assert User.objects.get(pk=leader.pk).check_password("Egen-hemmelig-2026")
    # Used once: the same link is dead now.
    assert 'id="invalid-link"' in client.get(link, follow=True).content.decode()
    with tenant_scope(leader.municipality):
        event = AuditEvent.objects.get(action="send_password_link")
    assert (event.actor, event.subject, event.role) == (hr, leader, "hr")


def test_no_link_where_the_municipality_logs_in_with_sso_only(client, hr, leader):
    client.force_login(hr)
    sent = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": ACTION, "_selected_action": [leader.pk]},
    )
    assert sent.status_code == 302 and len(mail.outbox) == 1
    link = _link(mail.outbox[0])
    _sso_only(leader.municipality)
    response = _send_links(client, leader)
    assert "logger kun ind med sit eget login" in response.content.decode()
    assert len(mail.outbox) == 1
    client.logout()
    page = client.get(link, follow=True).content.decode()  # an old link does nothing either
    assert 'id="invalid-link"' in page and "new_password1" not in page


def test_hr_cannot_edit_or_send_links_to_a_platform_admin(client, hr):
    admin = UserFactory(
        municipality=hr.municipality, username="platform-x", is_superuser=True, is_staff=True
    )
    client.force_login(hr)
    url = reverse("admin:accounts_user_change", args=[admin.pk])
    assert client.post(url, {"email": "hr@evil.dk"}).status_code == 403
    response = _send_links(client, admin)
    assert "Kun platformsadministratorer" in response.content.decode()
    assert not mail.outbox


def test_a_new_person_has_no_password_and_gets_a_link(
    client, hr, django_capture_on_commit_callbacks
):
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_user_add"),
            {
                "username": "ny.leder",
                "name": "Ny Leder",
                "email": "ny@haderslev.dk",
                "send_password_link": "on",
            },
        )
    assert response.status_code == 302
    with unscoped("test"):
        person = User.objects.get(username="ny.leder")
    assert person.municipality == hr.municipality and not person.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["ny@haderslev.dk"]


def test_the_change_form_has_no_password_field_and_names_the_login(client, hr, leader):
    client.force_login(hr)
    page = client.get(reverse("admin:accounts_user_change", args=[leader.pk])).content.decode()
    assert "/password/" not in page
    assert "Har valgt en adgangskode" in page


def test_an_email_change_by_someone_else_is_told_to_the_old_address(
    client, hr, leader, django_capture_on_commit_callbacks
):
    from tests.security.test_insider import _admin_edit

    old = leader.email
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        assert _admin_edit(client, leader, email="ny-adresse@example.dk").status_code == 302
    (message,) = mail.outbox
    assert message.to == [old] and "ny-adresse@example.dk" in message.body


def test_hr_may_not_make_itself_leaders_leader_but_a_colleague_may(client, hr, leader):
    from tests.security.test_insider import _admin_edit

    client.force_login(hr)
    refused = _admin_edit(client, leader, manager=hr)
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["manager"]
    colleague = HRFactory(municipality=hr.municipality, username="hr-kollega")
    client.force_login(colleague)
    assert _admin_edit(client, leader, manager=hr).status_code == 302
    # HR editing other fields of a person it already leads keeps the relation.
    client.force_login(hr)
    assert _admin_edit(client, leader, job_title="Skoleleder").status_code == 302


def test_the_same_answer_for_a_username_taken_anywhere(client, hr, randers):
    elsewhere = UserFactory(municipality=randers, username="Anna.Andersen")
    LeaderFactory(municipality=hr.municipality, username="bo.berg")
    client.force_login(hr)

    def error(username: str) -> list[str]:
        response = client.post(
            reverse("admin:accounts_user_add"),
            {"username": username, "name": "X", "email": f"{username}@h.dk"},
        )
        assert response.status_code == 200
        return response.context["adminform"].form.errors["username"]

    assert error(elsewhere.username.lower()) == error("bo.berg") == error("BO.BERG")
    assert error("bo.berg") == ["Brugernavnet kan ikke bruges. Vælg et andet."]
