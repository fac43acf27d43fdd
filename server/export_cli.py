"""`playground export`: a saved session (the JSON file "Save & share" downloads) as code.

    playground export --format numpy SESSION_FILE -o model.py
    playground export --format keras SESSION_FILE -o model_keras.py

A bad file gets one line naming what is wrong (the field, as the page's errors do) and exit
status 2; nothing is written then.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from server import export, protocol
from server.config import ProtocolError
from server.payloads import imported_model
from server.settings import Settings


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="playground export",
        description="Write a saved session (the .json file of 'Save & share') as a Python "
                    "script: NumPy in the course's notation, or a Keras 3 model ready to fit.")
    parser.add_argument("--format", required=True, choices=list(export.FORMATS),
                        help="numpy: a self-contained NumPy script that reproduces the "
                             "playground's predictions; keras: a keras.Sequential with the "
                             "same layers, weights, loss and optimizer")
    parser.add_argument("session", metavar="SESSION_FILE", type=Path,
                        help="the session file downloaded from 'Save & share'")
    parser.add_argument("-o", "--output", metavar="FILE.py", default="-",
                        help="where to write the script (default: standard output)")
    return parser.parse_args(argv)


def load_payload(path: Path) -> protocol.ExportPayload:
    """The export payload in a session file (ValueError with a readable message)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"{path}: {error.strerror or error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: not a JSON file ({error})") from None
    if not isinstance(raw, dict) or raw.get("format") != "nn-playground":
        raise ValueError(f'{path}: not a session file (no "format": "nn-playground")')
    raw.pop("history", None)  # the page's loss chart, saved beside the session
    try:
        return protocol.ExportPayload.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise ValueError(f"{path}: {field}: {first['msg']}") from None


def main(argv: Sequence[str]) -> int:
    """`argv` without the leading `export`; the exit status."""
    args = parse_args(argv)
    try:
        payload = load_payload(args.session)
        model = imported_model(payload, Settings())
    except ValueError as error:
        print(f"playground export: {error}", file=sys.stderr)
        return 2
    except ProtocolError as error:
        print(f"playground export: {args.session}: {error.message}", file=sys.stderr)
        return 2
    code = export.script(model, args.format)
    if args.output == "-":
        sys.stdout.write(code)
    else:
        Path(args.output).write_text(code, encoding="utf-8")
        print(f"{args.output}: {args.format} script of {args.session.name} "
              f"(epoch {payload.epoch})", file=sys.stderr)
    return 0
