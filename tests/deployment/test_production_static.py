"""The production settings of docs/deployment.md serve pages: `collectstatic` with the manifest
storage succeeds (every vendored asset ships whole, source maps included), and gunicorn with
DEBUG off renders pages whose static URLs are the hashed, compressed files WhiteNoise serves.

Runs on SQLite in a temporary directory, so it needs no PostgreSQL. The worker class is a
parameter: an ASGI deployment (uvicorn workers) adds its class to ``WORKER_CLASSES``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from lus.bench.runner import free_port

BASE = Path(__file__).resolve().parents[2]
MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"
STRIP = {
    "DATABASE_URL",
    "DEBUG",
    "DJANGO_SETTINGS_MODULE",
    "CACHE_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "MIGRATE_DATABASE_URL",
    "LUS_DB_APP_ROLE",
    "ARCHIVE_S3_BUCKET",
}
# Production runs ASGI (uvicorn workers, docs/deployment.md); the sync worker stays covered.
WORKER_CLASSES = ["uvicorn_worker.UvicornWorker", "sync"]
APPLICATION = {"sync": "lus.wsgi:application"}

pytestmark = pytest.mark.deployment


def _run(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, *args], cwd=BASE, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """A production environment (docs/deployment.md) on a throwaway SQLite database, with
    `collectstatic` already run into its own STATIC_ROOT."""
    tmp = tmp_path_factory.mktemp("production")
    env = {k: v for k, v in os.environ.items() if k not in STRIP}
    env.update(
        DJANGO_SETTINGS_MODULE="lus.settings",
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        STATICFILES_BACKEND=MANIFEST,
        STATIC_ROOT=str(tmp / "static"),
        # Production serves what collectstatic wrote, not the source tree.
        WHITENOISE_USE_FINDERS="False",
        ARCHIVE_ROOT=str(tmp / "archive"),
        LOG_LEVEL="WARNING",
        PYTHONWARNINGS="ignore",
    )
    _run(env, "manage.py", "collectstatic", "--noinput", "-v0")
    _run(env, "manage.py", "migrate", "--noinput", "-v0")
    seed = json.loads(
        _run({**env, "DJANGO_SETTINGS_MODULE": "lus.settings_test"}, "-m", "tests.deployment.seed")
        .strip()
        .splitlines()[-1]
    )
    return env, tmp, seed


def test_collectstatic_with_the_manifest_storage_keeps_every_asset(production):
    _, tmp, _ = production
    manifest = json.loads((tmp / "static" / "staticfiles.json").read_text())["paths"]
    for name in [
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "vendor/bootstrap/bootstrap.bundle.min.js.map",
        "css/lus.css",
    ]:
        assert name in manifest, name
        assert (tmp / "static" / manifest[name]).is_file()
        assert (tmp / "static" / (manifest[name] + ".gz")).is_file()  # compressed too


@contextlib.contextmanager
def _gunicorn(env: dict, worker_class: str):
    port = free_port()
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            APPLICATION.get(worker_class, "lus.asgi:application"),
            "--workers=1",
            f"--worker-class={worker_class}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            "--timeout=60",
        ],
        cwd=BASE,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, f"gunicorn exited with {proc.returncode}"
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                    break
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.parametrize("worker_class", WORKER_CLASSES)
def test_gunicorn_with_debug_off_renders_pages_and_their_hashed_assets(production, worker_class):
    env, _, seed = production
    with _gunicorn(env, worker_class) as url:
        # Through the (simulated) TLS proxy; the cookies are Secure, so they are sent by hand.
        proxy = {"X-Forwarded-Proto": "https"}
        jar: dict = {}

        def get(path: str) -> requests.Response:
            r = requests.get(
                url + path, headers=proxy, cookies=jar, allow_redirects=False, timeout=30
            )
            jar.update(r.cookies.get_dict())
            return r

        login = get("/login/")
        assert login.status_code == 200, login.text[:2000]
        assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', login.text)
        assert any(re.search(r"bootstrap\.min\.[0-9a-f]{12}\.css$", a) for a in assets), assets
        for asset in assets:
            r = get(asset)
            assert r.status_code == 200, asset
            # Hashed names are immutable: cached for a long time.
            assert "max-age=315360000" in r.headers["Cache-Control"], asset
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        response = requests.post(
            url + "/login/",
            headers={**proxy, "Referer": url.replace("http:", "https:") + "/login/"},
            cookies=jar,
            data={
                "username": seed["username"],
                "password": seed["password"],
                "csrfmiddlewaretoken": token,
            },
            allow_redirects=False,
            timeout=30,
        )
        assert response.status_code == 302, response.text[:2000]
        jar.update(response.cookies.get_dict())
        home = get("/")
        assert home.status_code == 200, home.text[:2000]
        assert "bootstrap.bundle.min." in home.text
        conversation = get(f"/lus/{seed['held']}/plan/")
        assert conversation.status_code == 200, conversation.text[:2000]
        # An unknown page is the styled 404, not a 500 from a missing manifest entry.
        assert get("/findes-ikke/").status_code == 404
