import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lus.frameworks.services import framework_import


class Command(BaseCommand):
    help = (
        "Indlæs en spørgeramme fra en JSON-fil i den kommune, filen nævner "
        "(som ny kladde, eller publiceret med --publish)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Sti til JSON-filen (se docs/framework-format.md)")
        parser.add_argument(
            "--publish", action="store_true", help="Publicér versionen med det samme"
        )

    def handle(self, *args, file: str, publish: bool, **options) -> None:
        try:
            raw = Path(file).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Filen kan ikke læses: {exc}") from exc
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"Filen er ikke gyldig JSON (linje {exc.lineno}, kolonne {exc.colno}): {exc.msg}"
            ) from exc
        except RecursionError as exc:
            raise CommandError("Filen er indlejret for dybt til at være en spørgeramme.") from exc
        try:
            version = framework_import(data=data, publish=publish)
        except ValidationError as exc:
            raise CommandError(
                "Spørgerammen blev ikke indlæst:\n" + "\n".join(f"- {m}" for m in exc.messages)
            ) from exc
        state = "publiceret" if version.is_published else "kladde"
        self.stdout.write(
            self.style.SUCCESS(
                f"{version.municipality.name}: {version.framework.name} version "
                f"{version.number} ({state}) er oprettet."
            )
        )
