"""The ``%regex%`` dialect: AWS's character whitelist, then RE2/Go syntax translated to Python ``re``.

AWS accepts letters, digits, ``: _ # = @ / ; , -``, space and ``^ $ ? [ ] { } | \\ * + .`` inside
``%…%``; any other character (``(``, ``)``, ``!``, ``&``, non-ASCII …) is rejected with
``Invalid character(s) in term '<text up to and including it>'`` (recorded, semantics §4.2).
What passes the whitelist is compiled with RE2 semantics (the engine family that rejects the
possessive ``a++`` but accepts the lazy ``a+?``, both recorded): ``^``/``$`` anchor the whole
text, ``.`` excludes only ``\\n``, ``\\s`` is ``[\\t\\n\\f\\r ]``, ``\\d``/``\\w`` are ASCII, repeat
counts are at most 1000, nested repetition and unknown escapes are compile errors
(``Failed to compile regular expression.``). Syntax reference: https://github.com/google/re2/wiki/Syntax
"""

from __future__ import annotations

import re
import string

from grader.filterpattern.errors import REGEX_COMPILE, bad_term, plain

ALLOWED = frozenset(string.ascii_letters + string.digits + ":_#=@/;,-^$?[]{}|\\*+. ")
MAX_CODEPOINT = 0x10FFFF
MAX_REPEAT = 1000

Ranges = list[tuple[int, int]]


def scan_regex(text: str, start: int) -> tuple[str, int]:
    """Read ``%…%`` starting at ``text[start] == '%'``; return (source, index after closing %).

    Raises AWS's ``Invalid character(s) in term`` error for a character outside the whitelist
    (``%%`` counts as one: an empty regex is reported as ``'%%'``).
    """
    i = start + 1
    n = len(text)
    while i < n:
        c = text[i]
        if c == "%" and i > start + 1:
            return text[start + 1 : i], i + 1
        if c not in ALLOWED:
            raise bad_term(text[start : i + 1])
        i += 1
    raise _Unterminated()


class _Unterminated(Exception):
    """Internal: the regex has no closing %; the caller decides the message."""


Unterminated = _Unterminated


def _norm(ranges: Ranges) -> Ranges:
    out: Ranges = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _negate(ranges: Ranges) -> Ranges:
    out: Ranges = []
    nxt = 0
    for lo, hi in _norm(ranges):
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= MAX_CODEPOINT:
        out.append((nxt, MAX_CODEPOINT))
    return out


def _r(chars: str) -> Ranges:
    return [(ord(c), ord(c)) for c in chars]


DIGIT: Ranges = [(0x30, 0x39)]
WORD: Ranges = [(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)]
SPACE: Ranges = _r("\t\n\f\r ")
PERL = {"d": DIGIT, "w": WORD, "s": SPACE}
POSIX = {
    "alnum": [(0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)],
    "alpha": [(0x41, 0x5A), (0x61, 0x7A)],
    "ascii": [(0, 0x7F)],
    "blank": _r("\t "),
    "cntrl": [(0, 0x1F), (0x7F, 0x7F)],
    "digit": DIGIT,
    "graph": [(0x21, 0x7E)],
    "lower": [(0x61, 0x7A)],
    "print": [(0x20, 0x7E)],
    "punct": [(0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)],
    "space": _r("\t\n\v\f\r "),
    "upper": [(0x41, 0x5A)],
    "word": WORD,
    "xdigit": [(0x30, 0x39), (0x41, 0x46), (0x61, 0x66)],
}
SIMPLE_ESCAPES = {"a": 7, "f": 12, "t": 9, "n": 10, "r": 13, "v": 11}


class _Fail(Exception):
    pass


def _cp(cp: int) -> str:
    return f"\\x{cp:02x}" if cp < 0x100 else f"\\U{cp:08x}"


def _class_py(ranges: Ranges) -> str:
    ranges = _norm(ranges)
    if not ranges:
        return r"[^\x00-\U0010ffff]"
    parts = []
    for lo, hi in ranges:
        parts.append(_cp(lo) if lo == hi else f"{_cp(lo)}-{_cp(hi)}")
    return "[" + "".join(parts) + "]"


def _lit_py(cp: int) -> str:
    ch = chr(cp)
    return ch if ch.isascii() and ch.isalnum() else _cp(cp)


class _Translator:
    """Parse RE2 syntax (no groups can occur: '(' is not whitelisted) into Python source."""

    def __init__(self, src: str) -> None:
        self.s = src
        self.i = 0

    def translate(self) -> str:
        alternatives: list[str] = []
        seq: list[str] = []
        last_kind = "none"  # none | atom | repeat
        s, n = self.s, len(self.s)
        while self.i < n:
            c = s[self.i]
            if c == "|":
                alternatives.append("".join(seq))
                seq, last_kind = [], "none"
                self.i += 1
                continue
            if c in "*+?{":
                rep = self._repeat()
                if rep is None:  # '{' that is not a repeat is a literal
                    seq.append(_lit_py(ord("{")))
                    last_kind = "atom"
                    self.i += 1
                    continue
                if last_kind == "none":
                    raise _Fail("missing argument to repetition operator")
                if last_kind == "repeat":
                    raise _Fail("invalid nested repetition operator")
                seq[-1] = f"(?:{seq[-1]}){rep}"
                last_kind = "repeat"
                continue
            seq.append(self._atom())
            last_kind = "atom" if seq[-1] else last_kind
            if not seq[-1]:
                seq.pop()
        alternatives.append("".join(seq))
        return "|".join(alternatives)

    def _repeat(self) -> str | None:
        s = self.s
        c = s[self.i]
        if c == "{":
            m = re.compile(r"\{(\d+)(,(\d*))?\}").match(s, self.i)
            if m is None:
                return None
            lo = int(m.group(1))
            hi = None if m.group(2) and not m.group(3) else int(m.group(3) or m.group(1))
            if lo > MAX_REPEAT or (hi is not None and (hi > MAX_REPEAT or hi < lo)):
                raise _Fail("invalid repeat count")
            self.i = m.end()
            op = f"{{{lo},}}" if hi is None else f"{{{lo},{hi}}}"
        else:
            self.i += 1
            op = c
        if self.i < len(s) and s[self.i] == "?":
            self.i += 1
            op += "?"
        return op

    def _atom(self) -> str:
        s = self.s
        c = s[self.i]
        if c == "^":
            self.i += 1
            return r"\A"
        if c == "$":
            self.i += 1
            return r"\Z"
        if c == ".":
            self.i += 1
            return r"[^\n]"
        if c == "[":
            return _class_py(self._class())
        if c == "\\":
            if s.startswith("\\Q", self.i):
                end = s.find("\\E", self.i + 2)
                lit = s[self.i + 2 :] if end == -1 else s[self.i + 2 : end]
                self.i = len(s) if end == -1 else end + 2
                return "".join(_lit_py(ord(ch)) for ch in lit)
            if self.i + 1 < len(s) and s[self.i + 1] in "bBAz":
                kind = s[self.i + 1]
                self.i += 2
                return {"b": r"\b", "B": r"\B", "A": r"\A", "z": r"\Z"}[kind]
            ranges = self._escape()
            return (
                _class_py(ranges)
                if len(ranges) != 1 or ranges[0][0] != ranges[0][1]
                else _lit_py(ranges[0][0])
            )
        self.i += 1
        return _lit_py(ord(c))

    def _escape(self) -> Ranges:
        s = self.s
        self.i += 1  # the backslash
        if self.i >= len(s):
            raise _Fail("trailing backslash")
        c = s[self.i]
        self.i += 1
        if c in PERL:
            return list(PERL[c])
        if c.lower() in PERL and c.isupper():
            return _negate(PERL[c.lower()])
        if c in SIMPLE_ESCAPES:
            return [(SIMPLE_ESCAPES[c], SIMPLE_ESCAPES[c])]
        if c == "x":
            if s.startswith("{", self.i):
                end = s.find("}", self.i)
                digits = s[self.i + 1 : end] if end != -1 else ""
                if not digits or any(d not in string.hexdigits for d in digits):
                    raise _Fail("invalid escape")
                cp = int(digits, 16)
                self.i = end + 1
            else:
                digits = s[self.i : self.i + 2]
                if len(digits) != 2 or any(d not in string.hexdigits for d in digits):
                    raise _Fail("invalid escape")
                cp = int(digits, 16)
                self.i += 2
            if cp > MAX_CODEPOINT:
                raise _Fail("invalid escape")
            return [(cp, cp)]
        if c in "01234567":
            # a lone \1-\7 would be a back-reference, which RE2 does not support
            if c != "0" and not (self.i < len(s) and s[self.i] in "01234567"):
                raise _Fail("invalid escape")
            cp = int(c)
            for _ in range(2):
                if self.i < len(s) and s[self.i] in "01234567":
                    cp = cp * 8 + int(s[self.i])
                    self.i += 1
            return [(cp, cp)]
        if c.isascii() and not c.isalnum():
            return [(ord(c), ord(c))]
        # \p / \P Unicode classes and every other letter escape are not supported here
        raise _Fail("invalid escape")

    def _class(self) -> Ranges:
        s, n = self.s, len(self.s)
        self.i += 1
        negate = self.i < n and s[self.i] == "^"
        if negate:
            self.i += 1
        ranges: Ranges = []
        first = True
        while True:
            if self.i >= n:
                raise _Fail("missing closing ]")
            c = s[self.i]
            if c == "]" and not first:
                self.i += 1
                break
            first = False
            if c == "[" and s.startswith("[:", self.i):
                end = s.find(":]", self.i + 2)
                name = s[self.i + 2 : end] if end != -1 else ""
                neg = name.startswith("^")
                if end != -1 and name.lstrip("^") in POSIX:
                    cls = POSIX[name.lstrip("^")]
                    ranges += _negate(cls) if neg else cls
                    self.i = end + 2
                    continue
            lo = self._class_char()
            if isinstance(lo, list):
                ranges += lo
                continue
            if self.i + 1 < n and s[self.i] == "-" and s[self.i + 1] != "]":
                self.i += 1
                hi = self._class_char()
                if isinstance(hi, list) or hi < lo:
                    raise _Fail("invalid character class range")
                ranges.append((lo, hi))
            else:
                ranges.append((lo, lo))
        return _negate(ranges) if negate else ranges

    def _class_char(self) -> int | Ranges:
        c = self.s[self.i]
        if c == "\\":
            r = self._escape()
            if len(r) == 1 and r[0][0] == r[0][1]:
                return r[0][0]
            return r
        self.i += 1
        return ord(c)


def translate(source: str) -> str:
    """Python ``re`` source equivalent to the RE2 regex ``source``; raises _Fail if RE2 rejects it."""
    return _Translator(source).translate()


def compile_regex(source: str) -> re.Pattern[str]:
    """Compile an already whitelisted AWS regex, or raise AWS's compile error."""
    try:
        return re.compile(translate(source), re.ASCII)
    except (_Fail, re.error, RecursionError, OverflowError):
        raise plain(REGEX_COMPILE) from None
