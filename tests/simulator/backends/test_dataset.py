"""Reading datasets for delivery: manifest checks and clear errors naming file and line."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import orjson
import pytest

from simulator.backends.dataset import DatasetError, load_dataset, read_object, read_stream_events
from tests.simulator.backends.helpers import recent_start_ms, write_dataset


def test_loads_objects_and_streams_in_window_order(dataset_dir: Path):
    ds = load_dataset(dataset_dir)
    assert ds.buckets == [
        "anybank-alb-logs-111122223333",
        "anybank-cloudtrail-logs-111122223333",
        "anybank-s3-access-logs-111122223333",
    ]
    assert len(ds.objects) == 14
    flow = next(s for s in ds.streams if s.stream == "eni-0a1-all")
    assert flow.group == "/aws/vpc/flowlogs/anybank-prod" and len(flow.files) == 3
    events = read_stream_events(flow)
    assert len(events.timestamps) == flow.records == 2500
    assert events.timestamps == sorted(events.timestamps)
    assert ds.event_count == 2500 + 2500 + 1250
    assert (
        len(ds.dataset_id) == 16
        and ds.dataset_id == hashlib.sha256((dataset_dir / "manifest.json").read_bytes()).hexdigest()[:16]
    )


def test_missing_manifest(tmp_path: Path):
    with pytest.raises(DatasetError, match="no manifest.json"):
        load_dataset(tmp_path)


def test_missing_and_resized_files_are_named(dataset_dir: Path):
    victim = next((dataset_dir / "s3").rglob("f3.json.gz"))
    victim.write_bytes(victim.read_bytes() + b"x")
    with pytest.raises(DatasetError, match=r"f3\.json\.gz: \d+ bytes, the manifest says"):
        load_dataset(dataset_dir)
    victim.unlink()
    with pytest.raises(DatasetError, match=r"f3\.json\.gz: listed in the manifest but missing"):
        load_dataset(dataset_dir)


def test_changed_content_fails_the_checksum(dataset_dir: Path):
    ds = load_dataset(dataset_dir)
    obj = ds.objects[0]
    data = bytearray(obj.path.read_bytes())
    data[-1] ^= 0xFF
    obj.path.write_bytes(bytes(data))
    with pytest.raises(DatasetError, match="sha256 differs"):
        read_object(obj)


def test_bad_event_line_names_file_and_line(tmp_path: Path):
    start = recent_start_ms()
    root = write_dataset(tmp_path / "d", {("g", "s"): [(start, "a"), (start + 1, "b")]}, {}, start)
    path = next((root / "cloudwatch").rglob("*.jsonl.gz"))
    body = gzip.compress(b'{"timestamp": 1, "message": "a"}\n{"timestamp": "x", "message": "b"}\n', mtime=0)
    path.write_bytes(body)
    manifest = orjson.loads((root / "manifest.json").read_bytes())
    manifest["files"][0].update(sha256=hashlib.sha256(body).hexdigest(), bytes=len(body))
    (root / "manifest.json").write_bytes(orjson.dumps(manifest))
    ds = load_dataset(root)
    with pytest.raises(DatasetError, match=rf"{path.name}:2: timestamp must be an integer"):
        read_stream_events(ds.streams[0])


def test_cloudwatch_path_must_match_group_and_stream(tmp_path: Path):
    start = recent_start_ms()
    root = write_dataset(tmp_path / "d", {("g", "s"): [(start, "a")]}, {}, start)
    manifest = orjson.loads((root / "manifest.json").read_bytes())
    manifest["files"][0]["log_stream"] = "other"
    (root / "manifest.json").write_bytes(orjson.dumps(manifest))
    with pytest.raises(DatasetError, match="does not match log group 'g' / stream 'other'"):
        load_dataset(root)
