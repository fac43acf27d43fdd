"""The built wheel, installed into a fresh venv outside the clone, is the whole tool: its
`playground` serves the same page, API and websocket as the clone's server.

Slow (a build and an install, once per test run; see tests/installed.py) and needs the package
index for setuptools and the dependencies.
"""

from __future__ import annotations

import json
import re
import tarfile
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect

from server import __version__, catalog
from server.static import MEDIA_TYPES
from tests.installed import Installed
from tests.server.test_end_to_end import next_of, run_in_own_loop
from tests.server_process import ROOT, server_process

pytestmark = pytest.mark.slow

WEB = ROOT / "web"
# Relative URLs in the page: attributes in HTML, any './x.js' or '../x.css' string in a module
# (static and dynamic imports, and the table of views that main.js imports by path).
HTML_REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']([^"':#?]+)["']""")
MODULE_REFERENCE = re.compile(r"""["'](\.{1,2}/[^"'?#]+\.(?:js|css))["']""")


def web_files() -> list[str]:
    """Every file of web/, as a path relative to it ('lessons/index.js')."""
    return sorted(p.relative_to(WEB).as_posix() for p in WEB.rglob("*") if p.is_file())


def get(url: str) -> tuple[bytes, str]:
    with urllib.request.urlopen(url, timeout=20) as response:
        assert response.status == 200, url
        return response.read(), response.headers["content-type"]


@pytest.fixture(scope="module")
def base_url(installed: Installed) -> Iterator[str]:
    with server_process(program=[str(installed.playground)], cwd=installed.home,
                        timeout=60) as (_, url):
        yield url


def test_the_build_prints_no_warning(installed: Installed) -> None:
    warnings = [line for line in installed.build_log.splitlines()
                if re.search(r"warning|deprecat", line, re.IGNORECASE)]
    assert not warnings, "\n".join(warnings)


def test_the_wheel_and_the_sdist_carry_the_page_and_nothing_of_the_clone_besides(
    installed: Installed,
) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read(f"nn_playground-{__version__}.dist-info/METADATA").decode()
    assert {f"server/web/{name}" for name in web_files()} <= names
    assert {name.split("/")[0] for name in names} == {
        "engine", "server", f"nn_playground-{__version__}.dist-info"}
    assert f"nn_playground-{__version__}.dist-info/licenses/LICENSE" in names
    assert {"server/export/numpy_code.py", "server/export/keras_code.py"} <= names
    with tarfile.open(installed.sdist) as sdist:
        top = f"nn_playground-{__version__}/"
        members = {m.name.removeprefix(top) for m in sdist.getmembers() if m.isfile()}
    assert {f"web/{name}" for name in web_files()} <= members
    assert {"LICENSE", "README.md", "pyproject.toml"} <= members
    for line in (f"Version: {__version__}", "License-Expression: MIT", "License-File: LICENSE",
                 "Description-Content-Type: text/markdown", "Classifier: Topic :: Education"):
        assert line in metadata.splitlines(), line
    assert "# NN Playground" in metadata  # the README as long description


def test_the_installed_tool_runs_from_its_venv_and_reports_the_version(
    installed: Installed,
) -> None:
    assert installed.run(installed.playground, "--version").strip() == f"playground {__version__}"
    site = installed.run(installed.bin / "python", "-c",
                         "import importlib.metadata, server, server.settings as s; "
                         "print(importlib.metadata.version('nn-playground')); "
                         "print(server.__file__); print(s.DEFAULT_WEB_DIR)").split("\n")
    assert site[0] == __version__
    venv = installed.home / "venv"
    assert Path(site[1]).is_relative_to(venv), site[1]
    assert Path(site[2]).is_relative_to(venv) and Path(site[2]).name == "web", site[2]


def test_the_installed_server_serves_every_file_of_the_page(base_url: str) -> None:
    body, content_type = get(base_url + "/")
    assert body == (WEB / "index.html").read_bytes()
    assert content_type.startswith("text/html")
    for name in web_files():
        body, content_type = get(f"{base_url}/{name}")
        assert body == (WEB / name).read_bytes(), name
        assert content_type == MEDIA_TYPES.get(Path(name).suffix, content_type), name


def test_every_file_the_page_imports_is_served(base_url: str) -> None:
    reached: set[str] = set()
    pending = ["index.html"]
    while pending:
        name = pending.pop()
        if name in reached:
            continue
        reached.add(name)
        text = get(f"{base_url}/{name}")[0].decode()
        pattern = HTML_REFERENCE if name.endswith(".html") else MODULE_REFERENCE
        folder = Path(name).parent
        pending += [resolve(folder, reference) for reference in pattern.findall(text)]
    assert {"main.js", "style.css", "lessons/index.js", "data/picker.js"} <= reached
    assert reached <= set(web_files())


def resolve(folder: Path, reference: str) -> str:
    """`reference` (relative to `folder`, inside web/) as a path relative to web/."""
    parts: list[str] = list(folder.parts)
    for part in reference.split("/"):
        if part == "..":
            parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


def test_the_installed_api_answers_as_the_clone(base_url: str) -> None:
    assert json.loads(get(base_url + "/api/catalog")[0]) == catalog.catalog()
    published = json.loads((ROOT / "docs" / "protocol.schema.json").read_text())
    assert json.loads(get(base_url + "/api/schema")[0]) == published


async def hello_and_a_frame(url: str) -> None:
    async with connect(url + "/ws", max_size=None) as ws:
        hello: dict[str, Any] = await next_of(ws, "hello")
        assert (hello["protocol"], hello["version"]) == (2, __version__)
        frame = await next_of(ws, "frame")
        assert frame["epoch"] == 0


def test_the_installed_websocket_says_hello_with_its_version_then_sends_a_frame(
    base_url: str,
) -> None:
    run_in_own_loop(hello_and_a_frame(base_url.replace("http://", "ws://")))
