"""Time windows, sharding, per-window context, labels and manifest of a generation run.

Modules: context (RunConfig, WindowContext, Injection), sources (Source protocol + REGISTRY),
output (FileEntry, WindowOutput, write helpers, deterministic gzip), labels (label line shapes),
run (orchestration, process pool), manifest (manifest.json).
"""

from simulator.engine.context import ALL_SOURCES, DEFAULT_START, Injection, RunConfig, WindowContext
from simulator.engine.output import FileEntry, WindowOutput, gzip_bytes, write_file, write_s3_object
from simulator.engine.run import RunResult, run

__all__ = [
    "ALL_SOURCES",
    "DEFAULT_START",
    "FileEntry",
    "Injection",
    "RunConfig",
    "RunResult",
    "WindowContext",
    "WindowOutput",
    "gzip_bytes",
    "run",
    "write_file",
    "write_s3_object",
]
