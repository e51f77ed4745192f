"""Time expressions of scenario steps and durations, parsed once and resolved per variant.

Forms (case-insensitive):
  ``2026-03-03T22:15:00Z``              absolute ISO 8601 time (naive = UTC)
  ``+15m`` / ``+1h30m``                 after the previous step's last record (the first step: after the start)
  ``+2h after stop_trail``              after the named step's last record
  ``day 2 at 23:40`` [``UTC``]          a clock time on day N of the baseline (day 1 = the start date),
                                        in the actor's time zone unless ``UTC`` is given
  ``during business hours on day 5``    a random moment inside the actor's working hours that day
  ``after hours on day 2``              a random moment in the evening after the actor's working day

Durations: one or more ``<number><unit>`` with units w, d, h, m, s (``90s``, ``1h30m``, ``7d``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np

_UNITS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}
_DURATION = re.compile(r"^(?:\d+[wdhms])+$")
_PART = re.compile(r"(\d+)([wdhms])")
_RELATIVE = re.compile(r"^\+(\S+?)(?:\s+after\s+(\S+))?$", re.I)
_CLOCK = re.compile(r"^day\s+(\d+)\s+at\s+(\d{1,2}):(\d{2})(?:\s+(utc))?$", re.I)
_WINDOW = re.compile(r"^(?:during\s+)?(business hours|after hours)\s+on\s+day\s+(\d+)$", re.I)


class TimeSyntaxError(ValueError):
    """A time or duration the language does not understand (message says what is expected)."""


def parse_duration(text: str | int) -> int:
    """``"1h30m"`` -> 5400 seconds; an int is taken as seconds."""
    if isinstance(text, bool):
        raise TimeSyntaxError(f"{text!r} is not a duration such as 90s, 15m, 2h or 7d")
    if isinstance(text, int):
        if text < 0:
            raise TimeSyntaxError(f"{text} must not be negative")
        return text
    t = str(text).strip().lower().replace(" ", "")
    if not _DURATION.match(t):
        raise TimeSyntaxError(f"{text!r} is not a duration such as 90s, 15m, 1h30m, 2h or 7d")
    return sum(int(n) * _UNITS[u] for n, u in _PART.findall(t))


def parse_instant(text: str) -> dt.datetime:
    """ISO 8601 date-time (``Z`` or an offset; naive values are UTC) as an aware UTC datetime."""
    try:
        value = dt.datetime.fromisoformat(str(text).strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise TimeSyntaxError(f"{text!r} is not an ISO 8601 time such as 2026-03-02T06:00:00Z") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


@dataclass(frozen=True)
class Absolute:
    ms: int


@dataclass(frozen=True)
class After:
    seconds: int
    step: str | None  # None: the previous step


@dataclass(frozen=True)
class DayClock:
    day: int
    hour: int
    minute: int
    utc: bool


@dataclass(frozen=True)
class DayWindow:
    day: int
    kind: str  # "business" or "after"


TimeSpec = Absolute | After | DayClock | DayWindow
TIME_FORMS = ("+15m", "+2h after <step>", "2026-03-03T22:15:00Z", "day 2 at 23:40", "during business hours on day 5",
              "after hours on day 2")


def parse_time(text: str) -> TimeSpec:
    """Parse a step's ``at`` value (see the module docstring)."""
    t = " ".join(str(text).split())
    if m := _RELATIVE.match(t):
        return After(parse_duration(m.group(1)), m.group(2))
    if m := _CLOCK.match(t):
        day, hour, minute = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if day < 1 or hour > 23 or minute > 59:
            raise TimeSyntaxError(f"{text!r}: days count from 1, clock times run 00:00-23:59")
        return DayClock(day, hour, minute, bool(m.group(4)))
    if m := _WINDOW.match(t):
        day = int(m.group(2))
        if day < 1:
            raise TimeSyntaxError(f"{text!r}: days count from 1")
        return DayWindow(day, "business" if m.group(1).lower().startswith("business") else "after")
    if t[:1].isdigit():
        return Absolute(int(parse_instant(t).timestamp() * 1000))
    raise TimeSyntaxError(f"{text!r} is not a time; use one of: " + ", ".join(repr(f) for f in TIME_FORMS))


@dataclass(frozen=True)
class Clock:
    """Whose day it is: a time zone and working hours (local hours, fractions allowed)."""

    timezone: str = "UTC"
    work_start: float = 9.0
    work_end: float = 17.0


def _local_midnight(start_ms: int, day: int, zone: ZoneInfo) -> dt.datetime:
    first = dt.datetime.fromtimestamp(start_ms / 1000, dt.UTC).astimezone(zone).date()
    date = first + dt.timedelta(days=day - 1)
    return dt.datetime(date.year, date.month, date.day, tzinfo=zone)


def _at_hours(midnight: dt.datetime, hours: float) -> int:
    # wall-clock arithmetic in the zone, so DST days keep their local hours
    local = midnight.replace(tzinfo=None) + dt.timedelta(seconds=round(hours * 3600))
    return int(local.replace(tzinfo=midnight.tzinfo).timestamp() * 1000)


def window_bounds(spec: DayWindow | DayClock, run_start_ms: int, clock: Clock) -> tuple[int, int]:
    """[lo, hi) epoch ms a day-based spec may fall in (a single instant for DayClock)."""
    zone = ZoneInfo("UTC") if isinstance(spec, DayClock) and spec.utc else ZoneInfo(clock.timezone)
    midnight = _local_midnight(run_start_ms, spec.day, zone)
    if isinstance(spec, DayClock):
        t = _at_hours(midnight, spec.hour + spec.minute / 60)
        return t, t + 1
    if spec.kind == "business":
        return _at_hours(midnight, clock.work_start + 0.5), _at_hours(midnight, clock.work_end - 0.5)
    return _at_hours(midnight, min(clock.work_end + 1.0, 22.0)), _at_hours(midnight, 23.75)


def resolve_time(spec: TimeSpec, *, run_start_ms: int, run_end_ms: int, previous_end_ms: int,
                 step_end_ms: dict[str, int], clock: Clock, jitter_s: int, rng: np.random.Generator) -> int:
    """Epoch ms (whole seconds) of a step. Raises ValueError when the day window misses the run."""
    if isinstance(spec, Absolute):
        base = spec.ms
    elif isinstance(spec, After):
        anchor = previous_end_ms if spec.step is None else step_end_ms[spec.step]
        base = anchor + spec.seconds * 1000
    else:
        lo, hi = window_bounds(spec, run_start_ms, clock)
        lo, hi = max(lo, run_start_ms), min(hi, run_end_ms)
        if lo >= hi:
            raise ValueError(f"day {spec.day} ({clock.timezone}) is not inside the baseline")
        base = lo if hi - lo <= 1 else int(rng.integers(lo, hi))
    if jitter_s:
        base += int(rng.integers(-jitter_s, jitter_s + 1)) * 1000
        if isinstance(spec, After):
            base = max(base, (previous_end_ms if spec.step is None else step_end_ms[spec.step]) + 1000)
    if isinstance(spec, After):
        return -(-base // 1000) * 1000  # whole seconds, never before the anchor
    return base - base % 1000
