"""Saving a draft in the admin without touching its texts changes nothing and logs nothing:
browsers send CRLF, the database keeps LF."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from lus.frameworks.models import FrameworkVersion, Question
from lus.frameworks.services import framework_version_create_draft
from lus.tenants.scoping import tenant_scope
from tests.factories import HRFactory
from tests.frameworks.factories import load_neutral

pytestmark = pytest.mark.django_db


def _form_data(form):
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else value
    return data


@pytest.mark.parametrize(
    ("model", "field"),
    [(FrameworkVersion, "preparation_guidance"), (Question, "help_text")],
)
def test_untouched_text_with_crlf_is_not_a_change(model, field):
    published = load_neutral()
    hr = HRFactory(municipality=published.municipality)
    with tenant_scope(published.municipality):
        draft = framework_version_create_draft(version=published, by=hr)
        obj = (
            draft
            if model is FrameworkVersion
            else Question.objects.filter(section__version=draft).exclude(help_text="").first()
        )
        setattr(obj, field, "Første afsnit.\n\n- punkt et\n- punkt to")
        obj.save()
        stored = getattr(obj, field)
        assert "\n" in stored and "\r" not in stored
        model_admin = admin.site._registry[model]
        request = RequestFactory().post("/")
        request.user = hr
        form_class = model_admin.get_form(request, obj, change=True)
        data = _form_data(form_class(instance=obj))
        data[field] = stored.replace("\n", "\r\n")  # what the browser sends back
        form = form_class(data=data, instance=obj)
        assert form.is_valid(), form.errors
        assert field not in form.changed_data
        assert model_admin.construct_change_message(request, form, None) == []
        assert form.cleaned_data[field] == stored
