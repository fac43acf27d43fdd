"""Fixtures shared by the test packages."""

from __future__ import annotations

import pytest

from tests.installed import Installed, install


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel installed into a fresh venv outside the clone (built once per test run)."""
    return install(tmp_path_factory.mktemp("installed"))
