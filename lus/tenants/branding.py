"""A municipality's visual identity: its colour (contrast-checked, so no choice can break WCAG
AA for the white text drawn on it) and its logo (re-encoded, so an upload is only ever pixels).
"""

from __future__ import annotations

import hashlib
import io
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: White text (navigation, buttons) sits on the colour: WCAG 2.1 AA for normal text.
MIN_CONTRAST = 4.5
DEFAULT_COLOUR = "#0b4f6c"
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_SIZE = (600, 200)  # shown at most 48 px high; twice that for sharp screens, and more


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def luminance(colour: str) -> float:
    r, g, b = _rgb(colour)
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_with_white(colour: str) -> float:
    return 1.05 / (luminance(colour) + 0.05)


def shade(colour: str, factor: float) -> str:
    r, g, b = _rgb(colour)
    return "#{:02x}{:02x}{:02x}".format(*(max(0, min(255, round(c * factor))) for c in (r, g, b)))


def darkest_passing(colour: str) -> str:
    """The lightest shade of ``colour`` that still carries white text at AA (a suggestion)."""
    factor = 1.0
    candidate = colour
    while contrast_with_white(candidate) < MIN_CONTRAST and factor > 0:
        factor -= 0.02
        candidate = shade(colour, factor)
    return candidate


def validate_brand_colour(value: str) -> None:
    if not value:
        return
    if not HEX.match(value):
        raise ValidationError(
            _("Write the colour as # followed by six hexadecimal digits, e.g. #0b4f6c."),
            code="format",
        )
    ratio = contrast_with_white(value)
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            _(
                "White text on %(colour)s has a contrast of only %(ratio)s:1; at least 4.5:1 is "
                "needed so everybody can read the menu and the buttons. A darker shade that "
                "works: %(suggestion)s."
            ),
            params={
                "colour": value,
                "ratio": f"{ratio:.1f}".replace(".", ","),
                "suggestion": darkest_passing(value.lower()),
            },
            code="contrast",
        )


def theme_css(colour: str) -> str:
    """The custom properties ``lus.css`` reads; only ever values we computed ourselves."""
    colour = colour.lower() if colour and HEX.match(colour) else DEFAULT_COLOUR
    return (
        ":root{"
        f"--lus-primary:{colour};"
        f"--lus-primary-dark:{shade(colour, 0.8)};"
        f"--lus-primary-tint:{_tint(colour, 0.92)};"
        "}\n"
    )


def _tint(colour: str, amount: float) -> str:
    r, g, b = _rgb(colour)
    return "#{:02x}{:02x}{:02x}".format(*(round(c + (255 - c) * amount) for c in (r, g, b)))


def process_logo(upload) -> tuple[bytes, str]:
    """Check an uploaded logo and re-encode it as PNG (drops metadata and anything that is not
    an image). Returns (png bytes, short digest)."""
    from PIL import Image, UnidentifiedImageError

    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo may be at most 512 KB (this file is %(size)s KB)."),
            params={"size": upload.size // 1024},
            code="size",
        )
    try:
        image = Image.open(upload)
        image.verify()
        upload.seek(0)
        image = Image.open(upload)
        if image.format not in {"PNG", "JPEG", "WEBP", "GIF"}:
            raise ValidationError(_("Upload the logo as PNG, JPEG or WebP."), code="format")
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError(
            _("The file is not an image that can be read. Upload the logo as PNG, JPEG or WebP."),
            code="format",
        ) from exc
    image = image.convert("RGBA")
    image.thumbnail(LOGO_MAX_SIZE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    data = out.getvalue()
    return data, hashlib.sha256(data).hexdigest()[:16]


def brand_version(colour: str, logo_digest: str) -> str:
    return hashlib.sha256(f"{colour}|{logo_digest}".encode()).hexdigest()[:10]
