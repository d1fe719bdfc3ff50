"""The conversation's own records live in conversations and never depend on the plan."""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

APP = Path(__file__).resolve().parents[2] / "lus" / "conversations"
MODELS = APP / "models.py"


def test_conversation_models_import_nothing_from_plans():
    tree = ast.parse(MODELS.read_text(encoding="utf-8"))
    imported = [
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ] + [a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names]
    assert not [m for m in imported if m.startswith("lus.plans")]


def test_notes_minutes_and_state_belong_to_conversations_and_keep_their_tables():
    for name, table in [
        ("SectionNote", "plans_sectionnote"),
        ("Minutes", "plans_minutes"),
        ("ConversationState", "plans_conversationstate"),
    ]:
        model = apps.get_model("conversations", name)
        assert model._meta.db_table == table
    assert not any(m.__name__ == "SectionNote" for m in apps.get_app_config("plans").get_models())


def test_conversations_never_import_plans():
    """The ladder: plans depends on conversations, never the reverse (not even lazily in a
    function or via ``apps.get_model``); plans adds its data through ``extensions``."""
    offenders = []
    for path in APP.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            offenders += [f"{path.name}: {n}" for n in names if n.startswith("lus.plans")]
        if 'get_model("plans"' in source or 'import_module("lus.plans' in source:
            offenders.append(f"{path.name}: dynamic lookup")
    assert offenders == []


def test_plans_fill_the_conversation_extension_points():
    from lus.conversations.extensions import registry

    assert registry.plan_evaluation is not None and registry.report_plans is not None
