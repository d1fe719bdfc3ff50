import json

from django.core.management.base import BaseCommand, CommandError

from lus.frameworks.services import framework_current_version, framework_export
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope


class Command(BaseCommand):
    help = "Skriv kommunens gældende (publicerede) spørgeramme som JSON på stdout."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug", help="Kommunens slug, fx haderslev")

    def handle(self, *args, slug: str, **options) -> None:
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            raise CommandError(f"Kommunen “{slug}” findes ikke.")
        with tenant_scope(municipality):
            version = framework_current_version(municipality=municipality)
            if version is None:
                raise CommandError(f"{municipality.name} har ingen publiceret spørgeramme.")
            data = framework_export(version=version)
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
