"""Structural validation of a scenario against scenarios/schema.json (JSON Schema 2020-12).

jsonschema's raw messages are rewritten for instructors: unknown fields point at the key and suggest
the closest valid name, missing fields name the field, enums list the choices. The same translation
is used for each step's ``params`` against the action's own parameter schema.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator

from simulator.scenario.errors import Path_, ScenarioError, did_you_mean
from simulator.scenario.yamlload import Document

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "scenarios" / "schema.json"
_TYPE_NAMES = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
               "object": "a mapping (key: value)", "array": "a list", "null": "nothing"}
_PATTERN_HINTS = {
    r"^[a-z0-9][a-z0-9_-]*$": "use lower-case letters, digits, '-' and '_' (starting with a letter or digit)",
    r"^T[0-9]{4}(\.[0-9]{3})?$": "an ATT&CK technique id looks like T1078 or T1562.008",
    r"^[0-9]{12}$": "an AWS account id is 12 digits (quote it: \"111122223333\")",
    r"^[A-Z]{2}$": "a country is an ISO 3166 two-letter code such as NL or US",
    r"^\s*(\d+\s*[wdhms]\s*)+$": "expected a duration such as 90s, 15m, 1h30m, 2h or 7d",
}


@functools.cache
def load_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing" if value is None else type(value).__name__


def _expected(schema: dict) -> str:
    t = schema.get("type")
    if isinstance(t, list):
        return " or ".join(_TYPE_NAMES.get(x, x) for x in t)
    return _TYPE_NAMES.get(t, str(t))


def translate(err: jsonschema.ValidationError, doc: Document, base: Path_) -> list[ScenarioError]:
    """One jsonschema error -> scenario errors (positions from doc; ``base`` prefixes the instance path)."""
    path: Path_ = (*base, *err.absolute_path)
    v, inst, schema = err.validator, err.instance, err.schema
    if v == "additionalProperties" and isinstance(inst, dict):
        known = set(schema.get("properties", {}))
        extra = [k for k in inst if k not in known]
        return [doc.error((*path, k), f"unknown field {k!r}" + did_you_mean(k, known), key=True) for k in extra]
    if v == "required":
        missing = [k for k in err.validator_value if isinstance(inst, dict) and k not in inst]
        return [doc.error((*path, k), f"missing required field {k!r}") for k in missing]
    if v == "enum":
        choices = [str(c) for c in err.validator_value]
        hint = did_you_mean(str(inst), choices) if isinstance(inst, str) else ""
        if not hint:
            hint = "; expected one of " + ", ".join(repr(c) for c in choices)
        return [doc.error(path, f"{inst!r} is not allowed{hint}")]
    if v == "type":
        return [doc.error(path, f"expected {_expected(schema)}, got {_describe(inst)}")]
    if v == "pattern":
        hint = _PATTERN_HINTS.get(err.validator_value) or schema.get("description") or f"must match {err.validator_value}"
        return [doc.error(path, f"{inst!r} is not valid: {hint}")]
    if v == "propertyNames":
        key = err.instance
        sub = (*path, key) if isinstance(key, str) else path
        return [doc.error(sub, f"name {key!r} is not valid: {_PATTERN_HINTS[r'^[a-z0-9][a-z0-9_-]*$']}", key=True)]
    if v == "format":
        return [doc.error(path, f"{inst!r} is not a valid {err.validator_value}")]
    if v == "anyOf":
        what = schema.get("description") or "a value of another form"
        return [doc.error(path, f"{inst!r} is not valid: expected {what}")]
    return [doc.error(path, err.message)]


def validate_against(schema: dict, instance: Any, doc: Document, base: Path_ = ()) -> list[ScenarioError]:
    """Every schema violation of instance, as scenario errors."""
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    out: list[ScenarioError] = []
    for err in sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path]):
        out.extend(translate(err, doc, base))
    return out


def schema_errors(doc: Document) -> list[ScenarioError]:
    """Violations of scenarios/schema.json."""
    return validate_against(load_schema(), doc.data, doc)
