"""Run an explorer query on an EventStore: Logs Insights mode (DuckDB) and filter-pattern mode (our engine).

Both return a :class:`QueryResult`: the visible columns, the rows (values as Insights shows them), for event
rows the full event (group, stream, message) so the page can expand its JSON, the number of events scanned
and matched, and a time histogram of the matched events (server-side binned counts).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import duckdb

from grader.filterpattern import LogEvent, compile_pattern
from labapp.explorer.insights_ast import InsightsSyntaxError
from labapp.explorer.insights_parser import parse_query
from labapp.explorer.insights_sql import compile_query
from labapp.explorer.narrowing import narrowing_sql, necessary, to_sql
from labapp.explorer.store import EventStore
from labapp.lru import LruCache

HISTOGRAM_BINS = 60
NICE_BINS_MS = [
    1_000,
    5_000,
    10_000,
    30_000,
    60_000,
    300_000,
    600_000,
    900_000,
    1_800_000,
    3_600_000,
    7_200_000,
    10_800_000,
    21_600_000,
    43_200_000,
    86_400_000,
]
FILTER_PAGE = 100  # matches per page in filter-pattern mode ("Search further" continues)
SCAN_FIRST_WINDOW_MS = 3_600_000  # filter-pattern mode's first window (at least 1 h) ...
SCAN_FIRST_FRACTION = 32  # ... or 1/32 of the range, ...
SCAN_GROWTH = 4  # ... then 4 times wider each time, until a page is full, ...
SCAN_REST_AT_ONCE = 2_000  # ... or all the rest at once when the page will not fill (next_window_width)
PAGE_CACHE_SIZE = 64  # filter-pattern pages kept in process (each holds at most FILTER_PAGE events)


def format_ts(ms: int | float | None) -> str:
    """Insights' timestamp format: 2026-03-02 06:05:00.000 (UTC)."""
    if ms is None:
        return ""
    dt = datetime.fromtimestamp(int(ms) / 1000, tz=UTC)
    return dt.strftime("%Y-%m-%d %H:%M:%S.") + f"{int(ms) % 1000:03d}"


def format_value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if v != v:
            return ""
        return str(int(v)) if v.is_integer() and abs(v) < 1e16 else repr(round(v, 6))
    return str(v)


@dataclass
class Event:
    seq: int
    timestamp: int
    log_group: str
    log_stream: str
    message: str


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[str]]
    events: list[Event | None]  # per row, the log event it shows (None for stats rows)
    scanned: int
    matched: int
    histogram: list[tuple[int, int]]  # (bin start ms, matched events)
    bin_ms: int
    elapsed_ms: float
    mode: str  # "insights" | "pattern"
    truncated: bool = False  # filter-pattern mode stopped at FILTER_PAGE matches
    next_token: str | None = None  # where a filter-pattern scan continues ("<ts>.<seq>")
    notes: list[str] = field(default_factory=list)


def pick_bin(start_ms: int, end_ms: int) -> int:
    """A round bin width giving at most about HISTOGRAM_BINS bins over the range."""
    span = max(end_ms - start_ms, 1)
    for b in NICE_BINS_MS:
        if span / b <= HISTOGRAM_BINS:
            return b
    return NICE_BINS_MS[-1] * max(1, int(span / NICE_BINS_MS[-1] / HISTOGRAM_BINS) + 1)


def run_insights(store: EventStore, text: str, groups: list[str], start_ms: int, end_ms: int) -> QueryResult:
    """Run a Logs Insights query; raises InsightsSyntaxError (with position) for a query it cannot run."""
    t0 = time.perf_counter()
    compiled = compile_query(
        parse_query(text), store.where(groups, start_ms, end_ms), store.flow_fields, store.json_fields
    )
    bin_ms = pick_bin(start_ms, end_ms)
    cur = store.cursor()
    try:
        hist: list[tuple[int, int]] | None = None
        if compiled.one_pass_sql is not None:  # rows and histogram from one evaluation of the filter
            prefix, suffix = compiled.one_pass_sql
            raw = cur.execute(f"{prefix}(ts - {int(start_ms)}) // {bin_ms}{suffix}").fetchall()
            if raw:
                packed = raw[0][-1] or ""
                hist = [(int(b), int(c)) for b, _, c in (p.partition(":") for p in packed.split(",") if p)]
                raw = [r[:-1] for r in raw]
        else:
            raw = cur.execute(compiled.sql).fetchall()
        if hist is None:  # no row to carry it (or no filter stage): count the bins on their own
            hist = cur.execute(
                f"SELECT (ts - {int(start_ms)}) // {bin_ms} AS b, count(*) FROM ({compiled.histogram_source}) "
                "GROUP BY b ORDER BY b"
            ).fetchall()
        scanned = cur.execute(compiled.scanned_sql).fetchone()[0]  # type: ignore[index]
    except duckdb.Error as exc:
        # e.g. a regex Python accepts but RE2 does not (lookarounds, backreferences)
        detail = str(exc).split("\n", 1)[0]
        raise InsightsSyntaxError(f"The query cannot run: {detail}", 0).with_query(text) from None
    finally:
        cur.close()
    n = len(compiled.columns)
    rows, events = [], []
    for r in raw:
        rows.append(
            [
                format_ts(v) if compiled.columns[i] in compiled.time_columns else format_value(v)
                for i, v in enumerate(r[:n])
            ]
        )
        events.append(Event(r[n], r[n + 1], r[n + 2], r[n + 3], r[n + 4]) if compiled.event_rows else None)
    histogram = [(start_ms + int(b) * bin_ms, int(c)) for b, c in hist]
    return QueryResult(
        columns=compiled.columns,
        rows=rows,
        events=events,
        scanned=int(scanned),
        matched=sum(c for _, c in histogram),
        histogram=histogram,
        bin_ms=bin_ms,
        elapsed_ms=(time.perf_counter() - t0) * 1000,
        mode="insights",
    )


def sql_prefilter(ast: object) -> str | None:
    """A SQL condition on ``message`` every event the pattern can match satisfies (without the ``\\u``
    escape guard, which callers add), or None when the pattern gives none (labapp/explorer/narrowing.py)."""
    formula = necessary(ast)
    return None if formula is None else to_sql(formula)


def next_window_width(
    width: int, done_ms: int, rest_ms: int, matched: int, needed: int, candidates: int
) -> int:
    """The width of filter-pattern mode's next time window, after ``done_ms`` of the range gave ``matched``
    matches (``needed`` more fill the page) out of ``candidates`` events DuckDB returned.

    SCAN_GROWTH times ``width``, so a page that fills early reads only the start of the range; but when the
    matches so far, at their pace, promise fewer than ``needed`` in the whole rest (``rest_ms``), the page will
    not fill and the rest must all be read: one query then reads it, if it promises at most
    SCAN_REST_AT_ONCE candidates to sort and fetch. Growing windows each read their row groups again and a
    narrow one keeps one core busy (7-day dataset, ``"Failed authentication"`` over the CloudTrail groups,
    single-threaded: 158 ms of CPU in four windows, 134 ms in one query; with two cores 167 ms vs 108 ms)."""
    page_fills = matched * rest_ms >= needed * max(done_ms, 1)
    if not page_fills and candidates * rest_ms <= SCAN_REST_AT_ONCE * max(done_ms, 1):
        return rest_ms
    return width * SCAN_GROWTH


_page_cache: LruCache[tuple[object, ...], QueryResult] = LruCache(PAGE_CACHE_SIZE)


def clear_page_cache() -> None:
    """Forget the cached filter-pattern pages (benchmarks time the search itself with this)."""
    _page_cache.clear()


def run_filter_pattern(
    store: EventStore, pattern: str, groups: list[str], start_ms: int, end_ms: int, after: str = ""
) -> QueryResult:
    """FilterLogEvents with ``pattern``: events in time order, up to FILTER_PAGE matches per call.

    Raises grader.filterpattern.InvalidFilterPattern with FilterLogEvents' wording for a bad pattern.
    ``after`` ("<ts>.<seq>", a previous page's ``next_token``) continues a previous page. DuckDB keeps only
    the events that satisfy the pattern's exact necessary condition (narrowing.py), window by window in
    time order (:func:`next_window_width`), and the scan stops once the page is full; our engine decides
    every candidate.

    Pages are kept in process (the last PAGE_CACHE_SIZE): an event store never changes (its file is named
    by the dataset's manifest), so the same search gives the same page, and a pattern that matches few
    events reads every message of the range (~470 MB of CloudTrail text for 7 days) on each search.
    """
    t0 = time.perf_counter()
    key = (store.path, pattern, tuple(groups), int(start_ms), int(end_ms), after, FILTER_PAGE)
    cached = _page_cache.get(key)
    if cached is not None:
        return replace(  # copies of the lists, so a caller cannot change the cached page
            cached,
            rows=[list(r) for r in cached.rows],
            events=list(cached.events),
            histogram=list(cached.histogram),
            notes=list(cached.notes),
            elapsed_ms=(time.perf_counter() - t0) * 1000,
        )
    result = _search(store, pattern, groups, start_ms, end_ms, after, t0)
    _page_cache.put(key, result)
    return result


def _search(
    store: EventStore, pattern: str, groups: list[str], start_ms: int, end_ms: int, after: str, t0: float
) -> QueryResult:
    compiled = compile_pattern(pattern, api="FilterLogEvents")
    where = store.where(groups, start_ms, end_ms)
    lo = start_ms
    if after:
        ts_text, _, seq_text = after.partition(".")
        if ts_text.isdigit() and seq_text.isdigit():
            where += f" AND (ts > {int(ts_text)} OR (ts = {int(ts_text)} AND rowid > {int(seq_text)}))"
            lo = max(lo, int(ts_text))
    data_first = min((g.first_ts for g in store.groups.values() if g.first_ts is not None), default=0)
    data_last = max((g.last_ts for g in store.groups.values() if g.last_ts is not None), default=0)
    lo, hi = max(lo, data_first), min(end_ms, data_last + 1)
    needed = narrowing_sql(compiled.ast)
    candidates = where if needed is None else f"{where} AND {needed}"
    cur = store.cursor()
    matches: list[Event] = []
    last: tuple[int, int] | None = None
    try:
        a, width, seen = lo, max(SCAN_FIRST_WINDOW_MS, (hi - lo) // SCAN_FIRST_FRACTION), 0
        while a < hi and last is None:
            b = min(hi, a + width)
            cur.execute(
                f"SELECT rowid, ts, grp, stream, message FROM events WHERE {candidates} "
                f"AND ts >= {a} AND ts < {b} ORDER BY ts, rowid"
            )
            while last is None and (rows := cur.fetchmany(1_000)):
                seen += len(rows)
                for seq, ts, grp, stream, message in rows:
                    if compiled.matches(LogEvent(message, ts)):
                        matches.append(Event(seq, ts, grp, stream, message))
                        if len(matches) >= FILTER_PAGE:
                            last = (ts, seq)
                            break
            needed = FILTER_PAGE - len(matches)
            a, width = b, next_window_width(width, b - lo, hi - b, len(matches), needed, seen)
        total = cur.execute(f"SELECT count(*) FROM events WHERE {where}").fetchone()[0]  # type: ignore[index]
        scanned, truncated = total, False
        if last is not None:
            before = f"(ts < {last[0]} OR (ts = {last[0]} AND rowid <= {last[1]}))"
            scanned = cur.execute(f"SELECT count(*) FROM events WHERE {where} AND {before}").fetchone()[0]  # type: ignore[index]
            truncated = scanned < total
    finally:
        cur.close()
    bin_ms = pick_bin(start_ms, end_ms)
    counts: dict[int, int] = {}
    for ev in matches:
        b = start_ms + (ev.timestamp - start_ms) // bin_ms * bin_ms
        counts[b] = counts.get(b, 0) + 1
    notes = []
    if truncated:
        notes.append(
            f"Showing the first {FILTER_PAGE:,} matching events in time order; "
            f"{total - scanned:,} events are not searched yet."
        )
    return QueryResult(
        columns=["@timestamp", "@logStream", "@message"],
        rows=[[format_ts(e.timestamp), e.log_stream, e.message] for e in matches],
        events=list(matches),
        scanned=scanned,
        matched=len(matches),
        histogram=sorted(counts.items()),
        bin_ms=bin_ms,
        elapsed_ms=(time.perf_counter() - t0) * 1000,
        mode="pattern",
        truncated=truncated,
        next_token=f"{last[0]}.{last[1]}" if truncated and last is not None else None,
        notes=notes,
    )
