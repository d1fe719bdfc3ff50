"""Danish is the UI language: every translatable string in code and templates has a Danish
translation in the committed catalogue."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PO = Path("locale") / "da" / "LC_MESSAGES" / "django.po"


def _statistics(po: Path) -> str:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_danish_catalogue_is_complete():
    stats = _statistics(ROOT / PO)
    assert "untranslated" not in stats and "fuzzy" not in stats, stats


def test_no_string_is_missing_from_the_catalogue(tmp_path):
    """Re-extract the strings from a copy of the source: nothing may come out untranslated."""
    for name in ("lus", "templates", "locale"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("*.mo"))
    shutil.copy(ROOT / "manage.py", tmp_path)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "da", "--no-obsolete", "-v0"],
        cwd=tmp_path,
        env=env,
        check=True,
    )
    stats = _statistics(tmp_path / PO)
    assert "untranslated" not in stats and "fuzzy" not in stats, stats
