"""The people import's check and apply steps at national scale (``make bench``; never in
``make test``).

    python -m lus.bench.people_import                      # 2,500 / 10,000 / 50,000 rows
    python -m lus.bench.people_import --rows 2500 10000
    python -m lus.bench.people_import --rows 10000 50000 --cases apply,apply-reimport

Generates a CSV of leaders in a hierarchy (fan-out 8, a unit per 20 people, Danish names),
then times ``people_import(dry_run=True)`` — the check HR waits for after uploading — into an
empty municipality ("new") and into one where everyone already exists ("reimport"), and
``people_import()`` — applying the checked file, which writes — into an empty municipality
("apply": everyone created) and into one where everyone exists under other names ("apply-
reimport": everyone updated), in the configured database (``DATABASE_URL``; SQLite without
it). Nothing is kept (rolled back). Prints one line per size and, with ``--json``, the figures
for the bench report.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import time

SIZES = [2_500, 10_000, 50_000]
FIRST = ["Anne", "Søren", "Mette", "Jørgen", "Lise", "Bjørn", "Åse", "Niels", "Karen", "Ole"]
LAST = ["Hansen", "Jensen", "Nielsen", "Østergaard", "Mølgaard", "Lund", "Bæk", "Holm"]


def make_csv(rows: int, *, seed: int = 1) -> str:
    """``rows`` people: person 0 is the top, person i's leader is person (i - 1) // 8."""
    rnd = random.Random(seed)  # noqa: S311 (test data, not secrets)
    out = io.StringIO()
    out.write("email;name;job_title;org_unit;manager_email;birth_date;is_hr\n")
    order = list(range(rows))
    rnd.shuffle(order)  # a real file is sorted by name, not by hierarchy
    for i in order:
        manager = f"p{(i - 1) // 8:06d}@bench.example.dk" if i else ""
        name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
        out.write(
            f"p{i:06d}@bench.example.dk;{name};Leder;Enhed {i // 20:05d};{manager};"
            f"19{60 + i % 40}-0{1 + i % 9}-1{i % 10};{'ja' if i % 500 == 1 else 'nej'}\n"
        )
    return out.getvalue()


def _existing(municipality, rows: int) -> None:
    """Everyone of the file already in the municipality (a re-import), created in bulk."""
    from lus.accounts.models import User

    users = [
        User(
            municipality=municipality,
            username=f"p{i:06d}@bench.example.dk",
            email=f"p{i:06d}@bench.example.dk",
            name=f"Person {i}",
            password="!",
        )
        for i in range(rows)
    ]
    User.objects.bulk_create(users, batch_size=2000)
    by_email = {u.email: u for u in User.objects.filter(municipality=municipality)}
    for i in range(1, rows):
        by_email[f"p{i:06d}@bench.example.dk"].manager = by_email[
            f"p{(i - 1) // 8:06d}@bench.example.dk"
        ]
    User.objects.bulk_update(by_email.values(), ["manager"], batch_size=2000)


CASES = {
    # case: (everyone of the file already exists, dry run)
    "new": (False, True),
    "reimport": (True, True),
    "apply": (False, False),
    "apply-reimport": (True, False),
}


def time_check(
    text: str, *, rows: int, repeat: int, existing: bool, dry_run: bool = True
) -> list[tuple[float, float]]:
    """(wall, CPU) seconds per check (or apply); everything written here is rolled back. The
    CPU time of this process is reported too: on a shared, loaded machine it is the steadier
    figure (the database's own time is in the wall time only)."""
    from django.db import transaction

    from lus.accounts.services import people_import
    from lus.tenants.models import Municipality
    from lus.tenants.scoping import unscoped

    times = []
    with transaction.atomic():
        municipality = Municipality.objects.create(slug="bench-import", name="Bench-import Kommune")
        if existing:
            with unscoped("bench data"):
                _existing(municipality, rows)
        for _n in range(repeat):
            with transaction.atomic():
                started, cpu = time.perf_counter(), time.process_time()
                result = people_import(municipality=municipality, data=text, dry_run=dry_run)
                times.append((time.perf_counter() - started, time.process_time() - cpu))
                assert result.ok, result.errors[:3]
                if not dry_run:
                    assert result.created + result.updated == rows, result
                transaction.set_rollback(True)  # each apply starts from the same people
        transaction.set_rollback(True)
    return times


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=SIZES)
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (median reported)")
    parser.add_argument(
        "--cases",
        default="new,reimport",
        help="check: new (empty municipality), reimport (all exist); "
        "apply: apply (all created), apply-reimport (all updated)",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lus.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    figures = {}
    for rows in args.rows:
        text = make_csv(rows)
        figures[rows] = {"bytes": len(text.encode())}
        for case in args.cases.split(","):
            existing, dry_run = CASES[case]
            runs = time_check(
                text, rows=rows, repeat=args.repeat, existing=existing, dry_run=dry_run
            )
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            figures[rows][case] = {"wall": round(wall, 2), "cpu": round(cpu, 2)}
            print(
                f"people import {'check' if dry_run else 'apply'} ({case:14}): {rows:>6,} rows "
                f"({len(text.encode()) / 2**20:.1f} MiB) {wall:7.2f} s wall, {cpu:7.2f} s CPU",
                flush=True,
            )
    if args.json:
        json.dump(figures, sys.stdout)
    return figures


if __name__ == "__main__":
    main()
