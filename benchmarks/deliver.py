"""Delivery speed into the embedded backend (issue 5: >= 50,000 log events/s; a 1-day default dataset
in under a minute).

    .venv/bin/python benchmarks/deliver.py [--dataset DIR] [--workers N]

Without --dataset it generates the default one-day dataset (seed 1, scale 200, all sources) starting
a day ago, since PutLogEvents only takes events from the last 14 days. The emulator
(simulator.emulator.EmbeddedEmulator) runs in its own process on a free port, as with `trailwatch up`
plus `trailwatch deliver`; delivery goes over HTTP with Trailwatch's delivery key. Prints:
1. CloudWatch Logs only, into a fresh emulator: events/s;
2. S3 only: objects/s and MB/s;
3. everything, into a fresh emulator: total seconds (the one-minute goal);
4. the same again: what a no-op rerun costs (every record read back / listed, nothing sent);
with the CPU seconds the client and the emulator process used for each (throughput per CPU second does
not depend on how busy the machine is), and the machine load (`uptime`) before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from simulator.backends.config import BackendConfig
from simulator.backends.dataset import load_dataset
from simulator.backends.delivery import DeliveryOptions, deliver_dataset

REPO = Path(__file__).resolve().parents[1]
EMULATOR = (
    "import sys, threading\n"
    "from simulator.emulator import EmbeddedEmulator\n"
    "emu = EmbeddedEmulator(port=0).start()\n"
    "print(emu.port, flush=True)\n"
    "sys.stdin.read()\n"  # runs until the benchmark closes stdin
    "emu.stop()\n"
)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Emulator:
    pid = 0

    def __enter__(self) -> BackendConfig:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", EMULATOR],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        port = int(self.proc.stdout.readline())
        Emulator.pid = self.proc.pid
        return BackendConfig("embedded", f"http://127.0.0.1:{port}")

    def __exit__(self, *exc: object) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def generate(out: Path) -> Path:
    start = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:00:00Z")
    t = time.perf_counter()
    subprocess.run(
        [
            str(REPO / ".venv/bin/trailwatch"),
            "generate",
            "--out",
            str(out),
            "--start",
            start,
            "--duration",
            "1d",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"generated the 1-day default dataset from {start} in {time.perf_counter() - t:,.1f} s")
    return out


def run(cfg: BackendConfig, ds, workers: int, **kw) -> tuple[float, object]:
    opts = DeliveryOptions(
        create_missing=True,
        workers=workers,
        progress_interval=3600,
        progress_out=io.StringIO(),
        **kw,
    )
    t, client, server = time.perf_counter(), time.process_time(), cpu_seconds(Emulator.pid)
    summary = deliver_dataset(ds, cfg, opts)
    wall = time.perf_counter() - t
    print(
        f"   (CPU: client {time.process_time() - client:,.2f} s, emulator "
        f"{cpu_seconds(Emulator.pid) - server:,.2f} s, wall {wall:,.2f} s)"
    )
    return wall, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    print("load before:", uptime())
    with tempfile.TemporaryDirectory(prefix="trailwatch-bench-") as tmp:
        root = args.dataset or generate(Path(tmp) / "day")
        ds = load_dataset(root)
        events, objects = ds.event_count, len(ds.objects)
        mb = sum(o.size for o in ds.objects) / 1e6
        print(
            f"dataset {ds.dataset_id}: {events:,} log events in {len(ds.streams)} streams, "
            f"{objects:,} S3 objects ({mb:,.1f} MB)"
        )
        with Emulator() as cfg:
            secs, summary = run(cfg, ds, args.workers, s3=False)
            print(
                f"1. CloudWatch Logs only: {events:,} events in {secs:,.2f} s = {events / secs:,.0f} events/s "
                f"end to end; {events / summary.logs_seconds:,.0f} events/s while sending (goal >= 50,000)"
            )
            secs, _ = run(cfg, ds, args.workers, logs=False)
            print(
                f"2. S3 only: {objects:,} objects in {secs:,.2f} s = {objects / secs:,.0f} objects/s, "
                f"{mb / secs:,.1f} MB/s"
            )
        with Emulator() as cfg:
            secs, summary = run(cfg, ds, args.workers)
            print(
                f"3. full delivery into a fresh emulator: {secs:,.2f} s (goal < 60 s); "
                f"its log phase {events / summary.logs_seconds:,.0f} events/s"
            )
            secs, summary = run(cfg, ds, args.workers)
            assert summary.s3.sent == 0 and sum(s.sent for s in summary.streams) == 0
            print(f"4. rerun, nothing left to send: {secs:,.2f} s")
    print("load after: ", uptime())


if __name__ == "__main__":
    main()
