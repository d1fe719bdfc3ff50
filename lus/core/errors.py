"""Domain errors to HTTP responses, in one place.

A service refuses with an exception that says what went wrong in the domain (the plan is
locked, the development point is gone, a value is invalid); views do not translate each one
themselves. Decorate a view with ``domain_errors`` (form endpoints: a plain-text answer) or
``domain_errors(json=True)`` (fetch endpoints: ``{"status": ..., "error": ...}``):

- an exception with ``http_status`` (a class attribute of the domain's exceptions, e.g.
  ``PlanLocked`` → 409) answers that status with its Danish message; ``json_status`` (the
  ``status`` field the browser script reads) and ``json_http_status`` (when a fetch endpoint
  answers another status than a form) are optional, and ``extra`` (a dict) is added to the
  JSON answer;
- any other ``ValidationError`` answers 422 with its messages;
- everything else propagates (a bug is a 500, not a refusal).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse


class DomainError(Exception):
    """Base for refusals with a fixed status and a Danish message (``message``, lazy)."""

    http_status = 409
    json_status = "error"
    message: Any = ""

    def __init__(self, message: Any = None, **extra: Any) -> None:
        super().__init__(message if message is not None else self.message)
        self.extra = extra

    def __str__(self) -> str:
        return str(self.args[0]) if self.args and self.args[0] else ""


def error_message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc)


def error_response(exc: Exception, *, json: bool) -> HttpResponse | None:
    """The response for a domain error, or None if ``exc`` is not one."""
    status = getattr(exc, "http_status", None)
    if status is None:
        if not isinstance(exc, ValidationError):
            return None
        status = 422
    message = error_message(exc)
    if json:
        body = {
            "status": getattr(exc, "json_status", "invalid"),
            "error": message,
            **getattr(exc, "extra", {}),
        }
        return JsonResponse(body, status=getattr(exc, "json_http_status", status))
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def domain_errors(view: Callable | None = None, *, json: bool = False) -> Callable:
    """Answer the domain errors a view lets through (see the module docstring)."""

    def decorate(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return func(request, *args, **kwargs)
            except Exception as exc:
                response = error_response(exc, json=json)
                if response is None:
                    raise
                return response

        return wrapper

    return decorate(view) if view is not None else decorate
