"""The browser merges the other person's change into unsent typing with the same rules as the
server (static/js/coedit-merge.js and lus/plans/merge.py): compared on random edits of a text.
Needs Node.js (skips without it)."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from lus.plans.merge import merge

STATIC = Path(__file__).resolve().parents[2] / "static"
WORDS = ["mål", "tid", "ledelse", "retning", "klar", "fælles", "sparring", "og", "mere", "team"]


def _edit(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(words) + 1)
        op = rng.choice(["insert", "delete", "replace", "type"])
        if op == "insert" or not words:
            words.insert(at, rng.choice(WORDS))
        elif op == "delete" and at < len(words):
            del words[at]
        elif op == "replace" and at < len(words):
            words[at] = rng.choice(WORDS)
        elif at < len(words):
            w = words[at]
            cut = rng.randrange(len(w) + 1)
            words[at] = w[:cut] + rng.choice("abcæøå") + w[cut:]
    return " ".join(words)


def test_browser_and_server_merge_alike():
    node = shutil.which("node")
    if not node:
        pytest.skip("Node.js is not installed")
    rng = random.Random(17)
    cases = []
    for _ in range(300):
        base = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 8)))
        cases.append((base, _edit(rng, base), _edit(rng, base)))
    script = f"""
global.window = {{}};
require({json.dumps(str(STATIC / "vendor/diff-match-patch/diff_match_patch.js"))});
require({json.dumps(str(STATIC / "js/coedit-merge.js"))});
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify(cases.map(([b, t, m]) => window.lusMerge.merge(b, t, m))));
"""
    out = subprocess.run(
        [node, "-e", script], input=json.dumps(cases), capture_output=True, text=True, check=True
    ).stdout
    for (base, theirs, mine), js in zip(cases, json.loads(out), strict=True):
        py = merge(base, theirs, mine)
        assert (js["theirs"], js["mine"]) == (py.theirs, py.mine), (base, theirs, mine)
        assert [tuple(c) for c in js["conflicts"]] == py.conflicts, (base, theirs, mine)
