"""S3 server access logs: byte-exact against AWS's and real sample lines, AWS's Athena regex, object names."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from pathlib import Path

import numpy as np
import pytest

from simulator.delivery import s3access as ds
from simulator.formats import s3access as fs

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
S3_SAMPLES = SHARED / "reference" / "samples" / "s3access"
# AWS's Athena table for server access logs (amazon-s3-userguide, "using-s3-access-logs-to-identify-requests")
ATHENA_S3 = re.compile(
    r'([^ ]*) ([^ ]*) \[(.*?)\] ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ("[^"]*"|-) (-|[0-9]*) ([^ ]*) ([^ ]*) '
    r'([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ("[^"]*"|-) ([^ ]*)(?: ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) '
    r"([^ ]*) ([^ ]*))?.*$"
)


def _sample_lines() -> list[str]:
    if not S3_SAMPLES.exists():
        pytest.skip(f"shared reference samples missing: {S3_SAMPLES}")
    lines = []
    for path in sorted(S3_SAMPLES.rglob("*")):
        if path.is_file():
            lines += [ln.rstrip() for ln in path.read_text().splitlines() if ln and not ln.startswith("#")]
    return lines


def _record_from_line(line: str) -> tuple[fs.AccessRecord, int] | None:
    """(record, number of fields in the line) or None for lines the Athena regex cannot split."""
    m = ATHENA_S3.fullmatch(line)
    if m is None:
        return None
    g = list(m.groups())
    # the regex captures referer as group 16 and user agent as 17 (quotes kept); groups after are the tail
    if g[16].count('"') != 2 or g[8].count('"') not in (0, 2):
        return None  # real lines with unescaped quotes inside quoted fields (see reference §2)
    t = dt.datetime.strptime(g[2], "%d/%b/%Y:%H:%M:%S %z")

    def num(x: str) -> int:
        return -1 if x == "-" else int(x)

    rest = line[m.end(17) + 1 :].split(" ")  # version id and the optional trailing fields
    tail = rest[1:] + ["-"] * (9 - len(rest))
    return fs.AccessRecord(
        bucket_owner=g[0], bucket=g[1], time_ms=int(t.timestamp()) * 1000, remote_ip=g[3], requester=g[4],
        request_id=g[5], operation=g[6], key="" if g[7] == "-" else urllib.parse.unquote_plus(g[7]),
        request_uri="" if g[8] == "-" else g[8][1:-1], http_status=num(g[9]), error_code=g[10],
        bytes_sent=max(num(g[11]), 0), object_size=num(g[12]), total_time_ms=num(g[13]), turn_around_ms=num(g[14]),
        referer=g[15][1:-1], user_agent=g[16][1:-1], version_id=g[17], host_id=tail[0], signature_version=tail[1],
        cipher_suite=tail[2], authentication_type=tail[3], host_header=tail[4], tls_version=tail[5],
        access_point_arn=tail[6], acl_required=tail[7],
    ), 17 + len(rest)


def test_aws_and_real_lines_render_byte_exact():
    lines = _sample_lines()
    done = 0
    for line in lines:
        parsed = _record_from_line(line)
        if parsed is None:
            continue
        rec, n_fields = parsed
        got = fs.render_record(rec)
        if n_fields < len(fs.FIELD_NAMES):  # older lines end before access point ARN / aclRequired
            got = got.rsplit(" ", len(fs.FIELD_NAMES) - n_fields)[0]
        assert got == line, line
        done += 1
    assert done >= 11  # every sample line the Athena regex splits (4 real lines embed raw quotes)


def test_log_time_and_key_encoding():
    assert fs.log_time(1549411238000) == "[06/Feb/2019:00:00:38 +0000]"
    assert fs.encode_key("Screen Shot 2019-09-09 at 9.08.44 AM.png") == "Screen+Shot+2019-09-09+at+9.08.44+AM.png"
    assert fs.encode_key("a/b/c.json") == "a/b/c.json"
    assert fs.encode_key("") == "-"


def test_log_object_names():
    assert fs.log_object_key("logs/", 1641013595, "0123456789ABCDEF") == "logs/2022-01-01-05-06-35-0123456789ABCDEF"
    with pytest.raises(ValueError, match="16 upper-case hex"):
        fs.log_object_key("logs/", 0, "0123456789abcdef")
    real = [p.name for p in S3_SAMPLES.rglob("*") if p.is_file() and re.match(r"\d{4}-", p.name)]
    pattern = re.compile(r"\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d-[0-9A-F]{16}")
    assert real and all(pattern.fullmatch(n) for n in real)


def _window(tmp_path: Path, hour: int):
    from simulator.engine.context import RunConfig, WindowContext
    from simulator.world import build_world

    world = build_world(seed=5, student=None, scale=80)
    cfg = RunConfig(seed=5, start=dt.datetime(2026, 3, 3, hour, 0, tzinfo=dt.UTC), duration_seconds=3600)
    return world, WindowContext(world, cfg, 0, tmp_path)


@pytest.mark.parametrize("hour", [7, 15])
def test_generated_objects_parse_and_keep_the_story(tmp_path, hour):
    from simulator.baseline.s3access import S3AccessSource

    world, ctx = _window(tmp_path, hour)
    out = S3AccessSource(world).render_window(ctx)
    req = ctx.s3_requests
    logged = {b.index for b in world.buckets if b.access_log_bucket}
    assert out.records == int(np.isin(req.bucket, list(logged)).sum()) > 0
    by_id = {str(r): i for i, r in enumerate(req.request_id)}
    name = re.compile(r".*/\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d-[0-9A-F]{16}")
    for f in out.files:
        assert name.fullmatch(f.path)
        lines = (tmp_path / f.path).read_text().splitlines()
        assert len(lines) == f.records
        delivered = dt.datetime.strptime(f.path.rsplit("/", 1)[1][:19], "%Y-%m-%d-%H-%M-%S").replace(tzinfo=dt.UTC)
        for line in lines:
            m = ATHENA_S3.fullmatch(line)
            assert m and len(line.split('"')) == 7, line
            g = m.groups()
            i = by_id[g[5]]
            t = dt.datetime.strptime(g[2], "%d/%b/%Y:%H:%M:%S %z")
            assert int(t.timestamp()) == int(req.time_ms[i]) // 1000 and t < delivered
            assert g[3] == req.source_ip[i] and g[1] == world.buckets[int(req.bucket[i])].name
            assert g[4] == (req.arn[i] or "-")
            assert g[24] == "-" and g[25] == "-"
    assert {lb.split(b'"first_line":')[1][:2] for lb in out.labels} == {b"1,"}


def test_delivery_is_deterministic_and_after_the_records():
    d1 = ds.delivery("salt", "bucket", 10)
    assert d1 == ds.delivery("salt", "bucket", 10) != ds.delivery("salt", "bucket", 11)
    assert ds.MIN_DELAY_S <= d1[0] < ds.MAX_DELAY_S and re.fullmatch(r"[0-9A-F]{16}", d1[1])
