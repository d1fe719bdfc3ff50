"""The municipality's colour and logo: HR sets them; no colour can break AA contrast; a logo is
only ever a re-encoded PNG."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from lus.tenants.branding import contrast_with_white, darkest_passing, validate_brand_colour
from lus.tenants.models import Municipality, MunicipalityLogo


def _png(size=(300, 100), colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def hr_staff(hr):
    hr.is_staff = True
    hr.save()
    return hr


def _form(municipality, **over):
    data = {
        "conversation_duration_minutes": municipality.conversation_duration_minutes,
        "retention_years": municipality.retention_years,
        "senior_conversation_age": "",
        "brand_colour": "",
    }
    data.update(over)
    return data


def test_contrast_rule():
    assert contrast_with_white("#0b4f6c") >= 4.5
    validate_brand_colour("#0b4f6c")
    with pytest.raises(Exception) as exc:
        validate_brand_colour("#7fc8f8")
    assert "4,5:1" in str(exc.value) and darkest_passing("#7fc8f8") in str(exc.value)
    assert contrast_with_white(darkest_passing("#7fc8f8")) >= 4.5


def test_hr_sets_colour_and_logo_and_every_page_uses_them(client, hr_staff, haderslev):
    client.force_login(hr_staff)
    url = reverse("admin:tenants_municipality_change", args=[haderslev.pk])
    upload = SimpleUploadedFile("logo.png", _png(size=(1200, 400)), content_type="image/png")
    response = client.post(url, _form(haderslev, brand_colour="#6b1d5c", logo_upload=upload))
    assert response.status_code == 302, response.content.decode()[:2000]
    haderslev.refresh_from_db()
    assert haderslev.brand_colour == "#6b1d5c" and haderslev.logo_digest

    page = client.get(reverse("home")).content.decode()
    theme_url = reverse("municipality_theme", args=["haderslev"])
    logo_url = reverse("municipality_logo", args=["haderslev"])
    assert theme_url in page and logo_url in page and 'alt="Haderslev Kommune"' in page

    client.logout()  # public: the login page of a municipality may show them too
    css = client.get(theme_url)
    assert css["Content-Type"] == "text/css" and "--lus-primary:#6b1d5c" in css.content.decode()
    logo = client.get(logo_url)
    assert logo["Content-Type"] == "image/png"
    image = Image.open(
        io.BytesIO(b"".join(logo.streaming_content) if logo.streaming else logo.content)
    )
    assert image.format == "PNG" and image.size[0] <= 600 and image.size[1] <= 200


def test_too_light_colour_and_non_image_are_refused_in_danish(client, hr_staff, haderslev):
    client.force_login(hr_staff)
    url = reverse("admin:tenants_municipality_change", args=[haderslev.pk])
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post(url, _form(haderslev, brand_colour="#ffd700", logo_upload=fake))
    assert response.status_code == 200
    page = response.content.decode()
    assert "kun en kontrast på" in page and "mindst 4,5:1" in page
    assert "Filen er ikke et billede, der kan læses" in page
    haderslev.refresh_from_db()
    assert haderslev.brand_colour == "" and not MunicipalityLogo.objects.exists()


def test_remove_logo(client, hr_staff, haderslev):
    client.force_login(hr_staff)
    url = reverse("admin:tenants_municipality_change", args=[haderslev.pk])
    upload = SimpleUploadedFile("logo.png", _png(), content_type="image/png")
    client.post(url, _form(haderslev, logo_upload=upload))
    assert MunicipalityLogo.objects.filter(municipality=haderslev).exists()
    client.post(url, _form(haderslev, logo_remove="on"))
    haderslev.refresh_from_db()
    assert not haderslev.logo_digest and not MunicipalityLogo.objects.exists()
    assert client.get(reverse("municipality_logo", args=["haderslev"])).status_code == 404


def test_hr_cannot_brand_another_municipality(client, hr_staff, randers):
    client.force_login(hr_staff)
    url = reverse("admin:tenants_municipality_change", args=[randers.pk])
    assert client.post(url, _form(randers, brand_colour="#000000")).status_code == 404
    assert Municipality.objects.get(pk=randers.pk).brand_colour == ""
