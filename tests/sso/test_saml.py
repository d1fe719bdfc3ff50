"""SAML 2.0 login against a pysaml2 IdP inside the test (AD FS-like, signed assertions)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from saml2 import xmldsig

from lus.sso.saml import sp_metadata
from lus.sso.views import SAML_COOKIE, SESSION_KEY
from tests.factories import UserFactory
from tests.sso.conftest import make_provider
from tests.sso.idp import IDP_SSO, TestSamlIdP

pytestmark = pytest.mark.django_db


def start(client, slug="haderslev", next_url=None):
    url = reverse("sso:saml_login", args=[slug])
    response = client.get(url, {"next": next_url} if next_url else {})
    assert response.status_code == 302
    assert response["Location"].startswith(IDP_SSO)
    return response["Location"]


def finish(client, idp, sp, location, *, email="mette@haderslev.dk", **kwargs):
    request = idp.read_authn_request(location)
    options = {
        "in_response_to": request.message.id,
        "acs": sp["acs"],
        "audience": sp["entity_id"],
        "name_id": "persistent-id-1",
        "attributes": {"mail": [email], "displayName": ["Mette Test"]},
        **kwargs,
    }
    encoded = idp.response(**options)
    return client.post(reverse("sso:saml_acs", args=["haderslev"]), {"SAMLResponse": encoded})


def test_sp_metadata_is_public(client, saml_provider, sp):
    response = client.get(reverse("sso:saml_metadata", args=["haderslev"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/samlmetadata+xml"
    body = response.content.decode()
    assert f'entityID="{sp["entity_id"]}"' in body
    assert sp["acs"] in body and "WantAssertionsSigned" in body


def test_authn_request_goes_to_the_configured_idp(client, idp, sp):
    request = idp.read_authn_request(start(client))
    assert request.message.issuer.text == sp["entity_id"]
    assert request.message.assertion_consumer_service_url == sp["acs"]
    assert f"{SAML_COOKIE}_{request.message.id}" in client.cookies


def test_successful_login(client, idp, sp, mette):
    response = finish(client, idp, sp, start(client, next_url="/me/data/"))
    assert response.status_code == 302 and response["Location"] == "/me/data/"
    assert client.session["_auth_user_id"] == str(mette.pk)
    assert client.session[SESSION_KEY]["slug"] == "haderslev"
    assert client.get("/").status_code == 200


def test_match_is_case_insensitive_and_on_the_configured_attribute(client, idp, sp, mette):
    response = finish(client, idp, sp, start(client), email="METTE@Haderslev.dk")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(mette.pk)


def test_wrong_audience_is_refused(client, idp, sp, mette):
    location = start(client)
    response = finish(client, idp, sp, location, audience="https://another-sp.example/metadata")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert response.context["reason"] == "invalid"


def test_unsigned_assertion_is_refused(client, idp, sp, mette):
    response = finish(client, idp, sp, start(client), sign=False)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_assertion_signed_by_another_key_is_refused(client, saml_provider, sp, mette, rogue_keys):
    from lus.sso.saml import sp_metadata

    rogue = TestSamlIdP(rogue_keys, sp_metadata(saml_provider))  # same entity ID, wrong key
    response = finish(client, rogue, sp, start(client))
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_expired_assertion_is_refused(client, idp, sp, mette, monkeypatch):
    location = start(client)
    import saml2.time_util

    real = saml2.time_util.utc_now
    encoded_at = {"now": real()}
    monkeypatch.setattr(saml2.time_util, "utc_now", lambda: encoded_at["now"] + 3600)
    response = finish(client, idp, sp, location)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_unsolicited_response_is_refused(client, idp, sp, mette):
    location = start(client)
    client.cookies.clear()  # a response LUS never asked for (or from another browser)
    response = finish(client, idp, sp, location)
    assert response.status_code == 403
    assert response.context["reason"] == "expired"


def test_replayed_response_is_refused(client, idp, sp, mette):
    location = start(client)
    request = idp.read_authn_request(location)
    encoded = idp.response(
        in_response_to=request.message.id,
        acs=sp["acs"],
        audience=sp["entity_id"],
        name_id="p1",
        attributes={"mail": ["mette@haderslev.dk"]},
    )
    acs = reverse("sso:saml_acs", args=["haderslev"])
    name = f"{SAML_COOKIE}_{request.message.id}"
    cookie = client.cookies[name].value
    assert client.post(acs, {"SAMLResponse": encoded}).status_code == 302
    client.logout()
    client.cookies[name] = cookie
    assert client.post(acs, {"SAMLResponse": encoded}).status_code == 403


def test_unknown_user_gets_a_danish_refusal(client, idp, sp, haderslev):
    response = finish(client, idp, sp, start(client), email="ny@haderslev.dk")
    assert response.status_code == 403
    text = response.content.decode()
    assert "Du er ikke oprettet i LUS" in text and "Haderslev Kommune" in text
    assert "_auth_user_id" not in client.session


def test_unknown_user_is_created_when_the_municipality_allows_it(client, idp, sp, saml_provider):
    saml_provider.auto_create_users = True
    saml_provider.save()
    response = finish(client, idp, sp, start(client), email="Ny@Haderslev.dk")
    assert response.status_code == 302
    from lus.accounts.models import User
    from lus.tenants.scoping import tenant_scope

    with tenant_scope(saml_provider.municipality):
        person = User.objects.get(email="ny@haderslev.dk")
    assert person.name == "Mette Test" and not person.has_usable_password()
    assert client.session["_auth_user_id"] == str(person.pk)


def test_person_of_another_municipality_is_refused(client, idp, sp, haderslev, rasmus):
    response = finish(client, idp, sp, start(client), email="rasmus@randers.dk")
    assert response.status_code == 403
    assert response.context["reason"] == "other_municipality"
    assert "_auth_user_id" not in client.session


def test_person_who_left_is_refused(client, idp, sp, haderslev):
    UserFactory(municipality=haderslev, username="gone", email="gone@haderslev.dk", is_active=False)
    response = finish(client, idp, sp, start(client), email="gone@haderslev.dk")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_kombit_style_cvr_attribute_must_match(client, idp, sp, saml_provider, mette):
    """KOMBIT's Context Handler is one IdP for every municipality: the CVR decides."""
    saml_provider.tenant_attribute = "dk:gov:saml:attribute:CvrNumberIdentifier"
    saml_provider.tenant_value = "29189374"
    saml_provider.save()
    other = {"mail": ["mette@haderslev.dk"], saml_provider.tenant_attribute: ["29189978"]}
    response = finish(client, idp, sp, start(client), attributes=other)
    assert response.status_code == 403
    good = {"mail": ["mette@haderslev.dk"], saml_provider.tenant_attribute: ["29189374"]}
    response = finish(client, idp, sp, start(client), attributes=good)
    assert response.status_code == 302


def test_nameid_matching_on_username(client, idp, sp, saml_provider, mette):
    saml_provider.uid_attribute = ""
    saml_provider.match_on = "username"
    saml_provider.save()
    response = finish(client, idp, sp, start(client), name_id="mette", attributes={})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(mette.pk)


def test_response_for_haderslev_is_not_accepted_by_randers(client, idp, sp, randers, idp_keys):
    """Each municipality is its own SP: the audience of Haderslev's assertion is not Randers."""
    from lus.sso.saml import sp_urls

    make_provider(
        randers,
        protocol="saml",
        saml_entity_id=idp.entity_id,
        saml_metadata_xml=TestSamlIdP(idp_keys).metadata(),
        uid_attribute="mail",
    )
    UserFactory(municipality=randers, username="r", email="mette@haderslev.dk")
    randers_location = start(client, slug="randers")
    request = idp.read_authn_request(randers_location)
    encoded = idp.response(
        in_response_to=request.message.id,
        acs=sp_urls("randers")["acs"],
        audience=sp["entity_id"],  # Haderslev's SP
        name_id="p",
        attributes={"mail": ["mette@haderslev.dk"]},
    )
    response = client.post(reverse("sso:saml_acs", args=["randers"]), {"SAMLResponse": encoded})
    assert response.status_code == 403


@pytest.mark.parametrize("body", [{}, {"SAMLResponse": "not base64!"}, {"SAMLResponse": "PHg+"}])
def test_garbage_is_refused_without_error(client, saml_provider, body):
    response = client.post(reverse("sso:saml_acs", args=["haderslev"]), body)
    assert response.status_code in (400, 403)


def test_unconfigured_municipality_has_no_saml(client, randers):
    assert client.get(reverse("sso:saml_metadata", args=["randers"])).status_code == 404
    assert client.get(reverse("sso:saml_login", args=["randers"])).status_code == 404
    assert client.get(reverse("sso:saml_login", args=["nowhere"])).status_code == 404


def test_single_logout_goes_to_the_idp(client, idp, sp, mette):
    finish(client, idp, sp, start(client))
    response = client.post(reverse("logout"))
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    url = response.context["single_logout_url"]
    assert url.startswith(IDP_SSO + "?wa=signout")
    query = parse_qs(urlparse(url).query)
    logout_request = idp.server.parse_logout_request(
        query["SAMLRequest"][0], "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
    )
    assert logout_request.message.name_id.text == "persistent-id-1"


def sls_get(client, query):
    return client.get(reverse("sso:saml_sls", args=["haderslev"]) + "?" + query)


def test_idp_initiated_logout(client, idp, sp, mette):
    finish(client, idp, sp, start(client))
    query = idp.logout_query(sls=sp["sls"], audience=sp["entity_id"], name_id="persistent-id-1")
    response = sls_get(client, query)
    assert response.status_code == 302
    assert response["Location"].startswith(IDP_SSO)
    assert "_auth_user_id" not in client.session


def test_unsigned_logout_request_logs_nobody_out(client, idp, sp, mette, caplog):
    """Any web page can make the browser GET the SLS address: unsigned is refused."""
    finish(client, idp, sp, start(client))
    query = idp.logout_query(
        sls=sp["sls"], audience=sp["entity_id"], name_id="persistent-id-1", sign=False
    )
    response = sls_get(client, query)
    assert response.status_code == 400 and response.context["reason"] == "logout_refused"
    text = response.content.decode()
    assert "Du er stadig logget ind" in text and "Du er ikke blevet logget ind" not in text
    assert client.session["_auth_user_id"] == str(mette.pk)
    assert "unsigned LogoutRequest" in caplog.text


def test_logout_request_signed_by_another_key_logs_nobody_out(
    client, idp, sp, mette, saml_provider, rogue_keys
):
    finish(client, idp, sp, start(client))
    rogue = TestSamlIdP(rogue_keys, sp_metadata(saml_provider))  # same entity ID, wrong key
    query = rogue.logout_query(sls=sp["sls"], audience=sp["entity_id"], name_id="persistent-id-1")
    assert sls_get(client, query).status_code == 400
    assert client.session["_auth_user_id"] == str(mette.pk)


def test_logout_request_of_an_unknown_issuer_is_refused(
    client, idp, sp, mette, saml_provider, rogue_keys, caplog
):
    finish(client, idp, sp, start(client))
    stranger = TestSamlIdP(
        rogue_keys, sp_metadata(saml_provider), entity_id="https://evil.example/idp"
    )
    query = stranger.logout_query(
        sls=sp["sls"], audience=sp["entity_id"], name_id="persistent-id-1"
    )
    response = sls_get(client, query)
    assert response.status_code == 400 and response.context["reason"] == "logout_refused"
    assert client.session["_auth_user_id"] == str(mette.pk)
    assert "https://evil.example/idp" in caplog.text


def test_sha1_signed_logout_request_is_refused(client, idp, sp, mette):
    finish(client, idp, sp, start(client))
    query = idp.logout_query(
        sls=sp["sls"],
        audience=sp["entity_id"],
        name_id="persistent-id-1",
        sigalg=xmldsig.SIG_RSA_SHA1,
    )
    assert sls_get(client, query).status_code == 400
    assert client.session["_auth_user_id"] == str(mette.pk)


def test_sha1_signed_assertion_is_refused(client, saml_provider, sp, mette, idp_keys, caplog):
    old = TestSamlIdP(
        idp_keys,
        sp_metadata(saml_provider),
        signing_algorithm=xmldsig.SIG_RSA_SHA1,
        digest_algorithm=xmldsig.DIGEST_SHA1,
    )
    response = finish(client, old, sp, start(client))
    assert response.status_code == 403 and response.context["reason"] == "invalid"
    assert "_auth_user_id" not in client.session
    assert "rsa-sha1 refused" in caplog.text


def test_sp_metadata_advertises_only_sha256_or_better(client, saml_provider):
    body = client.get(reverse("sso:saml_metadata", args=["haderslev"])).content.decode()
    assert "rsa-sha256" in body and "xmlenc#sha256" in body
    for weak in ("md5", "sha1", "#dsa-", "ripemd", "sha224"):
        assert weak not in body


def test_two_logins_started_in_two_tabs_both_work(client, idp, sp, mette):
    first = start(client, next_url="/first/")
    second = start(client, next_url="/second/")
    response = finish(client, idp, sp, second)
    assert response.status_code == 302 and response["Location"] == "/second/"
    response = finish(client, idp, sp, first)
    assert response.status_code == 302 and response["Location"] == "/first/"
    assert client.session["_auth_user_id"] == str(mette.pk)


def test_empty_saml_body_is_logged(client, saml_provider, caplog):
    response = client.post(reverse("sso:saml_acs", args=["haderslev"]), {})
    assert response.status_code == 400
    assert "Login kunne ikke" in response.content.decode() or response.context["reason"]
    assert "empty SAML body" in caplog.text
