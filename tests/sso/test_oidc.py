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
    op.claims = {
        "nonce": params["nonce"],
        "email": email,
        "email_verified": True,
        "name": "Rasmus",
        **claims,
    }
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
    oidc_op.claims = {
        "nonce": params["nonce"],
        "email": "rasmus@randers.dk",
        "email_verified": True,
    }
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


def test_id_token_without_kid_from_a_single_key_idp(client, oidc_op, oidc_provider, rasmus):
    """The standard lets an IdP with one key leave ``kid`` out of tokens and its JWKS."""
    oidc_op.headers = {}
    del oidc_op.jwk["kid"]
    response = login(client, oidc_op)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(rasmus.pk)


def test_id_token_without_kid_and_two_keys_is_refused(client, oidc_op, oidc_provider, rasmus):
    from tests.sso.idp import TestOIDCProvider

    oidc_op.headers = {}
    other = TestOIDCProvider().jwk
    other["kid"] = "other"
    oidc_op.extra_jwks = [other]
    response = login(client, oidc_op)
    assert response.status_code == 403 and response.context["reason"] == "invalid"
    assert "_auth_user_id" not in client.session


def test_unsigned_alg_none_id_token_is_refused(client, oidc_op, oidc_provider, rasmus, caplog):
    oidc_op.algorithm = "none"
    oidc_op.headers = {}
    response = login(client, oidc_op)
    assert response.status_code == 403 and response.context["reason"] == "invalid"
    assert "Login kunne ikke bekræftes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert "'none' refused" in caplog.text


def test_discovery_fills_the_userinfo_endpoint(client, oidc_op, oidc_provider):
    start(client, oidc_op)
    oidc_provider.refresh_from_db()
    assert oidc_provider.oidc_userinfo_endpoint == oidc_op.userinfo_endpoint


def test_email_only_from_userinfo(client, oidc_op, oidc_provider, rasmus):
    """Many IdPs (node-oidc-provider by default) give the e-mail at userinfo only."""
    params = start(client, oidc_op)
    oidc_op.claims = {"nonce": params["nonce"]}
    oidc_op.userinfo = {"email": "rasmus@randers.dk", "email_verified": True}
    assert callback(client, params).status_code == 302
    assert client.session["_auth_user_id"] == str(rasmus.pk)


def test_userinfo_of_another_subject_is_refused(client, oidc_op, oidc_provider, rasmus):
    params = start(client, oidc_op)
    oidc_op.claims = {"nonce": params["nonce"]}
    oidc_op.userinfo = {"sub": "someone-else", "email": "rasmus@randers.dk"}
    assert callback(client, params).status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("verified", [False, "false", None])
def test_unverified_email_matches_nobody(client, oidc_op, oidc_provider, rasmus, verified):
    """An IdP account with its own sub and someone else's unverified e-mail."""
    response = login(client, oidc_op, email_verified=verified, sub="attacker")
    assert response.status_code == 403 and response.context["reason"] == "unverified"
    assert "ikke bekræftet" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_other_claim_than_email_needs_no_email_verified(client, oidc_op, oidc_provider, rasmus):
    """Entra ID: matched on preferred_username (the UPN), which the tenant owns."""
    oidc_provider.uid_attribute = "preferred_username"
    oidc_provider.save()
    response = login(client, oidc_op, email_verified=None, preferred_username="rasmus@randers.dk")
    assert response.status_code == 302


def test_bound_subject_logs_in_without_verified_email(client, oidc_op, oidc_provider, rasmus):
    from lus.sso.models import SubjectBinding
    from lus.tenants.scoping import unscoped

    oidc_provider.bind_subject = True
    oidc_provider.save()
    assert login(client, oidc_op, sub="rasmus-sub").status_code == 302  # first login binds
    with unscoped("test"):
        assert SubjectBinding.objects.get(provider=oidc_provider).person == rasmus
    client.logout()
    # later: the IdP stops saying the e-mail is verified; the recorded subject still matches
    response = login(client, oidc_op, sub="rasmus-sub", email_verified=False, email="")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(rasmus.pk)
    client.logout()
    # another account using Rasmus' (even verified) e-mail is refused
    response = login(client, oidc_op, sub="someone-else")
    assert response.status_code == 403 and response.context["reason"] == "other_subject"
    assert "_auth_user_id" not in client.session


def test_without_binding_the_subject_is_not_recorded(client, oidc_op, oidc_provider, rasmus):
    from lus.sso.models import SubjectBinding
    from lus.tenants.scoping import unscoped

    assert login(client, oidc_op, sub="rasmus-sub").status_code == 302
    with unscoped("test"):
        assert not SubjectBinding.objects.exists()


def test_idp_error_is_logged_with_its_description(client, oidc_op, oidc_provider, caplog):
    params = start(client, oidc_op)
    response = callback(client, params, error="access_denied", error_description="User cancelled")
    assert response.status_code == 403
    assert "access_denied" in caplog.text and "User cancelled" in caplog.text


def test_unknown_state_is_logged(client, oidc_op, oidc_provider, caplog):
    start(client, oidc_op)
    assert callback(client, {"state": "forged"}).status_code == 400
    assert "unknown or used state" in caplog.text
