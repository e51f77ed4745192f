"""Filter-pattern narrowing (labapp/explorer/narrowing.py) never loses a match: whenever our engine matches
a message, the SQL condition DuckDB uses to pick candidates holds for it. Checked on the shared conformance
corpus (every dialect) and end to end on a generated dataset against a brute-force engine scan."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import duckdb
import pytest

from grader.filterpattern import InvalidFilterPattern, LogEvent, compile_pattern
from labapp.explorer import query
from labapp.explorer.narrowing import narrowing_sql, necessary, passes
from labapp.explorer.query import clear_page_cache, run_filter_pattern
from labapp.explorer.store import EventStore

CORPUS = Path(__file__).resolve().parents[3] / ".." / "shared" / "conformance" / "filter_patterns.json"


@pytest.fixture(autouse=True)
def fresh_page_cache() -> Any:
    """Each test searches for itself (pages are cached in process, keyed by search, not by window sizes)."""
    clear_page_cache()
    yield
    clear_page_cache()


@pytest.fixture(scope="module")
def corpus() -> list[dict[str, Any]]:
    if not CORPUS.is_file():
        pytest.skip(f"shared conformance corpus missing: {CORPUS}")
    return json.loads(CORPUS.read_text())


@pytest.fixture(scope="module")
def store(dataset: Path, cache_dir: Path) -> EventStore:
    return EventStore.open(dataset, cache_dir)


def _compiled(pattern: str) -> Any:
    try:
        return compile_pattern(pattern, api="FilterLogEvents")
    except InvalidFilterPattern:
        return None


def test_engine_match_implies_narrowing_on_the_conformance_corpus(corpus: list[dict[str, Any]]) -> None:
    con = duckdb.connect()
    checked = narrowed = rejected = 0
    for case in corpus:
        compiled = _compiled(case["pattern"])
        if compiled is None:
            continue
        message = case["message"]
        sql = narrowing_sql(compiled.ast)
        in_python = passes(compiled.ast, message)
        if sql is not None:
            narrowed += 1
            in_sql = con.execute(f"SELECT {sql} FROM (SELECT ?::VARCHAR AS message)", [message]).fetchone()[0]
            assert in_sql == in_python, case["id"]  # the Python mirror is the SQL's exact twin
        if compiled.matches(LogEvent(message)):
            checked += 1
            assert in_python, f"{case['id']}: narrowing would lose a match of {case['pattern']!r}"
        elif not in_python:
            rejected += 1
    # the property is not vacuous: many matches checked, many patterns narrowed, many misses dropped early
    assert checked > 800 and narrowed > 700 and rejected > 500, (checked, narrowed, rejected)


@pytest.mark.parametrize(
    ("pattern", "formula"),
    [
        ('ERROR "BAD REQUEST"', ("all", [("lit", "ERROR"), ("lit", "BAD REQUEST")])),
        ("?WARN ?ERROR", ("any", [("lit", "WARN"), ("lit", "ERROR")])),
        ("ERROR ?WARN -DEBUG", ("lit", "ERROR")),  # an optional term next to a plain one does not count
        ("-DEBUG ?WARN", None),  # only an exclusion and an optional term: the optional one does not count
        ("%ERROR|WARN%", ("any", [("lit", "ERROR"), ("lit", "WARN")])),
        ("%Delete[A-Za-z]+%", ("lit", "Delete")),
        ("%abc?d%", ("all", [("lit", "ab"), ("lit", "d")])),  # c? may be absent
        ("%a\\.b\\d+x{2}yz%", ("all", [("lit", "a.b"), ("lit", "yz")])),
        ("%^Start.*end$%", ("all", [("lit", "Start"), ("lit", "end")])),
        ("%{foo}%", ("lit", "foo")),  # a brace that is not a repeat count is a literal
        ("%[|]ab|cd%", ("any", [("lit", "ab"), ("lit", "cd")])),  # | inside a class does not split
        ("%\\x41bc%", None),  # escapes with arguments: narrow nothing
        ("%a|.*%", None),  # one alternative needs no text
        ("", None),
        ("{ $.eventName = ConsoleLogin }", ("lit", "ConsoleLogin")),
        ("{ $.eventName = Get* }", ("lit", "Get")),
        ("{ ($.a = x1) || ($.b = 5) }", None),  # a number alternative gives no literal
        ("{ $.eventName != ConsoleLogin }", None),
        (
            "[ip, user, action = REJECT || action = *CCEP*, n > 3]",
            ("any", [("lit", "REJECT"), ("lit", "CCEP")]),
        ),
        ("[a = 5, b != x, c = %re%]", None),
    ],
)
def test_formulas(pattern: str, formula: Any) -> None:
    assert necessary(compile_pattern(pattern, api="FilterLogEvents").ast) == formula


def test_random_regexes_never_lose_a_match() -> None:
    """Seeded random regexes of the dialect's characters against messages made of the same characters."""
    rng = random.Random(20261126)
    alphabet = "ab-:{}2,|.?*+[]^$\\ dw"
    text_chars = "ab-:{}2, |.\\dw"
    checked = 0
    for _ in range(4000):
        source = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8)))
        compiled = _compiled(f"%{source}%")
        if compiled is None:
            continue
        for _ in range(30):
            message = "".join(rng.choice(text_chars) for _ in range(rng.randint(0, 12)))
            if compiled.matches(LogEvent(message)):
                checked += 1
                assert passes(compiled.ast, message), (source, message)
    assert checked > 5000, checked


def test_json_messages_with_unicode_escapes_always_pass() -> None:
    ast = compile_pattern("{ $.eventName = ConsoleLogin }").ast
    message = '{"eventName": "Console\\u004cogin"}'
    assert compile_pattern("{ $.eventName = ConsoleLogin }").matches(message)
    assert passes(ast, message)
    assert not passes(ast, '{"eventName": "CreateTrail"}')
    # terms match the raw text, so an escape cannot spell a term: no guard there
    assert not passes(compile_pattern("ConsoleLogin").ast, message)


@pytest.mark.parametrize(
    "pattern",
    [
        '{ $.eventSource = "sts.amazonaws.com" }',
        "{ ($.eventName = Describe*) && ($.readOnly IS TRUE) }",
        "{ ($.errorCode = AccessDenied) || ($.eventName = *Bucket*) }",
        "Describe ?Get",
        "?AssumeRole ?ConsoleLogin",
        '"signin.amazonaws.com" -Failed',
        "[version, account, eni, src, dst, sp, dp, proto, pk, by, s, e, action = REJECT, status]",
        "[..., action = ACCEPT || action = REJ*, status]",
        "%Describe[A-Z][a-z]+%",
        "%Get|List%",
    ],
)
@pytest.mark.parametrize("rest_at_once", [0, 2_000, 10**9])  # growing windows only, the default, one jump
def test_pages_equal_a_brute_force_engine_scan(
    store: EventStore,
    events: list[dict[str, Any]],
    pattern: str,
    rest_at_once: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(query, "FILTER_PAGE", 25)
    monkeypatch.setattr(query, "SCAN_FIRST_WINDOW_MS", 600_000)  # several windows over the 3-hour dataset
    monkeypatch.setattr(query, "SCAN_REST_AT_ONCE", rest_at_once)
    compiled = compile_pattern(pattern, api="FilterLogEvents")
    order = {id(e): i for i, e in enumerate(events)}
    expected = sorted(
        (e for e in events if compiled.matches(LogEvent(e["message"], e["timestamp"]))),
        key=lambda e: (e["timestamp"], e["group"], e["stream"], order[id(e)]),
    )
    assert expected, pattern
    seen: list[str] = []
    token = ""
    pages = 0
    while True:
        page = run_filter_pattern(store, pattern, list(store.groups), 0, 2**53, token)
        pages += 1
        seen += [e.message for e in page.events]
        if page.next_token is None:
            assert not page.truncated
            break
        assert page.matched == 25
        token = page.next_token
    # time order, ties in the store's order (group, stream, file, line), across page boundaries
    assert seen == [e["message"] for e in expected]
    assert pages == -(-len(expected) // 25) + (len(expected) % 25 == 0)


def test_a_repeated_search_returns_the_same_page_from_the_cache(
    store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(query, "FILTER_PAGE", 10)
    groups = list(store.groups)
    first = run_filter_pattern(store, "eventVersion", groups, 0, 2**53)
    calls: list[str] = []
    real = store.cursor
    monkeypatch.setattr(store, "cursor", lambda: calls.append("cursor") or real())
    again = run_filter_pattern(store, "eventVersion", groups, 0, 2**53)
    assert calls == []  # served without touching DuckDB
    assert (again.rows, again.events, again.scanned, again.histogram, again.next_token) == (
        first.rows,
        first.events,
        first.scanned,
        first.histogram,
        first.next_token,
    )
    again.rows.clear()  # a caller changing its copy does not change the cached page
    assert run_filter_pattern(store, "eventVersion", groups, 0, 2**53).rows == first.rows
    # another page size, range, token or group list is another search
    monkeypatch.setattr(query, "FILTER_PAGE", 5)
    assert len(run_filter_pattern(store, "eventVersion", groups, 0, 2**53).rows) == 5
    assert calls == ["cursor"]
    run_filter_pattern(store, "eventVersion", groups[:1], 0, 2**53)
    run_filter_pattern(store, "eventVersion", groups, 1, 2**53)
    assert calls == ["cursor"] * 3


def test_the_next_window_takes_the_rest_when_the_page_will_not_fill() -> None:
    hour, rest = 3_600_000, 100 * 3_600_000
    grown = query.SCAN_GROWTH * hour
    # nothing matched yet and no candidates: the page will not fill, read all the rest at once
    assert query.next_window_width(hour, hour, rest, 0, 100, 0) == rest
    # 5 matches an hour promise 500 in the 100 hours left: the page fills, keep growing
    assert query.next_window_width(hour, hour, rest, 5, 95, 5) == grown
    # 1 match in 2 hours promises 50 < 99 needed: all the rest, unless it promises too many candidates
    few = query.SCAN_REST_AT_ONCE // 50  # over 2 hours, at most SCAN_REST_AT_ONCE in the 100 hours left
    assert query.next_window_width(hour, 2 * hour, rest, 1, 99, few) == rest
    assert query.next_window_width(hour, 2 * hour, rest, 1, 99, few + 1) == grown
