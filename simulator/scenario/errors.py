"""Validation errors of scenario files: where (file, line, column, field path), what, and a suggestion.

Every check collects ``ScenarioError`` objects instead of stopping at the first problem; callers raise
``ScenarioInvalid`` with the whole list. ``str(error)`` is the one-line form the CLI prints:
``scenarios/x.yaml:12:9: timeline[2].action: unknown action 'stop_loging'; did you mean 'stop_logging'?``
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class ScenarioError:
    """One problem in one scenario file. ``line``/``column`` are 1-based; 0 when unknown."""

    file: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.field or '(file)'}: {self.message}"


class ScenarioInvalid(Exception):
    """A scenario that cannot be used; ``errors`` lists every problem found, sorted by position."""

    def __init__(self, errors: Sequence[ScenarioError]) -> None:
        self.errors = sorted(dict.fromkeys(errors))
        super().__init__("\n".join(str(e) for e in self.errors))


def field_name(path: Iterable[str | int]) -> str:
    """``("timeline", 2, "params", "bucket")`` -> ``timeline[2].params.bucket``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest choice, or a short list of valid choices, or ""."""
    options = sorted(set(choices))
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    if 0 < len(options) <= 8:
        return "; expected one of " + ", ".join(repr(o) for o in options)
    return ""
