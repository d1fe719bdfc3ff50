"""OpenID Connect login against a provider inside the test (Entra ID-like; requests mocked)."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from lus.sso.views import SESSION_KEY
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def start(client, op, slug="randers"):
    response = client.get(reverse("sso:oidc_login", args=[slug]))
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(op.authorization_endpoint)
    return {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}


def callback(client, params, slug="randers", **extra):
    query = {"code": "the-code", "state": params["state"], **extra}
    return client.get(reverse("sso:oidc_callback", args=[slug]), query)


def login(client, op, email="rasmus@randers.dk", **claims):
    params = start(client, op)
    op.claims = {"nonce": params["nonce"], "email": email, "name": "Rasmus", **claims}
    return callback(client, params)


def test_authorization_request(client, oidc_op, oidc_provider):
    params = start(client, oidc_op)
    assert params["client_id"] == oidc_op.client_id
    assert params["redirect_uri"] == "http://testserver/sso/randers/oidc/callback/"
    assert params["code_challenge_method"] == "S256"
    assert "openid" in params["scope"].split()
    assert params["state"] and params["nonce"]
    oidc_provider.refresh_from_db()  # discovery filled the endpoints
    assert oidc_provider.oidc_token_endpoint == oidc_op.token_endpoint


def test_successful_login(client, oidc_op, oidc_provider, rasmus):
    response = login(client, oidc_op)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(rasmus.pk)
    assert client.session[SESSION_KEY]["protocol"] == "oidc"
    token_request = oidc_op.token_requests[-1]
    assert token_request["code"] == "the-code" and token_request["code_verifier"]
    assert client.get("/").status_code == 200


def test_wrong_audience_is_refused(client, oidc_op, oidc_provider, rasmus):
    response = login(client, oidc_op, aud="another-client")
    assert response.status_code == 403 and response.context["reason"] == "invalid"
    assert "_auth_user_id" not in client.session


def test_wrong_issuer_is_refused(client, oidc_op, oidc_provider, rasmus):
    response = login(client, oidc_op, iss="https://evil.example/v2.0")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_expired_id_token_is_refused(client, oidc_op, oidc_provider, rasmus):
    response = login(client, oidc_op, exp=int(time.time()) - 3600, iat=int(time.time()) - 7200)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_wrong_nonce_is_refused(client, oidc_op, oidc_provider, rasmus):
    params = start(client, oidc_op)
    oidc_op.claims = {"nonce": "another-nonce", "email": "rasmus@randers.dk"}
    response = callback(client, params)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_token_signed_by_another_key_is_refused(client, oidc_op, oidc_provider, rasmus):
    from tests.sso.idp import TestOIDCProvider

    params = start(client, oidc_op)
    oidc_op.key = TestOIDCProvider().key  # JWKS still publishes the old key
    oidc_op.claims = {"nonce": params["nonce"], "email": "rasmus@randers.dk"}
    assert callback(client, params).status_code == 403
    assert "_auth_user_id" not in client.session


def test_unknown_or_reused_state_is_refused(client, oidc_op, oidc_provider, rasmus):
    params = start(client, oidc_op)
    oidc_op.claims = {"nonce": params["nonce"], "email": "rasmus@randers.dk"}
    assert callback(client, {"state": "forged"}).status_code == 400
    assert callback(client, params).status_code == 302
    client.logout()
    assert callback(client, params).status_code == 400  # used once


def test_state_of_another_municipality_is_refused(client, oidc_op, oidc_provider, haderslev):
    from tests.sso.conftest import make_provider

    make_provider(
        haderslev,
        protocol="oidc",
        oidc_issuer=oidc_op.issuer,
        oidc_client_id="haderslev-client",
        oidc_client_secret="x",
    )
    params = start(client, oidc_op, slug="randers")
    assert callback(client, params, slug="haderslev").status_code == 400


def test_unknown_user_is_refused(client, oidc_op, oidc_provider, randers):
    response = login(client, oidc_op, email="ukendt@randers.dk")
    assert response.status_code == 403 and response.context["reason"] == "unknown"
    assert "_auth_user_id" not in client.session


def test_person_of_another_municipality_is_refused(client, oidc_op, oidc_provider, mette):
    response = login(client, oidc_op, email="mette@haderslev.dk")
    assert response.status_code == 403 and response.context["reason"] == "other_municipality"
    assert "_auth_user_id" not in client.session


def test_entra_tenant_claim_must_match(client, oidc_op, oidc_provider, rasmus):
    oidc_provider.tenant_attribute = "tid"
    oidc_provider.tenant_value = "randers-tenant"
    oidc_provider.save()
    assert login(client, oidc_op, tid="other-tenant").status_code == 403
    assert login(client, oidc_op, tid="randers-tenant").status_code == 302


def test_auto_create(client, oidc_op, oidc_provider, randers):
    oidc_provider.auto_create_users = True
    oidc_provider.name_attribute = "name"
    oidc_provider.save()
    response = login(client, oidc_op, email="ny@randers.dk", name="Nina Ny")
    assert response.status_code == 302
    from lus.accounts.models import User
    from lus.tenants.scoping import tenant_scope

    with tenant_scope(randers):
        assert User.objects.get(email="ny@randers.dk").name == "Nina Ny"


def test_idp_error_is_shown(client, oidc_op, oidc_provider):
    params = start(client, oidc_op)
    response = callback(client, params, error="access_denied")
    assert response.status_code == 403 and response.context["reason"] == "idp_error"


def test_logout_goes_to_end_session(client, oidc_op, oidc_provider, rasmus):
    login(client, oidc_op)
    response = client.post(reverse("logout"))
    assert response.status_code == 200
    url = response.context["single_logout_url"]
    assert url.startswith(oidc_op.end_session_endpoint)
    assert "id_token_hint=" in url
    assert "_auth_user_id" not in client.session


def test_other_user_in_randers_not_affected(client, oidc_op, oidc_provider, rasmus, randers):
    UserFactory(municipality=randers, username="x", email="x@randers.dk")
    assert login(client, oidc_op).status_code == 302
    assert client.session["_auth_user_id"] == str(rasmus.pk)
