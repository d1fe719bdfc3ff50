"""deploy/install-python: one progress line per step; this machine's pip noise dropped, a real
warning or error still shown. Exercised with a fake pip (no network, no real install)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BASE = Path(__file__).resolve().parents[2]
NOISE = (
    "WARNING: Location 'file:///opt/x/simple/y/' is ignored: it is neither a file nor a directory."
    "\nWARNING: Location '/opt/wheels' is ignored: it is either a non-existing path or lacks a "
    "specific scheme."
)


def _run(tmp_path: Path, pip_output: str, rc: int) -> subprocess.CompletedProcess:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    fake = venv / "bin" / "python"
    fake.write_text(f"#!/bin/sh\ncat <<'OUT'\n{pip_output}\nOUT\nexit {rc}\n")
    fake.chmod(0o755)
    env = {**os.environ, "PYTHON": sys.executable, "VENV": str(venv)}
    return subprocess.run(
        ["bash", str(BASE / "deploy" / "install-python")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_noise_is_dropped_and_progress_shown(tmp_path):
    result = _run(tmp_path, f"{NOISE}\n{NOISE}\nRequirement already satisfied: x", 0)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].startswith("== Python environment: installing")
    assert lines[-1].startswith("== Python environment: ready")


def test_a_real_warning_is_still_shown(tmp_path):
    result = _run(tmp_path, f"{NOISE}\nWARNING: the package x is yanked", 0)
    assert result.returncode == 0
    assert result.stderr.strip().splitlines() == ["WARNING: the package x is yanked"] * 2


def test_a_failure_shows_pip_output_and_stops(tmp_path):
    result = _run(tmp_path, f"{NOISE}\nCollecting lus\nERROR: No matching distribution for x", 1)
    assert result.returncode == 1
    assert "ERROR: No matching distribution for x" in result.stderr
    assert "Collecting lus" in result.stderr and "is ignored" not in result.stderr
    assert "ready" not in result.stdout
