import pytest
from django.urls import reverse


def test_login_page_is_danish(client, db):
    response = client.get(reverse("login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="da">' in body
    assert "Log ind i LUS" in body
    assert "Brugernavn" in body and "Adgangskode" in body


def test_wrong_password_gives_danish_error_and_keeps_username(client, leader):
    response = client.post(reverse("login"), {"username": leader.username, "password": "forkert"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "korrekt brugernavn og adgangskode" in body
    assert f'value="{leader.username}"' in body


def test_home_requires_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_home_shows_municipality_and_leader(client, leader, django_assert_max_num_queries):
    client.force_login(leader)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("home"))
    body = response.content.decode()
    assert "Haderslev Kommune" in body
    assert leader.manager.name in body
    assert body.count("<h1") == 1
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_leaders_leader_sees_reports(client, leader):
    client.force_login(leader.manager)
    body = client.get(reverse("home")).content.decode()
    assert leader.name in body


def test_language_switch_to_english(client, leader):
    client.force_login(leader)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Welcome" in body and "Log out" in body


def test_logout_is_post_only(client, leader):
    client.force_login(leader)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("path", ["/healthz"])
def test_healthz(client, db, path):
    assert client.get(path).content == b"ok"
