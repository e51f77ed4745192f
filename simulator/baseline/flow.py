"""Log source "flow": VPC flow logs of every configured flow log, to S3 or CloudWatch Logs.

Per window: the connections of each VPC (simulator.baseline.flow_traffic, drawing on the shared
``alb_requests`` and ``s3_requests`` streams so web requests and S3 calls show up as flows with the
same time and addresses) are turned into each flow log's records (simulator.baseline.flow_records,
with that log's aggregation interval, traffic type and format) and written:
- destination "s3": ``s3/<bucket>/<prefix>AWSLogs/.../<acct>_vpcflowlogs_<region>_<fl-id>_<stamp>_<hash>.log.gz``
  one object per 5-minute slot, header line first; labels cover lines 2..n+1;
- destination "cloud-watch-logs": one stream per interface (``<eni-id>-all``), one event per record.
Injected records (``ctx.injected("flow")``, payload = a record line in the target flow log's
format, or ``{"flow_log_id": ..., "line": ...}``) go into their own object/stream file, labelled.
"""

from __future__ import annotations

import hashlib

import numpy as np

from simulator.baseline import flow_records, flow_traffic
from simulator.delivery import cloudwatch
from simulator.delivery import vpcflow as dv
from simulator.engine.context import WindowContext
from simulator.engine.labels import line_label, line_range_label
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


class FlowSource:
    name = "flow"

    def __init__(self, world: World) -> None:
        self.world = world
        self.enis = eni_table(world)
        self.fields = {fl.id: vf.parse_log_format(fl.log_format) for fl in world.flow_logs}

    def render_window(self, ctx: WindowContext) -> WindowOutput:
        world = self.world
        ws, we = ctx.start_ms // 1000, -(-ctx.end_ms // 1000)
        out = WindowOutput()
        conns = {}
        for fl in world.flow_logs:
            if fl.resource_id not in conns:
                conns[fl.resource_id] = flow_traffic.vpc_connections(
                    world, fl.resource_id, ctx.alb_requests, ctx.s3_requests, float(ws), float(we), ctx.rng)
            batch = flow_records.to_records(world, fl, conns[fl.resource_id], ws, we, ctx.rng(f"flow.records.{fl.id}"))
            self._write(ctx, fl, batch, out)
        self._write_injected(ctx, out)
        return out

    def _salt(self, ctx: WindowContext) -> str:
        return f"{ctx.config.seed}|{ctx.config.student}|flow|{ctx.index}"

    def _write(self, ctx: WindowContext, fl: FlowLogConfig, batch: vf.FlowBatch, out: WindowOutput) -> None:
        fields = self.fields[fl.id]
        if fl.destination == "s3":
            for obj in dv.s3_objects(batch, self.enis, fields, account_id=fl.account_id, region=fl.region,
                                     flow_log_id=fl.id, prefix=fl.prefix, salt=self._salt(ctx)):
                entry = write_s3_object(ctx.out_dir, fl.bucket, obj.key, obj.body, records=obj.records, source="flow")
                out.files.append(entry)
                out.labels.append(line_range_label("flow", entry.path, 2, obj.records + 1))
                out.records += obj.records
        elif fl.destination == "cloud-watch-logs":
            for stream, jsonl, count in dv.cloudwatch_jsonl(batch, self.enis, fields, fl.traffic_type):
                entry = write_file(ctx.out_dir, cloudwatch.log_file_path(fl.log_group, stream, ctx.stamp),
                                   dv.gzip_bytes(jsonl), records=count, source="flow", kind="cloudwatch",
                                   log_group=fl.log_group, log_stream=stream)
                out.files.append(entry)
                out.labels.append(line_range_label("flow", entry.path, 1, count))
                out.records += count
        else:
            raise ValueError(f"flow log {fl.id}: unknown destination {fl.destination!r}")

    def _write_injected(self, ctx: WindowContext, out: WindowOutput) -> None:
        by_log: dict[str, list] = {}
        default = next((f for f in self.world.flow_logs if f.destination == "s3"), self.world.flow_logs[0])
        for j in sorted(ctx.injected("flow"), key=lambda x: x.time_ms):
            fid = j.payload.get("flow_log_id", default.id) if isinstance(j.payload, dict) else default.id
            by_log.setdefault(fid, []).append(j)
        for fid, items in by_log.items():
            fl = next(f for f in self.world.flow_logs if f.id == fid)
            lines = [(j.payload["line"] if isinstance(j.payload, dict) else j.payload).rstrip("\n") for j in items]
            if fl.destination == "s3":
                slots = sorted({j.time_ms // 1000 // dv.FILE_SLOT_SECONDS * dv.FILE_SLOT_SECONDS for j in items})
                for slot in slots:
                    pick = [(j, ln) for j, ln in zip(items, lines, strict=True)
                            if j.time_ms // 1000 // dv.FILE_SLOT_SECONDS * dv.FILE_SLOT_SECONDS == slot]
                    key = dv.s3_key(fl.account_id, fl.region, fl.id, slot,
                                    dv.object_hash(self._salt(ctx) + "|inj", fl.id, slot, 0), fl.prefix)
                    body = vf.header_line(self.fields[fl.id]) + "".join(ln + "\n" for _, ln in pick).encode()
                    entry = write_s3_object(ctx.out_dir, fl.bucket, key, dv.gzip_bytes(body), records=len(pick),
                                            source="flow")
                    out.files.append(entry)
                    out.labels.extend(line_label("flow", entry.path, no, j.scenario, j.step, j.technique)
                                      for no, (j, _) in enumerate(pick, start=2))
                    out.records += len(pick)
            else:
                streams: dict[str, list] = {}
                at = self.fields[fl.id].index("interface-id")
                for j, ln in zip(items, lines, strict=True):
                    streams.setdefault(vf.cloudwatch_stream_name(ln.split(" ")[at], fl.traffic_type), []).append((j, ln))
                for stream, pick in streams.items():
                    ts = np.array([j.time_ms for j, _ in pick], dtype=np.int64)
                    entry = cloudwatch.write_log_events(ctx.out_dir, fl.log_group, stream, ctx.stamp + "-injected", ts,
                                                        [ln for _, ln in pick], source="flow")
                    out.files.append(entry)
                    order = np.argsort(ts, kind="stable")
                    out.labels.extend(line_label("flow", entry.path, no, pick[i][0].scenario, pick[i][0].step,
                                                 pick[i][0].technique) for no, i in enumerate(order.tolist(), start=1))
                    out.records += len(pick)
