"""Number handling shared by the matchers: literal parsing, Java-style rendering, exact comparison.

AWS behaves like a Java service: JSON integers are exact, numbers with a fraction or exponent are
IEEE doubles, a double is compared through its ``Double.toString`` digits and is rendered with
``Double.toString`` when compared with text (``1.0`` -> "1.0", ``1e3`` -> "1000.0", overflow ->
"Infinity"); pattern literals are exact decimals. Recorded evidence: filter-pattern-semantics.md
§5.1, §5.4, §5.5, §12.8 and the ``{ $.a = 1e-999 }`` / ``{ $.a > 1e-999 }`` cases.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

NUMBER_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z")
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1


def is_number_text(text: str) -> bool:
    return NUMBER_TEXT.match(text) is not None


def literal_exponent_ok(text: str) -> bool:
    """A literal's exponent must fit a 32-bit int (``1e2147483648`` is rejected by AWS)."""
    m = re.search(r"[eE]([+-]?\d+)\Z", text)
    return m is None or _INT32_MIN <= int(m.group(1)) <= _INT32_MAX


def java_double_to_string(value: float) -> str:
    """``java.lang.Double.toString`` for a Python float (shortest round-trip digits)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0.0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign, digits, exponent = Decimal(repr(value)).as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    # scientific exponent of the first digit
    sci = len(digits) + exponent - 1
    prefix = "-" if sign else ""
    if -3 <= sci < 7:
        if sci >= 0:
            whole = text[: sci + 1].ljust(sci + 1, "0")
            frac = text[sci + 1 :] or "0"
        else:
            whole = "0"
            frac = "0" * (-sci - 1) + text
        return f"{prefix}{whole}.{frac}"
    mantissa = text[0] + "." + (text[1:] or "0")
    return f"{prefix}{mantissa}E{sci}"


def render_number(value: int | float) -> str:
    """How AWS renders a JSON number when it is compared with text or a regex."""
    if type(value) is int:
        return str(value)
    return java_double_to_string(value)


class NumberLiteral:
    """An exact decimal literal from a pattern, with fast paths for int and float comparison."""

    __slots__ = ("text", "exact", "as_int", "as_float")

    def __init__(self, text: str) -> None:
        self.text = text
        self.exact = Decimal(text)
        self.as_int = int(self.exact) if self.exact == self.exact.to_integral_value() else None
        f = float(self.exact)
        # float comparisons are exact only when the literal is the shortest repr of a double
        self.as_float = f if math.isfinite(f) and Decimal(repr(f)) == self.exact else None

    def compare(self, value: int | float) -> int | None:
        """Sign of (value - literal); None when the value cannot be compared (overflowed double)."""
        if type(value) is int:
            if self.as_int is not None:
                other: int | float | Decimal = self.as_int
            else:
                other = self.exact
            return (value > other) - (value < other)
        if not math.isfinite(value):
            return None
        if self.as_float is not None:
            return (value > self.as_float) - (value < self.as_float)
        d = Decimal(repr(value))
        return (d > self.exact) - (d < self.exact)


def parse_numeric_text(text: str) -> Decimal | None:
    """A message field or JSON string that is a plain decimal number, else None."""
    if NUMBER_TEXT.match(text) is None:
        return None
    return Decimal(text)
