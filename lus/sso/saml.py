"""SAML 2.0 service provider per municipality, on pysaml2 directly.

Each municipality is its own SP (entity ID = its metadata URL) towards exactly one IdP, whose
metadata is stored in the database. Assertions must be signed by that IdP; pysaml2 checks the
signature (xmlsec1), the audience, the destination, InResponseTo and the time conditions.

Why not djangosaml2: it reads one global SAML_CONFIG and global attribute/matching settings,
keeps its outstanding requests in the (SameSite=Lax, so absent on the IdP's cross-site POST)
session, and posts AuthnRequests with an inline script that LUS' strict CSP forbids. What LUS
needs from it (a per-request config) is a few lines on top of pysaml2.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from functools import lru_cache

from defusedxml import ElementTree
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, xmldsig
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.mdstore import InMemoryMetaData
from saml2.metadata import entity_descriptor
from saml2.samlp import logout_request_from_string
from saml2.sigver import RSACrypto, get_xmlsec_binary, verify_redirect_signature
from saml2.time_util import in_a_while

from lus.sso.models import IdentityProvider

logger = logging.getLogger("lus.sso")

#: Seconds of clock difference accepted between the IdP and LUS.
CLOCK_SKEW = 90

#: SHA-256 or better only: SHA-1 (and MD5, DSA) signatures are refused and not advertised.
ACCEPTED_SIGNATURES = frozenset(
    {
        xmldsig.SIG_RSA_SHA256,
        xmldsig.SIG_RSA_SHA384,
        xmldsig.SIG_RSA_SHA512,
        xmldsig.SIG_ECDSA_SHA256,
        xmldsig.SIG_ECDSA_SHA384,
        xmldsig.SIG_ECDSA_SHA512,
    }
)
ACCEPTED_DIGESTS = frozenset({xmldsig.DIGEST_SHA256, xmldsig.DIGEST_SHA384, xmldsig.DIGEST_SHA512})
DS = "{http://www.w3.org/2000/09/xmldsig#}"


class MessageRefused(Exception):
    """A SAML message LUS does not act on; the text is the reason, for the log."""


@lru_cache(maxsize=1)
def xmlsec_binary() -> str:
    found = shutil.which("xmlsec1")
    return found or get_xmlsec_binary(["/usr/bin", "/usr/local/bin"])


def base_url() -> str:
    return settings.LUS_BASE_URL.rstrip("/")


def sp_urls(slug: str) -> dict[str, str]:
    def absolute(name: str) -> str:
        return base_url() + reverse(f"sso:{name}", kwargs={"slug": slug})

    return {
        "entity_id": absolute("saml_metadata"),
        "acs": absolute("saml_acs"),
        "sls": absolute("saml_sls"),
    }


def sp_config(provider: IdentityProvider) -> SPConfig:
    urls = sp_urls(provider.municipality.slug)
    key_file = getattr(settings, "LUS_SAML_KEY_FILE", "") or None
    cert_file = getattr(settings, "LUS_SAML_CERT_FILE", "") or None
    signing = bool(key_file and cert_file)
    config = {
        "entityid": urls["entity_id"],
        "xmlsec_binary": xmlsec_binary(),
        "accepted_time_diff": CLOCK_SKEW,
        "signing_algorithm": xmldsig.SIG_RSA_SHA256,
        "digest_algorithm": xmldsig.DIGEST_SHA256,
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "name": f"LUS - {provider.municipality.name}",
                "endpoints": {
                    "assertion_consumer_service": [(urls["acs"], BINDING_HTTP_POST)],
                    "single_logout_service": [(urls["sls"], BINDING_HTTP_REDIRECT)],
                },
                "idp": [provider.saml_entity_id],
                "allow_unsolicited": False,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "authn_requests_signed": signing,
                "logout_requests_signed": signing,
                "logout_responses_signed": signing,
            }
        },
        "metadata": {"inline": [provider.saml_metadata_xml]} if provider.saml_metadata_xml else {},
    }
    if signing:
        config.update(
            key_file=str(key_file),
            cert_file=str(cert_file),
            encryption_keypairs=[{"key_file": str(key_file), "cert_file": str(cert_file)}],
        )
    sp = SPConfig()
    sp.load(config)
    return sp


def client_for(provider: IdentityProvider) -> Saml2Client:
    return Saml2Client(config=sp_config(provider))


def sp_metadata(provider: IdentityProvider) -> str:
    """The SP metadata, advertising (alg:SigningMethod/DigestMethod) only the algorithms LUS
    accepts — pysaml2 lists everything xmlsec1 knows, MD5 and DSA included."""
    descriptor = entity_descriptor(sp_config(provider))
    descriptor.valid_until = in_a_while(hours=24 * 7)
    if descriptor.extensions is not None:
        descriptor.extensions.extension_elements = [
            element
            for element in descriptor.extensions.extension_elements
            if element.tag not in ("DigestMethod", "SigningMethod")
            or element.attributes.get("Algorithm") in ACCEPTED_SIGNATURES | ACCEPTED_DIGESTS
        ]
    return str(descriptor)


def check_algorithms(xml: str | bytes) -> str:
    """Refuse a message signed with anything weaker than SHA-256 (MessageRefused); return
    its InResponseTo (which login it answers), "" when none."""
    try:
        root = ElementTree.fromstring(xml)
    except Exception as exc:  # defusedxml and expat raise several kinds
        raise MessageRefused(f"not XML: {exc!r}") from exc
    for element in root.iter(f"{DS}SignatureMethod"):
        if element.get("Algorithm") not in ACCEPTED_SIGNATURES:
            raise MessageRefused(f"signature algorithm {element.get('Algorithm')} refused")
    for element in root.iter(f"{DS}DigestMethod"):
        if element.get("Algorithm") not in ACCEPTED_DIGESTS:
            raise MessageRefused(f"digest algorithm {element.get('Algorithm')} refused")
    return root.get("InResponseTo") or ""


def verified_logout_request(client: Saml2Client, provider: IdentityProvider, query) -> object:
    """The IdP's LogoutRequest (HTTP-Redirect), only when signed (SHA-256 or better) by the
    municipality's own IdP: anyone can make a browser GET this address, and NameIDs can be
    guessed. Raises MessageRefused with the reason."""
    encoded = query.get("SAMLRequest", "")
    sigalg, signature = query.get("SigAlg"), query.get("Signature")
    if not (encoded and sigalg and signature):
        raise MessageRefused("unsigned LogoutRequest")
    if sigalg not in ACCEPTED_SIGNATURES:
        raise MessageRefused(f"signature algorithm {sigalg} refused")
    try:
        xml = client.unravel(encoded, BINDING_HTTP_REDIRECT, "LogoutRequest")
        message = logout_request_from_string(xml)
    except Exception as exc:  # broken base64/deflate/XML
        raise MessageRefused(f"unreadable LogoutRequest: {exc!r}") from exc
    issuer = (message.issuer.text or "").strip() if message and message.issuer else ""
    if issuer != provider.saml_entity_id:
        raise MessageRefused(f"LogoutRequest from {issuer!r}, not {provider.saml_entity_id!r}")
    signed = {"SAMLRequest": encoded, "SigAlg": sigalg, "Signature": signature}
    if "RelayState" in query:
        signed["RelayState"] = query["RelayState"]
    certs = client.metadata.certs(provider.saml_entity_id, "idpsso", "signing")
    try:
        valid = any(verify_redirect_signature(signed, RSACrypto(None), cert) for _n, cert in certs)
    except Exception as exc:  # malformed signature or key
        raise MessageRefused(f"LogoutRequest signature unreadable: {exc!r}") from exc
    if not valid:
        raise MessageRefused("LogoutRequest signature invalid")
    try:
        parsed = client.parse_logout_request(encoded, BINDING_HTTP_REDIRECT)
    except Exception as exc:  # destination, version, issue instant
        raise MessageRefused(f"LogoutRequest refused: {exc!r}") from exc
    if parsed is None:
        raise MessageRefused("LogoutRequest outside its time")
    return parsed


def metadata_problem(xml: str, entity_id: str) -> str | None:
    """A Danish message if the IdP metadata cannot be used, else None."""
    from saml2.attribute_converter import ac_factory

    store = InMemoryMetaData(ac_factory(), xml)
    try:
        store.parse(xml)
    except Exception:  # pysaml2 raises many kinds for broken XML
        return _("The metadata is not valid SAML metadata XML.")
    if entity_id and entity_id not in store.entity:
        return _("The metadata does not describe the entity ID “%s”.") % entity_id
    if entity_id and not store.entity.get(entity_id, {}).get("idpsso_descriptor"):
        return _("The metadata does not describe an identity provider (IDPSSODescriptor).")
    return None


@dataclass
class Assertion:
    """What LUS takes from a verified assertion."""

    name_id: str  # the NameID as XML, for single logout
    name_id_text: str
    session_index: str
    attributes: dict[str, list[str]]
    assertion_id: str
    issuer: str


def read_assertion(response) -> Assertion:
    """Attributes of a verified AuthnResponse, keyed by their Name *and* FriendlyName, so
    the admin may configure either (e.g. “mail” or “urn:oid:0.9.2342.19200300.100.1.3”)."""
    assertion = response.assertion
    attributes: dict[str, list[str]] = {}
    for statement in assertion.attribute_statement or []:
        for attribute in statement.attribute or []:
            values = [v.text.strip() for v in attribute.attribute_value or [] if v.text]
            for key in {attribute.name, attribute.friendly_name} - {None, ""}:
                attributes.setdefault(key, []).extend(values)
    session_index = ""
    for statement in assertion.authn_statement or []:
        session_index = statement.session_index or session_index
    name_id = assertion.subject.name_id if assertion.subject else None
    return Assertion(
        name_id=str(name_id) if name_id is not None else "",
        name_id_text=(name_id.text or "").strip() if name_id is not None else "",
        session_index=session_index or "",
        attributes=attributes,
        assertion_id=assertion.id or "",
        issuer=response.issuer() or "",
    )
