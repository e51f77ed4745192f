"""Value matchers: one per pattern element, each testing a single leaf value of an event.

Leaf values are the JSON scalars of the event (str, int, float, bool, None). Types matter:
string operators never match numbers, ``null`` or booleans; ``numeric`` only matches JSON numbers;
every ``anything-but`` form matches ``null`` and values of another type, and never a missing field
(AWS-validated cases in shared/conformance/event_patterns.json, e.g. content_anything_prefix_int_value,
content_anything_but_string_null, content_anything_wildcard_int).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from grader.eventbridge.ipaddr import ip_to_int, looks_like_ip


def _is_number(v: object) -> bool:
    return (type(v) is int or type(v) is float) and v == v  # NaN never compares


def _fold_char(c: str) -> str:
    options = {c, c.lower(), c.upper()}
    return "(?:" + "|".join(re.escape(o) for o in sorted(options)) + ")"


def ignore_case_regex(text: str) -> str:
    """Regex body matching ``text`` with each character in its own, lower or upper case.

    event-ruler's EqualsIgnoreCaseParser expands every character of the pattern into its lower-
    and upper-case forms (per character, not by Unicode case folding).
    """
    return "".join(_fold_char(c) for c in text)


class Matcher:
    """Base class: ``test`` one leaf value. ``describe`` gives the pattern element back for tables."""

    def test(self, value: object) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class ExactString(Matcher):
    text: str
    ip: tuple[int, int] | None = None  # a string that is an IP literal also matches other spellings

    def test(self, value: object) -> bool:
        if type(value) is not str:
            return False
        if value == self.text:
            return True
        return self.ip is not None and looks_like_ip(value) and ip_to_int(value) == self.ip


@dataclass(frozen=True)
class ExactNumber(Matcher):
    number: int | float

    def test(self, value: object) -> bool:
        return _is_number(value) and value == self.number


@dataclass(frozen=True)
class ExactLiteral(Matcher):
    """``true``, ``false`` or ``null`` in the pattern."""

    literal: bool | None

    def test(self, value: object) -> bool:
        return value is self.literal


@dataclass(frozen=True)
class Prefix(Matcher):
    text: str

    def test(self, value: object) -> bool:
        return type(value) is str and value.startswith(self.text)


@dataclass(frozen=True)
class Suffix(Matcher):
    text: str

    def test(self, value: object) -> bool:
        return type(value) is str and value.endswith(self.text)


@dataclass(frozen=True)
class IgnoreCase(Matcher):
    """equals-ignore-case, and prefix/suffix with equals-ignore-case (``mode``: equals|prefix|suffix)."""

    text: str
    mode: str
    regex: re.Pattern[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        body = ignore_case_regex(self.text)
        if self.mode == "suffix":
            body = "(?:" + body + r")\Z"
        object.__setattr__(self, "regex", re.compile(body, re.DOTALL))

    def test(self, value: object) -> bool:
        if type(value) is not str:
            return False
        if self.mode == "equals":
            return self.regex.fullmatch(value) is not None
        if self.mode == "prefix":
            return self.regex.match(value) is not None
        return self.regex.search(value) is not None


@dataclass(frozen=True)
class Wildcard(Matcher):
    text: str
    regex: re.Pattern[str]

    def test(self, value: object) -> bool:
        return type(value) is str and self.regex.fullmatch(value) is not None


@dataclass(frozen=True)
class Numeric(Matcher):
    """A numeric range; ``None`` bounds are open-ended."""

    low: float | int | None
    low_open: bool
    high: float | int | None
    high_open: bool

    def test(self, value: object) -> bool:
        if not _is_number(value):
            return False
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        if self.high is not None and (value >= self.high if self.high_open else value > self.high):
            return False
        return True


@dataclass(frozen=True)
class Cidr(Matcher):
    bits: int
    bottom: int
    top: int

    def test(self, value: object) -> bool:
        if type(value) is not str or not looks_like_ip(value):
            return False
        parsed = ip_to_int(value)
        return parsed is not None and parsed[0] == self.bits and self.bottom <= parsed[1] <= self.top


@dataclass(frozen=True)
class Exists(Matcher):
    """``exists: true`` (any leaf value, null included). ``exists: false`` is handled by the matcher
    engine as absence of the field."""

    present: bool

    def test(self, value: object) -> bool:
        return self.present


@dataclass(frozen=True)
class AnythingBut(Matcher):
    """anything-but over exact strings or numbers: matches any present value not excluded."""

    strings: frozenset[str] = frozenset()
    numbers: tuple[int | float, ...] = ()

    def test(self, value: object) -> bool:
        if type(value) is str:
            return value not in self.strings
        if _is_number(value):
            return not any(value == n for n in self.numbers)
        return True


@dataclass(frozen=True)
class AnythingButForm(Matcher):
    """anything-but with prefix / suffix / equals-ignore-case / wildcard over a set of strings."""

    kind: str
    values: tuple[str, ...]
    regexes: tuple[re.Pattern[str], ...] = ()

    def test(self, value: object) -> bool:
        if type(value) is not str:
            return True
        if self.kind == "prefix":
            return not any(value.startswith(v) for v in self.values)
        if self.kind == "suffix":
            return not any(value.endswith(v) for v in self.values)
        return not any(r.fullmatch(value) for r in self.regexes)
