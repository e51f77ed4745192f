"""Wildcard values: parsing with event-ruler's errors, matching, and AWS's complexity limit.

``*`` matches zero or more characters, ``\\*`` is a literal star and ``\\\\`` a literal backslash;
any other backslash escape and ``**`` are errors. event-ruler parses the value wrapped in quotes,
so the reported positions are the byte offset in the UTF-8 value plus one
(AWS: ``Consecutive wildcard characters at pos 26`` for ``arn:aws:events:us-east-1:**:...``).

AWS additionally rejects wildcard patterns whose matching automaton is too complex ("Rule is too
complex - ..."). We measure complexity as event-ruler's ``MachineComplexityEvaluator`` does in
spirit: the largest number of pattern positions a single input can keep alive at once.
"""

from __future__ import annotations

import re
from functools import lru_cache

TOO_COMPLEX = (
    "Rule is too complex - try using fewer wildcard characters or fewer repeating character "
    "sequences after a wildcard character"
)
# AWS accepts every corpus wildcard (at most 7 by our measure) and rejects "*:*:*:*:*:event-bus/*"
# (12 by our measure); the service limit is not published, so we reject from the midpoint up.
# See docs/conformance.md. Patterns scoring at least this are rejected.
MAX_COMPLEXITY = 10

STAR = None  # token marking a wildcard in a parsed value


class WildcardError(ValueError):
    """A wildcard value event-ruler rejects; the message is the AWS reason text."""


def parse_wildcard(value: str) -> list[str | None]:
    """Tokens of a wildcard value: characters, or STAR for ``*``."""
    tokens: list[str | None] = []
    i = 0
    chars = list(value)
    # positions are UTF-8 byte offsets (+1 for the quote event-ruler prepends)
    offsets = []
    pos = 0
    for ch in chars:
        offsets.append(pos)
        pos += len(ch.encode("utf-8"))
    while i < len(chars):
        ch = chars[i]
        if ch == "*":
            if i + 1 < len(chars) and chars[i + 1] == "*":
                raise WildcardError(f"Consecutive wildcard characters at pos {offsets[i] + 1}")
            tokens.append(STAR)
        elif ch == "\\":
            if i + 1 < len(chars) and chars[i + 1] in "*\\":
                tokens.append(chars[i + 1])
                i += 2
                continue
            raise WildcardError(f"Invalid escape character at pos {offsets[i] + 1}")
        else:
            tokens.append(ch)
        i += 1
    return tokens


def wildcard_regex(tokens: list[str | None]) -> re.Pattern[str]:
    body = "".join(".*" if t is STAR else re.escape(t) for t in tokens)
    return re.compile(body, re.DOTALL)


def _closure(tokens: tuple[str | None, ...], states: frozenset[int]) -> frozenset[int]:
    out = set(states)
    stack = list(states)
    while stack:
        s = stack.pop()
        if s < len(tokens) and tokens[s] is STAR and s + 1 not in out:
            out.add(s + 1)
            stack.append(s + 1)
    return frozenset(out)


@lru_cache(maxsize=1024)
def complexity(tokens: tuple[str | None, ...], cap: int = 64) -> int:
    """Most pattern positions (past the first wildcard) one input keeps alive simultaneously."""
    if STAR not in tokens:
        return 0
    alphabet = sorted({t for t in tokens if t is not STAR}) + ["\x00"]
    start = _closure(tokens, frozenset({0}))
    seen = {start}
    frontier = [start]
    best = 0
    explored = 0
    while frontier and explored < 5000:
        states = frontier.pop()
        explored += 1
        first_star = tokens.index(STAR)
        best = max(best, sum(1 for s in states if s > first_star))
        if best >= cap:
            return cap
        for ch in alphabet:
            nxt = set()
            for s in states:
                if s < len(tokens):
                    if tokens[s] is STAR:
                        nxt.add(s)
                    elif tokens[s] == ch:
                        nxt.add(s + 1)
            if nxt:
                closed = _closure(tokens, frozenset(nxt))
                if closed not in seen:
                    seen.add(closed)
                    frontier.append(closed)
    return best
