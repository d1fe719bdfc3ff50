"""Sessions are read together with their user: one query identifies a logged-in request, and
the user is verified exactly as Django verifies it (password change, deactivation, logout)."""

from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext, override_settings

from lus.accounts.middleware import AuthenticationMiddleware
from lus.accounts.models import Session
from lus.tenants.scoping import unscoped


def _request_as(client, rf=None):
    """A request carrying the client's session cookie, through the session and auth
    middleware only."""
    from django.conf import settings
    from django.contrib.sessions.middleware import SessionMiddleware

    request = (rf or RequestFactory()).get("/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = client.cookies[
        settings.SESSION_COOKIE_NAME
    ].value
    SessionMiddleware(lambda r: None).process_request(request)
    AuthenticationMiddleware(lambda r: None).process_request(request)
    return request


def test_a_logged_in_request_is_identified_in_one_query(client, leader):
    client.force_login(leader)
    request = _request_as(client)
    with CaptureQueriesContext(connection) as queries:
        assert request.user == leader
        assert request.user.municipality.name  # joined, no extra query
    assert len(queries) == 1, [q["sql"] for q in queries]


def test_the_session_row_knows_its_user_and_logout_removes_it(client, leader):
    client.force_login(leader)
    key = client.session.session_key
    assert Session.objects.get(pk=key).user_id == leader.pk
    client.post("/logout/")
    assert not Session.objects.filter(pk=key).exists()


def test_a_password_change_elsewhere_logs_the_session_out(client, leader):
    client.force_login(leader)
    with unscoped("test"):
        leader.set_password("en helt ny adgangskode 42")
        leader.save()
    assert not _request_as(client).user.is_authenticated


def test_a_deactivated_person_is_anonymous(client, leader):
    client.force_login(leader)
    with unscoped("test"):
        leader.is_active = False
        leader.save()
    assert not _request_as(client).user.is_authenticated


def test_an_old_secret_still_verifies_through_djangos_fallback_path(client, leader):
    with override_settings(SECRET_KEY="gammel-" + "x" * 50):
        client.force_login(leader)
    with override_settings(
        SECRET_KEY="ny-" + "y" * 50, SECRET_KEY_FALLBACKS=["gammel-" + "x" * 50]
    ):
        request = _request_as(client)
        assert request.user == leader


def test_a_session_without_a_login_has_no_user(client, db):
    session = client.session
    session["kladde"] = "tekst"
    session.save()
    row = Session.objects.get(pk=session.session_key)
    assert row.user_id is None
    assert SESSION_KEY not in row.get_decoded()


def test_the_compiled_session_query_loads_what_the_orm_loads(client, leader):
    """The session query is compiled once per connection and reused: the same rows and field
    values as the ORM's select_related, and an expired session is not found."""
    import datetime

    from django.utils import timezone

    from lus.accounts.sessions import SessionStore

    client.force_login(leader)
    key = client.session.session_key
    store = SessionStore(key)
    assert store.load()[SESSION_KEY] == str(leader.pk)
    user = store.loaded_user
    with unscoped("test"):
        expected = Session.objects.select_related("user__municipality").get(pk=key)
    for field in type(user)._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected.user, field.attname)
    assert user.municipality.slug == expected.user.municipality.slug
    with unscoped("test"):
        Session.objects.filter(pk=key).update(
            expire_date=timezone.now() - datetime.timedelta(seconds=1)
        )
    again = SessionStore(key)
    assert again.load() == {} and again.loaded_user is None
