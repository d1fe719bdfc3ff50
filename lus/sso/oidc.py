"""OpenID Connect per municipality, on mozilla-django-oidc.

mozilla-django-oidc reads one provider from settings; here the request view and the backend
take it from the municipality's IdentityProvider instead. The backend also checks what the
library leaves out: the ID token's audience (our client ID), issuer and expiry.
"""

from __future__ import annotations

import jwt
import requests
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import absolutify, import_from_settings

from lus.accounts.backends import TenantAwareModelBackend
from lus.sso.models import IdentityProvider
from lus.sso.services import Identity, oidc_discover, sso_find_person

SIGN_ALGORITHM = "RS256"
LEEWAY = 90
DEFAULTS = {
    "OIDC_TIMEOUT": 10,
    "OIDC_USE_NONCE": True,
    "OIDC_STORE_ID_TOKEN": False,
    "OIDC_VERIFY_KID": True,
}


def lus_setting(attr, *args):
    if attr in DEFAULTS:
        return import_from_settings(attr, DEFAULTS[attr])
    return import_from_settings(attr, *args)


def callback_url(request, provider: IdentityProvider) -> str:
    path = reverse("sso:oidc_callback", kwargs={"slug": provider.municipality.slug})
    return absolutify(request, path)


def ensure_endpoints(provider: IdentityProvider) -> IdentityProvider:
    if not provider.oidc_endpoints_known:
        oidc_discover(provider=provider)
    return provider


def email_verified(provider: IdentityProvider, claims: dict) -> bool | None:
    """Whether the IdP vouches for the e-mail people are matched on: None when they are matched
    on another claim (e.g. Entra's ``preferred_username``), else the ``email_verified`` claim
    (missing counts as not verified: anyone may type any address into an IdP account)."""
    if (provider.uid_attribute or "email") != "email":
        return None
    return claims.get("email_verified") in (True, "true")


class MunicipalityOIDCBackend(OIDCAuthenticationBackend):
    """Authenticates an OIDC callback of the municipality the callback view put on the request
    (``request.lus_oidc_provider``); does nothing for any other authenticate() call."""

    def __init__(self, *args, **kwargs):  # the settings are per municipality, not global
        self.UserModel = get_user_model()
        self.provider = None

    get_settings = staticmethod(lus_setting)

    def _configure(self, provider: IdentityProvider) -> None:
        ensure_endpoints(provider)
        self.provider = provider
        self.OIDC_OP_TOKEN_ENDPOINT = provider.oidc_token_endpoint
        self.OIDC_OP_USER_ENDPOINT = provider.oidc_userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = provider.oidc_jwks_uri
        self.OIDC_RP_CLIENT_ID = provider.oidc_client_id
        self.OIDC_RP_CLIENT_SECRET = provider.oidc_client_secret
        self.OIDC_RP_SIGN_ALGO = SIGN_ALGORITHM
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        provider = getattr(request, "lus_oidc_provider", None)
        if provider is None:
            return None
        code = request.GET.get("code")
        nonce = kwargs.pop("nonce", None)
        code_verifier = kwargs.pop("code_verifier", None)
        if not code or not nonce:
            return None
        self.request = request
        self._configure(provider)
        token_payload = {
            "client_id": self.OIDC_RP_CLIENT_ID,
            "client_secret": self.OIDC_RP_CLIENT_SECRET,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": callback_url(request, provider),
        }
        if code_verifier is not None:
            token_payload["code_verifier"] = code_verifier
        token_info = self.get_token(token_payload)
        id_token = token_info.get("id_token")
        if not id_token:
            raise SuspiciousOperation("No ID token in the token response.")
        claims = self.verify_token(id_token, nonce=nonce)
        if self.OIDC_OP_USER_ENDPOINT and token_info.get("access_token"):
            userinfo = self.get_userinfo(token_info["access_token"], id_token, claims)
            if not isinstance(userinfo, dict) or userinfo.get("sub") != claims.get("sub"):
                raise SuspiciousOperation("The userinfo subject differs from the ID token's.")
            claims = {**userinfo, **claims}  # the signed ID token wins where both say something
        request.lus_oidc_id_token = id_token
        identity = Identity(
            attributes={k: v if isinstance(v, list) else [v] for k, v in claims.items()},
            default_uid=str(claims.get("email", "")),
        )
        return sso_find_person(  # or raises SSORefused
            provider=provider,
            identity=identity,
            subject=str(claims.get("sub", "")),
            email_verified=email_verified(provider, claims),
        )

    def retrieve_matching_jwk(self, token):
        """The IdP's signing key for this token. The library's version needs a ``kid`` in the
        token and in every key (KeyError otherwise); the standard lets an IdP with a single
        key leave it out. Only RS256 tokens are considered at all: ``alg=none`` is refused."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token unreadable: {exc}") from exc
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token algorithm {header.get('alg')!r} refused.")
        response = requests.get(
            self.OIDC_OP_JWKS_ENDPOINT, timeout=self.get_settings("OIDC_TIMEOUT", None)
        )
        response.raise_for_status()
        try:
            keys = [k for k in response.json().get("keys", []) if isinstance(k, dict)]
        except (ValueError, AttributeError) as exc:
            raise SuspiciousOperation("The JWKS is not a key set.") from exc
        keys = [
            k
            for k in keys
            if k.get("kty") == "RSA"
            and k.get("use", "sig") == "sig"
            and k.get("alg", self.OIDC_RP_SIGN_ALGO) == self.OIDC_RP_SIGN_ALGO
        ]
        if "kid" in header:
            keys = [k for k in keys if k.get("kid") == header["kid"]]
        if len(keys) != 1:
            raise SuspiciousOperation(f"{len(keys)} signing keys match the ID token.")
        try:
            return jwt.PyJWK(keys[0])
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"Unusable signing key: {exc}") from exc

    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("Unexpected ID token algorithm.")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.provider.oidc_issuer,
                leeway=LEEWAY,
                options={"require": ["exp", "iat", "aud", "iss", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token rejected: {exc}") from exc

    def get_user(self, user_id):
        return TenantAwareModelBackend().get_user(user_id)
