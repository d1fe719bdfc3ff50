"""The co-editing bench's data: a held Norddjurs conversation from the demo, with a plan whose
free-text field both people can log in and edit; built from the installed code only."""

import ast
import json
from pathlib import Path

import pytest

import lus.bench.coedit as coedit
from lus.conversations.models import Conversation
from lus.frameworks.models import PlanField
from lus.plans.models import Plan
from lus.tenants.scoping import unscoped


def test_the_bench_imports_nothing_from_the_tests():
    tree = ast.parse(Path(coedit.__file__).read_text(encoding="utf-8"))
    modules = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert not [m for m in modules if m and m.split(".")[0] == "tests"]


@pytest.mark.django_db
def test_seed_holds_a_conversation_both_people_can_edit(capsys):
    coedit.seed()
    seeded = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    with unscoped("test: the bench's conversation"):
        conversation = Conversation.objects.select_related("leader", "leaders_leader").get(
            pk=seeded["conversation"]
        )
        assert conversation.status == Conversation.Status.HELD
        assert conversation.municipality.slug == "norddjurs"
        assert Plan.objects.filter(conversation=conversation).exists()
        field = PlanField.objects.get(pk=int(seeded["key"].removeprefix("p")))
        assert (field.version_id, field.per, field.kind) == (
            conversation.version_id,
            "plan",
            "longtext",
        )
    assert {seeded["leader"], seeded["leaders_leader"]} == {
        conversation.leader.username,
        conversation.leaders_leader.username,
    }
    for person in (conversation.leader, conversation.leaders_leader):
        assert person.check_password(seeded["password"])
