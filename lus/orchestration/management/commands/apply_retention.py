from django.core.management.base import BaseCommand

from lus.orchestration.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Delete conversation content of leaders who left more than their municipality's "
        "retention period ago. Dry run unless --apply. Idempotent; every deletion is logged "
        "and written to the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply", action="store_true", help="Really delete (default: dry run)."
        )

    def handle(self, *args, apply: bool = False, **options):
        result = apply_retention(apply=apply)
        for line in result.lines:
            self.stdout.write(line)
        mode = "Deleted" if apply else "Dry run: would delete"
        summary = ", ".join(f"{n} {label}" for label, n in result.deleted.items() if n) or "nothing"
        self.stdout.write(f"{mode} {summary} for {result.people} people.")
        if not apply and result.people:
            self.stdout.write("Run again with --apply to delete.")
