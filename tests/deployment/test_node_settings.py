"""Production settings keep no state in one process: sessions and the cache are shared by every
node, and the archive can move to S3-compatible object storage (docs/deployment.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BASE = Path(__file__).resolve().parents[2]
STRIP = {"DATABASE_URL", "DEBUG", "DJANGO_SETTINGS_MODULE", "CACHE_URL", "ARCHIVE_S3_BUCKET"}
CODE = (
    "import django,json,os;os.environ['DJANGO_SETTINGS_MODULE']='lus.settings';django.setup();"
    "from django.conf import settings as s;"
    "print(json.dumps({'caches': s.CACHES, 'session': s.SESSION_ENGINE, "
    "'archive': s.STORAGES['archive']}))"
)


def _settings(**extra) -> dict:
    env = {**{k: v for k, v in os.environ.items() if k not in STRIP}, **extra}
    out = subprocess.run(
        [sys.executable, "-c", CODE], cwd=BASE, env=env, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)


def test_sessions_and_cache_are_shared_by_default():
    s = _settings()
    assert s["session"] == "lus.accounts.sessions"  # database rows
    assert s["caches"]["default"] == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "lus_cache",
    }
    # Only immutable data (published framework structure) is cached per process.
    assert s["caches"]["local"]["BACKEND"].endswith("LocMemCache")
    assert s["archive"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_cache_url_and_s3_archive_from_the_environment():
    s = _settings(
        CACHE_URL="redis://cache.internal:6379/1",
        ARCHIVE_S3_BUCKET="lus-arkiv",
        ARCHIVE_S3_ENDPOINT_URL="https://s3.example.dk",
    )
    assert s["caches"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert s["archive"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = s["archive"]["OPTIONS"]
    assert options["bucket_name"] == "lus-arkiv"
    assert options["endpoint_url"] == "https://s3.example.dk"
    assert options["location"] == "archive" and options["file_overwrite"] is False
