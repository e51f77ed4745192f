"""The source protocol and the registry of log sources.

A source is a class constructed once per process with the World, holding precomputed templates:

    class FlowSource:
        name = "flow"
        def __init__(self, world: World) -> None: ...
        def render_window(self, ctx: WindowContext) -> WindowOutput: ...

``render_window`` writes this window's files under ctx.out_dir (S3 objects via
simulator.engine.output.write_s3_object, CloudWatch Logs via simulator.delivery.cloudwatch.write_log_events)
and returns a WindowOutput (file entries, record count, label lines). File names that contain random
parts must draw them from ctx.rng(...) so output is deterministic.

REGISTRY maps a source name to "module:Class". A source whose module does not exist yet is reported
as unavailable and skipped, so `trailwatch generate` works while sources are being built.
"""

from __future__ import annotations

import importlib
from typing import Protocol

from simulator.engine.context import WindowContext
from simulator.engine.output import WindowOutput
from simulator.world import World

REGISTRY: dict[str, str] = {
    "cloudtrail": "simulator.baseline.cloudtrail:CloudTrailSource",
    "flow": "simulator.baseline.flow:FlowSource",
    "alb": "simulator.baseline.alb:AlbSource",
    "s3": "simulator.baseline.s3access:S3AccessSource",
}


class Source(Protocol):
    name: str

    def render_window(self, ctx: WindowContext) -> WindowOutput: ...


def source_class(name: str) -> type | None:
    """The class registered for a source name, or None when its module is not available."""
    module, attr = REGISTRY[name].split(":")
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name == module:
            return None
        raise
    return getattr(mod, attr, None)


def available_sources(names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split requested names into (available, unavailable)."""
    ok = tuple(n for n in names if source_class(n) is not None)
    return ok, tuple(n for n in names if n not in ok)


def make_sources(world: World, names: tuple[str, ...]) -> list[Source]:
    out = []
    for n in names:
        cls = source_class(n)
        if cls is not None:
            out.append(cls(world))
    return out
