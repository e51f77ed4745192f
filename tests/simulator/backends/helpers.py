"""Small datasets in the layout of docs/datasets.md, written directly (fast, exact control over events)."""

from __future__ import annotations

import gzip
import hashlib
import time
from pathlib import Path
from urllib.parse import quote

import orjson

HOUR_MS = 3600 * 1000


def recent_start_ms(hours_ago: int = 3) -> int:
    """A whole hour some hours ago: inside PutLogEvents' 14-day window."""
    now = int(time.time() * 1000)
    return (now - hours_ago * HOUR_MS) // HOUR_MS * HOUR_MS


def _stamp(ms: int) -> str:
    return time.strftime("%Y%m%dT%H%MZ", time.gmtime(ms / 1000))


def _iso(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms / 1000))


def write_dataset(
    root: Path,
    streams: dict[tuple[str, str], list[tuple[int, str]]],
    objects: dict[tuple[str, str], bytes],
    start_ms: int,
    hours: int = 2,
) -> Path:
    """Write a dataset: `streams[(group, stream)]` = [(timestamp, message)] split into hourly windows."""
    root.mkdir(parents=True, exist_ok=True)
    files = []
    for (bucket, key), body in objects.items():
        path = root / "s3" / bucket / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        files.append(
            {
                "path": f"s3/{bucket}/{key}",
                "sha256": hashlib.sha256(body).hexdigest(),
                "bytes": len(body),
                "records": 1,
                "source": "cloudtrail",
                "kind": "s3",
            }
        )
    for (group, stream), events in streams.items():
        windows: dict[int, list[tuple[int, str]]] = {}
        for ts, msg in events:
            windows.setdefault((ts - start_ms) // HOUR_MS, []).append((ts, msg))
        for w, evs in sorted(windows.items()):
            rel = f"cloudwatch/{quote(group, safe='')}/{quote(stream, safe='')}/{_stamp(start_ms + w * HOUR_MS)}.jsonl.gz"
            body = gzip.compress(
                b"".join(orjson.dumps({"timestamp": ts, "message": m}) + b"\n" for ts, m in evs), mtime=0
            )
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(body)
            files.append(
                {
                    "path": rel,
                    "sha256": hashlib.sha256(body).hexdigest(),
                    "bytes": len(body),
                    "records": len(evs),
                    "source": "flow",
                    "kind": "cloudwatch",
                    "log_group": group,
                    "log_stream": stream,
                }
            )
    files.sort(key=lambda f: f["path"])
    manifest = {
        "format_version": 1,
        "generator": "trailwatch generate",
        "time_range": {"start": _iso(start_ms), "end": _iso(start_ms + hours * HOUR_MS)},
        "log_groups": [],
        "files": files,
    }
    (root / "manifest.json").write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    return root


def standard_dataset(root: Path, start_ms: int | None = None, events_per_stream: int = 2500) -> Path:
    """Two groups, three streams (one with many same-timestamp events), three buckets' worth of objects."""
    start = recent_start_ms() if start_ms is None else start_ms
    flow = [
        (
            start + i * 3000,
            f"2 123456789012 eni-0a{i % 7} 10.0.0.{i % 250} 10.0.1.9 443 {40000 + i} 6 1 40 x ACCEPT OK",
        )
        for i in range(events_per_stream)
    ]
    # 40 events per timestamp, some identical: the tail check must count, not just compare
    bursty = [(start + (i // 40) * 1000, f"burst {i % 13}") for i in range(events_per_stream)]
    trail = [
        (
            start + i * 2000,
            orjson.dumps(
                {"eventVersion": "1.08", "eventID": f"id-{i}", "eventName": "DescribeVpcs"}
            ).decode(),
        )
        for i in range(events_per_stream // 2)
    ]
    streams = {
        ("/aws/vpc/flowlogs/anybank-prod", "eni-0a1-all"): flow,
        ("/aws/vpc/flowlogs/anybank-prod", "eni-0b2-all"): bursty,
        ("aws-cloudtrail-logs-111122223333-0a1b2c3d", "111122223333_CloudTrail_us-east-1"): trail,
    }
    objects = {
        (
            "anybank-cloudtrail-logs-111122223333",
            f"AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/26/f{i}.json.gz",
        ): gzip.compress(orjson.dumps({"Records": [{"eventID": f"id-{i}"}]}), mtime=0)
        for i in range(12)
    }
    objects[("anybank-alb-logs-111122223333", "web/AWSLogs/111122223333/elasticloadbalancing/a.log.gz")] = (
        b"alb"
    )
    objects[
        ("anybank-s3-access-logs-111122223333", "customer-records/2026-11-26-00-00-00-ABCDEF0123456789")
    ] = b"s3 log"
    return write_dataset(root, streams, objects, start, hours=3)
