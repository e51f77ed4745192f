"""Background file writes of an engine run: every file lands with its bytes, and a failed write is raised."""

from __future__ import annotations

import hashlib

import pytest

from simulator.engine import output


@pytest.fixture
def background_writes():
    output.forget_made_dirs()
    output.async_writes(True)
    yield
    output.async_writes(False)


def test_batched_writes_all_land(tmp_path, background_writes):
    entries = [
        output.write_file(tmp_path, f"a/{i % 3}/f{i}.bin", bytes([i]) * (i + 1), records=i, source="t", kind="s3")
        for i in range(3 * output.WRITE_BATCH + 5)
    ]
    output.flush_writes()
    for i, e in enumerate(entries):
        data = (tmp_path / e.path).read_bytes()
        assert data == bytes([i]) * (i + 1)
        assert e.sha256 == hashlib.sha256(data).hexdigest() and e.bytes == len(data) and e.records == i


def test_failed_write_is_raised_by_flush(tmp_path, background_writes):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "taken").mkdir()  # a directory where the file should go
    output.write_file(tmp_path, "x/taken", b"data", records=1, source="t", kind="s3")
    with pytest.raises(IsADirectoryError):
        output.flush_writes()
