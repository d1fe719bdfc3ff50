"""One mapping of domain errors to HTTP answers (``lus.core.errors.domain_errors``)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from lus.core.errors import DomainError, domain_errors


class Locked(DomainError):
    http_status = 409
    json_status = "locked"
    message = "Låst."


class Gone(DomainError):
    http_status = 404
    json_http_status = 409
    json_status = "gone"
    message = "Væk."


def _answer(exc, *, as_json):
    @domain_errors(json=as_json)
    def view(request):
        raise exc

    return view(RequestFactory().post("/"))


def test_a_form_endpoint_answers_plain_text_with_the_errors_status():
    response = _answer(Locked(), as_json=False)
    assert response.status_code == 409 and response.content.decode() == "Låst."
    assert _answer(Gone(), as_json=False).status_code == 404
    invalid = _answer(ValidationError({"value": ["For lang.", "Ugyldig."]}), as_json=False)
    assert invalid.status_code == 422 and invalid.content.decode() == "For lang. Ugyldig."


def test_a_fetch_endpoint_answers_json_with_status_field_and_extras():
    response = _answer(Gone("Slettet af den anden.", mine="min tekst"), as_json=True)
    assert response.status_code == 409
    assert json.loads(response.content) == {
        "status": "gone",
        "error": "Slettet af den anden.",
        "mine": "min tekst",
    }
    invalid = _answer(ValidationError("Ugyldig."), as_json=True)
    assert invalid.status_code == 422
    assert json.loads(invalid.content) == {"status": "invalid", "error": "Ugyldig."}


def test_anything_else_is_a_bug_and_propagates():
    with pytest.raises(KeyError):
        _answer(KeyError("x"), as_json=True)
    # The built-in PermissionError is not a domain refusal either.
    with pytest.raises(PermissionError):
        _answer(PermissionError("x"), as_json=False)
