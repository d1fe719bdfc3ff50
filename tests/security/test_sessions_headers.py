import time

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from lus.core.middleware import SessionTimeoutMiddleware


@pytest.mark.parametrize("url", ["login", "home", "admin:index"])
def test_strict_csp_and_headers_on_every_kind_of_page(client, hr, url):
    if url != "login":
        client.force_login(hr)
    response = client.get(reverse(url))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("url", ["home", "audit:my_log", "admin:index"])
def test_authenticated_pages_are_never_stored(client, hr, url):
    client.force_login(hr)
    response = client.get(reverse(url))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def _login(client, user, password="pw"):
    response = client.post(reverse("login"), {"username": user.username, "password": password})
    assert response.status_code == 302, response.content[:500]
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_logout_invalidates_the_session_server_side(leader):
    client = Client()
    stolen = _login(client, leader)
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = stolen
    response = thief.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _age_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_idle_timeout_logs_out(client, leader):
    client.force_login(leader)
    _age_session(client, **{SessionTimeoutMiddleware.SEEN_KEY: settings.SESSION_IDLE_TIMEOUT + 5})
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("home")).status_code == 302  # the session is gone, not resumed


def test_activity_within_idle_timeout_keeps_the_session(client, leader):
    client.force_login(leader)
    _age_session(client, **{SessionTimeoutMiddleware.SEEN_KEY: settings.SESSION_IDLE_TIMEOUT - 60})
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("home")).status_code == 200  # last-seen was refreshed


def test_absolute_timeout_even_when_active(client, leader):
    client.force_login(leader)
    _age_session(client, **{SessionTimeoutMiddleware.LOGIN_KEY: settings.SESSION_COOKIE_AGE + 5})
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_idle_timeout_is_configurable_and_defaults_to_an_hour():
    assert settings.SESSION_IDLE_TIMEOUT == 60 * 60
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60


def test_password_guessing_is_throttled_with_a_danish_page(client, leader):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login"), {"username": leader.username, "password": "x"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": leader.username, "password": "x"})
    assert response.status_code == 429
    assert "For mange mislykkede login-forsøg" in response.content.decode()
    # Locked: even the right password is refused now.
    response = client.post(reverse("login"), {"username": leader.username, "password": "pw"})
    assert response.status_code == 429
    # Another username from the same address is not locked out.
    other = Client()
    assert other.get(reverse("login")).status_code == 200


@pytest.mark.parametrize("password", ["12345678", "password", "kort", "qwertyuiop"])
def test_weak_passwords_are_refused(password, leader):
    with pytest.raises(ValidationError):
        validate_password(password, leader)


def test_production_cookies_are_secure_httponly_samesite():
    import subprocess
    import sys

    from tests.test_settings import ROOT, _clean_env

    code = (
        "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='lus.settings';django.setup();"
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SESSION_COOKIE_SAMESITE, s.SECURE_SSL_REDIRECT, s.SESSION_IDLE_TIMEOUT)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_clean_env(DEBUG="False", SESSION_IDLE_TIMEOUT_MINUTES="30"),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["True", "True", "True", "Lax", "True", "1800"]
