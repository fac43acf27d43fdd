"""The page's CSV preview (web/data/csv.js) reads a file as the server does (engine/data.py).

The page lists the rows it cannot read before it sends anything; the server reads the text
again, with its own parser, and its answer is the one that counts. Both read each case below
to the same points, and refuse the same rows.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from engine.data import from_csv

ROOT = Path(__file__).resolve().parents[2]

CASES = [
    "1,2,0\n3,4,1\n",
    "x1,x2,label\n1,2,0\n3,4,1\n",
    "1;2;0\n-0,5;1,25;1\n",
    "1\t2\t0\n3\t4\t1\n",
    '"1","2","0"\n"3", "4" ,1\n',
    "# a comment\n\n1,2,0\n   \n3,4,1\n",
    "1,2,0\r\n3,4,1\r\n",
    "1e-3,2E2,0\n+1,-2,1\n",
    "1,2,0\n3,4\n",
    "1,2,0\n3,x,1\n",
    "1,2,0,9\n3,4,1\n",
]


def _page(texts: list[str]) -> list[dict[str, object]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (tsc needs it too)")
    script = (f"import {{ readCsv }} from {json.dumps((ROOT / 'web/data/csv.js').as_uri())};\n"
              f"console.log(JSON.stringify({json.dumps(texts)}.map(readCsv)));\n")
    out = subprocess.run([node, "--input-type=module", "-e", script], capture_output=True,
                         text=True, timeout=60, check=True)
    result: list[dict[str, object]] = json.loads(out.stdout)
    return result


def _server(text: str) -> list[list[float]] | None:
    """The points the server reads, or None when it refuses the text."""
    try:
        dataset = from_csv(text, task="regression", classes=1)
    except ValueError:
        return None
    return [[float(x1), float(x2), float(y)]
            for x1, x2, y in zip(dataset.X[0], dataset.X[1], dataset.Y[0], strict=True)]


def test_the_page_and_the_server_read_csv_files_the_same_way() -> None:
    for text, page in zip(CASES, _page(CASES), strict=True):
        server = _server(text)
        if page["bad"]:
            assert server is None, (text, page)
        else:
            assert server == page["points"], text
