"""YAML loading that remembers where every key and value came from (line and column, 1-based).

The loader follows YAML 1.2's core schema rather than PyYAML's YAML 1.1 defaults, so instructors are
not surprised: ``yes``/``no``/``on``/``off`` stay strings, ``10:30`` stays a string (YAML 1.1 reads it
as the base-60 number 630) and dates/times stay strings (the scenario's time parser reads them).
Duplicate keys are errors. A syntax error becomes a ``ScenarioInvalid`` naming file:line:column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from simulator.scenario.errors import Path_, ScenarioError, ScenarioInvalid, field_name


class _CoreLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema implicit types only."""


_CoreLoader.yaml_implicit_resolvers = {}
_IMPLICIT = (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     list("-+0123456789.")),
)
for _tag, _regexp, _first in _IMPLICIT:
    _CoreLoader.add_implicit_resolver(_tag, re.compile(_regexp), _first)


def _construct_bool(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> bool:
    return loader.construct_scalar(node).lower() == "true"


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    return int(text, 0) if text.startswith("0x") else int(text)


_CoreLoader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
_CoreLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


@dataclass
class Document:
    """Plain data (dicts, lists, scalars) plus the position of every value and every mapping key."""

    file: str
    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Position of the value (or its key) at path; falls back to the nearest enclosing value."""
        p = tuple(path)
        if key and p in self.keys:
            return self.keys[p]
        while p:
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), (1, 1))

    def error(self, path: Path_, message: str, *, key: bool = False) -> ScenarioError:
        line, col = self.position(path, key=key)
        return ScenarioError(self.file, line, col, field_name(path), message)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _convert(loader: _CoreLoader, node: yaml.Node, path: Path_, doc: Document, errors: list[ScenarioError]) -> Any:
    doc.values[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                line, col = _mark(key_node)
                errors.append(ScenarioError(doc.file, line, col, field_name(path), "mapping keys must be plain text"))
                continue
            key = loader.construct_object(key_node)
            key = key if isinstance(key, str) else str(key)
            sub = (*path, key)
            if key in out:
                line, col = _mark(key_node)
                first = doc.keys[sub]
                errors.append(ScenarioError(doc.file, line, col, field_name(sub),
                                            f"duplicate key {key!r} (first defined on line {first[0]})"))
                continue
            doc.keys[sub] = _mark(key_node)
            out[key] = _convert(loader, value_node, sub, doc, errors)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(loader, item, (*path, i), doc, errors) for i, item in enumerate(node.value)]
    return loader.construct_object(node)


def load_document(text: str, file: str = "<string>") -> Document:
    """Parse one YAML document; raises ScenarioInvalid (with positions) on syntax errors or duplicate keys."""
    loader = _CoreLoader(text)
    try:
        node = loader.get_single_node()
        doc = Document(file, None)
        errors: list[ScenarioError] = []
        doc.data = _convert(loader, node, (), doc, errors) if node is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        text_ = " ".join(x for x in (e.context, e.problem) if x)
        raise ScenarioInvalid([ScenarioError(file, line, col, "", f"YAML syntax error: {text_}")]) from None
    except yaml.YAMLError as e:
        raise ScenarioInvalid([ScenarioError(file, 1, 1, "", f"YAML error: {e}")]) from None
    finally:
        loader.dispose()
    if errors:
        raise ScenarioInvalid(errors)
    if not isinstance(doc.data, dict):
        raise ScenarioInvalid([ScenarioError(file, 1, 1, "", "a scenario must be a YAML mapping (key: value lines)")])
    return doc
