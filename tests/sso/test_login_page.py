"""The login page: choice of municipality, municipality URLs, the per-municipality password
switch, and the platform-admin-only IdP configuration."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import HRFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_login_page_lists_municipalities_with_sso(client, saml_provider, randers):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    text = response.content.decode()
    assert reverse("sso:login", args=["haderslev"]) in text
    assert reverse("sso:login", args=["randers"]) not in text  # no SSO: password only
    assert 'name="password"' in text


def test_municipality_url_goes_straight_to_its_idp(client, saml_provider):
    response = client.get(reverse("sso:login", args=["haderslev"]), {"next": "/me/data/"})
    assert response.status_code == 302
    assert response["Location"] == "/sso/haderslev/saml/login/?next=%2Fme%2Fdata%2F"


def test_municipality_without_sso_shows_its_password_form(client, randers):
    response = client.get(reverse("sso:login", args=["randers"]))
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
    assert client.get(reverse("sso:login", args=["nowhere"])).status_code == 404


def test_demo_municipality_keeps_passwords_next_to_sso(client, saml_provider):
    saml_provider.allow_password_login = True
    saml_provider.save()
    response = client.get(reverse("sso:login", args=["haderslev"]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "/sso/haderslev/saml/login/" in text and 'name="password"' in text


def test_password_refused_when_the_municipality_uses_sso_only(client, saml_provider, mette):
    response = client.post(reverse("login"), {"username": "mette", "password": "pw"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post(reverse("admin:login"), {"username": "mette", "password": "pw"})
    assert "_auth_user_id" not in client.session
    assert client.post(reverse("sso:login", args=["haderslev"]), {}).status_code == 404


def test_password_still_works_elsewhere_and_when_allowed(client, saml_provider, mette, rasmus):
    client.post(reverse("login"), {"username": "rasmus", "password": "pw"})
    assert client.session["_auth_user_id"] == str(rasmus.pk)
    client.logout()
    saml_provider.allow_password_login = True
    saml_provider.save()
    client.post(reverse("login"), {"username": "mette", "password": "pw"})
    assert client.session["_auth_user_id"] == str(mette.pk)


def test_disabled_idp_gives_passwords_back(client, saml_provider, mette):
    saml_provider.enabled = False
    saml_provider.save()
    client.post(reverse("login"), {"username": "mette", "password": "pw"})
    assert client.session["_auth_user_id"] == str(mette.pk)


def test_hr_cannot_see_or_edit_identity_providers(client, saml_provider, haderslev):
    hr = HRFactory(municipality=haderslev)
    client.force_login(hr)
    changelist = reverse("admin:sso_identityprovider_changelist")
    change = reverse("admin:sso_identityprovider_change", args=[saml_provider.pk])
    assert client.get(changelist).status_code == 403
    assert client.get(change).status_code == 403
    assert client.post(change, {"protocol": "oidc"}).status_code == 403


def test_platform_admin_configures_oidc(client, randers):
    admin = UserFactory(municipality=None, username="platform", is_superuser=True, is_staff=True)
    client.force_login(admin)
    data = {
        "municipality": randers.pk,
        "protocol": "oidc",
        "enabled": "on",
        "match_on": "email",
        "oidc_issuer": "https://login.example/v2.0",
        "oidc_client_id": "abc",
        "oidc_client_secret": "s",
        "oidc_scopes": "openid email",
    }
    response = client.post(reverse("admin:sso_identityprovider_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    bad = {**data, "oidc_scopes": "email"}
    response = client.post(reverse("admin:sso_identityprovider_add"), bad)
    assert response.status_code == 200  # one per municipality; scopes need openid


def test_saml_metadata_is_validated(saml_provider, scope_of):
    from django.core.exceptions import ValidationError

    saml_provider.saml_metadata_xml = "<not-metadata/>"
    with scope_of(saml_provider.municipality), pytest.raises(ValidationError) as info:
        saml_provider.full_clean()
    assert "saml_metadata_xml" in info.value.message_dict
    saml_provider.refresh_from_db()
    saml_provider.saml_entity_id = "https://someone-else.example/"
    with scope_of(saml_provider.municipality), pytest.raises(ValidationError):
        saml_provider.full_clean()


def test_sso_only_person_with_the_right_password_is_sent_to_the_municipal_login(
    client, saml_provider, mette
):
    response = client.post(reverse("login"), {"username": "mette", "password": "pw"})
    text = response.content.decode()
    assert "logger ind via sit eget login" in text and "Haderslev Kommune" in text
    assert "_auth_user_id" not in client.session
    # a wrong password learns nothing about the municipality
    response = client.post(reverse("login"), {"username": "mette", "password": "wrong"})
    assert "logger ind via sit eget login" not in response.content.decode()


def test_oidc_client_secret_is_write_only_in_the_admin(client, randers):
    from lus.sso.models import IdentityProvider
    from lus.tenants.scoping import unscoped

    admin = UserFactory(municipality=None, username="platform", is_superuser=True, is_staff=True)
    client.force_login(admin)
    data = {
        "municipality": randers.pk,
        "protocol": "oidc",
        "enabled": "on",
        "match_on": "email",
        "oidc_issuer": "https://login.example/v2.0",
        "oidc_client_id": "abc",
        "oidc_client_secret": "very-secret-value",
        "oidc_scopes": "openid email",
    }
    assert client.post(reverse("admin:sso_identityprovider_add"), data).status_code == 302
    with unscoped("test"):
        provider = IdentityProvider.objects.get(municipality=randers)
    change = reverse("admin:sso_identityprovider_change", args=[provider.pk])
    page = client.get(change).content.decode()
    assert "very-secret-value" not in page and 'type="password"' in page
    # saved again with the secret left blank: the stored secret stays
    response = client.post(change, {**data, "oidc_client_secret": "", "display_name": "X"})
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.oidc_client_secret == "very-secret-value" and provider.display_name == "X"
    client.post(change, {**data, "oidc_client_secret": "new-secret"})
    provider.refresh_from_db()
    assert provider.oidc_client_secret == "new-secret"
