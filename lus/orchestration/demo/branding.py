"""Demo visual identity: each municipality's colour and a neutral mark made here (a rounded
square in the colour with the initial, and the name beside it) uploaded as its logo. Never a
real municipal logo: the demo only shows that the branding works. Both go through the same
checks as HR's choice in the admin (contrast, re-encoding)."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.files.base import ContentFile

from lus.tenants.branding import process_logo, validate_brand_colour
from lus.tenants.models import Municipality, MunicipalityLogo

#: Calm colours that carry white text at WCAG AA (checked on load), one per municipality, and
#: apart from the colours that carry meaning (done, attention, error).
COLOURS = {
    "haderslev": "#1d5c8c",  # blue
    "randers": "#7b2d5f",  # plum (not red: a red focus ring would read as an error)
    "norddjurs": "#00636b",  # teal (not green: green marks what is done)
    "albertslund": "#4b3f8f",  # violet
    "hoeje-taastrup": "#3f4d63",  # slate
}
INK = (31, 35, 40, 255)
HEIGHT = 96  # shown 32 px high: sharp on screens with three device pixels per CSS pixel
FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
)


def _font(size: int):
    from PIL import ImageFont

    for path in FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def demo_logo_png(name: str, colour: str) -> bytes:
    """The mark and the name, on a transparent background."""
    from PIL import Image, ImageDraw

    font = _font(40)
    initial_font = _font(56)
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    left, _top, right, _bottom = probe.textbbox((0, 0), name, font=font)
    width = HEIGHT + 20 + (right - left) + 4
    image = Image.new("RGBA", (width, HEIGHT), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, HEIGHT - 1, HEIGHT - 1), radius=22, fill=colour)
    draw.text((HEIGHT / 2, HEIGHT / 2), name[0], font=initial_font, fill="white", anchor="mm")
    draw.text((HEIGHT + 20, HEIGHT / 2), name, font=font, fill=INK, anchor="lm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def demo_load_branding(municipalities: list[Municipality]) -> None:
    for municipality in municipalities:
        colour = COLOURS.get(municipality.slug)
        if colour is None:
            continue
        validate_brand_colour(colour)
        data, digest = process_logo(
            ContentFile(demo_logo_png(municipality.name, colour), name="logo.png")
        )
        MunicipalityLogo.objects.update_or_create(
            municipality=municipality, defaults={"data": data}
        )
        municipality.brand_colour = colour
        municipality.logo_digest = digest
        municipality.save(update_fields=["brand_colour", "logo_digest"])
