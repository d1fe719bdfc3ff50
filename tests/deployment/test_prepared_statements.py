"""On PostgreSQL a query is planned once per connection, not on every execution (prepared
statements, docs/deployment.md); a deployment behind an old connection pooler can turn that
off."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from lus.core.postgresql.base import PREPARED_MAX
from lus.tenants.models import Municipality

BASE = Path(__file__).resolve().parents[2]
CODE = (
    "import django,json,os;os.environ['DJANGO_SETTINGS_MODULE']='lus.settings';django.setup();"
    "from django.conf import settings as s;print(json.dumps(s.DATABASES['default']['OPTIONS']))"
)


def _options(**extra) -> dict:
    strip = {"DJANGO_SETTINGS_MODULE", "DB_PREPARED_STATEMENTS"}
    env = {
        **{k: v for k, v in os.environ.items() if k not in strip},
        "DATABASE_URL": "postgres://lus@db.internal:5432/lus",
        **extra,
    }
    out = subprocess.run(
        [sys.executable, "-c", CODE], cwd=BASE, env=env, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)


def test_prepared_statements_are_on_by_default():
    options = _options()
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 2


def test_prepared_statements_can_be_turned_off_for_an_old_pooler():
    options = _options(DB_PREPARED_STATEMENTS="False")
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepared statements")
def test_a_repeated_query_is_planned_once_on_the_connection():
    Municipality.objects.create(name="Prøvekommune", slug="proevekommune")
    for _ in range(4):
        assert Municipality.objects.filter(slug="proevekommune").count() == 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%tenants_municipality%slug%"],
        )
        (prepared,) = cursor.fetchone()
    assert prepared == 1
    # Room for every key page's statements without planning the least recent ones again.
    assert connection.connection.prepared_max == PREPARED_MAX
