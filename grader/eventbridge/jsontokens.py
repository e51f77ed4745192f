"""A streaming JSON tokenizer that fails the way Jackson (inside aws/event-ruler) fails.

EventBridge validates a pattern while streaming its tokens, so *which* error AWS reports depends on
token order, and the reported column depends on how far Jackson has read. This tokenizer mirrors
``com.fasterxml.jackson.core.json.ReaderBasedJsonParser`` (2.13+) closely enough to reproduce the
messages AWS returns (``Unrecognized token 'x': was expecting (...)``, ``Unexpected character ...``)
and the ``[Source: (String)"..."; line: L, column: C]`` locations recorded from AWS
(localstack/localstack tests/aws/services/events/test_events_patterns.snapshot.json).
Reading positions follow Jackson: a field name also consumes the colon and the *start* of its value;
a string value is finished only when its text is requested; numbers and literals are read whole.
"""

from __future__ import annotations

import unicodedata
from enum import Enum


class Tok(Enum):
    START_OBJECT = "{"
    END_OBJECT = "}"
    START_ARRAY = "["
    END_ARRAY = "]"
    FIELD_NAME = "FIELD_NAME"
    STRING = "STRING"
    NUMBER_INT = "NUMBER_INT"
    NUMBER_FLOAT = "NUMBER_FLOAT"
    TRUE = "true"
    FALSE = "false"
    NULL = "null"


NUMERIC_TOKENS = (Tok.NUMBER_INT, Tok.NUMBER_FLOAT)
_VALID_TOKENS = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
_MAX_SOURCE_CHARS = 500  # Jackson's ErrorReportConfiguration default for raw content in locations
_WS = " \t\n\r"
MAX_NESTING_DEPTH = 1000  # Jackson 2.15+ StreamReadConstraints default


class JsonSyntaxError(Exception):
    """A Jackson parse failure: ``reason`` is the message, ``location`` the ``[Source: ...]`` text."""

    def __init__(self, reason: str, location: str) -> None:
        self.reason = reason
        self.location = location
        super().__init__(reason)


def _is_ident_start(c: str) -> bool:
    return c.isalpha() or c in "_$" or unicodedata.category(c) in ("Nl", "Sc", "Pc")


def _is_ident_part(c: str) -> bool:
    return _is_ident_start(c) or c.isdigit() or unicodedata.category(c) in ("Mn", "Mc", "Nd")


def char_desc(c: str) -> str:
    """Jackson's ``_getCharDesc``: how a character is named inside an error message."""
    code = ord(c)
    if code < 32 or 127 <= code <= 159:
        return f"(CTRL-CHAR, code {code})"
    if code > 255:
        return f"'{c}' (code {code} / 0x{code:x})"
    return f"'{c}' (code {code})"


class TokenStream:
    """Pull tokens one by one; ``text()`` gives the current token's text like ``getText()``."""

    def __init__(self, source: str) -> None:
        self.s = source
        self.n = len(source)
        self.ptr = 0
        self.line = 1
        self.line_start = 0
        # each context: [kind ("root"|"Array"|"Object"), entries seen, start line, start column]
        self.ctx: list[list] = [["root", 0, 1, 0]]
        self.current: Tok | None = None
        self.name: str | None = None
        self._pending: Tok | None = None  # value token already started after a field name
        self._pending_start: tuple[int, int] = (1, 1)
        self._incomplete = False
        self._text: str = ""

    # --- locations and errors -------------------------------------------------------------
    def _source_desc(self) -> str:
        if self.n > _MAX_SOURCE_CHARS:
            return f'(String)"{self.s[:_MAX_SOURCE_CHARS]}"[truncated {self.n - _MAX_SOURCE_CHARS} chars]'
        return f'(String)"{self.s}"'

    def location_at(self, line: int, column: int) -> str:
        return f"[Source: {self._source_desc()}; line: {line}, column: {column}]"

    def location(self) -> str:
        """Jackson's current location: just after the last character read."""
        return self.location_at(self.line, self.ptr - self.line_start + 1)

    def _fail(self, reason: str, back: int = 0) -> None:
        raise JsonSyntaxError(reason, self.location_at(self.line, self.ptr - back - self.line_start + 1))

    def _unexpected(self, c: str, comment: str) -> None:
        # Jackson 2.17+ reports an unexpected character at its own position, one before the pointer
        # (AWS: "{'bad': 'quotation'}" fails at column 2).
        self._fail(f"Unexpected character ({char_desc(c)}): {comment}", back=1)

    def _unexpected_in_number(self, c: str, comment: str) -> None:
        self._fail(f"Unexpected character ({char_desc(c)}) in numeric value: {comment}", back=1)

    def _invalid_token(self, matched: str) -> None:
        out = [matched]
        length = len(matched)
        while self.ptr < self.n:
            c = self.s[self.ptr]
            if not _is_ident_part(c):
                break
            self.ptr += 1
            out.append(c)
            length += 1
            if length >= 256:
                out.append("...")
                break
        self._fail(f"Unrecognized token '{''.join(out)}': was expecting {_VALID_TOKENS}")

    # --- low-level reading ----------------------------------------------------------------
    def _skip_ws(self) -> str | None:
        s, n = self.s, self.n
        while self.ptr < n:
            c = s[self.ptr]
            self.ptr += 1
            if c == " " or c == "\t":
                continue
            if c == "\n" or c == "\r":
                if c == "\r" and self.ptr < n and s[self.ptr] == "\n":
                    self.ptr += 1
                self.line += 1
                self.line_start = self.ptr
                continue
            if ord(c) < 32:
                self._fail(
                    f"Illegal character ({char_desc(c)}): only regular white space (\\r, \\n, \\t) "
                    "is allowed between tokens",
                    back=1,
                )
            return c
        return None

    def _read_string(self, what: str) -> str:
        """Read a string body after its opening quote (ptr is just past the quote)."""
        s, n = self.s, self.n
        out: list[str] = []
        while True:
            if self.ptr >= n:
                if what == "name":
                    self._fail("Unexpected end-of-input in field name")
                self._fail("Unexpected end-of-input: was expecting closing quote for a string value")
            c = s[self.ptr]
            self.ptr += 1
            if c == '"':
                break
            if c == "\\":
                out.append(self._escape())
                continue
            if ord(c) < 32:
                self._fail(
                    f"Illegal unquoted character ({char_desc(c)}): has to be escaped using backslash "
                    f"to be included in {what}",
                    back=1,
                )
            out.append(c)
        text = "".join(out)
        if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
            text = text.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")
        return text

    def _escape(self) -> str:
        if self.ptr >= self.n:
            self._fail("Unexpected end-of-input in character escape sequence")
        c = self.s[self.ptr]
        self.ptr += 1
        simple = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
        if c in simple:
            return simple[c]
        if c != "u":
            self._fail(f"Unrecognized character escape {char_desc(c)}")
        value = 0
        for _ in range(4):
            if self.ptr >= self.n:
                self._fail("Unexpected end-of-input in character escape sequence")
            h = self.s[self.ptr]
            self.ptr += 1
            if h not in "0123456789abcdefABCDEF":
                self._unexpected(h, "expected a hex-digit for character escape sequence")
            value = value * 16 + int(h, 16)
        return chr(value)

    def _match_literal(self, word: str) -> None:
        """ptr is past the first letter of ``word``; read the rest like Jackson's ``_matchToken``."""
        for i in range(1, len(word)):
            if self.ptr >= self.n or self.s[self.ptr] != word[i]:
                self._invalid_token(word[:i])
            self.ptr += 1
        if self.ptr < self.n and _is_ident_part(self.s[self.ptr]):
            self._invalid_token(word)

    def _read_number(self, first: str) -> Tok:
        s, n = self.s, self.n
        start = self.ptr - 1
        is_float = False
        c: str | None = first
        if c == "-":
            if self.ptr >= n:
                self._fail("Unexpected end-of-input in a Number value")
            c = s[self.ptr]
            self.ptr += 1
            if not c.isascii() or not c.isdigit():
                self._unexpected_in_number(
                    c, "expected digit (0-9) to follow minus sign, for valid numeric value"
                )
        if c == "0" and self.ptr < n and s[self.ptr].isascii() and s[self.ptr].isdigit():
            self._fail("Invalid numeric value: Leading zeroes not allowed")
        while self.ptr < n and s[self.ptr].isascii() and s[self.ptr].isdigit():
            self.ptr += 1
        if self.ptr < n and s[self.ptr] == ".":
            is_float = True
            self.ptr += 1
            if self.ptr >= n or not (s[self.ptr].isascii() and s[self.ptr].isdigit()):
                if self.ptr >= n:
                    self._fail("Unexpected end-of-input in a Number value")
                self.ptr += 1
                self._unexpected_in_number(s[self.ptr - 1], "Decimal point not followed by a digit")
            while self.ptr < n and s[self.ptr].isascii() and s[self.ptr].isdigit():
                self.ptr += 1
        if self.ptr < n and s[self.ptr] in "eE":
            is_float = True
            self.ptr += 1
            if self.ptr < n and s[self.ptr] in "+-":
                self.ptr += 1
            if self.ptr >= n or not (s[self.ptr].isascii() and s[self.ptr].isdigit()):
                if self.ptr >= n:
                    self._fail("Unexpected end-of-input in a Number value")
                self.ptr += 1
                self._unexpected_in_number(s[self.ptr - 1], "Exponent indicator not followed by a digit")
            while self.ptr < n and s[self.ptr].isascii() and s[self.ptr].isdigit():
                self.ptr += 1
        self._text = s[start : self.ptr]
        if self.ctx[-1][0] == "root" and self.ptr < n:
            nxt = s[self.ptr]
            self.ptr += 1
            if nxt not in _WS:
                self._unexpected(nxt, "Expected space separating root-level values")
        return Tok.NUMBER_FLOAT if is_float else Tok.NUMBER_INT

    def _value_start(self, c: str, after_name: bool) -> Tok:
        if c == '"':
            self._incomplete = True
            return Tok.STRING
        if c == "{":
            return Tok.START_OBJECT
        if c == "[":
            return Tok.START_ARRAY
        if c == "-" or (c.isascii() and c.isdigit()):
            return self._read_number(c)
        if c == "t":
            self._match_literal("true")
            self._text = "true"
            return Tok.TRUE
        if c == "f":
            self._match_literal("false")
            self._text = "false"
            return Tok.FALSE
        if c == "n":
            self._match_literal("null")
            self._text = "null"
            return Tok.NULL
        if after_name and c == "}":
            self._unexpected(c, "expected a value")
        if c in "NI":
            word = "NaN" if c == "N" else "Infinity"
            self._match_literal(word)
            self._fail(
                f"Non-standard token '{word}': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow"
            )
        if _is_ident_start(c):
            self._invalid_token(c)
        self._unexpected(c, f"expected a valid value {_VALID_TOKENS}")
        raise AssertionError("unreachable")

    def _open(self, tok: Tok, line: int, col: int) -> None:
        if tok is not Tok.START_OBJECT and tok is not Tok.START_ARRAY:
            return
        depth = len(self.ctx)  # the root context does not count
        if depth > MAX_NESTING_DEPTH:
            self._fail(
                f"Document nesting depth ({depth}) exceeds the maximum allowed "
                f"({MAX_NESTING_DEPTH}, from `StreamReadConstraints.getMaxNestingDepth()`)"
            )
        self.ctx.append(["Object" if tok is Tok.START_OBJECT else "Array", 0, line, col])

    # --- public API -----------------------------------------------------------------------
    def next_token(self) -> Tok | None:
        if self.current is Tok.FIELD_NAME:
            tok = self._pending
            assert tok is not None
            self._pending = None
            self._open(tok, *self._pending_start)
            self.current = tok
            return tok
        if self._incomplete:
            self._incomplete = False
            self._read_string("string value")
        c = self._skip_ws()
        ctx = self.ctx[-1]
        if c is None:
            if ctx[0] == "root":
                self.current = None
                return None
            start = self.location_at(ctx[2], ctx[3])
            self._fail(
                f"Unexpected end-of-input: expected close marker for {ctx[0]} (start marker at {start})"
            )
        if c == "]" or c == "}":
            expected = "}" if ctx[0] == "Object" else "]"
            if c != expected or ctx[0] == "root":
                start = self.location_at(ctx[2], ctx[3])
                self._fail(
                    f"Unexpected close marker '{c}': expected '{expected}' (for {ctx[0]} starting at {start})"
                )
            self.ctx.pop()
            self.current = Tok.END_OBJECT if c == "}" else Tok.END_ARRAY
            return self.current
        if ctx[1] > 0:
            if c != ",":
                self._unexpected(c, f"was expecting comma to separate {ctx[0]} entries")
            c = self._skip_ws()
            if c is None:
                start = self.location_at(ctx[2], ctx[3])
                self._fail(
                    f"Unexpected end-of-input: expected close marker for {ctx[0]} (start marker at {start})"
                )
        ctx[1] += 1
        if ctx[0] == "Object":
            if c != '"':
                self._unexpected(c, "was expecting double-quote to start field name")
            self.name = self._read_string("name")
            c = self._skip_ws()
            if c != ":":
                if c is None:
                    self._fail("Unexpected end-of-input within/between Object entries")
                self._unexpected(c, "was expecting a colon to separate field name and value")
            c = self._skip_ws()
            if c is None:
                self._fail("Unexpected end-of-input within/between Object entries")
            self._pending_start = (self.line, self.ptr - self.line_start)
            self._pending = self._value_start(c, after_name=True)
            self.current = Tok.FIELD_NAME
            return Tok.FIELD_NAME
        start = (self.line, self.ptr - self.line_start)
        tok = self._value_start(c, after_name=False)
        self._open(tok, *start)
        self.current = tok
        return tok

    def text(self) -> str:
        """The current token's text; finishes reading a string value like Jackson's ``getText``."""
        cur = self.current
        if cur is Tok.STRING:
            if self._incomplete:
                self._incomplete = False
                self._text = self._read_string("string value")
            return self._text
        if cur is Tok.FIELD_NAME:
            return self.name or ""
        if cur is None:
            return ""
        if cur in (Tok.START_OBJECT, Tok.END_OBJECT, Tok.START_ARRAY, Tok.END_ARRAY):
            return cur.value
        return self._text
