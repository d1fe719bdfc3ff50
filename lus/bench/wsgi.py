"""The WSGI application ``make bench`` serves: LUS as in production, plus two references
served by the same gunicorn workers, so every page can be compared with them in one run:

- ``/bench/raw``: a WSGI callable with no Django at all (what gunicorn and the socket cost);
- ``/bench/bare``: a Django view with no middleware and no database (what Django's request
  handling and URL resolution cost) — the floor's own reference.
"""

from __future__ import annotations

import os

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lus.bench.settings")

lus_application = get_wsgi_application()


class BareHandler(WSGIHandler):
    """Django's handler with an empty middleware chain."""

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(self._get_response)


bare_application = BareHandler()
RAW_BODY = b"ok"


def raw_application(environ, start_response):
    start_response(
        "200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(RAW_BODY)))]
    )
    return [RAW_BODY]


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/bench/raw":
        return raw_application(environ, start_response)
    if path == "/bench/bare":
        return bare_application(environ, start_response)
    return lus_application(environ, start_response)
