import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
# A subprocess sees the environment a fresh production shell would have.
STRIP = {
    "DATABASE_URL",
    "DEBUG",
    "EMAIL_URL",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def _clean_env(**extra):
    return {**{k: v for k, v in os.environ.items() if k not in STRIP}, **extra}


def _run(args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_clean_env(**env),
        capture_output=True,
        text=True,
        check=False,
    )


def test_defaults():
    assert settings.TIME_ZONE == "Europe/Copenhagen"
    assert settings.LANGUAGE_CODE == "da"
    assert settings.AUTH_USER_MODEL == "accounts.User"
    assert settings.USE_TZ


def test_sqlite_is_the_embedded_default():
    code = (
        "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='lus.settings';django.setup();"
        "from django.conf import settings as s;d=s.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], s.EMAIL_BACKEND, s.DEBUG)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out[0] == "django.db.backends.sqlite3"
    assert out[1] == str(ROOT / "db.sqlite3")
    assert out[2] == "django.core.mail.backends.console.EmailBackend"
    assert out[3] == "False"


def test_check_deploy_is_clean_with_production_settings():
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="lus.example.dk",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_flags_the_development_key():
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], DEBUG="False")
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


def test_the_bench_harness_is_not_part_of_production():
    code = (
        "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='lus.settings';django.setup();"
        "from django.conf import settings as s;from django.urls import resolve, Resolver404\n"
        "try:\n resolve('/bench/floor'); print('routed')\nexcept Resolver404: print('404')\n"
        "print('lus.bench' in s.INSTALLED_APPS)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["404", "False"]
