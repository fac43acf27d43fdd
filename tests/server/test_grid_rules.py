"""The search editor's grid size (web/search/space.js `gridValues`) counts the values the
engine's grid tries (engine/search/space.py `Range.grid`): the same values, for integer
fields the same after rounding halves to even, so the size the page shows is the size the
server runs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from engine.search.space import Range

ROOT = Path(__file__).resolve().parents[2]

RANGES = [
    {"low": low, "high": high, "steps": steps, "log": log}
    for low, high in [(1, 4), (2, 3), (0.5, 2.5), (1, 8), (1, 64), (0.0001, 0.1), (1, 6),
                      (2, 7), (0.001, 1), (3, 5)]
    for steps in [2, 3, 4, 5, 7, 9, 12]
    for log in [False, True]
]


def _page(ranges: list[dict[str, object]], integer: bool) -> list[list[float]]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: `make test` installs it with node-typescript")
    script = (f"import {{ gridValues }} from "
              f"{json.dumps((ROOT / 'web/search/space.js').as_uri())};\n"
              f"console.log(JSON.stringify({json.dumps(ranges)}"
              f".map((d) => gridValues(d, {json.dumps(integer)}))));\n")
    out = subprocess.run([node, "--input-type=module", "-e", script], capture_output=True,
                         text=True, timeout=60, check=True)
    result: list[list[float]] = json.loads(out.stdout)
    return result


@pytest.mark.parametrize("integer", [False, True])
def test_the_page_counts_the_grid_the_engine_runs(integer: bool) -> None:
    for dim, page in zip(RANGES, _page(RANGES, integer), strict=True):
        engine = Range(float(dim["low"]), float(dim["high"]), bool(dim["log"]),
                       int(dim["steps"]), integer).grid()
        assert len(page) == len(engine), dim
        if integer:
            assert page == engine, dim
        else:
            assert page == pytest.approx(engine, rel=1e-5), dim
