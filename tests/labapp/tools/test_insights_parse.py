"""``parse`` in the Logs Insights subset gives the fields a plain-Python reading of each message gives.

Glob semantics (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Parse.html): each
``*`` takes the shortest text up to the next literal, a trailing ``*`` takes the rest, and a message the
pattern does not match leaves the fields empty (null). The reference below finds literals with str.find,
not with a regex, so it checks the compiled RE2 pattern independently.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from labapp.explorer.query import run_insights
from labapp.explorer.store import EventStore

FLOW_NAMES = [f"f{i}" for i in range(1, 15)]  # more than 9 fields: DuckDB's group-index form stops at 9


@pytest.fixture(scope="module")
def store(dataset: Path, cache_dir: Path) -> EventStore:
    return EventStore.open(dataset, cache_dir)


@pytest.fixture(scope="module")
def window(events: list[dict[str, Any]]) -> tuple[int, int, list[dict[str, Any]]]:
    """A time range holding fewer events than the 10,000-row result cap, and those events."""
    times = sorted(e["timestamp"] for e in events)
    end = times[min(len(times), 6000) - 1]
    chosen = [e for e in events if e["timestamp"] < end]
    assert 1000 < len(chosen) < 10_000
    return times[0], end, chosen


def glob_fields(message: str, glob: str) -> tuple[str | None, ...]:
    pieces = glob.split("*")
    n = len(pieces) - 1
    assert "\n" not in message
    start = message.find(pieces[0])
    if start < 0:
        return (None,) * n
    pos, values = start + len(pieces[0]), []
    for piece in pieces[1:]:
        if piece == "" and len(values) == n - 1:
            values.append(message[pos:])  # a trailing * takes the rest
            break
        j = message.find(piece, pos)
        if j < 0:
            return (None,) * n
        values.append(message[pos:j])
        pos = j + len(piece)
    return tuple(values)


def shown(values: tuple[str | None, ...]) -> tuple[str, ...]:
    return tuple("" if v is None else v for v in values)  # the explorer shows a null field as ""


def rows(store: EventStore, query: str, window: tuple[int, int, Any]) -> Counter[tuple[Any, ...]]:
    result = run_insights(store, query, list(store.groups), window[0], window[1])
    assert len(result.rows) < 10_000
    return Counter(tuple(r) for r in result.rows)


def present(store: EventStore, parse: str, name: str, window: tuple[int, int, Any]) -> int:
    """How many events of the window have ``name`` set (not null) after ``parse``."""
    query = f"{parse} | filter ispresent({name}) | stats count(*)"
    return int(run_insights(store, query, list(store.groups), window[0], window[1]).rows[0][0])


def test_glob_with_fourteen_fields_matches_python(store: EventStore, window: Any) -> None:
    glob = " ".join(["*"] * 14)
    parse = f'parse @message "{glob}" as {", ".join(FLOW_NAMES)}'
    fields = [glob_fields(e["message"], glob) for e in window[2]]
    assert rows(store, f"{parse} | display {', '.join(FLOW_NAMES)} | limit 10000", window) == Counter(
        map(shown, fields)
    )
    matched = sum(f[0] is not None for f in fields)
    assert 0 < matched < len(fields)  # CloudTrail messages have fewer than 13 spaces: null fields
    assert present(store, parse, "f14", window) == matched


def test_glob_with_literals_gives_null_on_other_messages(store: EventStore, window: Any) -> None:
    glob = '"eventName":"*","awsRegion":"*"'
    parse = 'parse @message "\\"eventName\\":\\"*\\",\\"awsRegion\\":\\"*\\"" as en, region'
    fields = [glob_fields(e["message"], glob) for e in window[2]]
    assert rows(store, f"{parse} | display en, region | limit 10000", window) == Counter(map(shown, fields))
    matched = sum(f[0] is not None for f in fields)
    assert 0 < matched < len(fields) and len(set(fields)) > 2
    assert present(store, parse, "region", window) == matched


def test_glob_of_only_a_wildcard_takes_the_whole_message(store: EventStore, window: Any) -> None:
    query = 'parse @message "*" as whole | filter whole = @message | stats count(*)'
    result = run_insights(store, query, list(store.groups), window[0], window[1])
    assert int(result.rows[0][0]) == len(window[2])


def test_parse_then_sort_and_limit_parses_each_shown_event(store: EventStore, window: Any) -> None:
    query = 'parse @message "* * *" as a, b, c | fields a, b, c | sort @timestamp asc | limit 7'
    result = run_insights(store, query, list(store.groups), window[0], window[1])
    oldest = min(e["timestamp"] for e in window[2])
    assert len(result.rows) == 7
    for row, event in zip(result.rows, result.events, strict=True):
        assert event is not None and event.timestamp == oldest
        assert tuple(row) == shown(glob_fields(event.message, "* * *"))


@pytest.mark.parametrize(
    ("regex", "python"),
    [
        ('"errorCode":"(?<ec>[^"]*)"', r'"errorCode":"([^"]*)"'),
        (r"(?<digits>\d*)", r"(\d*)"),  # matches "" on messages starting with "{": empty, not null
        (r"^(?<v>\d+) (?<acct>\d+) ", r"^(\d+) (\d+) "),
    ],
)
def test_regex_matches_python_re(store: EventStore, window: Any, regex: str, python: str) -> None:
    names = re.findall(r"\(\?<(\w+)>", regex)
    parse = f"parse @message /{regex}/"
    compiled = re.compile(python)
    fields = []
    for e in window[2]:
        m = compiled.search(e["message"])
        fields.append(m.groups() if m else (None,) * len(names))
    assert rows(store, f"{parse} | display {', '.join(names)} | limit 10000", window) == Counter(
        map(shown, fields)
    )
    assert present(store, parse, names[-1], window) == sum(f[-1] is not None for f in fields)
