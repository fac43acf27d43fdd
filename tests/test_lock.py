"""uv.lock is the one list of versions every machine installs (docs/dependencies.md): it agrees
with pyproject.toml, and requirements/uv.txt, the pin `make` bootstraps uv from, is uv's entry
of that same lock."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from tests.server_process import ROOT

UV = Path(sys.executable).with_name("uv")


def uv(*arguments: str) -> str:
    result = subprocess.run([str(UV), *arguments], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_lock_agrees_with_pyproject() -> None:
    # Fails when a dependency is added to, removed from or narrowed in one and not the other.
    uv("lock", "--check")


def test_uv_is_bootstrapped_at_the_version_the_lock_pins() -> None:
    exported = uv("export", "--locked", "--quiet", "--only-group", "dev", "--no-emit-project",
                  "--format", "requirements-txt", "--no-header")
    committed = (ROOT / "requirements" / "uv.txt").read_text()
    pinned = [line for line in committed.splitlines() if not line.startswith("#")]
    assert pinned == exported.splitlines(), "run `make lock` to rewrite requirements/uv.txt"


def test_the_lock_pins_every_package_with_hashes() -> None:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    packages = [p for p in lock["package"] if p["name"] != "nn-playground"]
    assert len(packages) > 20
    for package in packages:
        files = package.get("wheels", []) + ([package["sdist"]] if "sdist" in package else [])
        assert files, package["name"]
        assert all(f["hash"].startswith("sha256:") for f in files), package["name"]
