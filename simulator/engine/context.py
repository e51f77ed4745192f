"""Run parameters, per-window context and injected records.

``WindowContext`` is what a source's ``render_window(ctx)`` receives:
  ctx.world            the World (read-only)
  ctx.config           the RunConfig (seed, student, start, duration, scale, sources, jobs, window_seconds,
                       injections, world_overrides, log_gaps: see simulator.engine.gaps for the masks)
  ctx.index            window number (0-based); ctx.start_ms / ctx.end_ms epoch milliseconds [start, end)
  ctx.start / ctx.end  the same as aware UTC datetimes
  ctx.out_dir          dataset directory to write under (use simulator.engine.output.write_* helpers)
  ctx.rng(name)        a fresh numpy Generator keyed by (seed, student, name, window index): the same
                       name in the same window always gives the same stream, on any core, in any order.
                       Use one name per independent purpose, e.g. "flow.scan", "cloudtrail.humans".
  ctx.s3_requests      lazily computed shared S3 request stream for this window, produced by
                       simulator.baseline.s3requests.generate_s3_requests(ctx) (SIM-NET); None while that
                       module does not exist. Computed once per window and shared by every source.
  ctx.alb_requests     same for simulator.baseline.alb.generate_alb_requests(ctx).
  ctx.injected(source) pre-built records the scenario layer injects into this window for one source
                       (list of Injection, sorted by time); sources merge them into their output and label
                       them with the injection's scenario/step/technique.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from simulator.world import World, world_seed

# Monday 2 March 2026 06:00 UTC: a fixed weekday morning, no DST change in the US or UK within a week.
DEFAULT_START = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)
WINDOW_SECONDS = 3600
ALL_SOURCES = ("cloudtrail", "flow", "alb", "s3")


@dataclass(frozen=True)
class Injection:
    """A pre-built record for one source, placed into the window that contains ``time_ms``.

    ``payload``: for "cloudtrail" a record dict (rendered in AWS key order by
    simulator.formats.cloudtrail.render_record); for line logs the formatted line (str) or a dict the
    source documents. Label fields identify the scenario step it belongs to.
    """

    source: str
    time_ms: int
    payload: Any
    scenario: str
    step: str
    technique: str
    account_id: str = ""
    region: str = ""


@dataclass(frozen=True)
class RunConfig:
    seed: int = 1
    student: str | None = None
    start: dt.datetime = DEFAULT_START
    duration_seconds: int = 86_400
    scale: int = 200
    sources: tuple[str, ...] = ALL_SOURCES
    jobs: int = 1
    window_seconds: int = WINDOW_SECONDS
    injections: tuple[Injection, ...] = field(default=(), compare=False)
    # a scenario's changes to the world (simulator.scenario.overrides.apply_world_overrides), applied in every
    # process, and the logging it switched off (simulator.actions.logstate.gaps): baseline records in a gap
    # are not delivered
    world_overrides: dict = field(default_factory=dict, compare=False)
    log_gaps: dict = field(default_factory=dict, compare=False)

    @property
    def start_ms(self) -> int:
        return int(self.start.timestamp() * 1000)

    @property
    def n_windows(self) -> int:
        return -(-self.duration_seconds // self.window_seconds)


def _name_key(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big")


def _provider(module: str, attr: str):
    """Import a stream provider lazily; None when its module is not there (yet)."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name == module:
            return None
        raise
    return getattr(mod, attr)


class WindowContext:
    """Everything one window of one run needs (see module docstring)."""

    def __init__(
        self,
        world: World,
        config: RunConfig,
        index: int,
        out_dir: Path,
        injected: dict[str, list[Injection]] | None = None,
    ) -> None:
        self.world = world
        self.config = config
        self.index = index
        self.out_dir = out_dir
        self.start_ms = config.start_ms + index * config.window_seconds * 1000
        self.end_ms = min(
            self.start_ms + config.window_seconds * 1000, config.start_ms + config.duration_seconds * 1000
        )
        self._injected = injected or {}
        self._base = world_seed(config.seed, config.student)
        self.stream_seconds = 0.0  # time spent computing shared streams (reported apart from the sources)

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.start_ms / 1000, dt.UTC)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.end_ms / 1000, dt.UTC)

    @property
    def stamp(self) -> str:
        """Window start as YYYYMMDDTHHMMZ (used in per-window file names such as labels)."""
        return self.start.strftime("%Y%m%dT%H%MZ")

    def rng(self, name: str) -> np.random.Generator:
        ss = np.random.SeedSequence([self._base, _name_key(name), self.index])
        return np.random.Generator(np.random.PCG64(ss))

    def injected(self, source: str) -> list[Injection]:
        return self._injected.get(source, [])

    def _stream(self, module: str, attr: str):
        fn = _provider(module, attr)
        if fn is None:
            return None
        t0 = time.perf_counter()
        before = self.stream_seconds
        value = fn(self)
        # a stream may pull another one (s3_requests uses alb_requests): count the outermost span only
        self.stream_seconds = before + (time.perf_counter() - t0)
        return value

    @cached_property
    def s3_requests(self):
        return self._stream("simulator.baseline.s3requests", "generate_s3_requests")

    @cached_property
    def alb_requests(self):
        return self._stream("simulator.baseline.alb", "generate_alb_requests")
