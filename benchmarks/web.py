"""Lab web app latency with a 7-day dataset: p50/p95 per page, and explorer queries over 1,000,000+ events.

    .venv/bin/python benchmarks/web.py [--dataset DIR] [--cache DIR] [--requests N]

Without ``--dataset`` it generates one into a temporary folder first
(``trailwatch generate --duration 7d --sources cloudtrail,flow --jobs 2``, default seed and scale).
Pages are requested through Flask's test client as a signed-in student (server time, no network), each
once to warm caches (the DuckDB event store is built on the first request and its build time printed),
then N times; then N/3 times more with the explorer's filter-pattern page cache emptied before each request
(the "no cache" column: what a search nobody ran before costs). Explorer queries run over every event and
over a time range holding the first 1,000,000 events. Filter-pattern searches are timed with the page cache
emptied before each run. Goals (issue 7): page p95 < 100 ms; explorer queries over 1,000,000 events < 1 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from labapp import create_app  # noqa: E402
from labapp.accounts import create_user  # noqa: E402
from labapp.alarms.sources import LearnerResources  # noqa: E402
from labapp.db import get_db  # noqa: E402
from labapp.explorer import query  # noqa: E402
from labapp.explorer.query import run_filter_pattern, run_insights  # noqa: E402
from labapp.explorer.store import EventStore  # noqa: E402

PASSWORD = "benchmark-password"
PATTERNS = [
    "{ $.eventName = ConsoleLogin }",
    '{ $.errorCode = "AccessDenied" }',
    '"Failed authentication"',
    "ConsoleLogin ?AssumeRole",
    "[version, account, eni, source, destination, srcport, destport, protocol, packets, bytes, ws, we, action = REJECT, status]",
    "%Delete[A-Za-z]+%",
]
QUERIES = [
    "fields @timestamp, @message | sort @timestamp desc | limit 20",
    'filter action = "REJECT" | stats count(*) as rejected by srcAddr | sort rejected desc | limit 10',
    "stats count(*) by bin(1h)",
    "stats sum(bytes) as total by dstPort | sort total desc | limit 10",
    'filter @message like "REJECT" | stats count(*)',
    'filter dstPort in [22, 3389] and action = "REJECT" | stats count(*) by dstAddr, bin(1d)',
    'filter eventName = "ConsoleLogin" | fields @timestamp, userIdentity.arn, sourceIPAddress',
    "stats count(*) by eventSource | sort eventSource asc",
    # parse: a CloudTrail glob with one wildcard (RE2), one with two (string_split), and all 14 fields of the
    # default flow-log format (string_split), counted and filtered
    'parse @message "\\"eventName\\":\\"*\\"" as en | stats count(*) as n by en | sort n desc | limit 10',
    'parse @message "\\"sourceIPAddress\\":\\"*\\",\\"userAgent\\":\\"*\\"" as ip, agent '
    "| stats count(*) as n by ip | sort n desc | limit 10",
    'parse @message "* * * * * * * * * * * * * *" as version, account, eni, src, dst, srcport, dstport, '
    "protocol, packets, bytes, start, end, act, status | stats count(*) by act",
    'parse @message "* * * * * * * * * * * * * *" as version, account, eni, src, dst, srcport, dstport, '
    'protocol, packets, bytes, start, end, act, status | filter act = "REJECT" '
    "| stats sum(bytes) as total by dstport | sort total desc | limit 10",
]


def generate(out: Path) -> None:
    cmd = [
        str(ROOT / ".venv" / "bin" / "trailwatch"),
        "generate",
        "--out",
        str(out),
        "--duration",
        "7d",
        "--sources",
        "cloudtrail,flow",
        "--jobs",
        "2",
    ]
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    print(f"generated 7-day dataset in {time.perf_counter() - t:.1f} s: {out}")


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def resources(manifest: dict[str, Any]) -> LearnerResources:
    ct = next(g["name"] for g in manifest["log_groups"] if g["source"] == "cloudtrail")
    flow = next((g["name"] for g in manifest["log_groups"] if g["source"] == "flow"), ct)
    return LearnerResources(
        metric_filters=[
            {
                "filterName": "signin-failures",
                "logGroupName": ct,
                "filterPattern": '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
                "metricTransformations": [
                    {
                        "metricName": "ConsoleSigninFailureCount",
                        "metricNamespace": "CloudTrailMetrics",
                        "metricValue": "1",
                    }
                ],
            },
            {
                "filterName": "rejects",
                "logGroupName": flow,
                "filterPattern": "[version, account, eni, source, destination, srcport, destport, protocol, packets, bytes, windowstart, windowend, action = REJECT, flowlogstatus]",
                "metricTransformations": [
                    {"metricName": "Rejects", "metricNamespace": "Net", "metricValue": "1"}
                ],
            },
        ],
        alarms=[
            {
                "AlarmName": "ConsoleSigninFailures",
                "MetricName": "ConsoleSigninFailureCount",
                "Namespace": "CloudTrailMetrics",
                "Statistic": "Sum",
                "Period": 300,
                "EvaluationPeriods": 1,
                "Threshold": 3.0,
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                "TreatMissingData": "notBreaching",
            },
            {
                "AlarmName": "RejectBurst",
                "MetricName": "Rejects",
                "Namespace": "Net",
                "Statistic": "Sum",
                "Period": 300,
                "EvaluationPeriods": 3,
                "DatapointsToAlarm": 2,
                "Threshold": 50.0,
                "ComparisonOperator": "GreaterThanThreshold",
                "TreatMissingData": "missing",
            },
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, help="an existing dataset (default: generate a 7-day one)")
    parser.add_argument(
        "--cache", type=Path, help="explorer cache folder to reuse (default: a temporary one)"
    )
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page (default 30)")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average at start: {load()}")
    with tempfile.TemporaryDirectory(prefix="tw-web-bench-") as tmp:
        work = Path(tmp)
        dataset = args.dataset or work / "dataset"
        if args.dataset is None:
            generate(dataset)
        manifest = orjson.loads((dataset / "manifest.json").read_bytes())
        learner = resources(manifest)
        cache = args.cache or work / "cache"
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "DATABASE": str(work / "lab.sqlite"),
                "BACKEND": "none",
                "DATASET_DIR": str(dataset),
                "EXPLORER_CACHE_DIR": str(cache),
                "CSRF_ENABLED": False,
                "CHECK_POLL_SECONDS": 0,
                "ALARM_RESOURCES": lambda: learner,
            },
            instance_path=str(work / "instance"),
        )
        with app.app_context():
            create_user(get_db(), "student1", PASSWORD, "student")
            get_db().commit()

        t = time.perf_counter()
        store = EventStore.open(dataset, cache)
        total = sum(g.events for g in store.groups.values())
        print(
            f"event store built in {time.perf_counter() - t:.1f} s: {total:,} CloudWatch Logs events, "
            f"{len(store.groups)} log groups"
        )

        obj = next(f for f in manifest["files"] if f["kind"] == "s3" and f["source"] == "cloudtrail")
        bucket, _, key = obj["path"][3:].partition("/")
        client = app.test_client()
        client.post("/auth/login", data={"username": "student1", "password": PASSWORD})
        pages: list[tuple[str, str, dict[str, Any] | None]] = [
            ("explorer (form)", "/explorer/", None),
            (
                "explorer (default query)",
                "/explorer/?q=fields+%40timestamp%2C+%40message+%7C+sort+%40timestamp+desc+%7C+limit+20",
                None,
            ),
            (
                "explorer (stats by eventName)",
                "/explorer/?q=stats+count(*)+as+n+by+eventName+%7C+sort+n+desc+%7C+limit+20",
                None,
            ),
            (
                "explorer (filter pattern)",
                "/explorer/?mode=pattern&q=%7B+%24.eventName+%3D+ConsoleLogin+%7D",
                None,
            ),
            (
                "explorer (terms pattern)",
                "/explorer/?mode=pattern&q=%22Failed+authentication%22",
                None,
            ),
            (
                "explorer (space pattern, flow logs)",
                "/explorer/?"
                + urlencode(
                    {
                        "mode": "pattern",
                        "q": "[..., action = REJECT, status]",
                        "group": next(g for g, i in store.groups.items() if i.source == "flow"),
                    }
                ),
                None,
            ),
            ("S3 buckets", "/explorer/s3", None),
            (
                "S3 prefix",
                "/explorer/s3?" + urlencode({"bucket": bucket, "prefix": key.split("/")[0] + "/"}),
                None,
            ),
            ("S3 object", f"/explorer/s3/object?bucket={bucket}&key={key}", None),
            ("pattern tester (form)", "/patterns/", None),
            (
                "pattern tester (50 samples)",
                "/patterns/",
                {
                    "pattern": '{ $.eventName = "ConsoleLogin" }',
                    "source": "group",
                    "group": next(iter(store.groups)),
                    "count": "50",
                },
            ),
            ("alarms (2 alarms, 7 days)", "/alarms/", None),
        ]
        for label, url in (("labs", "/labs/"), ("inbox", "/inbox/")):
            if client.get(url).status_code == 200:
                pages.append((label, url, None))
        print(f"\npage latency over {args.requests} requests each (signed-in student, test client):")
        print(f"{'page':34} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'no cache p50 / p95 ms':>22}")
        for label, url, form in pages:

            def hit(url: str = url, form: dict[str, Any] | None = form) -> int:
                r = client.post(url, data=form) if form else client.get(url)
                return r.status_code

            t = time.perf_counter()
            status = hit()
            first = (time.perf_counter() - t) * 1000
            times = []
            for _ in range(args.requests):
                t = time.perf_counter()
                hit()
                times.append((time.perf_counter() - t) * 1000)
            cold = []
            for _ in range(max(1, args.requests // 3)):
                query.clear_page_cache()
                t = time.perf_counter()
                hit()
                cold.append((time.perf_counter() - t) * 1000)
            flag = "" if status == 200 else f"  (HTTP {status})"
            print(
                f"{label:34} {first:9.1f} {statistics.median(times):8.1f} {percentile(times, 95):8.1f} "
                f"{statistics.median(cold):11.1f} / {percentile(cold, 95):8.1f}{flag}"
            )

        groups = list(store.groups)
        lo = min(g.first_ts for g in store.groups.values() if g.first_ts is not None)
        hi = max(g.last_ts for g in store.groups.values() if g.last_ts is not None) + 1
        cur = store.cursor()
        million = cur.execute("SELECT ts FROM events ORDER BY ts LIMIT 1 OFFSET 999999").fetchone()
        cur.close()
        ranges = [(f"all {len(groups)} log groups ({total:,} events)", hi)]
        if million is not None:
            ranges.append(("the first 1,000,000 events (all groups)", int(million[0]) + 1))
        for title, end in ranges:
            print(f"\nexplorer queries over {title}, 5 runs each:")
            print(f"{'query':96} {'rows':>6} {'min ms':>8} {'p50 ms':>8} {'max ms':>8}")
            for q in QUERIES:
                times, rows = [], 0
                for _ in range(5):
                    t = time.perf_counter()
                    result = run_insights(store, q, groups, lo, end)
                    times.append((time.perf_counter() - t) * 1000)
                    rows = len(result.rows)
                print(
                    f"{q[:96]:96} {rows:6} {min(times):8.1f} {statistics.median(times):8.1f} {max(times):8.1f}"
                )
        print(
            f"\nfilter-pattern mode over all {len(groups)} log groups, first page ({query.FILTER_PAGE} matches), 5 runs each:"
        )
        print(f"{'pattern':84} {'matches':>7} {'scanned':>10} {'p50 ms':>8} {'max ms':>8}")
        for pattern in PATTERNS:
            times = []
            for _ in range(5):
                query.clear_page_cache()
                t = time.perf_counter()
                result = run_filter_pattern(store, pattern, groups, lo, hi)
                times.append((time.perf_counter() - t) * 1000)
            print(
                f"{pattern[:84]:84} {result.matched:7,} {result.scanned:10,} "
                f"{statistics.median(times):8.1f} {max(times):8.1f}"
            )
        query.FILTER_PAGE = 1_000_000  # no early stop: every event of the range is searched
        print("\nthe same, searching the whole range (no page limit), 1 run each:")
        for pattern in PATTERNS:
            query.clear_page_cache()
            t = time.perf_counter()
            result = run_filter_pattern(store, pattern, groups, lo, hi)
            print(
                f"{pattern[:84]:84} {result.matched:7,} {result.scanned:10,} "
                f"{(time.perf_counter() - t) * 1000:8.1f}"
            )
        print(f"\nload average at end: {load()}")


if __name__ == "__main__":
    main()
