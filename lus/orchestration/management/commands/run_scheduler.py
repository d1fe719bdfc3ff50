import time

from django.core.management.base import BaseCommand, CommandParser

from lus.orchestration.schedule import schedule_due_jobs


class Command(BaseCommand):
    help = (
        "Sæt de faste opgaver (påmindelser, sletning efter opbevaringsperioden, SSO-metadata) i "
        "kø, når de er forfaldne. Sikker at køre på flere app-servere på én gang."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Kig én gang og stop")
        parser.add_argument("--interval", type=float, default=60.0, help="Sekunder mellem kig")

    def handle(self, *args, once: bool, interval: float, **options) -> None:
        while True:
            for name in schedule_due_jobs():
                self.stdout.write(f"I kø: {name}")
            if once:
                return
            time.sleep(interval)
