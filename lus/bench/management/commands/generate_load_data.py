"""``manage.py generate_load_data``: synthetic national-scale data for the benchmark.

    manage.py generate_load_data --municipalities 98 --leaders 25000 --years 5
    manage.py generate_load_data --small          # 5 municipalities, 300 leaders, 3 years

Meant for an empty, dedicated database (``make bench`` creates one). See lus/bench/generator.py.
"""

from django.core.management.base import BaseCommand, CommandError

from lus.bench.generator import Options, existing_bench_data, generate

SMALL = {"municipalities": 5, "leaders": 300, "years": 3}


class Command(BaseCommand):
    help = "Fill the database with synthetic LUS data at national scale (bulk inserts)."

    def add_arguments(self, parser):
        parser.add_argument("--municipalities", type=int, default=98)
        parser.add_argument("--leaders", type=int, default=25_000)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--part",
            default="1/1",
            help="Generate part i of n (e.g. 1/2 and 2/2 in two parallel processes).",
        )
        parser.add_argument(
            "--small",
            action="store_true",
            help="A quick data set: 5 municipalities, 300 leaders, 3 years.",
        )

    def handle(self, *args, **opts):
        sizes = SMALL if opts["small"] else opts
        m, n, y = sizes["municipalities"], sizes["leaders"], sizes["years"]
        if m < 1 or n < 3 * m or not 1 <= y <= 50:
            raise CommandError(
                "Need at least 1 municipality, 3 leaders per municipality and 1-50 years."
            )
        try:
            part, parts = (int(x) for x in opts["part"].split("/"))
        except ValueError:
            raise CommandError("--part is i/n, e.g. 1/2.") from None
        if not 1 <= part <= parts:
            raise CommandError("--part is i/n with 1 <= i <= n.")
        if parts == 1 and existing_bench_data():
            raise CommandError(
                "This database already holds generated data. Use a fresh database "
                "(filed records can never be deleted)."
            )
        result = generate(
            Options(
                municipalities=m,
                leaders=n,
                years=y,
                seed=opts["seed"],
                part=part - 1,
                parts=parts,
                progress=lambda msg: self.stdout.write(msg),
            )
        )
        for label, count in sorted(result["counts"].items()):
            self.stdout.write(f"  {label:32} {count:>12,}")
