"""JSON import/export: round trip, commands, and malformed input that writes nothing."""

import copy
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from lus.frameworks.models import Framework, FrameworkVersion, Question, QuestionOption, Section
from lus.frameworks.services import framework_export, framework_import
from lus.tenants.scoping import tenant_scope, unscoped
from tests.factories import MunicipalityFactory
from tests.frameworks.factories import load_neutral, neutral_data

pytestmark = pytest.mark.django_db


def counts():
    with unscoped("test: count rows"):
        return tuple(
            m.objects.count()
            for m in (Framework, FrameworkVersion, Section, Question, QuestionOption)
        )


def test_export_import_export_gives_identical_sections():
    version = load_neutral()
    with tenant_scope(version.municipality):
        first = framework_export(version=version)
    again = framework_import(data=json.loads(json.dumps(first)), publish=True)
    with tenant_scope(version.municipality):
        second = framework_export(version=again)
    assert again.number == version.number + 1
    assert second["sections"] == first["sections"]
    assert second["plan"] == first["plan"]
    assert second["process"] == first["process"]


def test_commands_export_and_import(tmp_path):
    load_neutral()
    out = io.StringIO()
    call_command("export_framework", "testby", stdout=out)
    data = json.loads(out.getvalue())
    assert data["municipality"] == {"slug": "testby", "name": "Testby Kommune"}
    path = tmp_path / "n.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    msg = io.StringIO()
    call_command("import_framework", str(path), stdout=msg)
    assert "version 2 (kladde)" in msg.getvalue()
    with pytest.raises(CommandError, match="allerede en kladde"):
        call_command("import_framework", str(path), "--publish", stdout=io.StringIO())


def test_export_unknown_municipality_or_no_framework():
    MunicipalityFactory(slug="randers", name="Randers Kommune")
    with pytest.raises(CommandError, match="findes ikke"):
        call_command("export_framework", "nowhere")
    with pytest.raises(CommandError, match="ingen publiceret spørgeramme"):
        call_command("export_framework", "randers")


def test_import_command_not_json_writes_nothing(tmp_path):
    MunicipalityFactory(slug="haderslev", name="Haderslev Kommune")
    path = tmp_path / "bad.json"
    path.write_text('{"municipality": {"slug": "haderslev"}, "sections": [', encoding="utf-8")
    before = counts()
    with pytest.raises(CommandError, match="ikke gyldig JSON"):
        call_command("import_framework", str(path))
    assert counts() == before


def _mutate(fn):
    data = copy.deepcopy(neutral_data())
    fn(data)
    return data


def _q(data, s=0, q=0):
    return data["sections"][s]["questions"][q]


BAD = {
    "not an object": (lambda d: None, "ét JSON-objekt"),
    "wrong types": (
        lambda d: _q(d).update(mandatory="ja", text=17),
        "“mandatory” skal være true eller false",
    ),
    "unknown type": (lambda d: _q(d).update(type="slider"), "Ukendt spørgsmålstype “slider”"),
    "scale min >= max": (
        lambda d: _q(d, 0, 2).update(min=5, max=5),
        "Afsnit 1, spørgsmål 3: Skalaens “min” (5) skal være mindre end dens “max” (5)",
    ),
    "unknown municipality": (
        lambda d: d.update(municipality={"slug": "atlantis", "name": "Atlantis"}),
        "Kommunen “atlantis” findes ikke",
    ),
    "keywords pick > options": (
        lambda d: d["sections"][3]["questions"].append(
            {"text": "Stikord", "type": "keywords", "options": ["a", "b"], "pick": 3}
        ),
        "“pick” (3) kan ikke være større end antallet af stikord (2)",
    ),
    "sections not a list": (lambda d: d.update(sections="Opgaveløsning"), "“sections” skal"),
    "unknown section kind": (
        lambda d: d["sections"][0].update(kind="bonus"),
        "Ukendt værdi “bonus” i “kind”",
    ),
    "descriptions not parallel": (
        lambda d: _q(d, 3, 0).update(type="choice", options=["a", "b"], descriptions=["x"]),
        "“descriptions” skal have præcis én værdi pr. valgmulighed",
    ),
    "mandatory info": (
        lambda d: _q(d, 3, 0).update(type="info", mandatory=True),
        "informationsblok kan ikke være obligatorisk",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_malformed_import_gives_clear_danish_error_and_writes_nothing(case):
    MunicipalityFactory(slug="testby", name="Testby Kommune")
    mutate, message = BAD[case]
    data = [] if case == "not an object" else _mutate(mutate)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        framework_import(data=data, publish=True)
    assert any(message in m for m in exc.value.messages), exc.value.messages
    assert counts() == before


def test_all_problems_reported_at_once():
    MunicipalityFactory(slug="testby", name="Testby Kommune")

    def several(d):
        _q(d).update(type="slider")
        _q(d, 0, 1).update(min=3, max=1)

    with pytest.raises(ValidationError) as exc:
        framework_import(data=_mutate(several), publish=False)
    assert len(exc.value.messages) == 2


def test_failure_after_validation_rolls_back():
    """A problem only the database finds (a second draft) leaves nothing behind either."""
    version = load_neutral(publish=False)
    before = counts()
    with pytest.raises(ValidationError, match="allerede en kladde"):
        framework_import(data=neutral_data(), publish=False)
    assert counts() == before
    assert version.number == 1
