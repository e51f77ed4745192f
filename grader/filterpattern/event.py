"""A log event as the matchers see it: the raw message plus lazily built, shared parses.

Many patterns are evaluated against one event, so the JSON document and the space-delimited
fields are computed at most once per event, and only when a pattern needs them.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_UNSET: Any = object()
FIELD_BLANKS = " \t"


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def parse_json_object(message: str) -> dict | None:
    """The message as a JSON object, or None (arrays, scalars, broken JSON, trailing text).

    orjson first; the standard library is the fallback for what orjson refuses but a JSON
    parser accepts (numbers that overflow a double, lone surrogate escapes).
    """
    try:
        doc = orjson.loads(message)
    except orjson.JSONDecodeError:
        doc = parse_json_exact(message)
    return doc if type(doc) is dict else None


def parse_json_exact(message: str) -> dict | None:
    """Standard-library parse: integers exact at any size, overflowing doubles become inf."""
    try:
        doc = json.loads(message, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None
    return doc if type(doc) is dict else None


def split_fields(message: str) -> list[tuple[int, str]]:
    """Space-delimited fields as (start offset, value) pairs.

    Runs of spaces/tabs separate fields; a field starting with ``"`` or ``[`` runs to the next
    ``"`` / ``]`` (delimiters dropped) when one exists, otherwise the character is ordinary
    (recorded, filter-pattern-semantics.md §6.1).
    """
    fields: list[tuple[int, str]] = []
    i, n = 0, len(message)
    while True:
        while i < n and message[i] in FIELD_BLANKS:
            i += 1
        if i >= n:
            return fields
        c = message[i]
        if c == '"' or c == "[":
            end = message.find('"' if c == '"' else "]", i + 1)
            if end != -1:
                fields.append((i, message[i + 1 : end]))
                i = end + 1
                continue
        j = i
        while j < n and message[j] not in FIELD_BLANKS:
            j += 1
        fields.append((i, message[i:j]))
        i = j


class LogEvent:
    """One CloudWatch Logs event: ``message`` and optional ``timestamp`` (ms since the epoch)."""

    __slots__ = ("message", "timestamp", "_json", "_exact", "_fields")

    def __init__(self, message: str, timestamp: int | None = None) -> None:
        self.message = message
        self.timestamp = timestamp
        self._json = _UNSET
        self._exact = _UNSET
        self._fields = None

    @property
    def json(self) -> dict | None:
        doc = self._json
        if doc is _UNSET:
            doc = self._json = parse_json_object(self.message)
        return doc

    @property
    def exact_json(self) -> dict | None:
        doc = self._exact
        if doc is _UNSET:
            doc = self._exact = parse_json_exact(self.message)
        return doc

    @property
    def fields(self) -> list[tuple[int, str]]:
        f = self._fields
        if f is None:
            f = self._fields = split_fields(self.message)
        return f

    def __repr__(self) -> str:
        return f"LogEvent({self.message!r}, timestamp={self.timestamp!r})"
