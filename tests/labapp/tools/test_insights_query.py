"""Logs Insights queries on DuckDB return the rows plain Python finds in the dataset files."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from labapp.explorer.insights_ast import InsightsSyntaxError
from labapp.explorer.query import clear_page_cache, format_ts, run_filter_pattern, run_insights
from labapp.explorer.store import EventStore


@pytest.fixture(autouse=True)
def fresh_page_cache() -> Any:
    """Each test searches for itself (pages are cached in process, keyed by search, not by window sizes)."""
    clear_page_cache()
    yield
    clear_page_cache()


@pytest.fixture(scope="module")
def store(dataset: Path, cache_dir: Path) -> EventStore:
    return EventStore.open(dataset, cache_dir)


@pytest.fixture(scope="module")
def ct(events: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(e, json.loads(e["message"])) for e in events if e["group"].startswith("aws-cloudtrail-logs-")]


@pytest.fixture(scope="module")
def flow(events: list[dict[str, Any]]) -> list[tuple[dict[str, Any], list[str]]]:
    # every flow log format here starts with the 14 default (version 2) fields, in AWS's order
    return [(e, e["message"].split(" ")) for e in events if e["group"].startswith("/aws/vpc/flowlogs/")]


def run(store: EventStore, query: str, groups: list[str] | None = None) -> Any:
    chosen = groups if groups is not None else list(store.groups)
    return run_insights(store, query, chosen, 0, 2**53)


def ct_groups(store: EventStore) -> list[str]:
    return [g for g, info in store.groups.items() if info.source == "cloudtrail"]


def test_store_holds_every_event(store: EventStore, events: list[dict[str, Any]]) -> None:
    assert sum(g.events for g in store.groups.values()) == len(events)
    assert set(store.groups) == {e["group"] for e in events}
    assert {"srcAddr", "dstPort", "action", "bytes"} <= set(store.flow_fields)


def test_default_query_is_newest_first(store: EventStore, events: list[dict[str, Any]]) -> None:
    result = run(store, "fields @timestamp, @message | sort @timestamp desc | limit 20")
    assert result.columns == ["@timestamp", "@message"]
    newest = sorted(events, key=lambda e: e["timestamp"], reverse=True)[:20]
    assert [r[0] for r in result.rows] == [format_ts(e["timestamp"]) for e in newest]
    assert result.scanned == len(events)


def test_filter_equals_and_stats_by_field(store: EventStore, ct: list[Any]) -> None:
    result = run(
        store, 'filter eventSource = "s3.amazonaws.com" | stats count(*) as n by eventName', ct_groups(store)
    )
    expected = Counter(r["eventName"] for _, r in ct if r["eventSource"] == "s3.amazonaws.com")
    assert expected, "the dataset should have S3 events"
    assert {row[0]: int(row[1]) for row in result.rows} == dict(expected)
    assert result.matched == sum(expected.values())
    assert sum(c for _, c in result.histogram) == result.matched


def test_json_fields_flattened_with_dots(store: EventStore, ct: list[Any]) -> None:
    result = run(store, "stats count(*) by userIdentity.type | sort userIdentity.type asc", ct_groups(store))
    expected = Counter(r["userIdentity"].get("type") for _, r in ct)
    assert [(row[0], int(row[1])) for row in result.rows] == sorted(
        ((k or "", v) for k, v in expected.items()), key=lambda kv: kv[0]
    )


def test_arrays_are_indexed_with_numbers(store: EventStore, ct: list[Any]) -> None:
    result = run(store, 'filter resources.0.type = "AWS::S3::Object" | stats count(*)', ct_groups(store))
    expected = sum(1 for _, r in ct if (r.get("resources") or [{}])[0].get("type") == "AWS::S3::Object")
    assert int(result.rows[0][0]) == expected


def test_like_string_is_case_sensitive_substring(store: EventStore, ct: list[Any]) -> None:
    result = run(store, 'filter @message like "Describe" | stats count(*)', ct_groups(store))
    assert int(result.rows[0][0]) == sum(1 for e, _ in ct if "Describe" in e["message"])


def test_like_regex_and_tilde_and_not(store: EventStore, ct: list[Any]) -> None:
    pattern = re.compile(r"(?i)^get")
    want = sum(1 for _, r in ct if pattern.search(r["eventName"]))
    for q in (
        "filter eventName like /(?i)^get/ | stats count(*)",
        "filter eventName =~ /(?i)^get/ | stats count(*)",
    ):
        assert int(run(store, q, ct_groups(store)).rows[0][0]) == want
    negated = run(store, "filter eventName not like /(?i)^get/ | stats count(*)", ct_groups(store))
    assert int(negated.rows[0][0]) == len(ct) - want


def test_in_list_and_ispresent(store: EventStore, ct: list[Any]) -> None:
    names = ["AssumeRole", "GetObject", "ConsoleLogin"]
    result = run(
        store,
        f"filter eventName in {json.dumps(names)} and not ispresent(errorCode) | stats count(*)",
        ct_groups(store),
    )
    assert int(result.rows[0][0]) == sum(1 for _, r in ct if r["eventName"] in names and "errorCode" not in r)


def test_flow_fields_numbers_compare_numerically(store: EventStore, flow: list[Any]) -> None:
    groups = [g for g, i in store.groups.items() if i.source == "flow"]
    result = run(
        store, 'filter action = "REJECT" | stats count(*) as n by dstPort | sort n desc, dstPort asc', groups
    )
    counts = Counter(p[6] for _, p in flow if p[12] == "REJECT")
    expected = sorted(counts.items(), key=lambda kv: (-kv[1], float(kv[0]) if kv[0] != "-" else float("inf")))
    assert [(r[0], int(r[1])) for r in result.rows] == expected
    big = run(store, "filter bytes > 5000 | stats count(*), sum(bytes), max(bytes)", groups)
    sizes = [int(p[9]) for _, p in flow if p[9] != "-" and int(p[9]) > 5000]
    assert [int(v) for v in big.rows[0]] == [len(sizes), sum(sizes), max(sizes)]


def test_bin_counts_per_hour(store: EventStore, events: list[dict[str, Any]]) -> None:
    result = run(store, "stats count(*) as n by bin(1h)")
    expected = Counter(e["timestamp"] // 3_600_000 * 3_600_000 for e in events)
    assert [(r[0], int(r[1])) for r in result.rows] == [
        (format_ts(k), v) for k, v in sorted(expected.items())
    ]


def test_parse_glob_and_regex(store: EventStore, ct: list[Any]) -> None:
    glob = run(
        store,
        'parse @message "\\"sourceIPAddress\\":\\"*\\"" as ip | stats count(*) as n by ip | sort n desc | limit 3',
        ct_groups(store),
    )
    expected = Counter(r["sourceIPAddress"] for _, r in ct).most_common(3)
    assert [(r[0], int(r[1])) for r in glob.rows] == expected
    regex = run(
        store,
        'parse @message /"eventName":"(?<en>[^"]+)"/ | stats count(*) as n by en | sort n desc | limit 3',
        ct_groups(store),
    )
    assert [(r[0], int(r[1])) for r in regex.rows] == Counter(r["eventName"] for _, r in ct).most_common(3)


def test_fields_alias_functions_and_limit(store: EventStore, ct: list[Any]) -> None:
    result = run(
        store,
        "fields tolower(eventName) as lower, strlen(eventName) as n | sort @timestamp asc | limit 5",
        ct_groups(store),
    )
    first = sorted(ct, key=lambda x: x[0]["timestamp"])
    assert result.columns == ["lower", "n"]
    assert len(result.rows) == 5
    assert result.rows[0] == [first[0][1]["eventName"].lower(), str(len(first[0][1]["eventName"]))]
    assert (
        result.events[0] is not None
        and json.loads(result.events[0].message)["eventName"] == first[0][1]["eventName"]
    )


def test_log_and_logstream_system_fields(store: EventStore, events: list[dict[str, Any]]) -> None:
    result = run(store, "stats count(*) by @log, @logStream")
    expected = Counter((e["group"], e["stream"]) for e in events)
    got = {(r[0].split(":", 1)[-1], r[1]): int(r[2]) for r in result.rows}
    assert got == dict(expected)
    assert all(re.fullmatch(r"\d{12}:.+", r[0]) for r in result.rows)


def test_unknown_field_after_stats_is_an_error(store: EventStore) -> None:
    with pytest.raises(InsightsSyntaxError) as exc:
        run(store, "stats count(*) by eventName | sort eventSource desc")
    assert "does not exist after stats" in exc.value.message and exc.value.pos == 35


def test_time_range_limits_the_scan(store: EventStore, events: list[dict[str, Any]]) -> None:
    start = min(e["timestamp"] for e in events) + 3_600_000
    result = run_insights(store, "stats count(*)", list(store.groups), start, start + 1_800_000)
    want = sum(1 for e in events if start <= e["timestamp"] < start + 1_800_000)
    assert int(result.rows[0][0]) == want == result.scanned


def test_filter_pattern_mode_uses_filterlogevents_semantics(store: EventStore, ct: list[Any]) -> None:
    groups = ct_groups(store)
    result = run_filter_pattern(store, '{ $.eventSource = "sts.amazonaws.com" }', groups, 0, 2**53)
    expected = sorted(
        (e for e, r in ct if r["eventSource"] == "sts.amazonaws.com"), key=lambda e: e["timestamp"]
    )
    assert [e.message for e in result.events] == [e["message"] for e in expected][: len(result.events)]
    assert result.matched == min(len(expected), 1000)
    assert result.columns == ["@timestamp", "@logStream", "@message"]


def test_filter_pattern_errors_use_filterlogevents_wording(store: EventStore) -> None:
    from grader.filterpattern import InvalidFilterPattern

    with pytest.raises(InvalidFilterPattern) as exc:
        run_filter_pattern(store, "[a, b", list(store.groups), 0, 2**53)
    assert exc.value.message == "Invalid filter pattern"


def test_filter_pattern_pages_continue_where_they_stopped(
    store: EventStore, ct: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import labapp.explorer.query as query

    monkeypatch.setattr(query, "FILTER_PAGE", 7)
    pattern = '{ ($.eventSource = "sts.amazonaws.com") || ($.readOnly IS FALSE) }'
    expected = sorted(
        (e for e, r in ct if r["eventSource"] == "sts.amazonaws.com" or r["readOnly"] is False),
        key=lambda e: e["timestamp"],
    )
    assert len(expected) > 14
    seen, token = [], ""
    while True:
        page = run_filter_pattern(store, pattern, ct_groups(store), 0, 2**53, token)
        seen += [e.message for e in page.events]
        if page.next_token is None:
            break
        assert page.truncated and page.matched == 7 and page.scanned < len(ct)
        token = page.next_token
    assert seen == [e["message"] for e in expected]


def test_regex_re2_rejects_is_a_clear_error(store: EventStore) -> None:
    with pytest.raises(InsightsSyntaxError) as exc:
        run(store, "filter @message like /(?=lookahead)x/ | stats count(*)")
    assert exc.value.message.startswith("The query cannot run: ")
    assert "invalid perl operator: (?=" in exc.value.message  # RE2 has no lookaheads
