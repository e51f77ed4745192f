"""The explorer's histogram computed in the same statement as a stats query (Compiled.one_pass_sql) counts
the same matched records, per bin, as plain Python over the dataset files."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from labapp.explorer.insights_parser import parse_query
from labapp.explorer.insights_sql import compile_query
from labapp.explorer.query import pick_bin, run_insights
from labapp.explorer.store import EventStore


@pytest.fixture(scope="module")
def store(dataset: Path, cache_dir: Path) -> EventStore:
    return EventStore.open(dataset, cache_dir)


def _window(events: list[dict[str, Any]]) -> tuple[int, int]:
    return min(e["timestamp"] for e in events), max(e["timestamp"] for e in events) + 1


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ('filter @message like "REJECT" | stats count(*) by srcAddr', lambda e: "REJECT" in e["message"]),
        (
            'filter eventSource = "sts.amazonaws.com" | stats count(*)',
            lambda e: (
                e["message"].startswith("{")
                and json.loads(e["message"]).get("eventSource") == "sts.amazonaws.com"
            ),
        ),
    ],
)
def test_one_pass_histogram_counts_the_matched_records(
    store: EventStore, events: list[dict[str, Any]], query: str, keep: Any
) -> None:
    start, end = _window(events)
    compiled = compile_query(parse_query(query), store.where(list(store.groups), start, end))
    assert compiled.one_pass_sql is not None  # a filter before stats: rows and histogram in one statement
    result = run_insights(store, query, list(store.groups), start, end)
    bin_ms = pick_bin(start, end)
    want = Counter(start + (e["timestamp"] - start) // bin_ms * bin_ms for e in events if keep(e))
    assert want and dict(result.histogram) == dict(want)
    assert result.matched == sum(want.values())


def test_event_row_queries_keep_two_passes(store: EventStore) -> None:
    # materialising whole events costs more than a second pass when millions match (docs/lab-tools.md)
    compiled = compile_query(parse_query('filter @message like "REJECT" | limit 5'), "TRUE")
    assert compiled.one_pass_sql is None
    assert compile_query(parse_query("stats count(*) by bin(1h)"), "TRUE").one_pass_sql is None
