"""Log source "alb": the ALB access log objects (one per node per 5 minutes) with line-range labels.

The requests come from the shared stream ``ctx.alb_requests`` (simulator.baseline.alb_requests,
re-exported here as ``generate_alb_requests`` for the engine). Injected lines (``ctx.injected("alb")``,
payload = a complete access-log line) are merged in time order into the node-0 object of their
5-minute interval, or get an object of their own, and are labelled with their scenario step.
"""

from __future__ import annotations

import gzip

from simulator.baseline.alb_requests import AlbRequests, generate_alb_requests
from simulator.delivery import alb as dalb
from simulator.engine.context import WindowContext
from simulator.engine.labels import line_label, line_range_label
from simulator.engine.output import WindowOutput, write_s3_object
from simulator.world import World

__all__ = ["AlbRequests", "AlbSource", "generate_alb_requests"]


class AlbSource:
    """Log source "alb": ALB access log objects under the LB's log bucket, one per node per 5 minutes."""

    name = "alb"

    def __init__(self, world: World) -> None:
        self.world = world
        self.node_ips = tuple(nd.public_ip for nd in world.alb.nodes)

    def render_window(self, ctx: WindowContext) -> WindowOutput:
        lb = self.world.alb
        reqs: AlbRequests = ctx.alb_requests
        out = WindowOutput()
        salt = f"{ctx.config.seed}|{ctx.config.student}|alb|{ctx.index}"
        injected = sorted(ctx.injected("alb"), key=lambda j: j.time_ms)
        for obj in dalb.s3_objects(reqs.entries, reqs.pools, reqs.node, self.node_ips, account_id=lb.account_id,
                                   region=lb.region, prefix=lb.log_prefix, salt=salt):
            body, labels = obj.body, None
            path = f"s3/{lb.log_bucket}/{obj.key}"
            records = obj.records
            if injected:
                body, labels, records, injected = _merge_injected(obj, reqs, path, injected)
            out.files.append(write_s3_object(ctx.out_dir, lb.log_bucket, obj.key, body, records=records, source="alb"))
            out.labels.extend(labels or [line_range_label("alb", path, 1, records)])
            out.records += records
        for j in injected:  # injections in a slot with no baseline traffic get their own object
            end_s = (j.time_ms // 300_000 + 1) * 300
            key = dalb.s3_key(lb.account_id, lb.region, lb.log_id, end_s, self.node_ips[0],
                              dalb.random_string(salt + "|inj", self.node_ips[0], end_s), lb.log_prefix)
            text = (j.payload if isinstance(j.payload, str) else j.payload.decode()).rstrip("\n") + "\n"
            out.files.append(write_s3_object(ctx.out_dir, lb.log_bucket, key, dalb.gzip_bytes(text.encode()),
                                             records=1, source="alb"))
            out.labels.append(line_label("alb", f"s3/{lb.log_bucket}/{key}", 1, j.scenario, j.step, j.technique))
            out.records += 1
        return out


def _merge_injected(obj: dalb.AlbObject, reqs: AlbRequests, path: str, injected: list):
    """Put injected lines whose time falls in this object's interval (node 0 objects only) in time order."""
    slot = int(reqs.entries.time_us[obj.row_index[0]] // dalb.INTERVAL_US)
    if int(reqs.node[obj.row_index[0]]) != 0:
        return obj.body, None, obj.records, injected
    mine = [j for j in injected if j.time_ms * 1000 // dalb.INTERVAL_US == slot]
    if not mine:
        return obj.body, None, obj.records, injected
    rest = [j for j in injected if j not in mine]
    lines = gzip.decompress(obj.body).decode().splitlines()
    times = (reqs.entries.time_us[obj.row_index] // 1000).tolist()
    merged: list[tuple[int, int, str, object]] = [(t, 0, ln, None) for t, ln in zip(times, lines, strict=True)]
    for j in mine:
        text = j.payload if isinstance(j.payload, str) else j.payload.decode()
        merged.append((j.time_ms, 1, text.rstrip("\n"), j))
    merged.sort(key=lambda m: (m[0], m[1]))
    labels = []
    run_start = None
    for no, (_, _, _, j) in enumerate(merged, start=1):
        if j is None:
            run_start = run_start or no
            continue
        if run_start:
            labels.append(line_range_label("alb", path, run_start, no - 1))
            run_start = None
        labels.append(line_label("alb", path, no, j.scenario, j.step, j.technique))
    if run_start:
        labels.append(line_range_label("alb", path, run_start, len(merged)))
    body = dalb.gzip_bytes(("\n".join(m[2] for m in merged) + "\n").encode())
    return body, labels, len(merged), rest
