"""manifest.json: run parameters, time range, counts per source, log groups with streams, files with sha256.

Deterministic: keys in a fixed order, files sorted by path, no wall-clock values.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson

from simulator.engine.context import RunConfig
from simulator.world import World

FORMAT_VERSION = 1


def _iso(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_manifest(
    world: World,
    config: RunConfig,
    sources: tuple[str, ...],
    results: list,
    extra_files: list | None = None,
    blocks: dict | None = None,
) -> dict:
    """The manifest; ``extra_files`` (FileEntry) are listed with the rest, ``blocks`` follow "parameters"."""
    files = sorted([*(f for r in results for f in r.files), *(extra_files or [])], key=lambda f: f.path)
    counts: dict[str, dict[str, int]] = {}
    for s in sources:
        c = {"records": sum(r.records.get(s, 0) for r in results)}
        for r in results:
            for k, v in r.counts.get(s, {}).items():
                c[k] = c.get(k, 0) + v
        c["files"] = sum(1 for f in files if f.source == s and f.kind != "labels")
        counts[s] = c
    groups: dict[str, dict] = {}
    for f in files:
        if f.kind == "cloudwatch":
            g = groups.setdefault(f.log_group, {"name": f.log_group, "source": f.source, "streams": set()})
            g["streams"].add(f.log_stream)
    log_groups = [
        {"name": g["name"], "source": g["source"], "streams": sorted(g["streams"])}
        for g in sorted(groups.values(), key=lambda g: g["name"])
    ]
    end_ms = config.start_ms + config.duration_seconds * 1000
    manifest = {
        "format_version": FORMAT_VERSION,
        "generator": "trailwatch generate",
        "parameters": {
            "seed": config.seed,
            "student": config.student,
            "start": _iso(config.start_ms),
            "duration_seconds": config.duration_seconds,
            "scale": config.scale,
            "sources": list(sources),
            "window_seconds": config.window_seconds,
            "injections": len(config.injections),
        },
        **(blocks or {}),
        "time_range": {"start": _iso(config.start_ms), "end": _iso(end_ms)},
        "world": {
            "name": world.name,
            "accounts": [{"id": a.id, "kind": a.kind, "alias": a.name} for a in world.accounts],
            "home_region": world.home_region,
            "users": len(world.users),
            "roles": len(world.roles),
            "trails": [
                {"name": t.name, "account_id": t.account_id, "bucket": t.s3_bucket, "log_group": t.log_group}
                for t in world.trails
            ],
        },
        "counts": counts,
        "log_groups": log_groups,
        "files": [f.as_manifest() for f in files],
    }
    return manifest


def write_manifest(out_dir: Path, manifest: dict) -> None:
    (out_dir / "manifest.json").write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n")
