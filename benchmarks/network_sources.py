"""Throughput of the network log sources (flow, alb, s3) on one core, written gzip-compressed.

Usage: .venv/bin/python benchmarks/network_sources.py [--hours 24] [--scale 200] [--dir /dev/shm]

Prints, per source, records written per second of that source's own rendering+writing time (the
shared ALB/S3 request streams are timed separately, as the engine does), plus a pure format
benchmark: default-format flow lines rendered from columns and isal-gzipped. The machine's load
average is printed first: other processes share the cores, so compare numbers at similar load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path

import numpy as np


def bench_sources(hours: int, scale: int, start: dt.datetime, base_dir: str | None) -> None:
    from simulator.baseline.alb import AlbSource
    from simulator.baseline.flow import FlowSource
    from simulator.baseline.s3access import S3AccessSource
    from simulator.engine.context import RunConfig, WindowContext
    from simulator.world import build_world

    world = build_world(seed=1, student=None, scale=scale)
    sources = {"flow": FlowSource(world), "alb": AlbSource(world), "s3": S3AccessSource(world)}
    cfg = RunConfig(seed=1, start=start, duration_seconds=hours * 3600, scale=scale)
    spent = dict.fromkeys(sources, 0.0)
    cpu = dict.fromkeys(sources, 0.0)
    records = dict.fromkeys(sources, 0)
    streams = streams_cpu = 0.0
    with tempfile.TemporaryDirectory(dir=base_dir) as tmp:
        for w in range(cfg.n_windows):
            ctx = WindowContext(world, cfg, w, Path(tmp))
            t, c = time.perf_counter(), time.process_time()
            ctx.alb_requests  # noqa: B018 - computed once per window, shared by the sources
            ctx.s3_requests  # noqa: B018
            streams += time.perf_counter() - t
            streams_cpu += time.process_time() - c
            for name, src in sources.items():
                t, c = time.perf_counter(), time.process_time()
                out = src.render_window(ctx)
                spent[name] += time.perf_counter() - t
                cpu[name] += time.process_time() - c
                records[name] += out.records
    print(f"{hours} h from {start:%Y-%m-%dT%H:%MZ}, scale {scale}, 1 process, files under {base_dir or tempfile.gettempdir()}")
    print(f"{'source':8} {'records':>10} {'wall s':>7} {'cpu s':>7} {'rec/wall s':>11} {'rec/cpu s':>10}")
    for name in sources:
        print(f"{name:8} {records[name]:>10,} {spent[name]:>7.2f} {cpu[name]:>7.2f} "
              f"{records[name] / spent[name]:>11,.0f} {records[name] / cpu[name]:>10,.0f}")
    print(f"{'streams':8} {'':>10} {streams:>7.2f} {streams_cpu:>7.2f}   (alb_requests + s3_requests generation)")
    print(f"flow incl. the shared streams: {records['flow'] / (spent['flow'] + streams):,.0f} records/wall s, "
          f"{records['flow'] / (cpu['flow'] + streams_cpu):,.0f} records/cpu s")


def bench_flow_format(n: int = 1_000_000) -> None:
    import isal.isal_zlib as zlib

    from simulator.formats import vpcflow as vf

    rng = np.random.default_rng(0)
    k = 64
    enis = vf.EniTable(
        interface_id=tuple(f"eni-{i:017x}" for i in range(k)), account_id=("123456789012",) * k,
        vpc_id=("vpc-0a1b2c3d4e5f60718",) * k, subnet_id=("subnet-0a1b2c3d4e5f60718",) * k,
        instance_id=tuple(f"i-{i:017x}" for i in range(k)), region=("us-east-1",) * k, az_id=("use1-az4",) * k,
        sublocation_type=("-",) * k, sublocation_id=("-",) * k,
    )
    start = rng.integers(1_772_000_000, 1_772_003_600, n)
    z = np.zeros(n, dtype=np.int64)
    b = vf.FlowBatch(
        eni=rng.integers(0, k, n), srcaddr=rng.integers(167772160, 167837695, n).astype(np.uint32),
        dstaddr=rng.integers(0, 2**32, n, dtype=np.uint32), srcport=rng.integers(1024, 65535, n),
        dstport=rng.choice([443, 80, 5432, 8080, 22], n), protocol=np.full(n, 6), packets=rng.integers(1, 5000, n),
        bytes=rng.integers(40, 5_000_000, n), start=start, end=start + 58, action=rng.integers(0, 2, n),
        log_status=z, tcp_flags=z, pkt_srcaddr=z.astype(np.uint32), pkt_dstaddr=z.astype(np.uint32),
        pkt_src_aws_service=z, pkt_dst_aws_service=z, flow_direction=z, traffic_path=z - 1, reject_reason=z,
    )
    chunk = 100_000
    t, t_cpu = time.perf_counter(), time.process_time()
    size = 0
    for lo in range(0, n, chunk):
        text = vf.render_lines(b.take(slice(lo, lo + chunk)), enis)
        c = zlib.compressobj(1, zlib.DEFLATED, 31)
        size += len(c.compress(text) + c.flush())
    el, el_cpu = time.perf_counter() - t, time.process_time() - t_cpu
    print(f"flow format only: {n:,} default-format lines rendered + gzipped in {el:.2f} s wall / {el_cpu:.2f} s cpu "
          f"= {n / el:,.0f} lines/wall s, {n / el_cpu:,.0f} lines/cpu s ({size / n:.1f} gzip bytes/line)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hours", type=int, default=24)
    ap.add_argument("--scale", type=int, default=200)
    ap.add_argument("--dir", default=None, help="where to write (e.g. /dev/shm to leave disk latency out)")
    args = ap.parse_args()
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()), f"({os.cpu_count()} cores)")
    bench_flow_format()
    bench_sources(args.hours, args.scale, dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC), args.dir)


if __name__ == "__main__":
    main()
