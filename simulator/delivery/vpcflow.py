"""Where AWS writes VPC flow logs: S3 object keys and files, and the CloudWatch Logs stream form.

S3 (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3.html):
``<bucket>[/<prefix>]/AWSLogs/<account>/vpcflowlogs/<region>/<YYYY>/<MM>/<DD>/
<account>_vpcflowlogs_<region>_<fl-id>_<YYYYMMDDTHHmmZ>_<hash>.log.gz`` — one object per flow log
every 5 minutes holding the records whose **end** time falls in that 5-minute slot (named after
the slot start), gzip text that begins with the header line; an object is closed at 75 MB and a
new one started. The hash is 8 lower-case hex characters in every AWS example.

CloudWatch Logs (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-cwl.html): one stream per
interface, one log event per record (no header), event timestamp = the record's start.

Records a scenario injects (``InjectedFlow``: an already formatted line with its interface, capture start and
end) are merged into the same S3 object (slot of their end time) or stream file as the baseline's, in the
baseline's order: S3 files by (start, interface), streams by timestamp; a baseline record comes before an
injected one with the same key. ``FlowObject.injected`` / ``merge_stream`` give the injected lines' numbers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import isal.igzip
import numpy as np

from simulator.delivery import cloudwatch
from simulator.formats import vpcflow as vf
from simulator.formats import vpcflow_bytes as vb

FILE_SLOT_SECONDS = 300
MAX_OBJECT_BYTES = 75 * 1000 * 1000  # AWS: "maximum file size of 75 MB" (uncompressed text here)
GZIP_LEVEL = 1  # isal level 1: fast; the output stays a standard gzip member


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip (mtime 0) with isal."""
    return isal.igzip.compress(data, GZIP_LEVEL, mtime=0)


def object_hash(salt: str, flow_log_id: str, slot_start: int, part: int) -> str:
    """The 8-hex suffix of a flow-log object name, derived from the run's salt so reruns are identical."""
    h = hashlib.blake2b(f"{salt}|{flow_log_id}|{slot_start}|{part}".encode(), digest_size=4)
    return h.hexdigest()


def s3_key(
    account_id: str, region: str, flow_log_id: str, slot_start: int, file_hash: str, prefix: str = ""
) -> str:
    """Object key (without the bucket) of the flow-log file for the 5-minute slot starting at ``slot_start``."""
    if slot_start % FILE_SLOT_SECONDS:
        raise ValueError(f"slot_start {slot_start} is not on a 5-minute boundary")
    t = dt.datetime.fromtimestamp(slot_start, dt.UTC)
    name = f"{account_id}_vpcflowlogs_{region}_{flow_log_id}_{t:%Y%m%dT%H%MZ}_{file_hash}.log.gz"
    head = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
    return f"{head}AWSLogs/{account_id}/vpcflowlogs/{region}/{t:%Y/%m/%d}/{name}"


@dataclass(frozen=True)
class FlowObject:
    """One rendered S3 object: its key, gzip body and how many records (lines after the header) it holds."""

    key: str
    body: bytes
    records: int
    injected: tuple[tuple[int, Any], ...] = ()  # (1-based line number counting the header, tag)


@dataclass(frozen=True)
class InjectedFlow:
    """A scenario's flow record: its line (no newline), interface index, capture start/end (s) and a tag."""

    line: bytes
    eni: int
    start: int
    end: int
    tag: Any


def s3_objects(
    batch: vf.FlowBatch,
    enis: vf.EniTable,
    fields: tuple[str, ...],
    *,
    account_id: str,
    region: str,
    flow_log_id: str,
    prefix: str,
    salt: str,
    injected: Sequence[InjectedFlow] = (),
) -> Iterator[FlowObject]:
    """Split ``batch`` into 5-minute objects (by end time) and render each with its header line;
    ``injected`` records join the object of their slot."""
    extra: dict[int, list[InjectedFlow]] = {}
    for j in injected:
        extra.setdefault(j.end - j.end % FILE_SLOT_SECONDS, []).append(j)
    if len(batch) == 0 and not extra:
        return
    slot = batch.end - batch.end % FILE_SLOT_SECONDS
    # AWS batches records per capture window and interface; within a file: by start, then interface.
    order = np.lexsort((batch.eni, batch.start, slot))
    slot_sorted = slot[order]
    bounds = np.flatnonzero(np.diff(slot_sorted)) + 1
    groups = {int(slot[idx[0]]): idx for idx in np.split(order, bounds) if len(idx)}
    header = vf.header_line(fields)
    for slot_start in sorted(set(groups) | set(extra)):
        idx = groups.get(slot_start, np.zeros(0, dtype=np.int64))
        text = vf.render_lines(batch.take(idx), enis, fields) if len(idx) else b""
        marks: list[tuple[int, Any]] = []
        if slot_start in extra:
            text, marks = _merge_lines(text, batch.start[idx], batch.eni[idx], extra[slot_start])
        line0 = 0
        for part, (body, count) in enumerate(_split_parts(text, len(idx) + len(extra.get(slot_start, ())))):
            key = s3_key(account_id, region, flow_log_id, slot_start,
                         object_hash(salt, flow_log_id, slot_start, part), prefix)
            mine = tuple((no - line0 + 1, tag) for no, tag in marks if line0 < no <= line0 + count)
            yield FlowObject(key=key, body=gzip_bytes(header + body), records=count, injected=mine)
            line0 += count


def _merge_lines(text: bytes, start: np.ndarray, eni: np.ndarray, items: list[InjectedFlow]):
    """Baseline lines (already by start, interface) plus injected ones in the same order; returns the text and
    the injected lines' 1-based record numbers with their tags."""
    lines = text.split(b"\n")[:-1] if text else []
    rows = [(int(s), int(e), 0, n, ln, None) for n, (s, e, ln) in enumerate(zip(start.tolist(), eni.tolist(), lines,
                                                                                   strict=True))]
    rows += [(j.start, j.eni, 1, k, j.line, j.tag) for k, j in enumerate(items)]
    rows.sort(key=lambda r: r[:4])
    marks = [(no, r[5]) for no, r in enumerate(rows, start=1) if r[2] == 1]
    return b"".join(r[4] + b"\n" for r in rows), marks


def merge_stream(jsonl: bytes, items: Sequence[tuple[int, bytes, Any]]) -> tuple[bytes, list[tuple[int, Any]]]:
    """Merge injected events (timestamp ms, message, tag) into a stream file's JSON Lines (timestamp order,
    a baseline event first on equal timestamps); returns the text and the injected lines' numbers and tags."""
    rows = []
    for n, line in enumerate(jsonl.split(b"\n")[:-1] if jsonl else []):
        ts = int(line[len(b'{"timestamp":') : line.index(b",")])
        rows.append((ts, 0, n, line, None))
    for k, (ts, message, tag) in enumerate(items):
        line = b'{"timestamp":%d,"message":"%s"}' % (ts, cloudwatch.json_string_body(message))
        rows.append((ts, 1, k, line, tag))
    rows.sort(key=lambda r: r[:3])
    return b"".join(r[3] + b"\n" for r in rows), [(no, r[4]) for no, r in enumerate(rows, start=1) if r[1] == 1]


def _split_parts(text: bytes, n_lines: int) -> Iterator[tuple[bytes, int]]:
    """Cut rendered lines into pieces no larger than MAX_OBJECT_BYTES, on line boundaries."""
    if len(text) <= MAX_OBJECT_BYTES:
        yield text, n_lines
        return
    start = 0
    while start < len(text):
        cut = text.rfind(b"\n", start, start + MAX_OBJECT_BYTES) + 1
        if cut <= start:
            raise ValueError("a single flow-log line exceeds the object size limit")
        piece = text[start:cut]
        yield piece, piece.count(b"\n")
        start = cut


def cloudwatch_events(
    batch: vf.FlowBatch, enis: vf.EniTable, fields: tuple[str, ...], traffic_type: str = "ALL"
) -> Iterator[tuple[str, np.ndarray, list[bytes]]]:
    """Per interface stream: (stream name, event timestamps in ms, record lines without newline)."""
    for stream, ts, blob, _ in _streams(batch, enis, fields, traffic_type, jsonl=False):
        yield stream, ts, blob.split(b"\n")[:-1]


def cloudwatch_jsonl(
    batch: vf.FlowBatch, enis: vf.EniTable, fields: tuple[str, ...], traffic_type: str = "ALL"
) -> Iterator[tuple[str, bytes, int]]:
    """Per interface stream: (stream name, the events as CloudWatch Logs JSON Lines, event count).

    Byte-identical to simulator.delivery.cloudwatch.encode_events for the same events (flow lines
    never need JSON escaping: no quotes, backslashes or control characters), built in one vectorised
    pass instead of one encode per event.
    """
    for stream, _, blob, count in _streams(batch, enis, fields, traffic_type, jsonl=True):
        yield stream, blob, count


def _streams(batch, enis, fields, traffic_type, *, jsonl: bool):
    if len(batch) == 0:
        return
    order = np.lexsort((batch.start, batch.eni))
    b = batch.take(order)
    mats = vf.field_matrices(b, enis, fields)
    ts = b.start.astype(np.int64) * 1000
    if jsonl:
        pieces = [vb.const(b'{"timestamp":'), vb.int_matrix(ts), vb.const(b',"message":"'),
                  *vb.interleave(mats, ord(" "), b'"}\n')]
    else:
        pieces = vb.interleave(mats, ord(" "), b"\n")
    blob, _ = vb.join_rows(pieces)
    ends = np.flatnonzero(np.frombuffer(blob, dtype=np.uint8) == 10) + 1  # one newline per event
    bounds = np.flatnonzero(np.diff(b.eni)) + 1
    starts = np.r_[0, bounds]
    stops = np.r_[bounds, len(b)]
    for lo, hi in zip(starts.tolist(), stops.tolist(), strict=True):
        a = int(ends[lo - 1]) if lo else 0
        stream = vf.cloudwatch_stream_name(enis.interface_id[int(b.eni[lo])], traffic_type)
        yield stream, ts[lo:hi], blob[a : int(ends[hi - 1])], hi - lo
