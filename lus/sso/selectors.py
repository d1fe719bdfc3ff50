"""Reads for municipal login."""

from __future__ import annotations

from lus.sso.models import IdentityProvider
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope, unscoped


def sso_providers_for_login_page() -> list[IdentityProvider]:
    """Enabled identity providers of every municipality, for the login page's choice. Which
    municipalities use SSO is public (the page lists them before anyone is logged in)."""
    with unscoped("login page: municipalities with their own login"):
        return list(
            IdentityProvider.objects.filter(enabled=True)
            .select_related("municipality")
            .order_by("municipality__name")
        )


def sso_provider(municipality: Municipality, *, protocol: str | None = None, enabled=True):
    """The municipality's identity provider (optionally of one protocol), or None."""
    with tenant_scope(municipality):
        qs = IdentityProvider.objects.select_related("municipality")
        if enabled:
            qs = qs.filter(enabled=True)
        if protocol:
            qs = qs.filter(protocol=protocol)
        return qs.first()


def password_login_allowed(municipality_id: int | None) -> bool:
    """Username and password work unless the municipality's enabled IdP turns them off."""
    if municipality_id is None:
        return True
    with tenant_scope(municipality_id):
        return not IdentityProvider.objects.filter(
            enabled=True, allow_password_login=False
        ).exists()
