import datetime

from django.core.management.base import BaseCommand

from lus.rounds.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Send today's LUS reminders (preparation due, leaders not invited, plan follow-ups). "
        "Run every morning by the periodic scheduler (run_scheduler); idempotent: a reminder "
        "is never sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Act as if today were this date (YYYY-MM-DD), for testing.",
        )

    def handle(self, *args, today=None, **options):
        sent = send_reminders(today=today)
        summary = ", ".join(f"{kind}: {n}" for kind, n in sorted(sent.items())) or "nothing"
        self.stdout.write(f"Reminders sent: {summary}")
