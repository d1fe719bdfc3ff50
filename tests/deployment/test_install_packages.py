"""deploy/install-packages: the one list of Debian packages, installed by `make demo`,
`make test` and .ci/run. Exercised with fake `id`, `sudo` and `apt-get` on PATH."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

BASE = Path(__file__).resolve().parents[2]
SCRIPT = BASE / "deploy" / "install-packages"


def _fake(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)


def _run(tmp_path: Path, *, uid: int, sudo: str | None) -> subprocess.CompletedProcess:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    _fake(bin_dir, "id", f"echo {uid}")
    # apt-get "installs" by creating the file its package is checked by.
    _fake(bin_dir, "apt-get", f'echo "$@" >>{tmp_path}/apt.log; touch {tmp_path}/installed')
    if sudo is not None:
        _fake(bin_dir, "sudo", sudo)
    packages = tmp_path / "packages.txt"
    packages.write_text(
        f"# comment\nlus-present file:{BASE / 'Makefile'}\nlus-missing file:{tmp_path}/installed\n"
    )
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "LUS_APT_PACKAGES": str(packages),
    }
    return subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30
    )


def test_without_root_or_sudo_it_prints_the_one_command_to_copy(tmp_path):
    result = _run(tmp_path, uid=1000, sudo=None)
    assert result.returncode == 1
    assert "sudo apt-get update && sudo apt-get install -y lus-missing" in result.stderr
    assert "lus-present" not in result.stderr
    assert not (tmp_path / "apt.log").exists()


def test_with_passwordless_sudo_it_installs_only_the_missing(tmp_path):
    result = _run(tmp_path, uid=1000, sudo='[ "$1" = -n ] && shift; exec "$@"')
    assert result.returncode == 0, result.stderr
    assert "installing lus-missing" in result.stdout
    log = (tmp_path / "apt.log").read_text()
    assert "install -y -qq lus-missing" in log and "lus-present" not in log
    assert _run(tmp_path, uid=1000, sudo=None).stdout == "== system packages: all present\n"


def test_as_root_it_uses_apt_get_directly(tmp_path):
    result = _run(tmp_path, uid=0, sudo="exit 1")  # a sudo that would fail is not used
    assert result.returncode == 0, result.stderr
    assert "install -y -qq lus-missing" in (tmp_path / "apt.log").read_text()


def test_the_real_list_is_the_one_the_makefile_and_ci_use():
    assert "deploy/install-packages" in (BASE / "Makefile").read_text()
    ci = (BASE / ".ci" / "run").read_text()
    assert "deploy/install-packages" in ci and 'apt-get install -y -qq "${' not in ci
    listed = [
        line.split()[0]
        for line in (BASE / "deploy" / "apt-packages.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for package in [
        "python3-venv",
        "xmlsec1",
        "gettext",
        "libpango-1.0-0",
        "chromium",
        "poppler-utils",
        "qpdf",
    ]:
        assert package in listed


def test_a_python_without_venv_support_gets_python3_venv(tmp_path):
    """Debian's own python3 has no ensurepip until python3-venv is installed: `make venv` would
    stop with a message to install it by hand."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake(bin_dir, "id", "echo 0")
    _fake(bin_dir, "apt-get", f'echo "$@" >>{tmp_path}/apt.log; touch {tmp_path}/venv-ok')
    # A python3 that imports ensurepip only once the package is "installed".
    _fake(bin_dir, "python3", f"[ -e {tmp_path}/venv-ok ]")
    packages = tmp_path / "packages.txt"
    packages.write_text("python3-venv py:ensurepip\n")
    env = {**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin", "LUS_APT_PACKAGES": str(packages)}
    env.pop("PYTHON", None)
    result = subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert "install -y -qq python3-venv" in (tmp_path / "apt.log").read_text()


def test_every_font_the_filed_pdf_embeds_comes_from_a_listed_package():
    """A fresh Debian has DejaVu Sans (fonts-dejavu-core) but not the Condensed faces the PDF
    uses (fonts-dejavu-extra): the PDF fell back to other fonts with a warning per face."""
    from lus.documents.pdf import DEFAULT_FONT_DIR, FONTS

    if not shutil.which("dpkg"):
        pytest.skip("dpkg tells which Debian package holds a file; this is not Debian")
    listed = {
        line.split()[0]
        for line in (BASE / "deploy" / "apt-packages.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for faces in FONTS.values():
        for _weight, _style, name in faces:
            path = f"{DEFAULT_FONT_DIR}/{name}"
            owner = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
            assert owner.returncode == 0, f"{path}: no Debian package holds it here"
            package = owner.stdout.split(":")[0]
            assert package in listed, f"{path} comes from {package}, not in apt-packages.txt"
