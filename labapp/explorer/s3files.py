"""The dataset's delivered S3 log objects, browsed like the S3 console: buckets, prefixes ("folders"), objects.

Only objects the manifest lists with kind ``s3`` are reachable (never labels), and keys are looked up in that
list, so a request cannot walk the file system.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import orjson

MAX_LINES = 500
MAX_RECORDS = 100


@dataclass(frozen=True)
class S3Object:
    bucket: str
    key: str
    size: int
    records: int
    source: str


@dataclass(frozen=True)
class Listing:
    bucket: str
    prefix: str
    folders: list[tuple[str, int]]  # (sub-prefix ending with "/", objects under it)
    objects: list[S3Object]


def s3_objects(dataset: Path) -> dict[tuple[str, str], S3Object]:
    """Every delivered S3 object of the dataset, keyed by (bucket, key); read once per manifest version
    (a 7-day manifest is ~5 MB of JSON: parsing it on every request cost ~40 ms). Callers must not mutate
    the returned dict."""
    manifest_path = dataset / "manifest.json"
    st = manifest_path.stat()
    return _s3_objects_cached(str(manifest_path.resolve()), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=16)
def _s3_objects_cached(manifest_path: str, _mtime_ns: int, _size: int) -> dict[tuple[str, str], S3Object]:
    manifest = orjson.loads(Path(manifest_path).read_bytes())
    out = {}
    for f in manifest.get("files", []):
        if f.get("kind") != "s3" or not f["path"].startswith("s3/"):
            continue
        bucket, _, key = f["path"][3:].partition("/")
        out[(bucket, key)] = S3Object(
            bucket, key, int(f.get("bytes", 0)), int(f.get("records", 0)), f.get("source", "")
        )
    return out


def buckets(objects: dict[tuple[str, str], S3Object]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for bucket, _ in objects:
        counts[bucket] = counts.get(bucket, 0) + 1
    return sorted(counts.items())


def list_prefix(objects: dict[tuple[str, str], S3Object], bucket: str, prefix: str) -> Listing:
    """Sub-prefixes and objects directly under ``prefix`` (delimiter "/")."""
    folders: dict[str, int] = {}
    direct = []
    for (b, key), obj in objects.items():
        if b != bucket or not key.startswith(prefix):
            continue
        rest = key[len(prefix) :]
        if "/" in rest:
            sub = prefix + rest.split("/", 1)[0] + "/"
            folders[sub] = folders.get(sub, 0) + 1
        else:
            direct.append(obj)
    return Listing(bucket, prefix, sorted(folders.items()), sorted(direct, key=lambda o: o.key))


@dataclass(frozen=True)
class ObjectContent:
    obj: S3Object
    kind: str  # "cloudtrail" (records) | "lines"
    items: list[str]  # pretty JSON records or text lines
    summaries: list[str]  # per CloudTrail record: "eventTime eventName (eventSource)"
    total: int
    shown: int


def read_object(dataset: Path, obj: S3Object) -> ObjectContent:
    """The object's content, decompressed: CloudTrail records pretty-printed, other logs as lines."""
    raw = (dataset / "s3" / obj.bucket / obj.key).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if raw.lstrip()[:1] == b"{":
        try:
            doc = orjson.loads(raw)
        except orjson.JSONDecodeError:
            doc = None
        if isinstance(doc, dict) and isinstance(doc.get("Records"), list):
            records = doc["Records"]
            shown = records[:MAX_RECORDS]
            items = [orjson.dumps(r, option=orjson.OPT_INDENT_2).decode() for r in shown]
            summaries = [
                f"{r.get('eventTime', '')} {r.get('eventName', '')} ({r.get('eventSource', '')})"
                if isinstance(r, dict)
                else ""
                for r in shown
            ]
            return ObjectContent(obj, "cloudtrail", items, summaries, len(records), len(shown))
    lines = raw.decode("utf-8", errors="replace").splitlines()
    return ObjectContent(obj, "lines", lines[:MAX_LINES], [], len(lines), min(len(lines), MAX_LINES))
