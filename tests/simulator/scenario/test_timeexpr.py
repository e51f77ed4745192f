import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from simulator.scenario.timeexpr import (
    Absolute,
    After,
    Clock,
    DayClock,
    DayWindow,
    TimeSyntaxError,
    parse_duration,
    parse_time,
    resolve_time,
)

START = int(dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC).timestamp() * 1000)
END = START + 3 * 86_400_000


def test_durations():
    assert parse_duration("90s") == 90
    assert parse_duration("1h30m") == 5400
    assert parse_duration("7d") == 604800
    assert parse_duration(45) == 45
    for bad in ("1x", "", "h", True):
        with pytest.raises(TimeSyntaxError):
            parse_duration(bad)


@pytest.mark.parametrize("text,spec", [
    ("+15m", After(900, None)),
    ("+2h after stop", After(7200, "stop")),
    ("day 2 at 23:40", DayClock(2, 23, 40, False)),
    ("Day 2 at 07:05 UTC", DayClock(2, 7, 5, True)),
    ("during business hours on day 5", DayWindow(5, "business")),
    ("after hours on day 2", DayWindow(2, "after")),
    ("2026-03-03T22:15:00Z", Absolute(int(dt.datetime(2026, 3, 3, 22, 15, tzinfo=dt.UTC).timestamp() * 1000))),
])
def test_parse_forms(text, spec):
    assert parse_time(text) == spec


@pytest.mark.parametrize("text", ["soon", "day 0 at 10:00", "day 2 at 25:00", "+5x"])
def test_parse_errors(text):
    with pytest.raises(TimeSyntaxError):
        parse_time(text)


UTC_CLOCK = Clock()


def _resolve(spec, clock=UTC_CLOCK, previous=START, jitter=0, seed=0, ends=None):
    return resolve_time(spec, run_start_ms=START, run_end_ms=END, previous_end_ms=previous, step_end_ms=ends or {},
                        clock=clock, jitter_s=jitter, rng=np.random.default_rng(seed))


def test_relative_to_previous_and_named_step():
    assert _resolve(After(900, None), previous=START + 5000) == START + 5000 + 900_000
    assert _resolve(After(60, "a"), ends={"a": START + 10_000}) == START + 70_000


def test_day_clock_uses_the_actor_time_zone():
    ny = Clock("America/New_York")
    t = _resolve(DayClock(2, 23, 40, False), clock=ny)
    local = dt.datetime.fromtimestamp(t / 1000, ZoneInfo("America/New_York"))
    assert (local.date(), local.hour, local.minute) == (dt.date(2026, 3, 3), 23, 40)
    t_utc = _resolve(DayClock(2, 23, 40, True), clock=ny)
    assert dt.datetime.fromtimestamp(t_utc / 1000, dt.UTC).hour == 23


def test_business_and_after_hours_windows():
    clock = Clock("Europe/London", 9.0, 17.5)
    for seed in range(20):
        b = dt.datetime.fromtimestamp(_resolve(DayWindow(2, "business"), clock=clock, seed=seed) / 1000,
                                      ZoneInfo("Europe/London"))
        assert b.date() == dt.date(2026, 3, 3) and 9.5 <= b.hour + b.minute / 60 <= 17.0
        a = dt.datetime.fromtimestamp(_resolve(DayWindow(2, "after"), clock=clock, seed=seed) / 1000,
                                      ZoneInfo("Europe/London"))
        assert a.date() == dt.date(2026, 3, 3) and a.hour + a.minute / 60 >= 18.5


def test_window_outside_the_run_is_an_error():
    with pytest.raises(ValueError, match="not inside the baseline"):
        _resolve(DayWindow(9, "business"))


def test_jitter_is_bounded_deterministic_and_keeps_relative_steps_after_the_previous():
    spec = Absolute(START + 3_600_000)
    values = {_resolve(spec, jitter=120, seed=s) for s in range(30)}
    assert len(values) > 1 and all(abs(v - (START + 3_600_000)) <= 120_000 for v in values)
    assert _resolve(spec, jitter=120, seed=7) == _resolve(spec, jitter=120, seed=7)
    assert all(_resolve(After(10, None), previous=START, jitter=600, seed=s) > START for s in range(30))
    assert all(v % 1000 == 0 for v in values)
