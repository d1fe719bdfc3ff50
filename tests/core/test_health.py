"""Liveness (/healthz) and readiness (/readyz) for the load balancer (docs/deployment.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection

BASE = Path(__file__).resolve().parents[2]


def _database_gone():
    return mock.patch.object(
        connection, "ensure_connection", side_effect=OperationalError("connection refused")
    )


def test_liveness_answers_without_the_database(client, db):
    with _database_gone():
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_ready_when_database_and_archive_work(client, db, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "archive": {**settings.STORAGES["archive"], "OPTIONS": {"location": str(tmp_path)}},
    }
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.content.decode() == "database: ok\narchive: ok\n"
    assert "no-cache" in response["Cache-Control"]
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]  # the probe is gone again


def test_not_ready_when_the_database_is_gone(client, db, caplog):
    with _database_gone():
        response = client.get("/readyz")
    assert response.status_code == 503
    assert "database: unavailable" in response.content.decode()
    # The reason is logged, never shown (it may name hosts).
    assert "connection refused" not in response.content.decode()
    assert "database is not reachable" in caplog.text


def test_not_ready_when_the_archive_is_not_writable(client, db, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    settings.STORAGES = {
        **settings.STORAGES,
        "archive": {**settings.STORAGES["archive"], "OPTIONS": {"location": str(blocker)}},
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content.decode() == "database: ok\narchive: unavailable\n"


def test_readyz_fails_fast_when_postgresql_does_not_answer(tmp_path):
    """A PostgreSQL host that never answers: 503, bounded by the configured connect timeout (not
    by the operating system's TCP timeout of minutes). How fast is the bench's business; here the
    setting that bounds it is asserted."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="lus.settings",
        # TEST-NET-1 (RFC 5737): never routed, so the connection attempt times out or fails.
        DATABASE_URL="postgres://lus@192.0.2.1:5432/lus",
        DB_CONNECT_TIMEOUT="2",
        ARCHIVE_ROOT=str(tmp_path),
        LOG_LEVEL="CRITICAL",
    )
    code = (
        "import django;django.setup();from django.test import Client;"
        "r=Client().get('/readyz');print(r.status_code, r.content.decode().replace(chr(10),'|'));"
        "from django.db import connection as c;print(c.settings_dict['OPTIONS']['connect_timeout'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split("\n")[:2] == ["503 database: unavailable|archive: ok|", "2"]


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_are_not_redirected_to_https(client, db, settings, path):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(path).status_code == 200
    assert client.get("/login/").status_code == 301  # every other page is redirected
