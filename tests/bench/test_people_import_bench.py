"""The people-import benchmark's parts (the timing itself runs in make bench only)."""

import pytest

from lus.accounts.services import people_import
from lus.bench.people_import import make_csv, time_check
from lus.bench.runner import people_import_report


def test_the_generated_file_is_a_valid_import(haderslev):
    text = make_csv(60)
    assert text.count("\n") == 61
    result = people_import(municipality=haderslev, data=text, dry_run=True)
    assert result.ok and result.created == 60


@pytest.mark.django_db
def test_time_check_runs_both_cases_and_keeps_nothing():
    from lus.tenants.models import Municipality

    for existing in (False, True):
        ((wall, cpu),) = time_check(make_csv(40), rows=40, repeat=1, existing=existing)
        assert wall >= 0 and cpu >= 0
    assert not Municipality.objects.filter(slug="bench-import").exists()


@pytest.mark.django_db
def test_time_apply_runs_both_cases_and_keeps_nothing():
    from lus.accounts.models import User
    from lus.tenants.models import Municipality
    from lus.tenants.scoping import unscoped

    for existing in (False, True):
        ((wall, cpu),) = time_check(
            make_csv(40), rows=40, repeat=1, existing=existing, dry_run=False
        )
        assert wall >= 0 and cpu >= 0
    assert not Municipality.objects.filter(slug="bench-import").exists()
    with unscoped("test"):
        assert not User.objects.filter(email__endswith="@bench.example.dk").exists()


def test_report_block():
    text = people_import_report(
        {"50000": {"bytes": 4_800_000, "new": {"wall": 9.9, "cpu": 1.8}, "reimport": {}}}
    )
    assert "| 50,000 | 4.6 MiB | 9.9 s | 1.8 s | - s | - s |" in text
    assert "under 30 s: met" in text
    text = people_import_report(
        {"10000": {"bytes": 1, "apply": {"wall": 2.5, "cpu": 1.0}, "apply-reimport": {}}}
    )
    assert "### People import (apply step)" in text
    assert "| 10,000 | 2.5 s | 1.0 s | - s | - s |" in text
