"""Generation speed and memory: records/s per source, 1 and 2 jobs, 1-day and 7-day runs, peak RSS.

Each measurement runs in a fresh interpreter (so peak RSS belongs to that run) and generates one source only,
so the numbers are separable. Rates are given three ways:
  wall  = records / wall time of the whole run (world build, all windows, manifest);
  src   = records / time spent inside the source's render_window (summed over windows and workers),
          without the shared S3/ALB request streams, which are reported on their own line;
  cpu   = records / CPU seconds of the source (robust when other processes share the cores).
Peak RSS is the maximum of the run's own process and its worker processes (getrusage SELF and CHILDREN).

    .venv/bin/python benchmarks/generate.py [--days 1,7] [--jobs 1,2] [--sources cloudtrail,flow,alb,s3] [--scale 200]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def one(source: str, jobs: int, days: int, scale: int, out: Path) -> dict:
    from simulator.engine import RunConfig, run

    t0 = time.perf_counter()
    res = run(
        RunConfig(seed=1, duration_seconds=days * 86400, scale=scale, sources=(source,), jobs=jobs), out
    )
    wall = time.perf_counter() - t0
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "source": source,
        "jobs": jobs,
        "days": days,
        "records": res.records.get(source, 0),
        "wall": wall,
        "src_seconds": res.source_seconds.get(source, 0.0),
        "cpu_seconds": res.source_cpu.get(source, 0.0),
        "stream_seconds": res.source_seconds.get("shared streams", 0.0),
        "bytes": res.bytes,
        "peak_rss_mb": max(self_rss, child_rss) / 1024,
        "available": source not in res.unavailable,
    }


def encode_reference(seconds: float = 1.5) -> str:
    """orjson + isal of real CloudTrail records alone (the design's ~110,000/s yardstick), measured now."""
    import gzip as _gzip

    import orjson
    from isal import igzip

    src = ROOT / ".." / "shared" / "reference" / "samples" / "cloudtrail" / "invictus-ir_aws_dataset"
    files = sorted(src.glob("*.json.gz"))
    if not files:
        return "reference samples missing: no encode+compress yardstick"
    recs = [r for f in files for r in json.loads(_gzip.decompress(f.read_bytes()))["Records"]]
    n, c0 = 0, time.process_time()
    while time.process_time() - c0 < seconds:
        for i in range(0, len(recs), 100):
            igzip.compress(
                b'{"Records":[' + b",".join(orjson.dumps(r) for r in recs[i : i + 100]) + b"]}", 1, mtime=0
            )
        n += len(recs)
    return f"yardstick now: orjson+isal of real records alone = {n / (time.process_time() - c0):,.0f} records/CPU-s"


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", default="1,7")
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--sources", default="cloudtrail,flow,alb,s3")
    ap.add_argument("--scale", type=int, default=200)
    ap.add_argument("--one", nargs=4, metavar=("SOURCE", "JOBS", "DAYS", "OUT"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        src, jobs, days, out = a.one
        print(json.dumps(one(src, int(jobs), int(days), a.scale, Path(out))))
        return
    print(f"cores: {os.cpu_count()}, load average at start: {load()}, scale {a.scale}")
    print(encode_reference())
    head = (
        f"{'source':<11}{'jobs':>5}{'days':>5}{'records':>12}{'wall s':>9}{'wall/s':>10}{'src/s':>10}{'cpu/s':>10}"
        f"{'streams s':>10}{'peak MB':>9}{'load':>16}"
    )
    print(head)
    print("-" * len(head))
    base: dict[tuple[str, int], float] = {}
    for days in (int(x) for x in a.days.split(",")):
        for src in a.sources.split(","):
            for jobs in (int(x) for x in a.jobs.split(",")):
                tmp = Path(
                    tempfile.mkdtemp(
                        prefix="twbench-", dir=ROOT / "data" if (ROOT / "data").is_dir() else None
                    )
                )
                try:
                    cmd = [
                        sys.executable,
                        __file__,
                        "--scale",
                        str(a.scale),
                        "--one",
                        src,
                        str(jobs),
                        str(days),
                        str(tmp / "d"),
                    ]
                    r = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
                finally:
                    shutil.rmtree(tmp, ignore_errors=True)
                if not r["available"]:
                    print(f"{src:<11}{jobs:>5}{days:>5}  (source not available)")
                    break
                n = r["records"]
                rate = n / r["wall"]
                base.setdefault((src, days), rate)
                gain = f" x{rate / base[(src, days)]:.2f}" if jobs > 1 else ""
                print(
                    f"{src:<11}{jobs:>5}{days:>5}{n:>12,}{r['wall']:>9.1f}{rate:>10,.0f}"
                    f"{n / max(r['src_seconds'], 1e-9):>10,.0f}{n / max(r['cpu_seconds'], 1e-9):>10,.0f}"
                    f"{r['stream_seconds']:>10.1f}{r['peak_rss_mb']:>9.0f}{load():>16}{gain}"
                )
    print(f"load average at end: {load()}")
    print(encode_reference())


if __name__ == "__main__":
    main()
