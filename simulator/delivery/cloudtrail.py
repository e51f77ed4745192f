"""CloudTrail delivery: gzip ``{"Records":[...]}`` files about every 5 minutes per account and region, under
``AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/`` of the trail's bucket, and the CloudWatch Logs form
(the trail's log group, stream ``<account>_CloudTrail_<region>``, one log event per record).

Delivery timing follows the real sample (cloudtrail-format.md §8): file stamps on 5-minute marks, newest event
0-5 minutes before the stamp, a few events one file late (oldest up to ~10 minutes), several files may share a
stamp; a file holds at most ``MAX_PER_FILE`` records (real maximum 394); within a file records are in time
order in about 40 % of files and locally out of order in the rest (22 of the 55 real files were sorted).

Logging gaps a scenario caused (``RunConfig.log_gaps``, simulator.actions.logstate.gaps): ``drop_in_gaps``
removes the baseline records a stopped/deleted trail or a selector without management events does not
deliver; ``cloudwatch_mask`` says which records still reach CloudWatch Logs after UpdateTrail detached the
trail's log group (the S3 files go on).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from simulator.delivery.cloudwatch import json_string_body, log_file_path
from simulator.engine.output import FileEntry, gzip_bytes, write_file, write_s3_object
from simulator.formats.cloudtrail import cloudwatch_stream, envelope, log_file_key
from simulator.world import World
from simulator.world.ids import ALNUM

DELIVERY_PERIOD = 300
MAX_PER_FILE = 350
P_LATE = 0.06
P_SHUFFLED = 0.6
SHUFFLE_SECONDS = 20.0


def delivery_stamps(rng: np.random.Generator, times: np.ndarray) -> np.ndarray:
    """Delivery time (5-minute mark, strictly after the event) of each event."""
    delay = rng.integers(3, 60, size=len(times))
    stamps = ((times + delay) // DELIVERY_PERIOD + 1) * DELIVERY_PERIOD
    return stamps + DELIVERY_PERIOD * (rng.random(len(times)) < P_LATE)


_ALNUM_BYTES = np.frombuffer("".join(ALNUM).encode(), dtype=np.uint8)


def unique_string(rng: np.random.Generator) -> str:
    """The 16 alphanumerics that end a CloudTrail file name."""
    return _ALNUM_BYTES[rng.integers(0, len(_ALNUM_BYTES), 16)].tobytes().decode()


def deliver(
    world: World,
    out_dir: Path,
    rng: np.random.Generator,
    part: str,
    times: list[int],
    accounts: list[str],
    regions: list[str],
    records: list[bytes],
    escaped: list[bytes | None] | None = None,
    cloudwatch_keep: np.ndarray | None = None,
) -> list[FileEntry]:
    """Write one window's records as trail files and CloudWatch Logs streams; returns their entries.

    ``escaped``: optional per-record CloudWatch message bodies already escaped (None = escape here).
    ``cloudwatch_keep``: optional mask of the records that also go to CloudWatch Logs (None = all).
    """
    if not records:
        return []
    t = np.asarray(times, dtype=np.int64)
    acct_names = sorted(set(accounts))
    region_names = sorted(set(regions))
    acct_pos = {x: i for i, x in enumerate(acct_names)}
    region_pos = {x: i for i, x in enumerate(region_names)}
    a = np.fromiter(map(acct_pos.__getitem__, accounts), dtype=np.int64, count=len(accounts))
    r = np.fromiter(map(region_pos.__getitem__, regions), dtype=np.int64, count=len(regions))
    stamps = delivery_stamps(rng, t)
    order = np.lexsort((np.arange(len(t)), t, stamps, r, a))
    entries: list[FileEntry] = []
    keys = np.stack([a[order], r[order], stamps[order]], axis=1)
    cuts = np.flatnonzero(np.any(keys[1:] != keys[:-1], axis=1)) + 1
    for group in np.split(order, cuts):
        acct, region, stamp = acct_names[a[group[0]]], region_names[r[group[0]]], int(stamps[group[0]])
        trail = world.trail_for(acct)
        n_files = -(-len(group) // MAX_PER_FILE)
        for chunk in np.array_split(group, n_files) if n_files > 1 else (group,):
            # files are not an ordered stack trace: 22 of 55 real files were sorted, the rest locally shuffled
            if rng.random() < P_SHUFFLED and len(chunk) > 1:
                chunk = chunk[
                    np.argsort(t[chunk] + rng.uniform(0, SHUFFLE_SECONDS, len(chunk)), kind="stable")
                ]
            body = envelope([records[i] for i in chunk.tolist()])
            key = log_file_key(acct, region, stamp, unique_string(rng), trail.s3_prefix)
            entries.append(
                write_s3_object(
                    out_dir, trail.s3_bucket, key, gzip_bytes(body), records=len(chunk), source="cloudtrail"
                )
            )
    by_stream = np.lexsort((np.arange(len(t)), t, r, a))
    if cloudwatch_keep is not None:
        by_stream = by_stream[cloudwatch_keep[by_stream]]
        if len(by_stream) == 0:
            return entries
    keys2 = np.stack([a[by_stream], r[by_stream]], axis=1)
    cuts2 = np.flatnonzero(np.any(keys2[1:] != keys2[:-1], axis=1)) + 1
    # each record's event: the per-second head, its message body (escaped here when the caller did not), tail
    heads: dict[int, bytes] = {}
    for sec in set(times):
        heads[sec] = b'{"timestamp":%d,"message":"' % (sec * 1000)
    head_of = [heads[sec] for sec in times]
    body_of = (
        [e if e is not None else json_string_body(rec, True) for e, rec in zip(escaped, records, strict=True)]
        if escaped
        else [json_string_body(rec, True) for rec in records]
    )
    for group in np.split(by_stream, cuts2):
        acct, region = acct_names[a[group[0]]], region_names[r[group[0]]]
        trail = world.trail_for(acct)
        stream = cloudwatch_stream(acct, region)
        # the group is in (time, record) order already: the order a stream stores its events in
        parts = [x for i in group.tolist() for x in (head_of[i], body_of[i], b'"}\n')]
        lines_n = len(group)
        entries.append(
            write_file(
                out_dir,
                log_file_path(trail.log_group, stream, part),
                gzip_bytes(b"".join(parts)),
                records=lines_n,
                source="cloudtrail",
                kind="cloudwatch",
                log_group=trail.log_group,
                log_stream=stream,
            )
        )
    return entries


def drop_in_gaps(sink, log_gaps: dict, n_mgmt: int) -> tuple[int, int]:
    """Remove from ``sink.rows`` (the window's baseline records: management events first, then ``n_mgmt``..
    data events) those the account's trail does not deliver in a logging gap; returns the new
    (management, data) counts."""
    from simulator.actions.logstate import delivered_by_trail

    rows = sink.rows
    trails = log_gaps.get("trails") or {}
    if not rows or not any(trails.values()):
        return n_mgmt, len(rows) - n_mgmt
    t = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows)) * 1000
    accounts = np.array([row[1] for row in rows])
    management = np.arange(len(rows)) < n_mgmt
    keep = np.ones(len(rows), dtype=bool)
    for account_id, spans in trails.items():
        if not spans:
            continue
        mine = accounts == account_id
        keep[mine] = delivered_by_trail(log_gaps, account_id, t[mine], management[mine])
    if keep.all():
        return n_mgmt, len(rows) - n_mgmt
    sink.rows = [row for row, k in zip(rows, keep.tolist(), strict=True) if k]
    kept_mgmt = int(keep[:n_mgmt].sum())
    return kept_mgmt, len(sink.rows) - kept_mgmt


def cloudwatch_mask(log_gaps: dict, times: list[int], accounts: list[str]) -> np.ndarray:
    """Which records (times in seconds) still reach the trail's CloudWatch Logs group."""
    from simulator.actions.logstate import delivered_to_cloudwatch

    t = np.asarray(times, dtype=np.int64) * 1000
    acc = np.asarray(accounts)
    keep = np.ones(len(t), dtype=bool)
    for account_id in log_gaps.get("cloudwatch", {}):
        mine = acc == account_id
        keep[mine] = delivered_to_cloudwatch(log_gaps, account_id, t[mine])
    return keep
