"""Print the protocol's JSON Schema: `python -m server.schema > docs/protocol.schema.json`."""

from __future__ import annotations

import json
import sys

from server.protocol import json_schema


def render() -> str:
    """The schema as the text stored in docs/protocol.schema.json."""
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
