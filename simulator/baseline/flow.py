"""Log source "flow": VPC flow logs of every configured flow log, to S3 or CloudWatch Logs.

Per window: the connections of each VPC (simulator.baseline.flow_traffic, drawing on the shared
``alb_requests`` and ``s3_requests`` streams so web requests and S3 calls show up as flows with the
same time and addresses) are turned into each flow log's records (simulator.baseline.flow_records,
with that log's aggregation interval, traffic type and format) and written:
- destination "s3": ``s3/<bucket>/<prefix>AWSLogs/.../<acct>_vpcflowlogs_<region>_<fl-id>_<stamp>_<hash>.log.gz``
  one object per 5-minute slot, header line first; labels cover lines 2..n+1;
- destination "cloud-watch-logs": one stream per interface (``<eni-id>-all``), one event per record.
Injected records (``ctx.injected("flow")``, payload = a record line in the target flow log's
format, or ``{"flow_log_id": ..., "line": ...}``) are merged into the baseline's object of the same flow log
and 5-minute slot (or the interface's stream file), in the baseline's order, each labelled with its step;
the baseline writes no NODATA for an interface in an interval where an injected record exists for it.
After a scenario's DeleteFlowLogs (``ctx.config.log_gaps["flow_logs"]``) that flow log writes no baseline
records whose capture starts at or after the deletion (simulator.actions.logstate.delivered_by_flow_log).
"""

from __future__ import annotations

import hashlib

import numpy as np

from simulator.baseline import flow_records, flow_traffic
from simulator.delivery import cloudwatch
from simulator.delivery import vpcflow as dv
from simulator.engine.context import WindowContext
from simulator.engine.labels import mixed_labels
from simulator.engine.output import WindowOutput, write_file, write_s3_object
from simulator.formats import vpcflow as vf
from simulator.world import FlowLogConfig, World


def az_id(world: World, account_id: str, az: str) -> str:
    """AZ id (``use1-az4``) of an AZ name in one account: AWS maps names to ids per account; we derive
    a stable per-account permutation (us-east-1 has six AZ ids)."""
    region, letter = az[:-1], az[-1]
    parts = region.split("-")
    short = parts[0] + "".join(p[0] for p in parts[1:-1]) + parts[-1]
    d = hashlib.blake2b(f"{world.seed}|{account_id}|{region}".encode(), digest_size=8).digest()
    perm = sorted(range(6), key=lambda i: (d[i], i))
    return f"{short}-az{perm[(ord(letter) - ord('a')) % 6] + 1}"


def eni_table(world: World) -> vf.EniTable:
    """The world's interfaces as the string pools flow records index (instance-id "-" unless an instance)."""
    e = world.enis
    n = len(e)
    return vf.EniTable(
        interface_id=tuple(str(x) for x in e.eni_id), account_id=tuple(str(x) for x in e.account_id),
        vpc_id=tuple(str(x) for x in e.vpc_id), subnet_id=tuple(str(x) for x in e.subnet_id),
        instance_id=tuple(str(o) if k == "instance" else "-" for o, k in zip(e.owner_id, e.kind, strict=True)),
        region=tuple(str(x) for x in e.region),
        az_id=tuple(az_id(world, str(a), str(z)) for a, z in zip(e.account_id, e.az, strict=True)),
        sublocation_type=("-",) * n, sublocation_id=("-",) * n,
    )


def delivered(log_gaps: dict, flow_log_id: str, start_ms: np.ndarray) -> np.ndarray:
    from simulator.actions.logstate import delivered_by_flow_log

    return delivered_by_flow_log(log_gaps, flow_log_id, start_ms)


class FlowSource:
    name = "flow"

    def __init__(self, world: World) -> None:
        self.world = world
        self.enis = eni_table(world)
        self.fields = {fl.id: vf.parse_log_format(fl.log_format) for fl in world.flow_logs}
        self.intervals = {fl.id: flow_records.interval_seconds(world, fl) for fl in world.flow_logs}
        self.eni_index = {eni: i for i, eni in enumerate(self.enis.interface_id)}

    def render_window(self, ctx: WindowContext) -> WindowOutput:
        world = self.world
        ws, we = ctx.start_ms // 1000, -(-ctx.end_ms // 1000)
        out = WindowOutput()
        conns = {}
        injected = self._injected(ctx)
        gaps = ctx.config.log_gaps.get("flow_logs", {})
        for fl in world.flow_logs:
            if fl.resource_id not in conns:
                conns[fl.resource_id] = flow_traffic.vpc_connections(
                    world, fl.resource_id, ctx.alb_requests, ctx.s3_requests, float(ws), float(we), ctx.rng)
            mine = injected.get(fl.id, [])
            batch = flow_records.to_records(world, fl, conns[fl.resource_id], ws, we, ctx.rng(f"flow.records.{fl.id}"),
                                            busy=self._busy(fl, mine))
            if fl.id in gaps:
                batch = batch.take(delivered(ctx.config.log_gaps, fl.id, batch.start.astype(np.int64) * 1000))
            self._write(ctx, fl, batch, out, mine)
        return out

    def _salt(self, ctx: WindowContext) -> str:
        return f"{ctx.config.seed}|{ctx.config.student}|flow|{ctx.index}"

    def _injected(self, ctx: WindowContext) -> dict[str, list[dv.InjectedFlow]]:
        """The window's injected records per flow log, parsed for their interface and capture times."""
        by_log: dict[str, list[dv.InjectedFlow]] = {}
        items = ctx.injected("flow")
        if not items:
            return by_log
        default = next((f for f in self.world.flow_logs if f.destination == "s3"), self.world.flow_logs[0])
        known = {f.id for f in self.world.flow_logs}
        for j in sorted(items, key=lambda x: x.time_ms):
            fid = j.payload.get("flow_log_id", default.id) if isinstance(j.payload, dict) else default.id
            if fid not in known:
                raise ValueError(f"injected flow record of {j.scenario}/{j.step} names unknown flow log {fid!r}")
            line = (j.payload["line"] if isinstance(j.payload, dict) else j.payload).rstrip("\n")
            fields, parts = self.fields[fid], line.split(" ")
            if len(parts) != len(fields):
                raise ValueError(f"injected flow record of {j.scenario}/{j.step} has {len(parts)} fields, flow log "
                                 f"{fid} writes {len(fields)}")
            value = dict(zip(fields, parts, strict=True))
            start = int(value["start"]) if value.get("start", "-") != "-" else j.time_ms // 1000
            end = int(value["end"]) if value.get("end", "-") != "-" else start
            eni = self.eni_index.get(value.get("interface-id", "-"), -1)
            by_log.setdefault(fid, []).append(dv.InjectedFlow(line.encode(), eni, start, end, j))
        return by_log

    def _busy(self, fl: FlowLogConfig, items: list[dv.InjectedFlow]) -> np.ndarray | None:
        """(interface, interval) codes holding injected traffic: the baseline writes no NODATA for them."""
        if not items:
            return None
        ivs = self.intervals[fl.id]
        return np.array([j.eni * (1 << 40) + j.start // int(ivs[j.eni]) for j in items if j.eni >= 0], dtype=np.int64)

    def _write(self, ctx: WindowContext, fl: FlowLogConfig, batch: vf.FlowBatch, out: WindowOutput,
               injected: list[dv.InjectedFlow]) -> None:
        fields = self.fields[fl.id]
        if fl.destination == "s3":
            for obj in dv.s3_objects(batch, self.enis, fields, account_id=fl.account_id, region=fl.region,
                                     flow_log_id=fl.id, prefix=fl.prefix, salt=self._salt(ctx), injected=injected):
                entry = write_s3_object(ctx.out_dir, fl.bucket, obj.key, obj.body, records=obj.records, source="flow")
                out.files.append(entry)
                out.labels.extend(mixed_labels("flow", entry.path, 2, obj.records + 1, obj.injected))
                out.records += obj.records
        elif fl.destination == "cloud-watch-logs":
            streams: dict[str, list] = {}
            for j in injected:
                if j.eni < 0:
                    raise ValueError(f"injected flow record of {j.tag.scenario}/{j.tag.step} for {fl.id} has no "
                                     "interface-id, so it has no CloudWatch Logs stream")
                name = vf.cloudwatch_stream_name(self.enis.interface_id[j.eni], fl.traffic_type)
                streams.setdefault(name, []).append((j.start * 1000, j.line, j.tag))
            seen: set[str] = set()
            for stream, jsonl, count in dv.cloudwatch_jsonl(batch, self.enis, fields, fl.traffic_type):
                seen.add(stream)
                self._write_stream(ctx, fl, stream, jsonl, count, streams.get(stream), out)
            for stream in sorted(set(streams) - seen):  # an interface with injected records only
                self._write_stream(ctx, fl, stream, b"", 0, streams[stream], out)
        else:
            raise ValueError(f"flow log {fl.id}: unknown destination {fl.destination!r}")

    def _write_stream(self, ctx: WindowContext, fl: FlowLogConfig, stream: str, jsonl: bytes, count: int,
                      injected: list | None, out: WindowOutput) -> None:
        marks: list = []
        if injected:
            jsonl, marks = dv.merge_stream(jsonl, injected)
            count += len(marks)
        entry = write_file(ctx.out_dir, cloudwatch.log_file_path(fl.log_group, stream, ctx.stamp),
                           dv.gzip_bytes(jsonl), records=count, source="flow", kind="cloudwatch",
                           log_group=fl.log_group, log_stream=stream)
        out.files.append(entry)
        out.labels.extend(mixed_labels("flow", entry.path, 1, count, marks))
        out.records += count
