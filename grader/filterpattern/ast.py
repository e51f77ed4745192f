"""The parsed form of a filter pattern: small frozen dataclasses, one family per dialect.

Equality of these trees is what the pretty-printer round-trip promises (parse(format(p)) == p).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MatchAll:
    """Empty or blank pattern: every event matches."""


# --- unstructured terms -------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    text: str
    quoted: bool
    mode: str  # "plain" | "optional" (?term) | "exclude" (-term)


@dataclass(frozen=True)
class TermPattern:
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class RegexPattern:
    source: str


# --- values shared by JSON and space-delimited conditions ----------------------------------
@dataclass(frozen=True)
class StringValue:
    text: str  # may carry leading/trailing * wildcards


@dataclass(frozen=True)
class NumberValue:
    text: str  # kept as written: text comparisons use it verbatim


@dataclass(frozen=True)
class RegexValue:
    source: str


Value = StringValue | NumberValue | RegexValue


# --- JSON ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Segment:
    kind: str  # "name" | "key" (['a.b']) | "index" | "wild_dot" (.*) | "wild_bracket" ([*])
    value: str | int | None = None


@dataclass(frozen=True)
class Selector:
    segments: tuple[Segment, ...]

    @property
    def wildcards(self) -> int:
        return sum(1 for s in self.segments if s.kind.startswith("wild"))


@dataclass(frozen=True)
class Comparison:
    selector: Selector
    op: str  # = != < <= > >=
    value: Value


@dataclass(frozen=True)
class Check:
    selector: Selector
    kind: str  # "IS NULL" | "IS TRUE" | "IS FALSE" | "NOT EXISTS"


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class JsonPattern:
    expr: object  # And | Or | Comparison | Check


# --- space-delimited -----------------------------------------------------------------------
@dataclass(frozen=True)
class FieldTest:
    op: str
    value: Value


@dataclass(frozen=True)
class SpaceField:
    name: str | None  # None: anonymous positional field
    ellipsis: bool = False
    condition: object = None  # And | Or | FieldTest | None


@dataclass(frozen=True)
class SpacePattern:
    fields: tuple[SpaceField, ...]


PatternAst = MatchAll | TermPattern | RegexPattern | JsonPattern | SpacePattern


def flatten(kind: type, items: list) -> object:
    """Build And/Or with nested same-kind groups merged (the printer's canonical shape)."""
    out: list = []
    for item in items:
        out.extend(item.items if isinstance(item, kind) else (item,))
    return out[0] if len(out) == 1 else kind(tuple(out))
