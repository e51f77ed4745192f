"""Decode an HTTP request back into botocore input parameters (member names as botocore has them).

The inverse of botocore's serializers for the query, ec2, json, rest-json and rest-xml
protocols, tolerant of anything a client may send: unknown keys are ignored, values that do
not fit their shape are kept as the strings that arrived.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import orjson
from botocore.model import OperationModel, Shape

from simulator.emulator.xml_body import xml_to_dict

_INDEX = re.compile(r"^(\d+)")


def scalar(shape: Shape, raw: str) -> Any:
    kind = shape.type_name
    try:
        if kind in ("integer", "long"):
            return int(raw)
        if kind in ("float", "double"):
            return float(raw)
    except ValueError:
        return raw
    if kind == "boolean":
        return raw.lower() == "true" if raw.lower() in ("true", "false") else raw
    return raw


def query_key(name: str, shape: Shape, ec2: bool) -> str:
    ser = shape.serialization
    if ec2:
        if "queryName" in ser:
            return ser["queryName"]
        loc = ser.get("name")
        return loc[0].upper() + loc[1:] if loc else name
    return ser.get("name", name)


def indices(flat: dict[str, str], prefix: str) -> list[int]:
    found: set[int] = set()
    start = prefix + "."
    for key in flat:
        if key.startswith(start):
            m = _INDEX.match(key[len(start) :])
            if m:
                found.add(int(m.group(1)))
    return sorted(found)


def has_prefix(flat: dict[str, str], prefix: str) -> bool:
    return prefix in flat or any(k.startswith(prefix + ".") for k in flat)


def _decode_flat(shape: Shape, flat: dict[str, str], prefix: str, ec2: bool) -> Any:
    kind = shape.type_name
    if kind == "structure":
        out: dict[str, Any] = {}
        for name, member in shape.members.items():
            key = query_key(name, member, ec2)
            sub = f"{prefix}.{key}" if prefix else key
            if has_prefix(flat, sub):
                out[name] = _decode_flat(member, flat, sub, ec2)
        return out
    if kind == "list":
        base = prefix
        if not ec2 and not shape.serialization.get("flattened"):
            base = f"{prefix}.{shape.member.serialization.get('name', 'member')}"
        if base in flat and flat[base] == "":
            return []
        return [_decode_flat(shape.member, flat, f"{base}.{i}", ec2) for i in indices(flat, base)]
    if kind == "map":
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        base = prefix if shape.serialization.get("flattened") else f"{prefix}.entry"
        result: dict[str, Any] = {}
        for i in indices(flat, base):
            k = flat.get(f"{base}.{i}.{key_name}")
            if k is not None:
                result[k] = _decode_flat(shape.value, flat, f"{base}.{i}.{value_name}", ec2)
        return result
    raw = flat.get(prefix)
    return None if raw is None else scalar(shape, raw)


def decode_query(op: OperationModel, form: dict[str, str], ec2: bool) -> dict[str, Any]:
    """Parameters of a query/ec2 request from its flattened form fields (Action/Version excluded)."""
    if op.input_shape is None:
        return {}
    fields = {k: v for k, v in form.items() if k not in ("Action", "Version")}
    return _decode_flat(op.input_shape, fields, "", ec2)


def decode_json(op: OperationModel, body: bytes) -> dict[str, Any]:
    """Parameters of a json-protocol request (the body is the input structure)."""
    if not body.strip():
        return {}
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _header(headers: dict[str, str], name: str) -> str | None:
    return headers.get(name.lower())


def decode_rest(
    op: OperationModel,
    labels: dict[str, str],
    query: dict[str, list[str]],
    headers: dict[str, str],
    body: bytes,
    protocol: str,
) -> dict[str, Any]:
    """Parameters of a rest-json/rest-xml request: URI labels, querystring, headers and body.

    `headers` must have lower-case names.
    """
    shape = op.input_shape
    if shape is None:
        return {}
    out: dict[str, Any] = {}
    payload_name = shape.serialization.get("payload")
    body_members: dict[str, Shape] = {}
    for name, member in shape.members.items():
        loc = member.serialization.get("location")
        loc_name = member.serialization.get("name", name)
        if loc == "uri":
            if loc_name in labels:
                out[name] = scalar(member, unquote(labels[loc_name]))
        elif loc == "querystring":
            if member.type_name == "map":
                continue
            values = query.get(loc_name)
            if values:
                out[name] = (
                    [scalar(member.member, v) for v in values]
                    if member.type_name == "list"
                    else scalar(member, values[0])
                )
        elif loc == "header":
            value = _header(headers, loc_name)
            if value is not None:
                out[name] = scalar(member, value)
        elif loc == "headers":
            prefix = loc_name.lower()
            found = {k[len(prefix) :]: v for k, v in headers.items() if k.startswith(prefix)}
            if found:
                out[name] = found
        elif name != payload_name:
            body_members[name] = member
    if not body.strip():
        return out
    if payload_name:
        member = shape.members[payload_name]
        if member.type_name in ("blob", "string"):
            out[payload_name] = body.decode("utf-8", "replace")
        elif protocol == "rest-json":
            out[payload_name] = decode_json(op, body)
        else:
            out[payload_name] = xml_to_dict(body)
    elif body_members:
        if protocol == "rest-json":
            parsed = decode_json(op, body)
        else:
            root = next(iter(xml_to_dict(body).values()), {})
            parsed = root if isinstance(root, dict) else {}
        for name in body_members:
            if name in parsed:
                out[name] = parsed[name]
    return out
