"""The project as a user installs it: an sdist and a wheel built by the standard `build`
frontend, the wheel installed into a fresh virtual environment outside the clone.

    tool = install(tmp)            # about a minute: a build, a venv, the dependencies
    tool.playground                # its `playground` command; tool.home: a directory outside
                                   # the clone, to run it from

The build runs in an isolated environment (setuptools from the package index) and the venv
gets the dependencies from the package index too, as `pip install`, `pipx install` or a
registry's wheel would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.server_process import ROOT


@dataclass(frozen=True)
class Installed:
    dist: Path
    """The sdist and the wheel, built from the clone (the wheel from the sdist)."""
    build_log: str
    """Everything the build printed."""
    home: Path
    """A directory outside the clone; the venv is `home/venv`."""

    @property
    def wheel(self) -> Path:
        return next(self.dist.glob("*.whl"))

    @property
    def sdist(self) -> Path:
        return next(self.dist.glob("*.tar.gz"))

    @property
    def bin(self) -> Path:
        return self.home / "venv" / "bin"

    @property
    def playground(self) -> Path:
        return self.bin / "playground"

    def run(self, *command: str | Path) -> str:
        """Runs a command (e.g. the venv's python) from `home`, as a user would; its output."""
        result = subprocess.run([str(part) for part in command], cwd=self.home, env=clean_env(),
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout


def clean_env() -> dict[str, str]:
    """The environment without what would let the clone leak into the installed tool, nor
    PYTHONDONTWRITEBYTECODE (setuptools warns that it skips byte-compiling when it is set)."""
    hidden = ("PYTHONPATH", "PYTHONHOME", "PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV")
    return {name: value for name, value in os.environ.items() if name not in hidden}


def run_checked(command: list[str], cwd: Path, timeout: float) -> str:
    result = subprocess.run(command, cwd=cwd, env=clean_env(), capture_output=True, text=True,
                            timeout=timeout)
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{output}")
    return output


def install(home: Path) -> Installed:
    """Builds the sdist and, from it, the wheel; installs the wheel into `home/venv`."""
    dist = home / "dist"
    # `python -m build` without --wheel builds the wheel from the sdist, so both must be whole.
    build_log = run_checked([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)],
                            cwd=home, timeout=600)
    installed = Installed(dist=dist, build_log=build_log, home=home)
    run_checked([sys.executable, "-m", "venv", str(home / "venv")], cwd=home, timeout=120)
    run_checked([str(installed.bin / "python"), "-m", "pip", "install", "--quiet",
                 "--disable-pip-version-check", str(installed.wheel)], cwd=home, timeout=600)
    return installed


def install_once(home: Path) -> Installed:
    """install(home), unless an earlier call (another process of the same test run) finished
    it: then that install, with its build's log. The caller keeps two from running at once."""
    log = home / "build.log"
    if log.exists():
        return Installed(dist=home / "dist", build_log=log.read_text(), home=home)
    home.mkdir(parents=True, exist_ok=True)
    installed = install(home)
    log.write_text(installed.build_log)  # written last: its presence says the install is whole
    return installed
