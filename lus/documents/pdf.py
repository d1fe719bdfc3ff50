"""Rendering the printed LUS with WeasyPrint: PDF/A, embedded local fonts, no network.

- Fonts come from a Debian font package on this machine (``fonts-dejavu-core``, by default
  ``/usr/share/fonts/truetype/dejavu``; setting ``LUS_PDF_FONT_DIR``), declared with
  ``@font-face`` so the PDF always embeds the same fonts whatever fontconfig would choose.
- :class:`LocalOnlyFetcher` is the only way WeasyPrint reads anything: ``data:`` URIs and
  files under the font directory and ``static/print``. Every other URL (http, https, ftp,
  other files) is refused and remembered in ``refused`` — rendering never touches the network.
- The output is PDF/A (``LUS_PDF_VARIANT``, default ``pdf/a-3a``: archivable *and* accessible)
  and tagged: a structure tree in reading order with headings, real table headers and the
  images' alternative texts (EN 301 549 covers documents), plus title, author, subject,
  keywords and language (``<html lang>``) taken from the print template's ``<head>``.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

logger = logging.getLogger("lus.documents")

PRINT_STATIC = Path(settings.BASE_DIR) / "static" / "print"
DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"
#: family -> (weight, style, file) in the font directory.
FONTS = {
    "LUS Sans": [
        ("normal", "normal", "DejaVuSansCondensed.ttf"),
        ("bold", "normal", "DejaVuSansCondensed-Bold.ttf"),
        ("normal", "italic", "DejaVuSansCondensed-Oblique.ttf"),
        ("bold", "italic", "DejaVuSansCondensed-BoldOblique.ttf"),
    ],
    "LUS Serif": [
        ("normal", "normal", "DejaVuSerifCondensed.ttf"),
        ("bold", "normal", "DejaVuSerifCondensed-Bold.ttf"),
    ],
}


def font_dir() -> Path:
    return Path(getattr(settings, "LUS_PDF_FONT_DIR", DEFAULT_FONT_DIR))


def pdf_variant() -> str:
    return getattr(settings, "LUS_PDF_VARIANT", "pdf/a-3a")


def _weasyprint():
    import weasyprint  # imported late: it loads Pango

    return weasyprint


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        """Serves data: URIs and files below the allowed directories; refuses the rest."""

        def __init__(self, allowed_dirs: list[Path]):
            super().__init__(allowed_protocols=["data", "file"], allow_redirects=False)
            self.allowed = [d.resolve() for d in allowed_dirs]
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if not any(path.is_relative_to(d) for d in self.allowed):
                    self.refused.append(url)
                    raise ValueError(f"LUS PDF: file outside the allowed directories: {url}")
            elif scheme != "data":
                self.refused.append(url)
                raise ValueError(f"LUS PDF: refusing to fetch {url}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher


def font_face_css() -> str:
    rules = []
    for family, faces in FONTS.items():
        for weight, style, filename in faces:
            path = font_dir() / filename
            if not path.exists():
                logger.warning("LUS PDF font missing: %s", path)
                continue
            rules.append(
                f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
                f'font-style: {style}; src: url("{path.as_uri()}"); }}'
            )
    return "\n".join(rules)


def css_string(value: str) -> str:
    """A CSS string literal for trusted text (translations)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_counter_css() -> str:
    """CSS ``content`` for "Side 1 af 3" from one translatable sentence."""
    sentence = gettext("Page {page} of {pages}")
    parts = re.split(r"(\{page\}|\{pages\})", sentence)
    out = []
    for part in parts:
        if part == "{page}":
            out.append("counter(page)")
        elif part == "{pages}":
            out.append("counter(pages)")
        elif part:
            out.append(css_string(part))
    return " ".join(out)


@dataclass
class RenderedPdf:
    content: bytes
    seconds: float
    refused: list[str]
    cached: bool = False


def _render_html(template: str, context: dict) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            template,
            {
                **context,
                "generated_at": timezone.now(),
                "page_counter_css": page_counter_css(),
                "footer_css": css_string(gettext("Confidential · LUS")),
            },
        )


def _write_pdf(html: str, *, template: str, stylesheet: str, started: float) -> RenderedPdf:
    weasyprint = _weasyprint()
    fetcher = _fetcher_class()([font_dir(), PRINT_STATIC])
    base_url = PRINT_STATIC.as_uri() + "/"
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()  # makes the @font-face rules count
    stylesheets = [
        weasyprint.CSS(
            string=font_face_css(), url_fetcher=fetcher, base_url=base_url, font_config=font_config
        ),
        weasyprint.CSS(
            filename=str(PRINT_STATIC / stylesheet), url_fetcher=fetcher, font_config=font_config
        ),
    ]
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    content = document.write_pdf(
        stylesheets=stylesheets,
        font_config=font_config,
        pdf_variant=pdf_variant(),
        # Tagged: structure tree, reading order, headings, table headers, alt texts.
        pdf_tags=True,
    )
    seconds = time.perf_counter() - started
    logger.debug("rendered %s in %.2f s (%d bytes)", template, seconds, len(content))
    return RenderedPdf(content=content, seconds=seconds, refused=list(fetcher.refused))


def render_pdf(template: str, context: dict, *, stylesheet: str = "lus.css") -> RenderedPdf:
    """Render ``template`` (Danish, whatever the request's language) to PDF/A bytes."""
    started = time.perf_counter()
    html = _render_html(template, context)
    return _write_pdf(html, template=template, stylesheet=stylesheet, started=started)


#: A cached printable is kept this long after its last render (its key never goes stale: a
#: changed input is a new key).
PRINTABLE_CACHE_SECONDS = 30 * 24 * 3600


@functools.cache
def _print_assets_digest(stylesheet: str, variant: str, fonts: str) -> str:
    """The stylesheet, fonts and PDF variant as deployed: a release with other CSS renders
    anew. Per process: the files change only with a deployment, which restarts it."""
    digest = hashlib.sha256(variant.encode())
    digest.update((PRINT_STATIC / stylesheet).read_bytes())
    digest.update(fonts.encode())
    return digest.hexdigest()


def render_pdf_cached(
    template: str, context: dict, *, stylesheet: str, version_id: int
) -> RenderedPdf:
    """:func:`render_pdf` for a printable of a *published* framework version (which never
    changes): rendered once, then served from the shared cache (``CACHE_URL``, PostgreSQL by
    default, so every node profits). The key is the version, the language and a digest of the
    exact HTML and print assets, so whatever else goes into the page (a team's tailored
    questions, names, the logo) can never be served stale — only a new input renders anew.
    The template must not print ``generated_at``, or every request would be a new key."""
    started = time.perf_counter()
    html = _render_html(template, context)
    digest = hashlib.sha256(html.encode())
    digest.update(_print_assets_digest(stylesheet, pdf_variant(), str(font_dir())).encode())
    key = f"lus:printable:v{version_id}:{settings.LANGUAGE_CODE}:{digest.hexdigest()}"
    cache = caches["default"]
    content = cache.get(key)
    if content is not None:
        return RenderedPdf(
            content=content, seconds=time.perf_counter() - started, refused=[], cached=True
        )
    rendered = _write_pdf(html, template=template, stylesheet=stylesheet, started=started)
    if not rendered.refused:  # an incomplete document is never kept
        cache.set(key, rendered.content, PRINTABLE_CACHE_SECONDS)
    return rendered


_TRANSLIT = str.maketrans(
    {"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa", "ß": "ss"}
)


def ascii_slug(text: str, *, max_length: int = 60) -> str:
    """ "Søren Ærø" -> "Soeren-Aeroe": Danish letters transliterated, the rest ASCII-folded."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_TRANSLIT))
    text = text.encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")
    return text[:max_length].strip("-") or "leder"


def pdf_filename(*, year: int, leader_name: str, date) -> str:
    """``LUS-2026-Mette-Soendergaard-2026-11-20.pdf`` (ASCII only, safe in any header)."""
    return f"LUS-{year}-{ascii_slug(leader_name)}-{date.isoformat()}.pdf"


__all__ = [
    "RenderedPdf",
    "ascii_slug",
    "css_string",
    "pdf_filename",
    "render_pdf",
    "render_pdf_cached",
]
