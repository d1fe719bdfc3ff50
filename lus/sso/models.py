"""Per-municipality login configuration: the municipality's identity provider (SAML 2.0 or
OpenID Connect), how its people are matched, and whether passwords stay available."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lus.tenants.models import TenantOwned


class IdentityProvider(TenantOwned):
    """How the people of one municipality log in. At most one per municipality; a municipality
    without one logs in with username and password only."""

    class Protocol(models.TextChoices):
        SAML = "saml", _("SAML 2.0")
        OIDC = "oidc", _("OpenID Connect")

    class MatchOn(models.TextChoices):
        EMAIL = "email", _("e-mail")
        USERNAME = "username", _("username")

    protocol = models.CharField(_("protocol"), max_length=10, choices=Protocol.choices)
    display_name = models.CharField(
        _("button text"),
        max_length=100,
        blank=True,
        help_text=_("E.g. 'Log ind med Haderslev Kommunes login'. Empty: the municipality's name."),
    )
    enabled = models.BooleanField(
        _("enabled"),
        default=True,
        help_text=_("When off, the municipality is not offered SSO on the login page."),
    )
    allow_password_login = models.BooleanField(
        _("username and password allowed"),
        default=False,
        help_text=_("Keep this on for demo and test municipalities only."),
    )
    auto_create_users = models.BooleanField(
        _("create unknown people"),
        default=False,
        help_text=_(
            "When on, a person the identity provider vouches for but who is not in LUS is "
            "created (without leader) on first login. When off, they are refused."
        ),
    )
    # Matching: which attribute/claim identifies the person, and which field it is matched on.
    match_on = models.CharField(
        _("match people on"), max_length=10, choices=MatchOn.choices, default=MatchOn.EMAIL
    )
    uid_attribute = models.CharField(
        _("identifying attribute/claim"),
        max_length=255,
        blank=True,
        help_text=_(
            "SAML attribute name or OIDC claim holding the e-mail/username. Empty: the SAML "
            "NameID, or the OIDC claim “email”."
        ),
    )
    email_attribute = models.CharField(
        _("e-mail attribute/claim"),
        max_length=255,
        blank=True,
        help_text=_("Used when creating people. Empty: the identifying attribute."),
    )
    name_attribute = models.CharField(
        _("name attribute/claim"),
        max_length=255,
        blank=True,
        help_text=_("E.g. “displayName” or “name”. Used when creating people."),
    )
    tenant_attribute = models.CharField(
        _("municipality attribute/claim"),
        max_length=255,
        blank=True,
        help_text=_(
            "When the identity provider serves several municipalities (KOMBIT's Context "
            "Handler, a multi-tenant Entra ID app): the attribute that names the municipality, "
            "e.g. the CVR number attribute or the claim “tid”."
        ),
    )
    tenant_value = models.CharField(
        _("required value"),
        max_length=255,
        blank=True,
        help_text=_("The municipality's value of that attribute (e.g. its CVR number)."),
    )
    bind_subject = models.BooleanField(
        _("remember the person's subject at first login"),
        default=False,
        help_text=_(
            "OpenID Connect: at a person's first login (with a verified e-mail) LUS records the "
            "identity provider's “sub”; later logins match on it, and another account with "
            "the same e-mail is refused. Logins whose e-mail the identity provider does not "
            "mark as verified are accepted only for a recorded subject."
        ),
    )
    # SAML 2.0
    saml_entity_id = models.CharField(
        _("IdP entity ID"), max_length=500, blank=True, help_text=_("From the IdP's metadata.")
    )
    saml_metadata_url = models.URLField(
        _("IdP metadata URL"),
        max_length=500,
        blank=True,
        help_text=_("Fetched by the admin action or `manage.py sso_refresh_metadata`."),
    )
    saml_metadata_xml = models.TextField(
        _("IdP metadata (XML)"),
        blank=True,
        help_text=_("Paste the metadata, or fill in the URL and fetch it."),
    )
    # OpenID Connect
    oidc_issuer = models.URLField(_("issuer"), max_length=500, blank=True)
    oidc_client_id = models.CharField(_("client ID"), max_length=255, blank=True)
    oidc_client_secret = models.CharField(_("client secret"), max_length=500, blank=True)
    oidc_authorization_endpoint = models.URLField(
        _("authorization endpoint"), max_length=500, blank=True
    )
    oidc_token_endpoint = models.URLField(_("token endpoint"), max_length=500, blank=True)
    oidc_jwks_uri = models.URLField(_("JWKS URI"), max_length=500, blank=True)
    oidc_userinfo_endpoint = models.URLField(
        _("userinfo endpoint"),
        max_length=500,
        blank=True,
        help_text=_(
            "Filled from the discovery document. Its claims complete the ID token's (many "
            "identity providers give the e-mail only here). Empty: the ID token's claims only."
        ),
    )
    oidc_end_session_endpoint = models.URLField(
        _("end session endpoint"), max_length=500, blank=True
    )
    oidc_scopes = models.CharField(
        _("scopes"), max_length=255, default="openid email profile", blank=True
    )

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        constraints = [
            models.UniqueConstraint(fields=["municipality"], name="sso_one_idp_per_municipality")
        ]

    def __str__(self) -> str:
        return f"{self.get_protocol_display()}: {self.municipality}"

    @property
    def label(self) -> str:
        return self.display_name or str(self.municipality)

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.protocol == self.Protocol.SAML:
            if not self.saml_entity_id:
                errors["saml_entity_id"] = _("The IdP's entity ID is required for SAML.")
            if not (self.saml_metadata_xml or self.saml_metadata_url):
                errors["saml_metadata_xml"] = _("Paste the IdP's metadata or give its URL.")
            if self.saml_metadata_xml:
                from lus.sso.saml import metadata_problem

                problem = metadata_problem(self.saml_metadata_xml, self.saml_entity_id)
                if problem:
                    errors["saml_metadata_xml"] = problem
        elif self.protocol == self.Protocol.OIDC:
            for name in ("oidc_issuer", "oidc_client_id"):
                if not getattr(self, name):
                    errors[name] = _("Required for OpenID Connect.")
            if "openid" not in self.oidc_scopes.split():
                errors["oidc_scopes"] = _("The scopes must include “openid”.")
        if bool(self.tenant_attribute) != bool(self.tenant_value):
            errors["tenant_value"] = _("Give both the attribute and its value, or neither.")
        if errors:
            raise ValidationError(errors)

    @property
    def oidc_endpoints_known(self) -> bool:
        return bool(
            self.oidc_authorization_endpoint and self.oidc_token_endpoint and self.oidc_jwks_uri
        )


class SubjectBinding(TenantOwned):
    """The identity provider's subject (OIDC ``sub``) of a person, recorded at their first
    login where the municipality chose to (``IdentityProvider.bind_subject``). Deleting it
    (admin) lets the person's next login bind again."""

    provider = models.ForeignKey(
        IdentityProvider,
        on_delete=models.CASCADE,
        related_name="subject_bindings",
        verbose_name=_("identity provider"),
    )
    person = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    subject = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("recorded subject")
        verbose_name_plural = _("recorded subjects")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="sso_one_person_per_sub"),
            models.UniqueConstraint(fields=["provider", "person"], name="sso_one_sub_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} = {self.subject}"

    def clean(self) -> None:
        if self.provider_id and self.provider.municipality_id != self.municipality_id:
            raise ValidationError({"provider": _("The identity provider of another municipality.")})
        if self.person_id and self.person.municipality_id != self.municipality_id:
            raise ValidationError({"person": _("A person of another municipality.")})
