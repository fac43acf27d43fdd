"""The page's TypeScript declarations, written from the protocol's JSON Schema.

`python -m server.schema_ts > web/types/protocol.d.ts` (`make types`). The page's JSDoc reads
them (`import('./types/protocol').HelloMessage`), so `tsc --noEmit -p jsconfig.json` checks the
page against the shapes the server really sends. The converter covers the subset of JSON Schema
pydantic writes: objects, enums and constants, arrays and tuples, unions (discriminated or
not), `$ref` into `$defs`, and null.

A property is optional (`?`) only when the schema neither requires it nor gives it a default:
pydantic fills every default, and the server sends each message whole, so a field with a
default is always there for the page to read. The frame header is the exception (LEFT_OUT):
a periodic frame leaves out what did not change, so its fields with a default are optional.
The page's own messages are typed loosely on purpose (a partial config is a valid configure).
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from server.protocol import json_schema

Schema = dict[str, Any]

HEADER = """\
// Generated from docs/protocol.schema.json by `make types` (server/schema_ts.py): do not edit.
// The shapes the server sends and accepts, for the page's JSDoc:
//   /** @type {import('./types/protocol').HelloMessage} */
"""

OUTGOING = """\
/**
 * A client message as the page writes it: its `type` and any of its fields (the server fills
 * in the defaults and merges a partial config; the socket adds the `id`).
 */
export type Outgoing = ClientMessage extends infer M
  ? M extends { type: infer T } ? { type: T } & Partial<Omit<M, "type" | "id">> : never
  : never;
"""

ROOTS = {
    "client_message": ("ClientMessage", "Every message the page may send (on `type`)."),
    "server_message": ("ServerMessage", "Every text message the server sends (on `type`)."),
}

LEFT_OUT = ("FrameHeader",)
"""Definitions whose fields with a default may be absent from what the server sends."""

_NAME = re.compile(r"[^A-Za-z0-9_]")
_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def type_name(ref: str) -> str:
    """`#/$defs/Config` -> `Config` (a name pydantic suffixed, `Config-Input`, loses the dash)."""
    return _NAME.sub("", ref.rsplit("/", 1)[-1])


def _comment(text: str | None, indent: str) -> str:
    if not text:
        return ""
    lines = text.replace("*/", "* /").strip().splitlines()
    if len(lines) == 1:
        return f"{indent}/** {lines[0]} */\n"
    return f"{indent}/**\n" + "".join(f"{indent} * {line}".rstrip() + "\n" for line in lines) \
        + f"{indent} */\n"


def _union(members: list[str]) -> str:
    unique = list(dict.fromkeys(members))
    if "unknown" in unique:
        return "unknown"
    return " | ".join(f"({m})" if " => " in m else m for m in unique) or "never"


def _key(name: str) -> str:
    return name if _IDENTIFIER.match(name) else json.dumps(name)


def _object(schema: Schema, indent: str, left_out: bool = False) -> str:
    properties: dict[str, Schema] = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    if not properties:
        value = "unknown" if extra in (None, True) or extra == {} else ts(extra, indent)
        keys = schema.get("propertyNames", {})
        if "enum" in keys:
            return f"Partial<Record<{_union([json.dumps(k) for k in keys['enum']])}, {value}>>"
        return f"Record<string, {value}>"
    required = set(schema.get("required", ()))
    inner = indent + "  "
    out = "{\n"
    for name, prop in properties.items():
        optional = name not in required and (left_out or "default" not in prop)
        out += _comment(prop.get("description"), inner)
        out += f"{inner}{_key(name)}{'?' if optional else ''}: {ts(prop, inner)};\n"
    return out + indent + "}"


def ts(schema: Schema | bool, indent: str = "") -> str:
    """The TypeScript type of one schema (`indent`: the current nesting, for objects)."""
    if schema is True or schema == {}:
        return "unknown"
    if schema is False:
        return "never"
    assert isinstance(schema, dict)
    if "$ref" in schema:
        return type_name(schema["$ref"])
    if "const" in schema:
        return json.dumps(schema["const"])
    if "enum" in schema:
        return _union([json.dumps(value) for value in schema["enum"]])
    for key in ("oneOf", "anyOf", "allOf"):
        if key in schema:
            members = [ts(member, indent) for member in schema[key]]
            return " & ".join(members) if key == "allOf" else _union(members)
    kind = schema.get("type")
    if isinstance(kind, list):
        return _union([ts({**schema, "type": k}, indent) for k in kind])
    if kind == "array":
        if "prefixItems" in schema:
            return "[" + ", ".join(ts(item, indent) for item in schema["prefixItems"]) + "]"
        item = ts(schema.get("items", {}), indent)
        return f"Array<{item}>" if " " in item else f"{item}[]"
    if kind == "object":
        return _object(schema, indent)
    simple = {"string": "string", "integer": "number", "number": "number",
              "boolean": "boolean", "null": "null"}
    if kind in simple:
        return simple[kind]
    raise ValueError(f"no TypeScript for the schema {json.dumps(schema)[:200]}")


def declaration(name: str, schema: Schema) -> str:
    """`export interface Name {...}` for an object with properties, else `export type`."""
    doc = _comment(schema.get("description"), "")
    if schema.get("type") == "object" and schema.get("properties"):
        return f"{doc}export interface {name} {_object(schema, '', name in LEFT_OUT)}\n"
    return f"{doc}export type {name} = {ts(schema)};\n"


def render(schema: Schema | None = None) -> str:
    """The declarations of every definition and of the message unions, as committed."""
    document = schema if schema is not None else json_schema()
    parts = [HEADER]
    for key, (name, doc) in ROOTS.items():
        parts.append(_comment(doc, "") + f"export type {name} = {ts(document[key])};\n")
    parts.append(OUTGOING)
    for ref, definition in sorted(document["$defs"].items()):
        parts.append(declaration(type_name(ref), definition))
    return "\n".join(parts)


if __name__ == "__main__":
    sys.stdout.write(render())
