"""Read a dataset written by `trailwatch generate` (docs/datasets.md) for delivery.

`load_dataset(DIR)` checks `manifest.json` and returns the S3 objects (bucket, key, file) and the
CloudWatch Logs streams (group, stream, window files in order) it lists. Events of a stream are read
lazily with `read_stream_events`, which checks each file's sha256 against the manifest and every line's
shape, naming the file and line on any problem.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import orjson


class DatasetError(Exception):
    """The dataset directory is missing, incomplete or not what the manifest says."""


@dataclass(frozen=True)
class S3Object:
    bucket: str
    key: str
    path: Path
    size: int
    sha256: str


@dataclass(frozen=True)
class LogStream:
    group: str
    stream: str
    files: tuple[tuple[Path, str], ...]  # (path, sha256), in window order
    records: int


@dataclass(frozen=True)
class LogEvents:
    """A stream's events in upload order: parallel lists of timestamps (ms) and messages."""

    timestamps: list[int]
    messages: list[str]


@dataclass(frozen=True)
class Dataset:
    root: Path
    dataset_id: str  # first 16 hex of the manifest's sha256: tags and summaries name the dataset by it
    objects: tuple[S3Object, ...]
    streams: tuple[LogStream, ...]
    manifest: dict = field(repr=False)

    @property
    def buckets(self) -> list[str]:
        return sorted({o.bucket for o in self.objects})

    @property
    def log_groups(self) -> list[str]:
        return sorted({s.group for s in self.streams})

    @property
    def event_count(self) -> int:
        return sum(s.records for s in self.streams)


def _entry_path(root: Path, entry: dict, index: int) -> Path:
    rel = entry.get("path")
    if not isinstance(rel, str) or not rel or rel.startswith("/") or ".." in Path(rel).parts:
        raise DatasetError(f"{root / 'manifest.json'}: files[{index}].path is not a relative path: {rel!r}")
    return root / rel


def load_dataset(root: Path) -> Dataset:
    """Parse and check `root/manifest.json`; files are checked for existence and size here."""
    manifest_path = root / "manifest.json"
    if not manifest_path.is_file():
        raise DatasetError(f"{root}: no manifest.json (not a dataset written by `trailwatch generate`)")
    raw = manifest_path.read_bytes()
    try:
        manifest = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise DatasetError(f"{manifest_path}: not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        raise DatasetError(f"{manifest_path}: no 'files' list")
    objects: list[S3Object] = []
    by_stream: dict[tuple[str, str], list[tuple[Path, str, int]]] = {}
    for i, entry in enumerate(manifest["files"]):
        if not isinstance(entry, dict):
            raise DatasetError(f"{manifest_path}: files[{i}] is not an object")
        kind = entry.get("kind")
        if kind not in ("s3", "cloudwatch"):
            continue
        path = _entry_path(root, entry, i)
        size, sha = entry.get("bytes"), entry.get("sha256")
        if not isinstance(size, int) or not isinstance(sha, str):
            raise DatasetError(f"{manifest_path}: files[{i}] ({entry['path']}) lacks bytes/sha256")
        if not path.is_file():
            raise DatasetError(f"{path}: listed in the manifest but missing")
        if path.stat().st_size != size:
            raise DatasetError(f"{path}: {path.stat().st_size} bytes, the manifest says {size}")
        parts = entry["path"].split("/")
        if kind == "s3":
            if len(parts) < 3 or parts[0] != "s3":
                raise DatasetError(
                    f"{manifest_path}: files[{i}].path {entry['path']!r} is not s3/<bucket>/<key>"
                )
            objects.append(S3Object(parts[1], "/".join(parts[2:]), path, size, sha))
        else:
            group, stream = entry.get("log_group"), entry.get("log_stream")
            if not isinstance(group, str) or not isinstance(stream, str):
                raise DatasetError(
                    f"{manifest_path}: files[{i}] ({entry['path']}) lacks log_group/log_stream"
                )
            if len(parts) != 4 or unquote(parts[1]) != group or unquote(parts[2]) != stream:
                raise DatasetError(
                    f"{manifest_path}: files[{i}].path {entry['path']!r} does not match "
                    f"log group {group!r} / stream {stream!r}"
                )
            by_stream.setdefault((group, stream), []).append((path, sha, int(entry.get("records", 0))))
    streams = tuple(
        LogStream(g, s, tuple((p, h) for p, h, _ in sorted(files)), sum(n for _, _, n in files))
        for (g, s), files in sorted(by_stream.items())
    )
    objects.sort(key=lambda o: (o.bucket, o.key))
    return Dataset(root, hashlib.sha256(raw).hexdigest()[:16], tuple(objects), streams, manifest)


def read_object(obj: S3Object) -> bytes:
    """The object's bytes, checked against the manifest's sha256."""
    data = obj.path.read_bytes()
    if hashlib.sha256(data).hexdigest() != obj.sha256:
        raise DatasetError(f"{obj.path}: sha256 differs from the manifest (file changed after generation?)")
    return data


def read_stream_events(stream: LogStream) -> LogEvents:
    """All events of a stream, in file order then line order, checked line by line."""
    timestamps: list[int] = []
    messages: list[str] = []
    for path, sha in stream.files:
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha:
            raise DatasetError(f"{path}: sha256 differs from the manifest (file changed after generation?)")
        try:
            text = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise DatasetError(f"{path}: not a gzip file ({exc})") from None
        for lineno, line in enumerate(text.splitlines(), 1):
            try:
                event = orjson.loads(line)
                ts, message = event["timestamp"], event["message"]
            except (orjson.JSONDecodeError, KeyError, TypeError):
                raise DatasetError(f'{path}:{lineno}: not a {{"timestamp", "message"}} JSON line') from None
            if not isinstance(ts, int) or isinstance(ts, bool) or not isinstance(message, str):
                raise DatasetError(f"{path}:{lineno}: timestamp must be an integer and message a string")
            timestamps.append(ts)
            messages.append(message)
    return LogEvents(timestamps, messages)
