import pytest
import requests
import responses

from lus.sso.models import IdentityProvider
from lus.sso.saml import sp_metadata, sp_urls
from lus.tenants.scoping import unscoped
from tests.factories import UserFactory
from tests.sso.idp import IDP_ENTITY_ID, TestOIDCProvider, TestSamlIdP, make_key_pair
from tests.sso.real_idps import NodeOIDCProvider, node_missing, npm_ci


@pytest.fixture(scope="session")
def idp_keys(tmp_path_factory):
    return make_key_pair(tmp_path_factory.mktemp("keys"), "idp")


@pytest.fixture(scope="session")
def rogue_keys(tmp_path_factory):
    return make_key_pair(tmp_path_factory.mktemp("rogue"), "rogue")


def make_provider(municipality, **fields) -> IdentityProvider:
    with unscoped("test: identity provider"):
        return IdentityProvider.objects.create(municipality=municipality, **fields)


@pytest.fixture
def saml_provider(haderslev, idp_keys):
    """Haderslev logs in through "AD FS" (the test IdP), matched on the e-mail attribute."""
    metadata = TestSamlIdP(idp_keys).metadata()
    return make_provider(
        haderslev,
        protocol="saml",
        saml_entity_id=IDP_ENTITY_ID,
        saml_metadata_xml=metadata,
        uid_attribute="mail",
        name_attribute="displayName",
    )


@pytest.fixture
def idp(saml_provider, idp_keys):
    return TestSamlIdP(idp_keys, sp_metadata(saml_provider))


@pytest.fixture
def sp(saml_provider):
    return sp_urls(saml_provider.municipality.slug)


@pytest.fixture
def oidc_op():
    op = TestOIDCProvider()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        op.install(mock)
        yield op


@pytest.fixture
def oidc_provider(randers, oidc_op):
    """Randers logs in through "Entra ID" (the test OP); endpoints come from discovery."""
    return make_provider(
        randers,
        protocol="oidc",
        oidc_issuer=oidc_op.issuer,
        oidc_client_id=oidc_op.client_id,
        oidc_client_secret=oidc_op.client_secret,
    )


@pytest.fixture
def mette(haderslev):
    return UserFactory(
        municipality=haderslev, username="mette", email="mette@haderslev.dk", name="Mette"
    )


@pytest.fixture
def rasmus(randers):
    return UserFactory(
        municipality=randers, username="rasmus", email="rasmus@randers.dk", name="Rasmus"
    )


# --- real identity providers over HTTP (tests/sso/real_idps.py) ---------------------------------
ACCOUNTS = {
    "rasmus": {"email": "rasmus@randers.dk", "email_verified": True, "name": "Rasmus R"},
    # someone's own IdP account carrying Rasmus' address, which the IdP has not verified
    "impostor": {"email": "rasmus@randers.dk", "email_verified": False, "name": "Not Rasmus"},
    # a second account with Rasmus' verified address (an alias, a re-created account)
    "twin": {"email": "rasmus@randers.dk", "email_verified": True, "name": "Twin"},
    "ukendt": {"email": "ukendt@randers.dk", "email_verified": True},
    "mette": {"email": "mette@haderslev.dk", "email_verified": True},
    "gone": {"email": "gone@randers.dk", "email_verified": True},
}


#: Clients of the node provider whose ID tokens it rewrites (see oidc_provider/provider.js).
ID_TOKEN_REWRITES: dict[str, str | dict] = {
    "lus-no-kid": "no-kid",
    "lus-foreign-key": "foreign-key",
    "lus-alg-none": "none",
    "lus-other-audience": {"claims": {"aud": "another-client"}},
    "lus-other-issuer": {"claims": {"iss": "https://idp.evil.test"}},
    "lus-other-nonce": {"claims": {"nonce": "not-the-nonce-of-this-login"}},
    "lus-expired": {"expired": True},
}


def start_node_op(live_server, **options) -> NodeOIDCProvider:
    why = node_missing()
    if why:
        pytest.skip(why)
    npm_ci()
    return NodeOIDCProvider(
        redirect_uris=[f"{live_server.url}/sso/randers/oidc/callback/"],
        post_logout_redirect_uris=[f"{live_server.url}/login/"],
        accounts=ACCOUNTS,
        id_token_rewrites=ID_TOKEN_REWRITES,
        **options,
    )


@pytest.fixture(scope="session")
def node_op(live_server):
    op = start_node_op(live_server)
    yield op
    op.stop()


@pytest.fixture(scope="module")
def node_op_two_keys(live_server):
    """A second node provider whose JWKS holds two keys (an IdP rolling its keys over)."""
    op = start_node_op(live_server, signing_keys=2)
    yield op
    op.stop()


@pytest.fixture
def web():
    """A browser without a screen (cookies, redirects) for the HTTP tests; not Playwright's."""
    with requests.Session() as session:
        yield session
