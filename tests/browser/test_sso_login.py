"""In Chromium: the municipality choice on the login page, and a person the municipality's
IdP knows but LUS does not (the refusal page). Screenshots in docs/screenshots/."""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from lus.sso.saml import sp_metadata, sp_urls
from tests.factories import MunicipalityFactory
from tests.sso.conftest import make_provider
from tests.sso.idp import IDP_ENTITY_ID, TestSamlIdP, make_key_pair

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_municipality_choice_and_unknown_user(
    page, live_server, transactional_db, settings, tmp_path
):
    idp_keys = make_key_pair(tmp_path, "idp")
    settings.LUS_BASE_URL = live_server.url
    sso_url = f"{live_server.url}/__idp__/adfs/ls/"
    haderslev = MunicipalityFactory(slug="haderslev", name="Haderslev Kommune")
    provider = make_provider(
        haderslev,
        protocol="saml",
        saml_entity_id=IDP_ENTITY_ID,
        saml_metadata_xml=TestSamlIdP(idp_keys, sso_url=sso_url).metadata(),
        uid_attribute="mail",
    )
    for slug, name in [("randers", "Randers Kommune"), ("albertslund", "Albertslund Kommune")]:
        make_provider(
            MunicipalityFactory(slug=slug, name=name),
            protocol="oidc",
            oidc_issuer="https://login.example/v2.0",
            oidc_client_id="c",
            allow_password_login=slug == "albertslund",
        )
    MunicipalityFactory(slug="norddjurs", name="Norddjurs Kommune")  # passwords only: not listed
    idp = TestSamlIdP(idp_keys, sp_metadata(provider), sso_url=sso_url)
    acs = sp_urls("haderslev")

    def idp_page(route):
        request = idp.read_authn_request(route.request.url)
        encoded = idp.response(
            in_response_to=request.message.id,
            acs=acs["acs"],
            audience=acs["entity_id"],
            name_id="p1",
            attributes={"mail": ["ny.medarbejder@haderslev.dk"]},
        )
        body = (
            f'<form method="post" action="{acs["acs"]}"><input type="hidden" name="SAMLResponse" '
            f'value="{html.escape(encoded)}"><button>Send</button></form>'
        )
        route.fulfill(status=200, content_type="text/html", body=body)

    page.route(f"{live_server.url}/__idp__/**", idp_page)
    page.set_viewport_size({"width": 1000, "height": 760})
    page.goto(f"{live_server.url}/login/")
    choice = page.get_by_role("region", name="Log ind med din kommunes login")
    names = choice.get_by_role("link").all_inner_texts()
    assert names == ["Albertslund Kommune", "Haderslev Kommune", "Randers Kommune"]
    assert page.get_by_label("Brugernavn").is_visible()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "login-municipality-choice.png"), full_page=True)

    link = page.get_by_role("link", name="Haderslev Kommune").get_attribute("href")
    assert link == "/login/haderslev/"
    # Playwright cannot route the redirect to the IdP, so take the two redirects by hand (the
    # browser context keeps LUS' cookie) and open the IdP's page, which posts back to LUS.
    start = page.request.get(f"{live_server.url}{link}", max_redirects=0).headers["location"]
    idp_url = page.request.get(f"{live_server.url}{start}", max_redirects=0).headers["location"]
    page.goto(idp_url)
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Du er ikke oprettet i LUS").is_visible()
    assert "Haderslev Kommune" in page.get_by_role("alert").inner_text()
    page.screenshot(path=str(SHOTS / "sso-unknown-user.png"), full_page=True)
    query = parse_qs(urlparse(page.url).query)
    assert not query  # the refusal is LUS' own page at the ACS
