import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from lus.accounts.models import OrgUnit, User
from lus.orchestration.demo import MUNICIPALITIES
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope, unscoped


def _counts():
    with unscoped("test: count demo rows"):
        return Municipality.objects.count(), User.objects.count(), OrgUnit.objects.count()


def test_demo_is_idempotent(db, settings, capsys):
    settings.DEBUG = True
    call_command("demo")
    first = _counts()
    call_command("demo")
    assert _counts() == first
    assert first[0] == 5
    out = capsys.readouterr().out
    assert "haderslev-chef" in out and "adgangskode: demo" in out


def test_demo_organisation(db, settings):
    settings.DEBUG = True
    call_command("demo")
    slugs = set(Municipality.objects.values_list("slug", flat=True))
    assert slugs == {"haderslev", "randers", "norddjurs", "albertslund", "hoeje-taastrup"}
    assert Municipality.objects.get(slug="hoeje-taastrup").name == "Høje-Taastrup Kommune"
    for spec in MUNICIPALITIES:
        municipality = Municipality.objects.get(slug=spec.slug)
        with tenant_scope(municipality):
            chef = User.objects.get(username=f"{spec.slug}-chef")
            reports = list(chef.reports.all())
            assert len(reports) >= 3
            assert any(p.age_on() >= 55 for p in reports)
            assert User.objects.get(username=f"{spec.slug}-leder").manager == chef
            assert User.objects.get(username=f"{spec.slug}-hr").is_hr


@pytest.mark.parametrize("slug", [m.slug for m in MUNICIPALITIES])
@pytest.mark.parametrize("role", ["chef", "leder", "hr"])
def test_demo_logins_work(db, settings, slug, role):
    settings.DEBUG = True
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    client = Client()
    response = client.post(
        "/login/", {"username": f"{slug}-{role}", "password": "demo"}, follow=True
    )
    assert response.status_code == 200
    assert response.context["user"].username == f"{slug}-{role}"
    name = Municipality.objects.get(slug=slug).name
    assert name in response.content.decode()


def test_demo_refuses_known_passwords_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=True"):
        call_command("demo")
    assert _counts() == (0, 0, 0)


def test_hoeje_taastrup_demo_leader_prepares_from_the_leadership_evaluation(db, settings, client):
    from lus.conversations.models import Conversation
    from lus.inputs.models import PreparationInput
    from lus.orchestration.demo import demo_load

    settings.DEBUG = True
    demo_load()
    with unscoped("test"):
        leader = type(PreparationInput.objects.first().leader).objects.get(
            username="hoeje-taastrup-leder"
        )
        conv = Conversation.objects.filter(leader=leader).order_by("-year").first()
    client.force_login(leader)
    body = client.get(reverse("conversations:prepare", args=[conv.pk])).content.decode()
    assert "Ledelsesevaluering" in body
    assert "Feedback og anerkendelse" in body


def test_demo_municipalities_have_their_own_colour_and_a_neutral_mark(db, client):
    """Each demo municipality is recognisable (its colour, a mark with its name) and the
    colour passes the same contrast rule as HR's choice in the admin."""
    from lus.orchestration.demo.branding import demo_load_branding
    from lus.tenants.branding import MIN_CONTRAST, contrast_with_white

    municipalities = [
        Municipality.objects.create(slug=spec.slug, name=spec.name) for spec in MUNICIPALITIES
    ]
    demo_load_branding(municipalities)
    demo_load_branding(municipalities)  # idempotent
    colours = set()
    for municipality in municipalities:
        municipality.refresh_from_db()
        municipality.full_clean()
        assert contrast_with_white(municipality.brand_colour) >= MIN_CONTRAST
        colours.add(municipality.brand_colour)
        logo = client.get(reverse("municipality_logo", args=[municipality.slug]))
        assert logo["Content-Type"] == "image/png"
        assert b"".join(logo)[:8] == b"\x89PNG\r\n\x1a\n"
        theme = client.get(reverse("municipality_theme", args=[municipality.slug]))
        assert f"--lus-primary:{municipality.brand_colour}" in theme.content.decode()
    assert len(colours) == 5
