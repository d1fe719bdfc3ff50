from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from lus.sso.models import IdentityProvider
from lus.sso.services import saml_metadata_refresh
from lus.tenants.scoping import unscoped


class Command(BaseCommand):
    help = (
        "Hent IdP-metadata igen for alle kommuner med SAML og en metadata-URL "
        "(køres dagligt af run_scheduler)."
    )

    def handle(self, *args, **options) -> None:
        with unscoped("sso_refresh_metadata: every municipality's IdP metadata"):
            providers = list(
                IdentityProvider.objects.filter(protocol="saml")
                .exclude(saml_metadata_url="")
                .select_related("municipality")
            )
        failed = 0
        for provider in providers:
            try:
                saml_metadata_refresh(provider=provider)
            except ValidationError as exc:
                failed += 1
                self.stderr.write(f"{provider.municipality.slug}: {'; '.join(exc.messages)}")
            else:
                self.stdout.write(f"{provider.municipality.slug}: metadata opdateret")
        if failed:
            raise SystemExit(1)
