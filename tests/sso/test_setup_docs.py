"""docs/sso.md, followed step by step in the order written, reaches a first login.

Each numbered step of a procedure is matched (by words the step must contain) to what a new
administrator does at that point; the actions run in the document's order against a real IdP
on 127.0.0.1 (pysaml2 standing in for KOMBIT's Context Handler; node-oidc-provider for a
generic OIDC provider). A step that needs something a later step provides fails here (e.g.
uploading the SP metadata before the IdP is saved in LUS: the metadata address is a 404), as
does a procedure whose last step does not end logged in. Steps outside LUS and the IdP
(KOMBIT's *tilslutning*) are recorded as such, not simulated.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import requests
from django.urls import reverse

from lus.sso.models import IdentityProvider
from lus.tenants.scoping import unscoped
from tests.sso.idp import make_key_pair
from tests.sso.real_idps import HTTPSamlIdP, form_of

pytestmark = pytest.mark.django_db(transaction=True)

DOC = Path(__file__).resolve().parents[2] / "docs" / "sso.md"
KOMBIT_EMAIL = "https://data.gov.dk/model/core/eid/email"
KOMBIT_CVR = "https://data.gov.dk/model/core/eid/professional/cvr"
HADERSLEV_CVR = "29189374"


def numbered_steps(heading: str) -> list[str]:
    """The numbered steps (with their continuation lines) of the section ``heading``."""
    text = DOC.read_text()
    section = text.split(f"\n## {heading}", 1)[1].split("\n## ", 1)[0]
    steps: list[str] = []
    for line in section.splitlines():
        match = re.match(r"^(\d+)\. (.*)", line)
        if match:
            assert int(match.group(1)) == len(steps) + 1, f"step numbering in {heading}"
            steps.append(match.group(2))
        elif steps and line.startswith("   "):
            steps[-1] += " " + line.strip()
        elif steps and line.strip():
            break
    return steps


def backticked_after(step: str, label: str) -> str:
    return re.search(re.escape(label) + r"[^`]*`([^`]+)`", step).group(1)


@pytest.fixture
def admin_client_(client):
    """The platform admin in LUS' admin (a test client on the same database)."""
    from tests.factories import UserFactory

    admin = UserFactory(municipality=None, username="platform", is_superuser=True, is_staff=True)
    client.force_login(admin)
    return client


def admin_add_provider(client, **fields) -> IdentityProvider:
    """Add the identity provider through the admin's form, as the doc says."""
    data = {"match_on": "email", "oidc_scopes": "openid email profile", **fields}
    response = client.post(reverse("admin:sso_identityprovider_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    with unscoped("test: the provider just added"):
        return IdentityProvider.objects.select_related("municipality").get(
            municipality_id=fields["municipality"]
        )


def admin_action(client, action: str, provider: IdentityProvider) -> IdentityProvider:
    """Run an admin action on the provider; its message must be a success."""
    response = client.post(
        reverse("admin:sso_identityprovider_changelist"),
        {"action": action, "_selected_action": [provider.pk]},
        follow=True,
    )
    messages = list(response.context["messages"])
    assert messages and all(m.level_tag == "success" for m in messages), [str(m) for m in messages]
    provider.refresh_from_db()
    return provider


def admin_change(client, provider: IdentityProvider, **changes) -> IdentityProvider:
    """Change fields on the provider's admin page (the rest as the page shows them)."""
    from django.forms.models import model_to_dict

    data = {k: v for k, v in model_to_dict(provider).items() if v is not None and v is not False}
    data.pop("id", None)
    data["oidc_client_secret"] = ""  # write-only: blank keeps the stored secret
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(reverse("admin:sso_identityprovider_change", args=[provider.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    provider.refresh_from_db()
    return provider


def follow(steps: list[str], actions: list[tuple[tuple[str, ...], object]]) -> list[str]:
    """Run each action at the (single) step containing all its words, in the steps' order."""
    done = []
    for number, step in enumerate(steps, start=1):
        for words, action in actions:
            if all(word in step for word in words):
                action(step)
                done.append(f"{number}: {action.__name__}")
    names = [a.__name__ for _w, a in actions]
    ran = [d.split(": ")[1] for d in done]
    assert sorted(ran) == sorted(names), f"steps not found for {set(names) - set(ran)}"
    return done


def test_kombit_steps_in_order_reach_a_first_login(
    haderslev, mette, idp_keys, live_server, settings, tmp_path, web, admin_client_
):
    kombit = HTTPSamlIdP(idp_keys)  # the Context Handler's part: metadata, SSO, attributes
    state: dict = {}
    started = time.perf_counter()

    def configure_server(step):
        assert "LUS_SAML_KEY_FILE" in step and "LUS_BASE_URL" in step
        key, cert = make_key_pair(tmp_path, "foces")
        settings.LUS_SAML_KEY_FILE, settings.LUS_SAML_CERT_FILE = str(key), str(cert)
        settings.LUS_BASE_URL = live_server.url

    def add_provider_inactive(step):
        provider = admin_add_provider(
            admin_client_,
            municipality=haderslev.pk,
            protocol="saml",
            saml_entity_id=kombit.entity_id,
            saml_metadata_url=kombit.entity_id,
        )
        assert not provider.enabled
        state["provider"] = admin_action(admin_client_, "fetch_saml_metadata", provider)

    def upload_sp_metadata(step):
        address = live_server.url + "/sso/haderslev/saml/metadata/"
        assert "/sso/<slug>/saml/metadata/" in step
        response = requests.get(address, timeout=10)
        assert response.status_code == 200, "the SP metadata does not answer yet"
        assert "X509Certificate" in response.text  # the FOCES certificate of step 1
        kombit.register_sp(address)

    def connect_municipality(step):
        state["outside_lus"] = step  # KOMBIT's administration module: not simulated

    def set_matching(step):
        state["provider"] = admin_change(
            admin_client_,
            state["provider"],
            uid_attribute=backticked_after(step, "Identificerende attribut"),
            tenant_attribute=backticked_after(step, "Kommuneattribut"),
            tenant_value=HADERSLEV_CVR,
            name_attribute=backticked_after(step, "name attribute"),
        )

    def turn_on(step):
        state["provider"] = admin_change(admin_client_, state["provider"], enabled="on")
        assert "/login/haderslev/" in web.get(f"{live_server.url}/login/").text

    def first_login(step):
        kombit.user = {
            "name_id": "kombit-persistent-1",
            "attributes": {
                KOMBIT_EMAIL: ["mette@haderslev.dk"],
                KOMBIT_CVR: [HADERSLEV_CVR],
                "https://data.gov.dk/model/core/eid/fullName": ["Mette"],
            },
        }
        page = web.get(f"{live_server.url}/login/haderslev/")
        assert "SAMLResponse" in page.text  # at KOMBIT, which posts back
        action, fields = form_of(page)
        page = web.post(action, data=fields)
        assert page.url == f"{live_server.url}/" and "Log ud" in page.text
        state["seconds"] = time.perf_counter() - started

    try:
        done = follow(
            numbered_steps("KOMBIT Context Handler (SAML 2.0, OIOSAML 3)"),
            [
                (("LUS_SAML_KEY_FILE",), configure_server),
                (("*Aktiv* **off**", "Hent IdP-metadata"), add_provider_inactive),
                (("saml/metadata", "upload"), upload_sp_metadata),
                (("tilslutning",), connect_municipality),
                (("Identificerende attribut", "Kommuneattribut"), set_matching),
                (("*Aktiv* on",), turn_on),
                (("First login",), first_login),
            ],
        )
    finally:
        kombit.stop()
    assert done[-1].endswith("first_login")
    print(f"\nKOMBIT setup, empty municipality to first login: {state['seconds']:.2f} s")


def test_generic_oidc_steps_in_order_reach_a_first_login(
    randers, rasmus, node_op, live_server, web, admin_client_
):
    state: dict = {}
    started = time.perf_counter()

    def register_client(step):
        # node_op was registered with exactly these addresses; the doc must name the same
        paths = re.findall(r"`(/[^`]*)`", step)
        assert paths == ["/sso/<slug>/oidc/callback/", "/login/"]
        assert "client_secret_post" in step

    def add_provider_inactive(step):
        state["provider"] = admin_add_provider(
            admin_client_,
            municipality=randers.pk,
            protocol="oidc",
            oidc_issuer=node_op.issuer,
            oidc_client_id=node_op.client_id,
            oidc_client_secret=node_op.client_secret,
        )
        assert state["provider"].oidc_client_secret == node_op.client_secret

    def discover(step):
        provider = admin_action(admin_client_, "discover_oidc_endpoints", state["provider"])
        assert provider.oidc_userinfo_endpoint and provider.oidc_end_session_endpoint
        state["provider"] = provider

    def set_matching(step):
        assert "leave *Identificerende attribut* empty" in step
        state["provider"] = admin_change(
            admin_client_, state["provider"], uid_attribute="", match_on="email"
        )

    def turn_on(step):
        state["provider"] = admin_change(admin_client_, state["provider"], enabled="on")
        assert state["provider"].oidc_client_secret == node_op.client_secret

    def first_login(step):
        start = web.get(f"{live_server.url}/login/randers/", allow_redirects=False)
        start = web.get(live_server.url + start.headers["Location"], allow_redirects=False)
        page = node_op.sign_in(web, start.headers["Location"], "rasmus")
        assert page.url == f"{live_server.url}/" and "Log ud" in page.text
        state["seconds"] = time.perf_counter() - started

    done = follow(
        numbered_steps("A generic OpenID Connect provider"),
        [
            (("register a confidential client",), register_client),
            (("*Aktiv* **off**", "client secret"), add_provider_inactive),
            (("Hent OIDC-endpoints",), discover),
            (("Matching",), set_matching),
            (("*Aktiv* on",), turn_on),
            (("First login",), first_login),
        ],
    )
    assert done[-1].endswith("first_login")
    with unscoped("test"):
        assert IdentityProvider.objects.get(municipality=randers).enabled
    print(f"\nOIDC setup, empty municipality to first login: {state['seconds']:.2f} s")
