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

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.mdstore import InMemoryMetaData
from saml2.metadata import create_metadata_string
from saml2.sigver import get_xmlsec_binary

from lus.sso.models import IdentityProvider

logger = logging.getLogger("lus.sso")

#: Seconds of clock difference accepted between the IdP and LUS.
CLOCK_SKEW = 90


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
    xml = create_metadata_string(None, config=sp_config(provider), valid=24 * 7, sign=False)
    return xml.decode() if isinstance(xml, bytes) else xml


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
