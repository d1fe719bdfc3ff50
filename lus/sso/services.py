"""Side effects of municipal login: matching an identity the IdP vouched for to a person of
the municipality, creating one when the municipality allows it, and fetching IdP metadata."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import requests
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from lus.accounts.models import User
from lus.audit.services import audit_record
from lus.sso.models import IdentityProvider, SubjectBinding
from lus.tenants.scoping import tenant_scope, unscoped

logger = logging.getLogger("lus.sso")
HTTP_TIMEOUT = 10


@dataclass
class Identity:
    """An identity vouched for by a municipality's IdP (SAML attributes or OIDC claims)."""

    attributes: dict[str, list[str]] = field(default_factory=dict)
    default_uid: str = ""  # the SAML NameID, or the OIDC "email" claim

    def first(self, name: str) -> str:
        values = self.attributes.get(name) or []
        return str(values[0]).strip() if values else ""


class SSORefused(Exception):
    """Login refused; ``reason`` selects the Danish explanation on the refusal page."""

    def __init__(self, reason: str, log_detail: str = ""):
        self.reason = reason
        super().__init__(f"{reason}: {log_detail}" if log_detail else reason)


def _lookup(provider: IdentityProvider, value: str) -> dict:
    if provider.match_on == IdentityProvider.MatchOn.USERNAME:
        return {"username": value}
    return {"email__iexact": value}


def sso_find_person(
    *,
    provider: IdentityProvider,
    identity: Identity,
    subject: str = "",
    email_verified: bool | None = None,
) -> User:
    """The active person of the provider's municipality the identity belongs to.

    ``subject`` is the OIDC ``sub``; ``email_verified`` is given when the identifier is an
    OIDC e-mail claim (None: not applicable, e.g. SAML, whose IdP vouches for its attributes).
    An unverified e-mail matches nobody: only a subject recorded earlier does.

    Raises SSORefused("other_municipality" | "unknown" | "inactive" | "no_identifier" |
    "unverified" | "other_subject").
    """
    municipality = provider.municipality
    if provider.tenant_attribute:
        values = [str(v).strip() for v in identity.attributes.get(provider.tenant_attribute, [])]
        if provider.tenant_value not in values:
            raise SSORefused("other_municipality", f"{provider.tenant_attribute}={values}")
    binding = _binding(provider, subject=subject) if subject else None
    if binding is not None:
        if not binding.person.is_active:
            raise SSORefused("inactive", f"sub={subject}")
        return binding.person
    value = identity.first(provider.uid_attribute) if provider.uid_attribute else ""
    value = value or ("" if provider.uid_attribute else identity.default_uid.strip())
    if not value:
        raise SSORefused("no_identifier", f"no {provider.uid_attribute or 'default'} value")
    if email_verified is False:
        raise SSORefused("unverified", f"{value} not verified (sub={subject})")
    with tenant_scope(municipality):
        person = (
            User.objects.select_related("municipality").filter(**_lookup(provider, value)).first()
        )
    if person is not None:
        if not person.is_active:
            raise SSORefused("inactive", value)
        _bind(provider=provider, person=person, subject=subject)
        return person
    with unscoped("sso: is a refused identity a person of another municipality"):
        elsewhere = (
            User.objects.filter(**_lookup(provider, value))
            .exclude(municipality=municipality)
            .exists()
        )
    if elsewhere:
        raise SSORefused("other_municipality", value)
    if not provider.auto_create_users:
        raise SSORefused("unknown", value)
    person = _person_create(provider=provider, identity=identity, value=value)
    _bind(provider=provider, person=person, subject=subject)
    return person


def _binding(provider: IdentityProvider, *, subject: str) -> SubjectBinding | None:
    if provider.protocol != IdentityProvider.Protocol.OIDC:
        return None
    with tenant_scope(provider.municipality):
        return (
            SubjectBinding.objects.select_related("person__municipality")
            .filter(provider=provider, subject=subject)
            .first()
        )


def _bind(*, provider: IdentityProvider, person: User, subject: str) -> None:
    """Record the subject of a person's first login, where the municipality chose so; a
    person already bound to another subject is refused (someone else uses their e-mail)."""
    if not (subject and provider.bind_subject):
        return
    with tenant_scope(provider.municipality), transaction.atomic():
        bound = SubjectBinding.objects.filter(provider=provider, person=person).first()
        if bound is not None:
            if bound.subject != subject:
                raise SSORefused("other_subject", f"{person.username}: sub {subject}")
            return
        binding = SubjectBinding(
            municipality=provider.municipality, provider=provider, person=person, subject=subject
        )
        binding.full_clean()
        binding.save()
        audit_record(
            actor=person,
            action="sso_bind_subject",
            target=person,
            subject=person,
            detail=_("The identity provider's subject was recorded at the first login."),
        )


def _person_create(*, provider: IdentityProvider, identity: Identity, value: str) -> User:
    municipality = provider.municipality
    email = identity.first(provider.email_attribute) if provider.email_attribute else ""
    if not email and provider.match_on == IdentityProvider.MatchOn.EMAIL:
        email = value
    email = email.lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise SSORefused("no_identifier", f"no usable e-mail: {email!r}") from exc
    username = value if provider.match_on == IdentityProvider.MatchOn.USERNAME else email
    name = identity.first(provider.name_attribute) if provider.name_attribute else ""
    with unscoped("sso: usernames are unique across municipalities"):
        if User.objects.filter(username=username).exists():
            raise SSORefused("other_municipality", username)
    with tenant_scope(municipality), transaction.atomic():
        person = User(
            municipality=municipality,
            username=username[:150],
            email=email,
            name=(name or email)[:200],
        )
        person.set_unusable_password()
        person.full_clean(exclude=["password"])
        person.save()
        audit_record(
            actor=person,
            action="sso_create_person",
            target=person,
            subject=person,
            detail=_("Created at first login through the municipality's identity provider."),
        )
    logger.info("sso: created %s in %s", person.username, municipality.slug)
    return person


def saml_metadata_refresh(*, provider: IdentityProvider) -> IdentityProvider:
    """Fetch the IdP metadata from its URL and store it (an admin action; daily by the periodic
    scheduler)."""
    from lus.sso.saml import metadata_problem

    if not provider.saml_metadata_url:
        raise ValidationError({"saml_metadata_url": _("The IdP metadata URL is missing.")})
    try:
        response = requests.get(provider.saml_metadata_url, timeout=HTTP_TIMEOUT)
        response.raise_for_status()
    except requests.RequestException as exc:
        raise ValidationError(
            {"saml_metadata_url": _("The metadata could not be fetched: %s") % exc}
        ) from exc
    xml = response.text
    problem = metadata_problem(xml, provider.saml_entity_id)
    if problem:
        raise ValidationError({"saml_metadata_url": problem})
    provider.saml_metadata_xml = xml
    with tenant_scope(provider.municipality):
        provider.save(update_fields=["saml_metadata_xml"])
    return provider


def oidc_discover(*, provider: IdentityProvider) -> IdentityProvider:
    """Fill the OIDC endpoints from the issuer's discovery document."""
    url = provider.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ValidationError(
            {"oidc_issuer": _("The discovery document could not be fetched: %s") % exc}
        ) from exc
    if not isinstance(document, dict) or document.get("issuer") != provider.oidc_issuer:
        raise ValidationError({"oidc_issuer": _("The discovery document names another issuer.")})
    provider.oidc_authorization_endpoint = document.get("authorization_endpoint", "")
    provider.oidc_token_endpoint = document.get("token_endpoint", "")
    provider.oidc_jwks_uri = document.get("jwks_uri", "")
    provider.oidc_userinfo_endpoint = document.get("userinfo_endpoint", "")
    provider.oidc_end_session_endpoint = document.get("end_session_endpoint", "")
    with tenant_scope(provider.municipality):
        provider.save(
            update_fields=[
                "oidc_authorization_endpoint",
                "oidc_token_endpoint",
                "oidc_jwks_uri",
                "oidc_userinfo_endpoint",
                "oidc_end_session_endpoint",
            ]
        )
    return provider
