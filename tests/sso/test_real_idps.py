"""Municipal login end to end over HTTP against identity-provider software running as servers:
node-oidc-provider (OpenID Certified) and a pysaml2 IdP. A ``requests`` session plays the
browser against LUS' live server; every answer checked is what the person would see."""

from __future__ import annotations

import html
import re

import pytest
import requests

from lus.sso.models import IdentityProvider
from lus.sso.saml import sp_urls
from lus.tenants.scoping import unscoped
from tests.factories import UserFactory
from tests.sso.conftest import make_provider
from tests.sso.real_idps import HTTPSamlIdP, form_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def randers_oidc(randers, node_op):
    """Randers set up as docs/sso.md says: issuer, client ID and secret; endpoints discovered."""
    from lus.sso.services import oidc_discover

    provider = make_provider(
        randers,
        protocol="oidc",
        oidc_issuer=node_op.issuer,
        oidc_client_id=node_op.client_id,
        oidc_client_secret=node_op.client_secret,
    )
    return oidc_discover(provider=provider)


def oidc_login(web, live_server, node_op, login):
    start = web.get(f"{live_server.url}/sso/randers/oidc/login/", allow_redirects=False)
    assert start.status_code == 302 and start.headers["Location"].startswith(node_op.issuer)
    return node_op.sign_in(web, start.headers["Location"], login)


def whoami(web, live_server) -> str:
    """The page a logged-in person sees at /, or the login page."""
    return web.get(f"{live_server.url}/").text


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
    ("login", "reason_text"),
    [
        ("impostor", "Din e-mailadresse er ikke bekræftet"),
        ("ukendt", "Du er ikke oprettet i LUS"),
        ("mette", "Du hører til en anden kommune"),
        ("gone", "Din adgang til LUS er lukket"),
    ],
)
def test_oidc_refusals(
    web, live_server, node_op, randers_oidc, rasmus, mette, login, reason_text, randers
):
    UserFactory(municipality=randers, username="gone", email="gone@randers.dk", is_active=False)
    page = oidc_login(web, live_server, node_op, login)
    assert page.status_code == 403
    assert reason_text in page.text and "Du er ikke blevet logget ind i LUS" in page.text
    assert "Log ud" not in whoami(web, live_server)


def test_oidc_cancel_at_the_idp(web, live_server, node_op, randers_oidc, caplog):
    start = web.get(f"{live_server.url}/sso/randers/oidc/login/", allow_redirects=False)
    page = node_op.abort(web, start.headers["Location"])
    assert page.status_code == 403 and "Login blev ikke gennemført" in page.text
    assert "access_denied" in caplog.text and "End-User aborted interaction" in caplog.text


def test_oidc_bound_subject(web, live_server, node_op, randers_oidc, rasmus):
    randers_oidc.bind_subject = True
    randers_oidc.save()
    assert oidc_login(web, live_server, node_op, "rasmus").url == f"{live_server.url}/"
    other = requests.Session()
    page = oidc_login(other, live_server, node_op, "twin")
    assert page.status_code == 403 and "En anden konto er knyttet til dig" in page.text


def test_oidc_logout_ends_the_idp_session(web, live_server, node_op, randers_oidc, rasmus):
    oidc_login(web, live_server, node_op, "rasmus")
    home = web.get(f"{live_server.url}/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', home.text).group(1)
    page = web.post(
        f"{live_server.url}/logout/",
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": f"{live_server.url}/"},
    )
    assert page.status_code == 200
    end_session = html.unescape(re.search(r'url=([^"]+)"', page.text).group(1))
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


def test_saml_unsigned_logout_get_logs_nobody_out(
    web, live_server, saml_idp, haderslev_saml, mette
):
    """What any web page could make the web do (an <img> to the SLS address)."""
    saml_post(web, saml_start(web, live_server))
    sp = sp_urls("haderslev")
    url = saml_idp.initiate_logout(sls=sp["sls"], audience=sp["entity_id"], name_id="mette-pid")
    unsigned = re.sub(r"&(SigAlg|Signature)=[^&]*", "", url)
    page = web.get(unsigned)
    assert page.status_code == 400 and "Anmodningen om at logge ud blev afvist" in page.text
    assert "Log ud" in whoami(web, live_server)


def test_saml_logout_from_an_unknown_issuer_is_refused(
    web, live_server, saml_idp, haderslev_saml, mette, rogue_keys
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
    assert page.status_code == 400 and "Anmodningen om at logge ud blev afvist" in page.text
    assert "Log ud" in whoami(web, live_server)


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
    ("mail", "reason_text"),
    [
        ("ny@haderslev.dk", "Du er ikke oprettet i LUS"),
        ("rasmus@randers.dk", "Du hører til en anden kommune"),
        ("gone@haderslev.dk", "Din adgang til LUS er lukket"),
    ],
)
def test_saml_refusals(
    web, live_server, saml_idp, haderslev_saml, rasmus, haderslev, mail, reason_text
):
    UserFactory(municipality=haderslev, username="gone", email="gone@haderslev.dk", is_active=False)
    saml_idp.user = {"name_id": "x", "attributes": {"mail": [mail]}}
    page = saml_post(web, saml_start(web, live_server))
    assert page.status_code == 403 and reason_text in page.text


def test_saml_sha1_idp_is_refused(web, live_server, haderslev, idp_keys, settings, mette):
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
    assert page.status_code == 403 and "Login kunne ikke bekræftes" in page.text


def test_providers_of_the_world_are_untouched(randers_oidc):
    with unscoped("test"):
        assert IdentityProvider.objects.count() == 1


def test_without_node_the_tests_say_why_they_skip(monkeypatch):
    import tests.sso.real_idps as real_idps

    monkeypatch.setattr(real_idps.shutil, "which", lambda name: None if name == "node" else "/x")
    assert real_idps.node_missing() == (
        "node is not installed: the node-oidc-provider tests need Node 20 + npm"
    )
