"""The CloudWatch Logs form of any log source (shared by CloudTrail and VPC Flow Logs).

On disk: ``cloudwatch/<log group>/<log stream>/<part>.jsonl.gz`` where group and stream names are
percent-encoded with ``urllib.parse.quote(name, safe="")`` (so "/aws/vpc/flowlogs/x" becomes one
directory "%2Faws%2Fvpc%2Fflowlogs%2Fx"), and ``part`` is the window stamp (YYYYMMDDTHHMMZ) plus an
optional suffix. Each line is one log event exactly as GetLogEvents/FilterLogEvents return it:

    {"timestamp": <epoch ms>, "message": "<the record text>"}

Events in a file are in timestamp order (stable for equal timestamps), as a stream stores them.
Stream names follow AWS: CloudTrail ``<account>_CloudTrail_<region>``; VPC flow logs ``<eni-id>-all``
(one stream per network interface). The manifest lists log groups with their streams.

    write_log_events(out_dir, group, stream, part, timestamps_ms, messages, source="flow", trusted=False)
        -> FileEntry   (trusted=True: messages are bytes without raw control characters, e.g. orjson output)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

import numpy as np
import orjson

from simulator.engine.output import FileEntry, gzip_bytes, write_file


def log_file_path(group: str, stream: str, part: str) -> str:
    return f"cloudwatch/{quote(group, safe='')}/{quote(stream, safe='')}/{part}.jsonl.gz"


_CONTROL = re.compile(rb"[\x00-\x1f]")


def json_string_body(message: str | bytes, trusted: bool = False) -> bytes:
    """The JSON string encoding of message, without the quotes.

    ``trusted``: message is bytes known to hold no raw control characters (e.g. orjson output), so only
    backslash and quote need escaping.
    """
    if isinstance(message, bytes):
        if trusted or _CONTROL.search(message) is None:
            return message.replace(b"\\", b"\\\\").replace(b'"', b'\\"')
        message = message.decode()
    return orjson.dumps(message)[1:-1]


def encode_events(
    timestamps_ms: Sequence[int] | np.ndarray, messages: Sequence[str | bytes], trusted: bool = False
) -> bytes:
    """JSON Lines of log events, sorted by timestamp (stable)."""
    ts = np.asarray(timestamps_ms, dtype=np.int64)
    order = np.argsort(ts, kind="stable")
    ts_list = ts[order].tolist()
    return b"".join(
        b'{"timestamp":%d,"message":"%s"}\n' % (t, json_string_body(messages[i], trusted))
        for i, t in zip(order.tolist(), ts_list, strict=True)
    )


def write_log_events(
    out_dir: Path,
    group: str,
    stream: str,
    part: str,
    timestamps_ms: Sequence[int] | np.ndarray,
    messages: Sequence[str | bytes],
    *,
    source: str,
    trusted: bool = False,
) -> FileEntry:
    """Write one stream's events for one window; returns the manifest entry (kind "cloudwatch")."""
    if len(timestamps_ms) != len(messages):
        raise ValueError(f"{group}/{stream}: {len(timestamps_ms)} timestamps for {len(messages)} messages")
    data = gzip_bytes(encode_events(timestamps_ms, messages, trusted))
    return write_file(
        out_dir,
        log_file_path(group, stream, part),
        data,
        records=len(messages),
        source=source,
        kind="cloudwatch",
        log_group=group,
        log_stream=stream,
    )
