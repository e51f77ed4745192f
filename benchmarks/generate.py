"""Generation speed and memory: records/s per source, 1 and 2 jobs, 1-day and 7-day runs, peak RSS.

Each measurement runs in a fresh interpreter (so peak RSS belongs to that run) and generates one source only
(shared S3/ALB request streams included when the source needs them), so the numbers are separable:
  rec/s     = records / wall time of the whole run (world build, all windows, gzip, sha256, writes, manifest);
  per core  = rec/s divided by the jobs (the issue's "per core" with every core busy);
  user/sys  = CPU seconds of the run's processes in user space and in the kernel (page cache, page faults);
  x         = rec/s against the 1-job run of the same source and duration.
``--repeat N`` keeps the fastest of N runs (the usual way to read through a shared machine's noise).
``--out-root DIR`` writes there (default: the system temp dir); a tmpfs such as /dev/shm takes the disk's
page-cache cost out, which on a VM can vary several-fold from one minute to the next.

    .venv/bin/python benchmarks/generate.py [--days 1,7] [--jobs 1,2] [--sources cloudtrail,flow,alb,s3]
                                           [--scale 200] [--repeat 1] [--out-root DIR]
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
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "source": source,
        "jobs": jobs,
        "days": days,
        "records": res.records.get(source, 0),
        "wall": wall,
        "user": me.ru_utime + kids.ru_utime,
        "sys": me.ru_stime + kids.ru_stime,
        "bytes": res.bytes,
        "peak_rss_mb": max(me.ru_maxrss, kids.ru_maxrss) / 1024,
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


def measure(src: str, jobs: int, days: int, scale: int, out_root: str | None) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="twbench-", dir=out_root))
    try:
        cmd = [sys.executable, __file__, "--scale", str(scale), "--one", src, str(jobs), str(days), str(tmp / "d")]
        return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", default="1,7")
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--sources", default="cloudtrail,flow,alb,s3")
    ap.add_argument("--scale", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=1, help="runs per row; the fastest is shown")
    ap.add_argument("--out-root", default=None, help="where datasets are written (default: the temp dir)")
    ap.add_argument("--one", nargs=4, metavar=("SOURCE", "JOBS", "DAYS", "OUT"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        src, jobs, days, out = a.one
        print(json.dumps(one(src, int(jobs), int(days), a.scale, Path(out))))
        return
    out_root = a.out_root or tempfile.gettempdir()
    print(f"cores: {os.cpu_count()}, load average at start: {load()}, scale {a.scale}, "
          f"best of {a.repeat}, writing under {out_root}")
    print(encode_reference())
    head = (
        f"{'source':<11}{'jobs':>5}{'days':>5}{'records':>12}{'wall s':>8}{'rec/s':>10}{'per core':>10}"
        f"{'user s':>8}{'sys s':>7}{'peak MB':>9}{'load':>16}"
    )
    print(head)
    print("-" * len(head))
    base: dict[tuple[str, int], float] = {}
    for days in (int(x) for x in a.days.split(",")):
        for src in a.sources.split(","):
            for jobs in (int(x) for x in a.jobs.split(",")):
                runs = [measure(src, jobs, days, a.scale, a.out_root) for _ in range(max(1, a.repeat))]
                r = min(runs, key=lambda x: x["wall"])
                if not r["available"]:
                    print(f"{src:<11}{jobs:>5}{days:>5}  (source not available)")
                    break
                n = r["records"]
                rate = n / r["wall"]
                base.setdefault((src, days), rate)
                gain = f" x{rate / base[(src, days)]:.2f}" if jobs > 1 else ""
                print(
                    f"{src:<11}{jobs:>5}{days:>5}{n:>12,}{r['wall']:>8.2f}{rate:>10,.0f}{rate / jobs:>10,.0f}"
                    f"{r['user']:>8.2f}{r['sys']:>7.2f}{r['peak_rss_mb']:>9.0f}{load():>16}{gain}"
                )
    print(f"load average at end: {load()}")
    print(encode_reference())


if __name__ == "__main__":
    main()
