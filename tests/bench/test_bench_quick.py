"""`make bench --quick` in the test suite, so the bench cannot rot: tiny data in its own
PostgreSQL database (reused between runs), gunicorn, wrk with logged-in users of every role,
the report written. Skips without PostgreSQL on 127.0.0.1 or without wrk."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE = Path(__file__).resolve().parent.parent.parent


def _postgres_reachable() -> bool:
    try:
        import psycopg

        url = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
        with psycopg.connect(f"{url}/postgres", connect_timeout=3):
            return True
    except Exception:
        return False


@pytest.mark.skipif(not shutil.which("wrk"), reason="wrk missing: apt-get install -y wrk")
def test_bench_quick_runs_end_to_end(tmp_path):
    if not _postgres_reachable():
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432 (the bench needs it)")
    out, raw = tmp_path / "performance.md", tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, "-m", "lus.bench.runner", "--quick", f"--out={out}", f"--json={raw}"],
        cwd=BASE,
        capture_output=True,
        text=True,
        timeout=900,  # a loaded CI machine; the bench itself measures speed
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    result, ten = json.loads(raw.read_text())
    for scale in (result, ten):
        for key, statuses in scale["statuses"].items():
            assert statuses and set(statuses) == {200}, (scale["scale"], key, statuses)
        for key, page in scale["pages"].items():
            assert page["requests"] > 0, key
            assert page["errors"] == 0, (key, page)
        assert scale["rss_mb"]
        assert set(scale["pages"]) == set(result["pages"])  # every page at both scales
    assert result["mixed"]["errors"] == 0
    assert result["pdf"]["full_median"] > 0
    text = out.read_text()
    for label in (
        "Leader start page",
        "Preparation autosave (POST)",
        "Floor",
        "Reference: floor + 10 primary-key queries",
        "### Where the time goes, and query plans",
        "### Targets",
        "10x ÷ 1x",
    ):
        assert label in text
