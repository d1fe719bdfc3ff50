"""``manage.py bench_prepare --out FILE``: inside the bench database, pick the load-test
targets of every key page (with logged-in sessions of leaders, leaders' leaders and HR),
measure SQL queries per request with the test client, and time PDF rendering. Writes JSON
for ``lus.bench.runner``. Runs with ``DJANGO_SETTINGS_MODULE=lus.bench.settings``."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lus.bench.generator import existing_bench_data
from lus.bench.targets import (
    as_dict,
    build,
    cpu_cost,
    measure_queries,
    pdf_times,
    profile,
)


class Command(BaseCommand):
    help = "Prepare load-test targets and measure queries per request and PDF render time."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True)
        parser.add_argument("--targets", type=int, default=64)
        parser.add_argument("--pdf-runs", type=int, default=10)

    def handle(self, *args, **opts):
        if settings.ROOT_URLCONF != "lus.bench.urls_root":
            raise CommandError(
                "Run with DJANGO_SETTINGS_MODULE=lus.bench.settings (the floor URL)."
            )
        if not existing_bench_data():
            raise CommandError("No generated data: run generate_load_data first.")
        endpoints = build(opts["targets"])
        for ep in endpoints:
            if not ep.targets:
                self.stderr.write(f"  {ep.key}: no targets in the data")
                continue
            measure_queries(ep)
            profile(ep)
            cpu_cost(ep)
            self.stdout.write(
                f"  {ep.key:18} {len(ep.targets):3} targets, queries {ep.queries}, "
                f"status {ep.statuses}, profile "
                + ", ".join(f"{k} {v:.0%}" for k, v in ep.profile.items())
                + f", CPU {ep.cpu['app_ms']:.2f} + {ep.cpu['db_ms']:.2f} ms ({ep.cpu['status']})"
            )
        result = {"endpoints": [as_dict(ep) for ep in endpoints]}
        if opts["pdf_runs"]:
            result["pdf"] = pdf_times(opts["pdf_runs"])
            self.stdout.write(f"  pdf: {result['pdf']}")
        with open(opts["out"], "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=1)
