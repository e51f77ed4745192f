"""The learner's CloudWatch Logs events in an embedded DuckDB database, built once per dataset and cached.

``EventStore.open(dataset_dir, cache_dir)`` loads every ``cloudwatch/<group>/<stream>/<window>.jsonl.gz`` file
of a dataset written by ``trailwatch generate`` (docs/datasets.md) into one table, ``events``, stored by log
group, then timestamp, stream and file order, so a query on some groups reads only their row groups;
its ``rowid`` (``seq`` in queries) numbers that order:

    gid SMALLINT (log group number), ts BIGINT (epoch ms), grp, stream, log ("<account>:<group>",
    Insights' @log), message, is_json BOOLEAN, j_<field> VARCHAR ... (common CloudTrail fields, extracted
    at load), f_<field> VARCHAR ...  (VPC flow log fields, split at load)

Flow-log fields are named as Logs Insights discovers them (``srcAddr``, ``dstPort``, ``action`` ...); the
record layout of each flow-log group comes from the dataset's world (its flow log's LogFormat). The cache
file is ``<cache_dir>/<first 16 hex of sha256(manifest + STORE_VERSION)>.duckdb``: a regenerated dataset
gets a new file; it is written to a temporary name and renamed, so readers never see half a database.
Labels are never loaded: students must not see the ground truth.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import orjson

STORE_VERSION = "4"
# Rows per row group (DuckDB's default is 122,880). DuckDB scans a table one row group per thread, so the
# CloudTrail groups of a 7-day dataset (317,198 events, ~470 MB of text, the costliest to search) were only
# 3-4 row groups: a search over them kept one of the two cores busy most of the time. Smaller row groups
# cost no CPU time (measured single-threaded) and let both cores share such a scan.
ROW_GROUP_SIZE = 32_768

# Logs Insights' names for VPC flow log fields (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/
# CWL_AnalyzeLogData-discoverable-fields.html; sample queries use srcAddr, dstAddr, dstPort, action, bytes).
FLOW_FIELD_NAMES: dict[str, str] = {
    "version": "version",
    "account-id": "accountId",
    "interface-id": "interfaceId",
    "srcaddr": "srcAddr",
    "dstaddr": "dstAddr",
    "srcport": "srcPort",
    "dstport": "dstPort",
    "protocol": "protocol",
    "packets": "packets",
    "bytes": "bytes",
    "start": "start",
    "end": "end",
    "action": "action",
    "log-status": "logStatus",
    "vpc-id": "vpcId",
    "subnet-id": "subnetId",
    "instance-id": "instanceId",
    "tcp-flags": "tcpFlags",
    "type": "type",
    "pkt-srcaddr": "pktSrcAddr",
    "pkt-dstaddr": "pktDstAddr",
    "region": "region",
    "az-id": "azId",
    "sublocation-type": "sublocationType",
    "sublocation-id": "sublocationId",
    "pkt-src-aws-service": "pktSrcAwsService",
    "pkt-dst-aws-service": "pktDstAwsService",
    "flow-direction": "flowDirection",
    "traffic-path": "trafficPath",
    "reject-reason": "rejectReason",
}
# CloudTrail fields investigators filter and group by most: extracted once at load time into j_<field>
# columns (same values as json_extract_string at query time, so results do not change, only speed).
JSON_FIELDS = (
    "eventName",
    "eventSource",
    "eventType",
    "eventCategory",
    "awsRegion",
    "sourceIPAddress",
    "userAgent",
    "errorCode",
    "errorMessage",
    "readOnly",
    "managementEvent",
    "recipientAccountId",
    "eventID",
    "userIdentity.type",
    "userIdentity.arn",
    "userIdentity.userName",
    "userIdentity.accountId",
    "userIdentity.principalId",
    "userIdentity.accessKeyId",
    "userIdentity.sessionContext.sessionIssuer.userName",
    "requestParameters.bucketName",
)
DEFAULT_FLOW_FORMAT = (
    "version",
    "account-id",
    "interface-id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "action",
    "log-status",
)


class DatasetError(RuntimeError):
    """The dataset folder cannot be read (no manifest, bad manifest)."""


@dataclass(frozen=True)
class LogGroupInfo:
    name: str
    source: str
    account: str
    events: int
    streams: tuple[tuple[str, int], ...]  # (stream, events)
    first_ts: int | None
    last_ts: int | None


def json_path(name: str) -> str:
    """``userIdentity.arn`` -> ``$."userIdentity"."arn"``; numeric parts index arrays (``resources.0.ARN``)."""
    out = "$"
    for part in name.split("."):
        out += f"[{part}]" if part.isdigit() else '."' + part.replace('"', '\\"') + '"'
    return out


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _group_layout(manifest: dict[str, Any]) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Account of every log group, and the flow-log field layout of the flow groups."""
    accounts: dict[str, str] = {}
    formats: dict[str, tuple[str, ...]] = {}
    world = manifest.get("world") or {}
    for trail in world.get("trails", []):
        if trail.get("log_group"):
            accounts[trail["log_group"]] = str(trail.get("account_id", ""))
    flow_groups = [g["name"] for g in manifest.get("log_groups", []) if g.get("source") == "flow"]
    if flow_groups:
        params = manifest.get("parameters") or {}
        try:
            from simulator.formats.vpcflow import parse_log_format
            from simulator.world.build import build_world

            w = build_world(int(params.get("seed", 1)), params.get("student"), int(params.get("scale", 200)))
            for fl in w.flow_logs:
                if fl.log_group:
                    formats[fl.log_group] = tuple(parse_log_format(fl.log_format))
                    accounts.setdefault(fl.log_group, fl.account_id)
        except Exception:  # a dataset from another generator version: fall back to the default layout
            pass
        for name in flow_groups:
            formats.setdefault(name, DEFAULT_FLOW_FORMAT)
    return accounts, formats


def _build(dataset: Path, target: Path, manifest: dict[str, Any]) -> None:
    accounts, formats = _group_layout(manifest)
    flow_fields: list[str] = []
    for layout in formats.values():
        for f in layout:
            if f in FLOW_FIELD_NAMES and f not in flow_fields:
                flow_fields.append(f)
    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    tmp.unlink(missing_ok=True)
    spill = target.with_name(target.name + f".spill{os.getpid()}")
    con = duckdb.connect()  # in memory, the store attached: ATTACH is where the row group size is set
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET temp_directory = {_sql_str(str(spill))}")  # as a file database would, next to it
    try:
        con.execute(f"ATTACH {_sql_str(str(tmp))} AS store (ROW_GROUP_SIZE {ROW_GROUP_SIZE})")
        con.execute("USE store")
        files = sorted((dataset / "cloudwatch").glob("*/*/*.jsonl.gz"))
        if files:
            file_list = "[" + ", ".join(_sql_str(str(p)) for p in files) + "]"
            con.execute(
                f"""CREATE TEMP TABLE raw AS
                SELECT timestamp AS ts, message, filename FROM read_json({file_list},
                    columns={{'timestamp': 'BIGINT', 'message': 'VARCHAR'}},
                    format='newline_delimited', compression='gzip', filename=true)"""
            )
        else:
            con.execute("CREATE TEMP TABLE raw (ts BIGINT, message VARCHAR, filename VARCHAR)")
        # group/stream from the percent-encoded folder names (docs/datasets.md)
        con.execute(
            """CREATE TEMP TABLE located AS SELECT rowid AS r, ts, message,
                url_decode(split_part(filename, '/', -3)) AS grp,
                url_decode(split_part(filename, '/', -2)) AS stream, filename
            FROM raw"""
        )
        account_case = " ".join(f"WHEN {_sql_str(g)} THEN {_sql_str(a)}" for g, a in sorted(accounts.items()))
        account_sql = f"CASE grp {account_case} ELSE '' END" if account_case else "''"
        flow_cols = []
        for f in flow_fields:
            whens = " ".join(
                f"WHEN {_sql_str(g)} THEN parts[{layout.index(f) + 1}]"
                for g, layout in sorted(formats.items())
                if f in layout
            )
            flow_cols.append(f'CASE grp {whens} END AS "f_{FLOW_FIELD_NAMES[f]}"')
        flow_groups = ", ".join(_sql_str(g) for g in sorted(formats)) or "NULL"
        paths = "[" + ", ".join(_sql_str(json_path(f)) for f in JSON_FIELDS) + "]"
        json_cols = "".join(f', jv[{i + 1}] AS "j_{f}"' for i, f in enumerate(JSON_FIELDS))
        con.execute(
            f"""CREATE TABLE events AS
            SELECT CAST(dense_rank() OVER (ORDER BY grp) - 1 AS SMALLINT) AS gid, ts, grp, stream,
                   CASE WHEN {account_sql} = '' THEN grp ELSE {account_sql} || ':' || grp END AS log,
                   message, is_json{json_cols}
                   {"".join(", " + c for c in flow_cols)}
            FROM (SELECT *, CASE WHEN grp IN ({flow_groups}) THEN string_split(message, ' ') END AS parts,
                         CASE WHEN is_json THEN json_extract_string(message, {paths}) END AS jv
                  FROM (SELECT *, CASE WHEN starts_with(message, '{{') THEN json_valid(message) ELSE FALSE END
                                  AS is_json FROM located))
            ORDER BY grp, ts, stream, filename, r"""
        )
        con.execute(
            """CREATE TABLE streams AS SELECT gid, grp, stream, count(*) AS events, min(ts) AS first_ts,
                   max(ts) AS last_ts FROM events GROUP BY gid, grp, stream ORDER BY grp, stream"""
        )
        meta = orjson.dumps(
            {
                "flow_fields": [FLOW_FIELD_NAMES[f] for f in flow_fields],
                "json_fields": list(JSON_FIELDS),
                "accounts": accounts,
                "sources": {g["name"]: g.get("source", "") for g in manifest.get("log_groups", [])},
                "time_range": manifest.get("time_range") or {},
            }
        ).decode()
        con.execute("CREATE TABLE meta AS SELECT ? AS json", [meta])
        con.execute("CHECKPOINT store")
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    os.replace(tmp, target)


class EventStore:
    """A read-only handle on one dataset's event database; ``cursor()`` gives a per-request cursor."""

    _open: dict[Path, EventStore] = {}
    _by_manifest: dict[tuple[str, str, int, int], EventStore] = {}
    _lock = threading.Lock()

    def __init__(self, dataset: Path, path: Path) -> None:
        self.dataset = dataset
        self.path = path
        self._con = duckdb.connect(str(path), read_only=True, config={"threads": "2"})
        self._con.execute("SET enable_progress_bar = false")
        meta = orjson.loads(self._con.execute("SELECT json FROM meta").fetchone()[0])  # type: ignore[index]
        self.flow_fields: tuple[str, ...] = tuple(meta["flow_fields"])
        self.json_fields: tuple[str, ...] = tuple(meta["json_fields"])
        self.sources: dict[str, str] = meta["sources"]
        self.accounts: dict[str, str] = meta["accounts"]
        self.time_range: dict[str, str] = meta["time_range"]
        self.group_ids: dict[str, int] = {}
        self.groups = self._groups()

    @classmethod
    def open(cls, dataset_dir: str | os.PathLike[str], cache_dir: str | os.PathLike[str]) -> EventStore:
        """The store of ``dataset_dir``, building its cache file in ``cache_dir`` the first time."""
        dataset = Path(dataset_dir).resolve()
        manifest_path = dataset / "manifest.json"
        try:
            st = manifest_path.stat()
        except FileNotFoundError:
            st = None
        # a 7-day manifest is ~5 MB: reading, hashing and parsing it on every request cost ~20 ms, so the
        # store is looked up by the manifest's (size, mtime) first; a rewritten manifest misses this cache
        seen = (
            cls._by_manifest.get((str(dataset), str(cache_dir), st.st_size, st.st_mtime_ns)) if st else None
        )
        if seen is not None:
            return seen
        try:
            raw = manifest_path.read_bytes()
            manifest = orjson.loads(raw)
        except FileNotFoundError:
            raise DatasetError(
                f"{manifest_path}: no manifest.json (not a dataset from trailwatch generate)"
            ) from None
        except orjson.JSONDecodeError as exc:
            raise DatasetError(f"{manifest_path}: not valid JSON ({exc})") from None
        key = hashlib.sha256(raw + b"\0" + STORE_VERSION.encode() + str(dataset).encode()).hexdigest()[:16]
        cache = Path(cache_dir)
        cache.mkdir(parents=True, exist_ok=True)
        target = (cache / f"events-{key}.duckdb").resolve()
        with cls._lock:
            store = cls._open.get(target)
            if store is None:
                if not target.exists():
                    _build(dataset, target, manifest)
                store = cls(dataset, target)
                cls._open[target] = store
            if st is not None:
                cls._by_manifest[(str(dataset), str(cache_dir), st.st_size, st.st_mtime_ns)] = store
            return store

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._con.cursor()

    def where(self, groups: list[str], start_ms: int, end_ms: int) -> str:
        """SQL condition for events of ``groups`` in [start, end); conditions that select everything are
        left out so DuckDB can skip reading those columns."""
        parts = []
        ids = sorted({self.group_ids[g] for g in groups if g in self.group_ids})
        if len(ids) < len(self.group_ids):
            parts.append(f"gid IN ({', '.join(map(str, ids)) or 'NULL'})")
        first = min((g.first_ts for g in self.groups.values() if g.first_ts is not None), default=0)
        last = max((g.last_ts for g in self.groups.values() if g.last_ts is not None), default=0)
        if start_ms > first:
            parts.append(f"ts >= {int(start_ms)}")
        if end_ms <= last:
            parts.append(f"ts < {int(end_ms)}")
        return " AND ".join(parts) or "TRUE"

    def _groups(self) -> dict[str, LogGroupInfo]:
        rows = self._con.execute("SELECT gid, grp, stream, events, first_ts, last_ts FROM streams").fetchall()
        by_group: dict[str, list[tuple[str, int, int, int]]] = {}
        for gid, grp, stream, n, first, last in rows:
            self.group_ids[grp] = int(gid)
            by_group.setdefault(grp, []).append((stream, n, first, last))
        out = {}
        for grp, streams in sorted(by_group.items()):
            out[grp] = LogGroupInfo(
                name=grp,
                source=self.sources.get(grp, ""),
                account=self.accounts.get(grp, ""),
                events=sum(s[1] for s in streams),
                streams=tuple((s[0], s[1]) for s in streams),
                first_ts=min(s[2] for s in streams),
                last_ts=max(s[3] for s in streams),
            )
        return out
