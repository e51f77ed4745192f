"""``CloudTrailSource``: one window of CloudTrail — humans, service users, machines and AWS services
(management events), S3 data events rendered from ``ctx.s3_requests``, records injected by the scenario
layer — delivered as trail files and CloudWatch Logs events, each record labelled by eventID.
Baseline records inside the scenario's logging gaps (``ctx.config.log_gaps``: trail stopped or deleted,
management events deselected) are not delivered; after UpdateTrail detached the log group no record reaches
CloudWatch Logs (simulator.delivery.cloudtrail.drop_in_gaps / cloudwatch_mask).
"""

from __future__ import annotations

import orjson

from simulator.baseline.cloudtrail_data import DataEventRenderer
from simulator.baseline.cloudtrail_humans import HumanPlanner
from simulator.baseline.cloudtrail_ids import IdStream
from simulator.baseline.cloudtrail_machines import MachinePlanner
from simulator.baseline.cloudtrail_render import CtRenderer, EventSink
from simulator.delivery.cloudtrail import cloudwatch_mask, deliver, drop_in_gaps
from simulator.engine.context import Injection, WindowContext
from simulator.engine.labels import benign_event_prefix, event_label
from simulator.engine.output import WindowOutput
from simulator.formats.cloudtrail import event_time, order_record, validate_record
from simulator.world import World

SOURCE = "cloudtrail"


class CloudTrailSource:
    name = SOURCE

    def __init__(self, world: World) -> None:
        self.world = world
        self.renderer = CtRenderer(world)
        self.humans = HumanPlanner(world, self.renderer)
        self.machines = MachinePlanner(world, self.renderer)
        self.data = DataEventRenderer(world)

    def render_window(self, ctx: WindowContext) -> WindowOutput:
        sink = EventSink(IdStream(ctx.rng("cloudtrail.ids")))
        self.humans.run(ctx, sink)
        self.machines.run(ctx, sink)
        n_mgmt = len(sink)
        self.data.run(ctx, sink)
        n_data = len(sink) - n_mgmt
        n_benign = len(sink)
        gaps = ctx.config.log_gaps
        if gaps:
            n_mgmt, n_data = drop_in_gaps(sink, gaps, n_mgmt)
            n_benign = len(sink)
        scenario_labels = [self.inject(sink, inj) for inj in ctx.injected(SOURCE)]
        times, accounts, regions, records, event_ids, cwl = (
            (list(c) for c in zip(*sink.rows, strict=True)) if sink.rows else ([], [], [], [], [], [])
        )
        files = deliver(
            self.world,
            ctx.out_dir,
            ctx.rng("cloudtrail.delivery"),
            ctx.stamp,
            times,
            accounts,
            regions,
            records,
            cwl,
            cloudwatch_mask(gaps, times, accounts) if gaps.get("cloudwatch") else None,
        )
        pre, suf = benign_event_prefix(SOURCE)
        labels = [pre + eid + suf for eid in event_ids[:n_benign]] + scenario_labels
        return WindowOutput(
            files=files,
            records=len(sink),
            labels=labels,
            counts={"management_events": n_mgmt, "data_events": n_data, "injected": len(scenario_labels)},
        )

    def inject(self, sink: EventSink, inj: Injection) -> bytes:
        """Add one scenario record; fills eventTime/eventID when missing; returns its label line."""
        rec = dict(inj.payload)
        t = inj.time_ms // 1000
        rec.setdefault("eventTime", event_time(t))
        rec.setdefault("eventID", sink.ids.uuid().decode())
        for key in ("recipientAccountId", "awsRegion"):
            if key not in rec:
                raise ValueError(f"injected CloudTrail record for {inj.scenario}/{inj.step} lacks {key}")
        problems = validate_record(rec)
        if problems:
            raise ValueError(
                f"injected CloudTrail record for {inj.scenario}/{inj.step}: {'; '.join(problems)}"
            )
        sink.add(
            t,
            rec["recipientAccountId"],
            rec["awsRegion"],
            orjson.dumps(order_record(rec)),
            rec["eventID"].encode(),
        )
        return event_label(SOURCE, rec["eventID"], inj.scenario, inj.step, inj.technique)
