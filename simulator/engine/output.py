"""What a source returns for one window, and the helpers that write files with their sha256 entries.

All paths in a ``FileEntry`` are POSIX paths relative to the dataset directory. Compression is
deterministic (gzip header mtime fixed to 0) so the same run gives byte-identical files.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from isal import igzip

GZIP_LEVEL = 1  # isal levels are 0-3; level 1 keeps compression well under the generator's own cost


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip (mtime 0) with isal."""
    return igzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


_MADE_DIRS: set[str] = set()  # directories known to exist (per process; a dataset dir is replaced whole)


def forget_made_dirs() -> None:
    """Called when a dataset directory is (re)created: directories may have been removed."""
    _MADE_DIRS.clear()


@dataclass(frozen=True)
class FileEntry:
    """One written file. ``kind``: "s3" (an object under s3/<bucket>/<key>), "cloudwatch" or "labels"."""

    path: str
    sha256: str
    bytes: int
    records: int
    source: str
    kind: str
    log_group: str = ""
    log_stream: str = ""

    def as_manifest(self) -> dict:
        d = {
            "path": self.path,
            "sha256": self.sha256,
            "bytes": self.bytes,
            "records": self.records,
            "source": self.source,
            "kind": self.kind,
        }
        if self.log_group:
            d["log_group"] = self.log_group
            d["log_stream"] = self.log_stream
        return d


@dataclass
class WindowOutput:
    """A source's result for one window.

    ``files``: entries for everything it wrote (use ``write_file`` / cloudwatch.write_log_events).
    ``records``: number of log records produced (all destinations of one record count once).
    ``labels``: label lines (bytes, each ending in b"\\n") from simulator.engine.labels; the engine writes
    them to labels/<source>/<window>.jsonl.gz in the worker, so they never cross process boundaries.
    ``counts``: optional extra per-source counters (e.g. {"data_events": 12}) summed into the manifest.
    """

    files: list[FileEntry] = field(default_factory=list)
    records: int = 0
    labels: list[bytes] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def write_file(
    out_dir: Path,
    rel_path: str,
    data: bytes,
    *,
    records: int,
    source: str,
    kind: str,
    log_group: str = "",
    log_stream: str = "",
) -> FileEntry:
    """Write data (already compressed if it should be) and return its manifest entry.

    During an engine run the bytes are handed to a background thread (file creation is slow on some file
    systems and releases the GIL) and the engine calls ``flush_writes()`` after every source's window;
    outside a run (``async_writes(False)``, the default) the file is written before this returns.
    """
    target = f"{out_dir}/{rel_path}"  # plain strings: pathlib costs more than the write for small files
    parent = target.rpartition("/")[0]
    if parent not in _MADE_DIRS:
        os.makedirs(parent, exist_ok=True)
        _MADE_DIRS.add(parent)
    if _EXECUTOR[2]:
        _BATCH.append((target, data))
        if len(_BATCH) >= WRITE_BATCH:
            _hand_over()
            if len(_PENDING) > 8:
                flush_writes()
    else:
        _write(target, data)
    return FileEntry(
        rel_path, hashlib.sha256(data).hexdigest(), len(data), records, source, kind, log_group, log_stream
    )


def _write(target: str, data: bytes) -> None:
    with open(target, "wb") as fh:
        fh.write(data)


def _write_all(batch: list[tuple[str, bytes]]) -> None:
    for target, data in batch:
        _write(target, data)


WRITE_BATCH = 16  # files per hand-over to a writer thread (one task per file costs more than a small write)
_BATCH: list[tuple[str, bytes]] = []
_PENDING: list[Future] = []
_EXECUTOR: list = [None, 0, False]  # executor, pid that created it (threads do not survive fork()), enabled


def async_writes(enabled: bool) -> None:
    """Switch background writing on (engine runs) or off (flushing what is pending)."""
    if not enabled:
        flush_writes()
    _EXECUTOR[2] = enabled


def _writer() -> ThreadPoolExecutor:
    if _EXECUTOR[0] is None or _EXECUTOR[1] != os.getpid():
        _EXECUTOR[0], _EXECUTOR[1] = ThreadPoolExecutor(2, thread_name_prefix="tw-write"), os.getpid()
        _PENDING.clear()  # futures of the parent's threads, which a forked child does not have
    return _EXECUTOR[0]


def _hand_over() -> None:
    batch = list(_BATCH)
    _BATCH.clear()
    if batch:
        _PENDING.append(_writer().submit(_write_all, batch))


def flush_writes() -> None:
    """Wait until every file handed to write_file is on disk (re-raises a failed write)."""
    _hand_over()
    pending = list(_PENDING)
    _PENDING.clear()
    for f in pending:
        f.result()


def write_s3_object(
    out_dir: Path, bucket: str, key: str, data: bytes, *, records: int, source: str
) -> FileEntry:
    """Write an S3 object the way `aws s3 sync s3://<bucket> s3/<bucket>` would lay it out."""
    return write_file(out_dir, f"s3/{bucket}/{key}", data, records=records, source=source, kind="s3")
