from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lus.accounts.services import PeopleImportError, people_import
from lus.tenants.models import Municipality


class Command(BaseCommand):
    help = "Importér personer og ledelseshierarki fra en CSV-fil (alt eller intet)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--municipality", required=True, help="Kommunens slug")
        parser.add_argument(
            "--dry-run", action="store_true", help="Vis ændringerne uden at gemme noget"
        )
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="Filen er hele kommunen: deaktivér aktive personer, der ikke er i den (fratrådte)",
        )

    def handle(
        self,
        *args,
        file: Path,
        municipality: str,
        dry_run: bool,
        deactivate_missing: bool,
        **options,
    ) -> None:
        try:
            target = Municipality.objects.get(slug=municipality)
        except Municipality.DoesNotExist as exc:
            raise CommandError(f"Ukendt kommune: {municipality}") from exc
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Kan ikke læse {file}: {exc.strerror}") from exc
        try:
            result = people_import(
                municipality=target,
                data=data,
                dry_run=dry_run,
                deactivate_missing=deactivate_missing,
            )
        except PeopleImportError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"Intet blev importeret: {len(exc.errors)} fejl i filen.") from exc
        diff = result.diff
        for email, name in diff.new:
            self.stdout.write(f"+ ny: {name} <{email}>")
        for email, name, old, new in diff.manager_changes:
            self.stdout.write(f"~ leder: {name} <{email}>: {old or '-'} -> {new or '-'}")
        for email, name in diff.leavers:
            self.stdout.write(f"- fratrådt (deaktiveres): {name} <{email}>")
        for email, name in diff.returning:
            self.stdout.write(f"+ aktiv igen: {name} <{email}>")
        prefix = "Prøvekørsel (intet gemt): " if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{result.created} oprettet, {result.updated} opdateret, "
                f"{result.deactivated} deaktiveret i {target.name}."
            )
        )
