"""The page's TypeScript declarations are the protocol's JSON Schema, converted (`make types`)."""

from __future__ import annotations

from pathlib import Path

from server import schema_ts
from server.schema_ts import ts

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_page_types_are_fresh() -> None:
    stored = (ROOT / "web" / "types" / "protocol.d.ts").read_text(encoding="utf-8")
    assert stored == schema_ts.render(), (
        "web/types/protocol.d.ts is stale: run `make types`")


def test_scalars_enums_and_constants() -> None:
    assert ts({"type": "integer"}) == "number"
    assert ts({"type": "string", "enum": ["a", "b"]}) == '"a" | "b"'
    assert ts({"const": "hello"}) == '"hello"'
    assert ts({}) == "unknown"


def test_nullable_unions_and_references() -> None:
    nullable = {"anyOf": [{"$ref": "#/$defs/Config"}, {"type": "null"}]}
    assert ts(nullable) == "Config | null"
    assert ts({"anyOf": [{"$ref": "#/$defs/Config-Input"}, {"type": "null"}]}) == \
        "ConfigInput | null"
    tagged = {"oneOf": [{"$ref": "#/$defs/PlayMessage"}, {"$ref": "#/$defs/PauseMessage"}],
              "discriminator": {"propertyName": "type"}}
    assert ts(tagged) == "PlayMessage | PauseMessage"


def test_arrays_tuples_and_records() -> None:
    assert ts({"type": "array", "items": {"type": "number"}}) == "number[]"
    assert ts({"type": "array", "items": {"anyOf": [{"type": "number"}, {"type": "null"}]}}) \
        == "Array<number | null>"
    pair = {"type": "array", "prefixItems": [{"type": "number"}, {"type": "string"}]}
    assert ts(pair) == "[number, string]"
    assert ts({"type": "object", "additionalProperties": {"type": "integer"}}) == \
        "Record<string, number>"
    keyed = {"type": "object", "additionalProperties": {"type": "boolean"},
             "propertyNames": {"enum": ["x", "y"]}}
    assert ts(keyed) == 'Partial<Record<"x" | "y", boolean>>'
    assert ts({"type": "object"}) == "Record<string, unknown>"


def test_a_property_without_a_default_or_requirement_is_optional() -> None:
    model = {"type": "object", "description": "A point.", "required": ["x"], "properties": {
        "x": {"type": "number", "description": "across"},
        "label": {"type": "integer", "default": 0},
        "note": {"type": "string"}}}
    assert schema_ts.declaration("Point", model) == (
        "/** A point. */\n"
        "export interface Point {\n"
        "  /** across */\n"
        "  x: number;\n"
        "  label: number;\n"
        "  note?: string;\n"
        "}\n")


def test_a_frame_headers_fields_with_a_default_are_optional() -> None:
    header = schema_ts.render().split("export interface FrameHeader {")[1].split("\n}")[0]
    assert "  seq: number;" in header
    assert "  diagnostics?: Diagnostics | null;" in header
