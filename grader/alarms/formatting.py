"""How CloudWatch prints numbers and times in alarm reasons, reason data, history and notifications.

* numbers: Java ``Double.toString`` (``21.0``, ``0.050002640067216934``, ``1.0E7``, ``1.0E-4``), as in every
  recorded StateReason (shared/reference/alarm-semantics.md section 5);
* datapoint labels in StateReason: period start, UTC, ``dd/MM/yy HH:mm:ss``;
* JSON timestamps: ``yyyy-MM-dd'T'HH:mm:ss.SSS+0000``;
* composite reasons: ``Friday 22 July, 2022 15:57:45 UTC`` (observed in AWS's EventBridge sample for
  composite alarms).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import Decimal

__all__ = ["iso_millis", "java_double", "long_utc", "reason_time"]


def java_double(x: float) -> str:
    """``Double.toString`` of ``x``: shortest round-trip digits, decimal for 1e-3 <= |x| < 1e7, else ``d.dE±n``."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "-0.0" if math.copysign(1.0, x) < 0 else "0.0"
    sign = "-" if x < 0 else ""
    a = abs(x)
    _, digit_tuple, exp = Decimal(repr(a)).normalize().as_tuple()
    assert isinstance(exp, int)
    digits = "".join(map(str, digit_tuple))
    if 1e-3 <= a < 1e7:
        if exp >= 0:
            body = digits + "0" * exp + ".0"
        else:
            point = len(digits) + exp
            body = digits[:point] + "." + digits[point:] if point > 0 else "0." + "0" * (-point) + digits
    else:
        sci_exp = len(digits) + exp - 1
        body = digits[0] + "." + (digits[1:] or "0") + "E" + str(sci_exp)
    return sign + body


def _utc(epoch_seconds: float) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, tz=UTC)


def reason_time(epoch_seconds: float) -> str:
    """``26/10/23 16:42:00``."""
    return _utc(epoch_seconds).strftime("%d/%m/%y %H:%M:%S")


def iso_millis(epoch_seconds: float) -> str:
    """``2022-11-08T11:26:05.399+0000``."""
    dt = _utc(epoch_seconds)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}+0000"


def long_utc(epoch_seconds: float) -> str:
    """``Friday 22 July, 2022 15:57:45 UTC`` (English names whatever the process locale)."""
    dt = _utc(epoch_seconds)
    return f"{_DAYS[dt.weekday()]} {dt.day:02d} {_MONTHS[dt.month - 1]}, {dt.strftime('%Y %H:%M:%S')} UTC"


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
