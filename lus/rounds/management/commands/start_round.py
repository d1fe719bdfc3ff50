import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lus.accounts.models import OrgUnit
from lus.rounds.services import round_create, round_start
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope


class Command(BaseCommand):
    help = (
        "Start (or complete) a municipality's LUS round for a year: one conversation per leader "
        "with their leader's leader. Idempotent: running it again only adds leaders added later. "
        "People without a leader's leader are listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The municipality's slug, e.g. haderslev.")
        parser.add_argument("year", type=int)
        parser.add_argument(
            "--deadline", required=True, type=datetime.date.fromisoformat, help="YYYY-MM-DD"
        )
        parser.add_argument(
            "--unit",
            action="append",
            default=[],
            help="Only this organisational unit (and its sub-units); may be repeated.",
        )
        parser.add_argument(
            "--invite-reminder-days", type=int, default=None, help="Days before the deadline."
        )

    def handle(self, slug, year, deadline, unit, invite_reminder_days, **options):
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            raise CommandError(f"No municipality with the slug {slug!r}.")
        with tenant_scope(municipality):
            units = []
            for name in unit:
                found = OrgUnit.objects.filter(name=name).first()
                if found is None:
                    raise CommandError(f"No organisational unit {name!r} in {municipality}.")
                units.append(found)
            try:
                lus_round = round_create(
                    municipality=municipality,
                    year=year,
                    deadline=deadline,
                    org_units=units,
                    invite_reminder_days=invite_reminder_days,
                )
                result = round_start(lus_round=lus_round)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            self.stdout.write(result.summary())
            for person in result.without_manager:
                self.stdout.write(f"  no leader's leader: {person.name} ({person.username})")
            for conversation in result.other_leaders_leader:
                self.stdout.write(
                    f"  already has a LUS with another leader's leader: {conversation.leader}"
                )
