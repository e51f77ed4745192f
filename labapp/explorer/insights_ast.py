"""Syntax tree of the CloudWatch Logs Insights subset the explorer runs, plus the error type.

Every node keeps ``pos``, the 0-based character offset in the query text where it starts, so errors
found after parsing (an unknown field after ``stats``, say) still point at the right place.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class InsightsSyntaxError(ValueError):
    """A query the explorer cannot run: ``message`` says why, ``pos`` where (0-based offset)."""

    def __init__(self, message: str, pos: int, query: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.query = query

    def with_query(self, query: str) -> InsightsSyntaxError:
        self.query = query
        return self

    @property
    def line_col(self) -> tuple[int, int]:
        """1-based line and column of ``pos`` in the query."""
        before = self.query[: self.pos]
        return before.count("\n") + 1, self.pos - (before.rfind("\n") + 1) + 1

    def pointer(self) -> str:
        """The offending line with a caret under the position."""
        line_no, col = self.line_col
        lines = self.query.split("\n") or [""]
        line = lines[line_no - 1] if line_no - 1 < len(lines) else ""
        return f"{line}\n{' ' * (col - 1)}^"

    def __str__(self) -> str:
        line, col = self.line_col
        return f"line {line}, column {col}: {self.message}"


# ---- expressions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    pos: int


@dataclass(frozen=True)
class Literal:
    value: str | float
    pos: int

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, float)


@dataclass(frozen=True)
class Regex:
    source: str
    pos: int


@dataclass(frozen=True)
class Call:
    name: str  # lower-case function name
    args: tuple[object, ...]
    pos: int
    star: bool = False  # count(*)


@dataclass(frozen=True)
class Compare:
    op: str  # = != < <= > >=
    left: object
    right: object
    pos: int


@dataclass(frozen=True)
class Like:
    operand: object
    pattern: Literal | Regex
    negated: bool
    pos: int


@dataclass(frozen=True)
class InList:
    operand: object
    values: tuple[Literal, ...]
    negated: bool
    pos: int


@dataclass(frozen=True)
class BoolOp:
    op: str  # and | or
    items: tuple[object, ...]
    pos: int


@dataclass(frozen=True)
class Not:
    operand: object
    pos: int


# ---- commands ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    expr: object
    name: str  # output field name (alias, or the expression's text)
    pos: int


@dataclass(frozen=True)
class FieldsCmd:
    items: tuple[Projection, ...]
    pos: int
    display: bool = False  # ``display`` replaces the visible fields, ``fields`` adds to them


@dataclass(frozen=True)
class FilterCmd:
    condition: object
    pos: int


@dataclass(frozen=True)
class StatsCmd:
    aggregates: tuple[Projection, ...]
    groups: tuple[Projection, ...]
    pos: int


@dataclass(frozen=True)
class SortKey:
    expr: object
    descending: bool
    pos: int


@dataclass(frozen=True)
class SortCmd:
    keys: tuple[SortKey, ...]
    pos: int


@dataclass(frozen=True)
class LimitCmd:
    count: int
    pos: int


@dataclass(frozen=True)
class ParseCmd:
    source: object  # the field parsed (default @message)
    glob: str | None  # glob pattern with * wildcards, or
    regex: str | None  # a regex with named groups
    names: tuple[str, ...]
    pos: int


@dataclass(frozen=True)
class DedupCmd:
    fields: tuple[Field, ...]
    pos: int


@dataclass(frozen=True)
class Query:
    commands: tuple[object, ...] = field(default_factory=tuple)
