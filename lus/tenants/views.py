"""The municipality's theme stylesheet and logo: public (a municipality's colours and logo are
no secret, and the login page may show them), cached for a year under versioned URLs."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from lus.tenants.branding import theme_css
from lus.tenants.models import Municipality, MunicipalityLogo

YEAR = 365 * 24 * 3600


def _cached(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


@require_GET
def theme(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = get_object_or_404(Municipality.objects.only("brand_colour"), slug=slug)
    return _cached(HttpResponse(theme_css(municipality.brand_colour), content_type="text/css"))


@require_GET
def logo(request: HttpRequest, slug: str) -> HttpResponse:
    image = get_object_or_404(MunicipalityLogo, municipality__slug=slug)
    response = HttpResponse(bytes(image.data), content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    return _cached(response)
