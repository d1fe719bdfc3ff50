from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lus.orchestration.demo import DEMO_PASSWORD, demo_load, demo_logins


class Command(BaseCommand):
    help = "Opret de fem demokommuner med demopersoner (kan køres flere gange)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Demodata med kendte adgangskoder oprettes kun med DEBUG=True "
                "(aldrig i produktion)."
            )
        municipalities = demo_load()
        self.stdout.write(self.style.SUCCESS(f"{len(municipalities)} kommuner er klar."))
        self.stdout.write(f"Demo-logins (adgangskode: {DEMO_PASSWORD}):")
        for username, role, name in demo_logins():
            self.stdout.write(f"  {username:<24} {role:<13} {name}")
        self.stdout.write(f"  {'admin':<24} {'platform':<13} alle kommuner")
