"""Orchestration: split a run into windows, render every source per window (optionally on a process pool),
gather results in window order and write labels and the manifest.

A task is one window: all selected sources render it in the same process, so the lazily computed shared
streams (ctx.s3_requests, ctx.alb_requests) are computed once per window. Every window draws its
randomness from its own SeedSequence, so --jobs changes speed, never bytes.
"""

from __future__ import annotations

import gc
import multiprocessing
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from simulator.engine.context import Injection, RunConfig, WindowContext
from simulator.engine.manifest import build_manifest, write_manifest
from simulator.engine.output import (
    FileEntry,
    async_writes,
    flush_writes,
    forget_made_dirs,
    gzip_bytes,
    write_file,
)
from simulator.engine.sources import Source, available_sources, make_sources
from simulator.world import World, build_world

DATASET_DIRS = ("s3", "cloudwatch", "labels", "scenario")
SCENARIO_LABEL = b'"label":"scenario"'
SHARED_STREAMS = "shared streams"  # key in WindowResult.seconds for ctx.s3_requests / ctx.alb_requests


@dataclass
class WindowResult:
    index: int
    files: list[FileEntry] = field(default_factory=list)
    records: dict[str, int] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per source (not in the manifest)
    scenario_records: dict[tuple[str, str], int] = field(default_factory=dict)  # (step, source) -> labelled


@dataclass
class RunResult:
    manifest: dict
    records: dict[str, int]
    files: int
    bytes: int
    unavailable: tuple[str, ...]
    seconds: float
    source_seconds: dict[str, float]
    scenario_records: dict[str, dict[str, int]] = field(default_factory=dict)  # step -> source -> labelled


_STATE: dict = {}


def build_run_world(config: RunConfig) -> World:
    """The run's world: build_world plus the scenario's overrides (the scenario package is imported only
    when there are overrides, so plain runs do not depend on it)."""
    world = build_world(config.seed, config.student, config.scale)
    if config.world_overrides:
        from simulator.scenario.overrides import apply_world_overrides

        world = apply_world_overrides(world, config.world_overrides)
    return world


def _init_worker(
    config: RunConfig, out_dir: Path, sources: tuple[str, ...], world: World | None = None
) -> None:
    world = world or build_run_world(config)
    async_writes(True)
    _STATE.update(
        world=world,
        config=config,
        out_dir=out_dir,
        sources=make_sources(world, sources),
        injections=route_injections(config),
    )


def route_injections(config: RunConfig) -> dict[int, dict[str, list[Injection]]]:
    """Injections per window index and source, sorted by time."""
    out: dict[int, dict[str, list[Injection]]] = {}
    end_ms = config.start_ms + config.duration_seconds * 1000
    for inj in sorted(config.injections, key=lambda i: (i.time_ms, i.source)):
        if not config.start_ms <= inj.time_ms < end_ms:
            raise ValueError(
                f"injection {inj.scenario}/{inj.step} at {inj.time_ms} ms is outside the run's time range"
            )
        idx = (inj.time_ms - config.start_ms) // (config.window_seconds * 1000)
        out.setdefault(idx, {}).setdefault(inj.source, []).append(inj)
    return out


def render_window(index: int) -> WindowResult:
    """Render every source for one window (runs in a worker or in-process)."""
    # A window allocates a few hundred thousand small objects (records, ids, label lines) that live until
    # it ends and form no reference cycles: cyclic collection during the window only re-scans them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _render_window(index)
    finally:
        if collecting:
            gc.enable()


def _render_window(index: int) -> WindowResult:
    world, config, out_dir = _STATE["world"], _STATE["config"], _STATE["out_dir"]
    sources: list[Source] = _STATE["sources"]
    ctx = WindowContext(world, config, index, out_dir, _STATE["injections"].get(index))
    result = WindowResult(index)
    for src in sources:
        t0 = time.perf_counter()
        streams_before = ctx.stream_seconds
        out = src.render_window(ctx)
        result.files.extend(out.files)
        if out.labels:
            result.files.append(
                write_file(
                    out_dir,
                    f"labels/{src.name}/{ctx.stamp}.jsonl.gz",
                    gzip_bytes(b"".join(out.labels)),
                    records=len(out.labels),
                    source=src.name,
                    kind="labels",
                )
            )
        result.records[src.name] = out.records
        if ctx.injected(src.name):
            count_scenario_labels(out.labels, src.name, result.scenario_records)
        result.counts[src.name] = dict(out.counts)
        flush_writes()
        shared = ctx.stream_seconds - streams_before
        result.seconds[src.name] = time.perf_counter() - t0 - shared
        result.seconds[SHARED_STREAMS] = result.seconds.get(SHARED_STREAMS, 0.0) + shared
    return result


def count_scenario_labels(labels: list[bytes], source: str, into: dict[tuple[str, str], int]) -> None:
    """Count scenario-labelled records per (step, source) (only called for windows with injections)."""
    for line in labels:
        if SCENARIO_LABEL in line:
            step = orjson.loads(line)["step"]
            into[(step, source)] = into.get((step, source), 0) + 1


def prepare_out_dir(out_dir: Path) -> None:
    """Create the dataset dir; replace a previous dataset, refuse to touch anything else."""
    forget_made_dirs()
    if out_dir.exists():
        if not out_dir.is_dir():
            raise FileExistsError(f"{out_dir} exists and is not a directory")
        entries = list(out_dir.iterdir())
        if entries and not (out_dir / "manifest.json").exists():
            raise FileExistsError(
                f"{out_dir} is not empty and holds no trailwatch dataset (no manifest.json)"
            )
        for name in DATASET_DIRS:
            shutil.rmtree(out_dir / name, ignore_errors=True)
        (out_dir / "manifest.json").unlink(missing_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)


def run(
    config: RunConfig,
    out_dir: Path,
    progress: Callable[[int], None] | None = None,
    *,
    extra_files: Callable[[Path], list[FileEntry]] | None = None,
    manifest_blocks: dict | None = None,
) -> RunResult:
    """Generate the dataset; ``progress(n)`` is called once per finished window.

    ``extra_files(out_dir)`` writes further files (e.g. a scenario's ground truth via
    simulator.scenario.write_dataset_files) and returns their entries, listed in the manifest;
    ``manifest_blocks`` are added to the manifest after "parameters" (e.g. {"scenario": {...}}).
    """
    t0 = time.perf_counter()
    prepare_out_dir(out_dir)
    sources, unavailable = available_sources(config.sources)
    world = build_run_world(config)
    results: list[WindowResult] = []
    indices = range(config.n_windows)
    try:
        if config.jobs <= 1 or config.n_windows <= 1:
            _init_worker(config, out_dir, sources, world)
            for i in indices:
                results.append(render_window(i))
                if progress:
                    progress(1)
        else:
            ctx = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(
                config.jobs,
                mp_context=ctx,
                initializer=_init_worker,
                initargs=(config, out_dir, sources, world),
            ) as pool:
                for r in pool.map(render_window, indices, chunksize=1):
                    results.append(r)
                    if progress:
                        progress(1)
    finally:
        async_writes(False)
    extra = extra_files(out_dir) if extra_files else []
    flush_writes()
    scenario_records: dict[str, dict[str, int]] = {}
    for r in results:
        for (step, src), n in r.scenario_records.items():
            per = scenario_records.setdefault(step, {})
            per[src] = per.get(src, 0) + n
    blocks = dict(manifest_blocks or {})
    if "scenario" in blocks:
        blocks["scenario"] = {**blocks["scenario"], "records": scenario_records}
    manifest = build_manifest(world, config, sources, results, extra, blocks)
    write_manifest(out_dir, manifest)
    records = {s: sum(r.records.get(s, 0) for r in results) for s in sources}
    keys = (*sources, SHARED_STREAMS)
    secs = {s: sum(r.seconds.get(s, 0.0) for r in results) for s in keys}
    return RunResult(
        manifest,
        records,
        len(manifest["files"]),
        sum(f["bytes"] for f in manifest["files"]),
        unavailable,
        time.perf_counter() - t0,
        secs,
        scenario_records,
    )
