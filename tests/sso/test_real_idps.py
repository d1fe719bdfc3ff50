"""Municipal login end to end over HTTP against identity-provider software running as servers:
node-oidc-provider (OpenID Certified) and a pysaml2 IdP. A ``requests`` session plays the
browser against LUS' live server; every answer checked is what the person would see."""

from __future__ import annotations

import base64
import html
import re

import jwt
import pytest
import requests

from lus.sso.models import IdentityProvider
from lus.sso.saml import sp_urls
from lus.tenants.scoping import unscoped
from tests.factories import UserFactory
from tests.sso.conftest import make_provider
from tests.sso.real_idps import WRAPPING_ATTACKS, HTTPSamlIdP, form_of, query_of, wrap_signature

pytestmark = pytest.mark.django_db(transaction=True)


def oidc_setup(municipality, op, client_id=None) -> IdentityProvider:
    """Set up as docs/sso.md says: issuer, client ID and secret; endpoints discovered."""
    from lus.sso.services import oidc_discover

    provider = make_provider(
        municipality,
        protocol="oidc",
        oidc_issuer=op.issuer,
        oidc_client_id=client_id or op.client_id,
        oidc_client_secret=op.client_secret,
    )
    return oidc_discover(provider=provider)


@pytest.fixture
def randers_oidc(randers, node_op):
    return oidc_setup(randers, node_op)


def oidc_login(web, live_server, node_op, login):
    start = web.get(f"{live_server.url}/sso/randers/oidc/login/", allow_redirects=False)
    assert start.status_code == 302 and start.headers["Location"].startswith(node_op.issuer)
    return node_op.sign_in(web, start.headers["Location"], login)


def whoami(web, live_server) -> str:
    """The page a logged-in person sees at /, or the login page."""
    return web.get(f"{live_server.url}/").text


def lus_logout(web, live_server) -> str:
    """Press "Log ud" in LUS; returns where LUS' page forwards to (the IdP's logout)."""
    home = web.get(f"{live_server.url}/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', home.text).group(1)
    page = web.post(
        f"{live_server.url}/logout/",
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": f"{live_server.url}/"},
    )
    assert page.status_code == 200
    return html.unescape(re.search(r'url=([^"]+)"', page.text).group(1))


def assert_refused(page, caplog, *, title: str, reason: str, logged: str, status: int = 403):
    """What the person sees (the Danish page, not logged in) and what the log says why."""
    assert page.status_code == status, page.text[:300]
    assert title in page.text and "Du er ikke blevet logget ind i LUS" in page.text
    assert "Log ud" not in page.text
    refusals = [r.getMessage() for r in caplog.records if "sso: refused" in r.getMessage()]
    assert any(f"refused ({reason})" in m and logged in m for m in refusals), refusals


# --- OpenID Connect: node-oidc-provider --------------------------------------------------------
def test_oidc_discovery_fills_every_endpoint(randers_oidc, node_op):
    assert randers_oidc.oidc_userinfo_endpoint == f"{node_op.issuer}/me"
    assert randers_oidc.oidc_end_session_endpoint == f"{node_op.issuer}/session/end"
    assert randers_oidc.oidc_jwks_uri and randers_oidc.oidc_token_endpoint


def test_oidc_login_with_email_from_userinfo(web, live_server, node_op, randers_oidc, rasmus):
    """node-oidc-provider gives the e-mail at userinfo only (its default)."""
    page = oidc_login(web, live_server, node_op, "rasmus")
    assert page.status_code == 200 and page.url == f"{live_server.url}/"
    assert "Rasmus" in page.text and "Log ud" in page.text


@pytest.mark.parametrize(
    ("login", "reason_text", "reason"),
    [
        ("impostor", "Din e-mailadresse er ikke bekræftet", "unverified"),
        ("ukendt", "Du er ikke oprettet i LUS", "unknown"),
        ("mette", "Du hører til en anden kommune", "other_municipality"),
        ("gone", "Din adgang til LUS er lukket", "inactive"),
    ],
)
def test_oidc_refusals(
    web,
    live_server,
    node_op,
    randers_oidc,
    rasmus,
    mette,
    login,
    reason_text,
    reason,
    randers,
    caplog,
):
    UserFactory(municipality=randers, username="gone", email="gone@randers.dk", is_active=False)
    page = oidc_login(web, live_server, node_op, login)
    assert_refused(page, caplog, title=reason_text, reason=reason, logged="")
    assert "Log ud" not in whoami(web, live_server)


def test_oidc_cancel_at_the_idp(web, live_server, node_op, randers_oidc, caplog):
    start = web.get(f"{live_server.url}/sso/randers/oidc/login/", allow_redirects=False)
    page = node_op.abort(web, start.headers["Location"])
    assert_refused(
        page,
        caplog,
        title="Login blev ikke gennemført",
        reason="idp_error",
        logged="IdP error 'access_denied': 'End-User aborted interaction'",
    )


def test_oidc_id_token_without_kid_from_a_single_key_idp_logs_in(
    web, live_server, node_op, randers, rasmus
):
    """The standard lets an IdP with one key leave ``kid`` out; the signature still counts."""
    oidc_setup(randers, node_op, "lus-no-kid")
    page = oidc_login(web, live_server, node_op, "rasmus")
    assert page.url == f"{live_server.url}/" and "Rasmus" in page.text and "Log ud" in page.text
    # the token LUS accepted really had no kid (it comes back as the logout's id_token_hint)
    hint = query_of(lus_logout(web, live_server))["id_token_hint"]
    assert jwt.get_unverified_header(hint) == {"alg": "RS256", "typ": "JWT"}


@pytest.mark.parametrize(
    ("client_id", "logged"),
    [
        ("lus-alg-none", "ID token algorithm 'none' refused"),
        ("lus-foreign-key", "Signature verification failed"),
        ("lus-other-audience", "Audience doesn't match"),
        ("lus-other-issuer", "Invalid issuer"),
        ("lus-other-nonce", "JWT Nonce verification failed"),
        ("lus-expired", "Signature has expired"),
    ],
)
def test_oidc_unsigned_falsely_signed_or_invalid_id_token_is_refused(
    web, live_server, node_op, randers, rasmus, caplog, client_id, logged
):
    oidc_setup(randers, node_op, client_id)
    page = oidc_login(web, live_server, node_op, "rasmus")
    title = "Login kunne ikke bekræftes"
    assert_refused(page, caplog, title=title, reason="invalid", logged=logged)
    assert "Log ud" not in whoami(web, live_server)


def test_oidc_id_token_without_kid_from_an_idp_with_two_keys_is_refused(
    web, live_server, node_op_two_keys, randers, rasmus, caplog
):
    """Which of two keys signed it is unknown: not guessed (and never a 500)."""
    oidc_setup(randers, node_op_two_keys, "lus-no-kid")
    page = oidc_login(web, live_server, node_op_two_keys, "rasmus")
    assert_refused(
        page,
        caplog,
        title="Login kunne ikke bekræftes",
        reason="invalid",
        logged="2 signing keys match the ID token",
    )


def test_oidc_two_keys_with_kid_log_in(web, live_server, node_op_two_keys, randers, rasmus):
    oidc_setup(randers, node_op_two_keys)
    page = oidc_login(web, live_server, node_op_two_keys, "rasmus")
    assert page.url == f"{live_server.url}/" and "Log ud" in page.text


def test_oidc_callback_replayed_by_another_browser_is_refused(
    web, live_server, node_op, randers_oidc, rasmus, caplog
):
    """The callback address (code and state) used again, e.g. leaked from a log or history."""
    page = oidc_login(web, live_server, node_op, "rasmus")
    callback = next(r.url for r in page.history if "/oidc/callback/" in r.url)
    other = requests.Session()
    page = other.get(callback)
    assert_refused(
        page,
        caplog,
        title="Login tog for lang tid",
        reason="expired",
        logged="unknown or used state",
        status=400,
    )


def test_oidc_bound_subject(web, live_server, node_op, randers_oidc, rasmus):
    randers_oidc.bind_subject = True
    randers_oidc.save()
    assert oidc_login(web, live_server, node_op, "rasmus").url == f"{live_server.url}/"
    other = requests.Session()
    page = oidc_login(other, live_server, node_op, "twin")
    assert page.status_code == 403 and "En anden konto er knyttet til dig" in page.text


def test_oidc_logout_ends_the_idp_session(web, live_server, node_op, randers_oidc, rasmus):
    oidc_login(web, live_server, node_op, "rasmus")
    end_session = lus_logout(web, live_server)
    assert end_session.startswith(f"{node_op.issuer}/session/end")
    assert "post_logout_redirect_uri" in end_session and "id_token_hint" in end_session
    page = node_op.end_session(web, end_session)
    assert page.status_code == 200 and page.url.startswith(f"{live_server.url}/login/")
    # the IdP's session is gone too: a new login asks for the password again
    start = web.get(f"{live_server.url}/sso/randers/oidc/login/", allow_redirects=False)
    assert "Sign-in" in web.get(start.headers["Location"]).text


# --- SAML 2.0: pysaml2's Server over HTTP ------------------------------------------------------
@pytest.fixture
def saml_idp(idp_keys):
    server = HTTPSamlIdP(idp_keys)
    yield server
    server.stop()


@pytest.fixture
def haderslev_saml(haderslev, saml_idp, live_server, settings):
    """Haderslev set up in the order docs/sso.md gives: provider saved, metadata fetched from
    the IdP's URL, LUS' SP metadata registered at the IdP from LUS' address."""
    from lus.sso.services import saml_metadata_refresh

    settings.LUS_BASE_URL = live_server.url
    provider = make_provider(
        haderslev,
        protocol="saml",
        saml_entity_id=saml_idp.entity_id,
        saml_metadata_url=saml_idp.entity_id,
        uid_attribute="mail",
        name_attribute="displayName",
    )
    provider = saml_metadata_refresh(provider=provider)
    saml_idp.register_sp(sp_urls("haderslev")["entity_id"])
    saml_idp.user = {"name_id": "mette-pid", "attributes": {"mail": ["mette@haderslev.dk"]}}
    return provider


def saml_start(web, live_server):
    """From LUS to the IdP, which answers with its auto-posting form."""
    page = web.get(f"{live_server.url}/sso/haderslev/saml/login/")
    assert page.status_code == 200 and "SAMLResponse" in page.text
    return form_of(page)


def saml_post(web, form):
    action, fields = form
    return web.post(action, data=fields)


def test_saml_login_and_single_logout(web, live_server, saml_idp, haderslev_saml, mette):
    page = saml_post(web, saml_start(web, live_server))
    assert page.url == f"{live_server.url}/" and "Log ud" in page.text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    page = web.post(
        f"{live_server.url}/logout/",
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": f"{live_server.url}/"},
    )
    slo = html.unescape(re.search(r'url=([^"]+)"', page.text).group(1))
    assert slo.startswith(saml_idp.sso_url)
    page = web.get(slo)  # the IdP answers with a LogoutResponse back to LUS' SLS
    assert page.url.startswith(f"{live_server.url}/login/")
    assert saml_idp.logout_requests[-1].name_id.text == "mette-pid"
    assert "Log ud" not in whoami(web, live_server)


def test_saml_idp_initiated_logout(web, live_server, saml_idp, haderslev_saml, mette):
    saml_post(web, saml_start(web, live_server))
    sp = sp_urls("haderslev")
    url = saml_idp.initiate_logout(sls=sp["sls"], audience=sp["entity_id"], name_id="mette-pid")
    page = web.get(url, allow_redirects=False)
    assert page.status_code == 302 and page.headers["Location"].startswith(saml_idp.sso_url)
    assert "Log ud" not in whoami(web, live_server)


def assert_logout_refused(page, caplog, web, live_server, *, logged: str):
    """The Danish page, the reason in the log, and the person still logged in."""
    assert page.status_code == 400 and "Anmodningen om at logge ud blev afvist" in page.text
    assert "Du er stadig logget ind i LUS" in page.text
    refusals = [r.getMessage() for r in caplog.records if "sso: refused" in r.getMessage()]
    assert any("refused (logout_refused)" in m and logged in m for m in refusals), refusals
    assert "Log ud" in whoami(web, live_server)


def test_saml_unsigned_logout_get_logs_nobody_out(
    web, live_server, saml_idp, haderslev_saml, mette, caplog
):
    """What any web page could make the web do (an <img> to the SLS address)."""
    saml_post(web, saml_start(web, live_server))
    sp = sp_urls("haderslev")
    url = saml_idp.initiate_logout(sls=sp["sls"], audience=sp["entity_id"], name_id="mette-pid")
    unsigned = re.sub(r"&(SigAlg|Signature)=[^&]*", "", url)
    page = web.get(unsigned)
    assert_logout_refused(page, caplog, web, live_server, logged="unsigned LogoutRequest")


def test_saml_logout_from_an_unknown_issuer_is_refused(
    web, live_server, saml_idp, haderslev_saml, mette, rogue_keys, caplog
):
    saml_post(web, saml_start(web, live_server))
    stranger = HTTPSamlIdP(rogue_keys)
    try:
        stranger.register_sp(sp_urls("haderslev")["entity_id"])
        sp = sp_urls("haderslev")
        url = stranger.initiate_logout(sls=sp["sls"], audience=sp["entity_id"], name_id="mette-pid")
        page = web.get(url)
    finally:
        stranger.stop()
    assert_logout_refused(page, caplog, web, live_server, logged=f"from {stranger.entity_id!r}")


def test_saml_logout_wrongly_signed_by_the_configured_issuer_is_refused(
    web, live_server, saml_idp, haderslev_saml, mette, rogue_keys, caplog
):
    """Haderslev's IdP's entity ID, but a key that is not the one in its metadata."""
    saml_post(web, saml_start(web, live_server))
    sp = sp_urls("haderslev")
    url = saml_idp.initiate_logout(
        sls=sp["sls"],
        audience=sp["entity_id"],
        name_id="mette-pid",
        signer=saml_idp.impostor(rogue_keys),
    )
    page = web.get(url)
    assert_logout_refused(page, caplog, web, live_server, logged="signature invalid")


def test_saml_sha1_signed_logout_is_refused(
    web, live_server, saml_idp, haderslev_saml, mette, caplog
):
    saml_post(web, saml_start(web, live_server))
    sp = sp_urls("haderslev")
    url = saml_idp.initiate_logout(
        sls=sp["sls"],
        audience=sp["entity_id"],
        name_id="mette-pid",
        sigalg="http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    )
    page = web.get(url)
    assert_logout_refused(page, caplog, web, live_server, logged="rsa-sha1 refused")


def test_saml_two_tabs(web, live_server, saml_idp, haderslev_saml, mette):
    first = saml_start(web, live_server)
    second = saml_start(web, live_server)
    assert saml_post(web, second).url == f"{live_server.url}/"
    assert saml_post(web, first).url == f"{live_server.url}/"


def test_saml_replay_is_refused(web, live_server, saml_idp, haderslev_saml, mette):
    form = saml_start(web, live_server)
    assert saml_post(web, form).url == f"{live_server.url}/"
    again = requests.Session()
    page = saml_post(again, form)
    assert page.status_code == 403 and "Du er ikke blevet logget ind i LUS" in page.text


@pytest.mark.parametrize(
    ("mail", "reason_text", "reason"),
    [
        ("ny@haderslev.dk", "Du er ikke oprettet i LUS", "unknown"),
        ("rasmus@randers.dk", "Du hører til en anden kommune", "other_municipality"),
        ("gone@haderslev.dk", "Din adgang til LUS er lukket", "inactive"),
    ],
)
def test_saml_refusals(
    web, live_server, saml_idp, haderslev_saml, rasmus, haderslev, mail, reason_text, reason, caplog
):
    UserFactory(municipality=haderslev, username="gone", email="gone@haderslev.dk", is_active=False)
    saml_idp.user = {"name_id": "x", "attributes": {"mail": [mail]}}
    page = saml_post(web, saml_start(web, live_server))
    assert_refused(page, caplog, title=reason_text, reason=reason, logged="")


@pytest.fixture
def boss(haderslev):
    """Whom an attacker among Haderslev's staff would like to be."""
    return UserFactory(
        municipality=haderslev, username="boss", email="boss@haderslev.dk", name="Chefen"
    )


#: What pysaml2 (and xmlsec1) find wrong with each wrapped response, as logged.
WRAPPING_FOUND = {
    "two assertions": "Invalid number of assertions in Response: 2",
    "signed one in Extensions": "Signature missing for assertion",
    "signature copied": "Signature failed to meet constraints on xmldsig",
    "same ID": "Failed to verify signature",
    "signed one in Advice": "Signature missing for assertion",
}
assert set(WRAPPING_FOUND) == set(WRAPPING_ATTACKS)


@pytest.mark.parametrize("attack", WRAPPING_ATTACKS)
def test_saml_signature_wrapping_is_refused(
    web, live_server, saml_idp, haderslev_saml, mette, boss, caplog, attack
):
    """Mette's own signed response with an unsigned assertion for her boss wrapped around it."""
    saml_idp.rewrite = lambda xml: wrap_signature(
        xml, attack=attack, name_id="boss-pid", mail="boss@haderslev.dk"
    )
    page = saml_post(web, saml_start(web, live_server))
    assert_refused(
        page,
        caplog,
        title="Login kunne ikke bekræftes",
        reason="invalid",
        logged=WRAPPING_FOUND[attack],
    )
    assert "Log ud" not in whoami(web, live_server)


@pytest.mark.parametrize("attack", [a for a in WRAPPING_ATTACKS if a != "same ID"])
def test_saml_wrapped_responses_keep_a_valid_signature(idp, sp, idp_keys, attack):
    """The control for the wrapping tests: in each wrapped response xmlsec1 still finds the
    genuine assertion validly signed, so LUS refuses them for the wrapping, not for XML
    the string surgery broke. ("same ID" is left out: two elements share the ID.)"""
    encoded = idp.response(
        in_response_to="id-1",
        acs=sp["acs"],
        audience=sp["entity_id"],
        name_id="mette-pid",
        attributes={"mail": ["mette@haderslev.dk"]},
    )
    xml = base64.b64decode(encoded).decode()
    signed_id = re.search(r'<\w+:Assertion\b[^>]*\bID="([^"]+)"', xml).group(1)
    wrapped = wrap_signature(xml, attack=attack, name_id="boss-pid", mail="boss@haderslev.dk")
    assert "boss@haderslev.dk" in wrapped and wrapped.count(signed_id) >= 2
    assert idp.server.sec.verify_signature(
        wrapped,
        cert_file=str(idp_keys[1]),
        node_name="urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
        node_id=signed_id,
    )


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("unsigned assertion", ("Login kunne ikke bekræftes", "invalid", "Signature missing")),
        ("signed by another key", ("Login kunne ikke bekræftes", "invalid", "Failed to verify")),
        ("another IdP's response", ("Login kunne ikke bekræftes", "invalid", "MissingKey")),
        ("another audience", ("Login kunne ikke bekræftes", "invalid", "AudienceRestrictions")),
        ("expired", ("Login kunne ikke bekræftes", "invalid", "Condition not OK")),
        ("unsolicited", ("Login tog for lang tid", "expired", "Unsolicited response")),
    ],
)
def test_saml_bad_responses_are_refused(
    web, live_server, saml_idp, haderslev_saml, mette, rogue_keys, caplog, case, expected
):
    if case == "unsigned assertion":
        saml_idp.response_options = {"sign": False}
    elif case == "signed by another key":
        saml_idp.answer_as = saml_idp.impostor(rogue_keys)
    elif case == "another IdP's response":
        saml_idp.answer_as = saml_idp.impostor(rogue_keys, entity_id="https://idp.evil.test/")
    elif case == "another audience":
        saml_idp.response_options = {"audience": "https://lus.example/sso/randers/saml/"}
    elif case == "expired":
        saml_idp.answer_as = saml_idp.impostor(saml_idp.key_pair, lifetime={"minutes": -10})
    form = saml_start(web, live_server)
    if case == "unsolicited":  # posted by a browser that never started this login
        web.cookies.clear()
    page = saml_post(web, form)
    title, reason, logged = expected
    assert_refused(page, caplog, title=title, reason=reason, logged=logged)
    assert "Log ud" not in whoami(web, live_server)


@pytest.mark.parametrize(
    ("body", "status", "logged"),
    [
        ("", 400, "empty SAML body"),
        ("not base64!", 400, "SAMLResponse not base64"),
        ("PHg+", 403, "not XML"),  # "<x>"
        ("PHgvPg==", 403, "SAML response"),  # "<x/>": XML, but no SAML response
    ],
)
def test_saml_garbage_posted_by_the_idp_is_refused(
    web, live_server, saml_idp, haderslev_saml, caplog, body, status, logged
):
    action, _fields = saml_start(web, live_server)
    page = web.post(action, data={"SAMLResponse": body})
    title = "Login kunne ikke bekræftes"
    assert_refused(page, caplog, title=title, reason="invalid", logged=logged, status=status)


def test_saml_sha1_idp_is_refused(web, live_server, haderslev, idp_keys, settings, mette, caplog):
    from lus.sso.services import saml_metadata_refresh

    settings.LUS_BASE_URL = live_server.url
    old = HTTPSamlIdP(
        idp_keys,
        signing_algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1",
        digest_algorithm="http://www.w3.org/2000/09/xmldsig#sha1",
    )
    try:
        provider = make_provider(
            haderslev,
            protocol="saml",
            saml_entity_id=old.entity_id,
            saml_metadata_url=old.entity_id,
            uid_attribute="mail",
        )
        saml_metadata_refresh(provider=provider)
        old.register_sp(sp_urls("haderslev")["entity_id"])
        old.user = {"name_id": "m", "attributes": {"mail": ["mette@haderslev.dk"]}}
        page = saml_post(web, saml_start(web, live_server))
    finally:
        old.stop()
    title = "Login kunne ikke bekræftes"
    assert_refused(page, caplog, title=title, reason="invalid", logged="rsa-sha1 refused")


def test_providers_of_the_world_are_untouched(randers_oidc):
    with unscoped("test"):
        assert IdentityProvider.objects.count() == 1


def test_without_node_the_tests_say_why_they_skip(monkeypatch):
    import tests.sso.real_idps as real_idps

    monkeypatch.setattr(real_idps.shutil, "which", lambda name: None if name == "node" else "/x")
    assert real_idps.node_missing() == (
        "node is not installed: the node-oidc-provider tests need Node 20 + npm"
    )
