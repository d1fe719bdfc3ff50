"""Identity providers that live inside the tests (no network).

- ``TestSamlIdP``: pysaml2 playing the municipality's IdP (AD FS, Entra ID, KOMBIT): reads
  LUS' AuthnRequest from the redirect and builds (signed) responses with a key pair made at
  test time.
- ``TestOIDCProvider``: signs ID tokens with an RSA key made at test time; its token, JWKS,
  userinfo and discovery endpoints are answered by ``responses`` (requests is mocked).
"""

from __future__ import annotations

import base64
import datetime
import json
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, xmldsig
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

from lus.sso.saml import xmlsec_binary

IDP_ENTITY_ID = "https://idp.kommune.test/adfs/services/trust"
IDP_SSO = "https://idp.kommune.test/adfs/ls/"
AUTHN = {"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"}


def make_key_pair(directory: Path, name: str) -> tuple[Path, Path]:
    """A throw-away RSA key and self-signed certificate (PEM files) for the tests."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


class TestSamlIdP:
    __test__ = False

    def __init__(
        self,
        key_pair: tuple[Path, Path],
        sp_metadata: str = "",
        entity_id=IDP_ENTITY_ID,
        sso_url=IDP_SSO,
        signing_algorithm=xmldsig.SIG_RSA_SHA256,
        digest_algorithm=xmldsig.DIGEST_SHA256,
        lifetime: dict | None = None,
    ):
        self.entity_id = entity_id
        config = {
            "entityid": entity_id,
            "xmlsec_binary": xmlsec_binary(),
            "signing_algorithm": signing_algorithm,
            "digest_algorithm": digest_algorithm,
            "service": {
                "idp": {
                    "name": "Test IdP",
                    "endpoints": {
                        "single_sign_on_service": [(sso_url, BINDING_HTTP_REDIRECT)],
                        "single_logout_service": [(sso_url + "?wa=signout", BINDING_HTTP_REDIRECT)],
                    },
                    "policy": {
                        "default": {
                            "lifetime": lifetime or {"minutes": 5},
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_URI,
                        }
                    },
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                }
            },
            "key_file": str(key_pair[0]),
            "cert_file": str(key_pair[1]),
            "metadata": {"inline": [sp_metadata]} if sp_metadata else {},
            "allow_unknown_attributes": True,
        }
        self.config = IdPConfig()
        self.config.load(config)
        self.server = Server(config=self.config)

    def metadata(self) -> str:
        return create_metadata_string(None, config=self.config, valid=24, sign=False).decode()

    def read_authn_request(self, location: str):
        query = parse_qs(urlparse(location).query)
        return self.server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)

    def response(
        self,
        *,
        in_response_to: str,
        acs: str,
        audience: str,
        name_id: str,
        attributes: dict | None = None,
        sign: bool = True,
    ) -> str:
        xml = self.server.create_authn_response(
            identity=attributes or {},
            in_response_to=in_response_to,
            destination=acs,
            sp_entity_id=audience,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=name_id),
            authn=AUTHN,
            sign_assertion=sign,
            sign_response=False,
            sign_alg=self.config.signing_algorithm,
            digest_alg=self.config.digest_algorithm,
        )
        return base64.b64encode(str(xml).encode()).decode()

    def logout_query(self, *, sls: str, audience: str, name_id: str, sign=True, sigalg=None) -> str:
        """The query string of an IdP-initiated LogoutRequest (HTTP-Redirect) to ``sls``."""
        _id, message = self.server.create_logout_request(
            sls,
            audience,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=name_id),
            sign=False,
        )
        info = self.server.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(message),
            sls,
            relay_state="rs",
            sign=sign,
            sigalg=sigalg or xmldsig.SIG_RSA_SHA256,
        )
        return urlparse(dict(info["headers"])["Location"]).query


class TestOIDCProvider:
    __test__ = False

    issuer = "https://login.microsoftonline.test/11111111-2222/v2.0"
    authorization_endpoint = "https://login.microsoftonline.test/oauth2/v2.0/authorize"
    token_endpoint = "https://login.microsoftonline.test/oauth2/v2.0/token"
    jwks_uri = "https://login.microsoftonline.test/discovery/v2.0/keys"
    end_session_endpoint = "https://login.microsoftonline.test/oauth2/v2.0/logout"
    userinfo_endpoint = "https://graph.microsoft.test/oidc/userinfo"
    client_id = "lus-client-id"
    client_secret = "lus-client-secret"

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        self.jwk.update(kid="test-key", alg="RS256", use="sig")
        self.claims: dict = {}
        self.token_requests: list[dict] = []
        self.headers: dict = {"kid": "test-key"}  # the ID token's JOSE header
        self.algorithm = "RS256"  # "none": an unsigned ID token
        self.userinfo: dict | None = None  # served by the userinfo endpoint when set
        self.extra_jwks: list[dict] = []  # more keys in the JWKS

    def id_token(self, **overrides) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": "subject-1",
            "iat": now,
            "exp": now + 300,
            **overrides,
        }
        claims = {k: v for k, v in claims.items() if v is not None}
        if self.algorithm == "none":
            return jwt.encode(claims, None, algorithm="none", headers=self.headers)
        return jwt.encode(claims, self.key, algorithm=self.algorithm, headers=self.headers)

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.authorization_endpoint,
            "token_endpoint": self.token_endpoint,
            "jwks_uri": self.jwks_uri,
            "end_session_endpoint": self.end_session_endpoint,
            "userinfo_endpoint": self.userinfo_endpoint,
        }

    def install(self, mock) -> None:
        """Answer the provider's endpoints through a ``responses.RequestsMock``."""
        mock.add_callback("POST", self.token_endpoint, callback=self._token)
        mock.add_callback("GET", self.jwks_uri, callback=self._jwks)
        mock.add_callback("GET", self.userinfo_endpoint, callback=self._userinfo)
        mock.add("GET", self.issuer + "/.well-known/openid-configuration", json=self.discovery())

    def _jwks(self, request):
        return 200, {}, json.dumps({"keys": [self.jwk, *self.extra_jwks]})

    def _userinfo(self, request):
        if request.headers.get("Authorization") != "Bearer at":
            return 401, {}, "{}"
        if self.userinfo is None:  # like the ID token's claims
            claims = {k: v for k, v in self.claims.items() if k not in ("nonce", "aud", "iss")}
            return 200, {}, json.dumps({"sub": "subject-1", **claims})
        return 200, {}, json.dumps({"sub": "subject-1", **self.userinfo})

    def _token(self, request):
        form = {k: v[0] for k, v in parse_qs(request.body).items()}
        self.token_requests.append(form)
        if form.get("client_secret") != self.client_secret:
            return 401, {}, json.dumps({"error": "invalid_client"})
        token = self.id_token(**self.claims)
        return (
            200,
            {},
            json.dumps({"id_token": token, "access_token": "at", "token_type": "Bearer"}),
        )


__all__ = ["BINDING_HTTP_POST", "TestOIDCProvider", "TestSamlIdP", "make_key_pair"]
