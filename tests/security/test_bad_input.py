"""Gate 5: malformed bodies to every POST endpoint of the URL table, as every role the table
allows to POST there: no 5xx, no ERROR log line, no row changed when rejected."""

from __future__ import annotations

import logging

import pytest
from django import forms
from django.contrib.auth.forms import AuthenticationForm

from tests.security.bad_input import assert_form_survives, corpus, field_names
from tests.security.matrix import (
    OBJECT_INDEPENDENT,
    body,
    call,
    cases,
    expected,
    record_gate,
    url_groups,
)

NOT_A_POST_ENDPOINT = {405, "login", 403}


@pytest.mark.parametrize("group", url_groups())
def test_malformed_bodies_to_every_post_endpoint(group, world, clients, caplog):
    caplog.set_level(logging.WARNING)
    sent = five_xx = 0
    failures = []
    foreign_ids = [world.foreign_leader.pk, world.foreign.pk, world.foreign_leader.org_unit_id]
    endpoints = 0
    for entry, row, kind, path in cases(world, group):  # providers create their objects here
        for role, client in clients.items():
            want = expected(row, "POST", role, kind)
            if want <= NOT_A_POST_ENDPOINT or want <= OBJECT_INDEPENDENT | {404}:
                continue  # this role cannot post here at all (the URL matrix covers it)
            endpoints += 1
            page, _ = call(client, "GET", path)
            names = field_names(body(page).decode("utf-8", "replace"))
            for kwargs in corpus(names, foreign_ids):
                caplog.clear()
                response, writes = call(client, "POST", path, **kwargs)
                sent += 1
                where = (
                    f"POST {path} as {role} ({entry.key}, {kind or '-'}) {kwargs['data'][:60]!r}"
                )
                if response.status_code >= 500:
                    five_xx += 1
                    failures.append(f"{where}: HTTP {response.status_code}")
                # django.security.* (e.g. RequestDataTooBig) is Django's deliberate 400 + alert
                # for hostile input; every other ERROR line is a bug.
                errors = [
                    r
                    for r in caplog.records
                    if r.levelno >= logging.ERROR and not r.name.startswith("django.security.")
                ]
                if errors:
                    failures.append(f"{where}: ERROR logged: {errors[0].getMessage()[:200]}")
                rejected = response.status_code >= 400 or response.status_code == 200
                partly_saved = row.saves_valid_part and response.status_code == 422
                if rejected and writes and not partly_saved:
                    failures.append(f"{where}: rejected ({response.status_code}), changed {writes}")
    record_gate("bad input", requests=sent, endpoint_roles=endpoints, http_5xx=five_xx)
    failures.sort(key=lambda f: ("HTTP 5" not in f, "ERROR" not in f))  # worst first
    assert not failures, f"{len(failures)} of {sent}:\n" + "\n".join(failures[:60])


# --- hypothesis: each form, >= 200 examples ----------------------------------------------------
def test_login_form_survives_anything(db, rf):
    request = rf.post("/login/")
    assert_form_survives(AuthenticationForm, form_kwargs={"request": request})


def test_people_import_form_survives_anything(db):
    from lus.accounts.forms import PeopleImportForm

    assert_form_survives(PeopleImportForm)


@pytest.mark.parametrize("label", ["tenants.municipality", "accounts.orgunit", "accounts.user"])
def test_admin_forms_survive_anything(label, world, rf):
    from django.apps import apps
    from django.contrib import admin

    from lus.tenants.scoping import tenant_scope

    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = world.hr
    with tenant_scope(world.home):
        obj = world.leader if label == "accounts.user" else None
        form_class = model_admin.get_form(request, obj)
        assert issubclass(form_class, forms.BaseForm)
        kwargs = {"instance": obj} if obj is not None else {}
        assert_form_survives(form_class, form_kwargs=kwargs)
