"""ALB access log format: byte-exact against AWS / parser-fixture lines, AWS's Athena regex, aws-log-parser."""

from __future__ import annotations

import datetime as dt
import gzip
import re
from pathlib import Path

import numpy as np
import pytest
from aws_log_parser import AwsLogParser, LogType

from simulator.delivery import alb as dalb
from simulator.formats import alb as fa
from simulator.formats.vpcflow_bytes import ipv4_to_int

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
ALB_SAMPLES = SHARED / "reference" / "samples" / "alb"
# AWS Athena table for ALB logs (https://docs.aws.amazon.com/athena/latest/ug/create-alb-access-logs-table.html),
# the version with conn_trace_id plus the "( .*)?" tail for fields appended later.
ATHENA_ALB = re.compile(
    r'([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*):([0-9]*) ([^ ]*)[:-]([0-9]*) ([-.0-9]*) ([-.0-9]*) ([-.0-9]*) (|[-0-9]*) '
    r'(-|[-0-9]*) ([-0-9]*) ([-0-9]*) "([^ ]*) (.*) (- |[^ ]*)" "([^"]*)" ([A-Z0-9-_]+) ([A-Za-z0-9.-]*) ([^ ]*) '
    r'"([^"]*)" "([^"]*)" "([^"]*)" ([-.0-9]*) ([^ ]*) "([^"]*)" "([^"]*)" "([^ ]*)" "([^\s]+?)" "([^\s]+)" '
    r'"([^ ]*)" "([^ ]*)" ?([^ ]*)?( .*)?'
)
TOKEN = re.compile(r'"[^"]*"|\S+')


def _alb_sample_lines() -> list[str]:
    if not ALB_SAMPLES.exists():
        pytest.skip(f"shared reference samples missing: {ALB_SAMPLES}")
    lines = []
    for path in sorted(ALB_SAMPLES.rglob("*")):
        if path.is_file():
            for line in path.read_text().splitlines():
                if line.split(" ", 1)[0] in fa.TYPES:
                    lines.append(line.rstrip())
    return lines


def _iso(text: str) -> int:
    t = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
    return int(t.timestamp()) * 1_000_000 + t.microsecond


def _ms(text: str) -> int:
    return -1 if text == "-1" else round(float(text) * 1000)


def _entries_from_line(line: str) -> tuple[fa.AlbEntries, fa.AlbPools, int]:
    """Decompose one real line into columns + pools (test oracle for round trips)."""
    t = TOKEN.findall(line)
    defaults = ['"-"'] * 29 + ["TID_" + "0" * 32] + ['"-"'] * 3  # optional trailing fields when absent
    t += defaults[len(t):]
    q = [x[1:-1] if x.startswith('"') else x for x in t]
    method, url, version = q[12].split(" ")
    client_ip, client_port = q[3].rsplit(":", 1)
    tgt = q[4]
    trace = q[17].split("-")
    conn = q[29].removeprefix("TID_")

    def pool(v: str) -> tuple[tuple[str, ...], int]:
        return (("-",), 0) if v == "-" else (("-", v), 1)

    ua, ua_i = pool(q[13])
    redirect, red_i = pool(q[23])
    err, err_i = pool(q[24])
    dom, dom_i = pool(q[18])
    cert, cert_i = pool(q[19])
    tg, tg_i = pool(q[16])
    cls_r, cls_i = pool(q[28])
    one = lambda v: np.array([v])  # noqa: E731
    e = fa.AlbEntries(
        time_us=one(_iso(q[1])), created_us=one(_iso(q[21])), type=one(fa.TYPES.index(q[0])),
        client_ip=one(ipv4_to_int(client_ip)), client_port=one(int(client_port)),
        target_ip=one(0 if tgt == "-" else ipv4_to_int(tgt.rsplit(":", 1)[0])),
        target_port=one(-1 if tgt == "-" else int(tgt.rsplit(":", 1)[1])),
        request_processing_ms=one(_ms(q[5])), target_processing_ms=one(_ms(q[6])),
        response_processing_ms=one(_ms(q[7])), elb_status=one(int(q[8])),
        target_status=one(-1 if q[9] == "-" else int(q[9])), received_bytes=one(int(q[10])), sent_bytes=one(int(q[11])),
        method=one(fa.METHODS.index(method)), url=one(0), http_version=one(fa.HTTP_VERSIONS.index(version)),
        user_agent=one(ua_i), ssl_cipher=one(fa.SSL_CIPHERS.index(q[14])), ssl_protocol=one(fa.SSL_PROTOCOLS.index(q[15])),
        target_group=one(tg_i), trace_epoch=one(int(trace[1], 16)), trace_hi=one(np.uint64(int(trace[2][:16], 16))),
        trace_lo=one(np.uint64(int(trace[2][16:], 16))), domain=one(dom_i), cert=one(cert_i),
        rule_priority=one(fa.NO_RULE if q[20] == "-" else int(q[20])), actions=one(fa.ACTIONS.index(q[22])),
        redirect_url=one(red_i), error_reason=one(err_i), classification=one(fa.CLASSIFICATIONS.index(q[27])),
        classification_reason=one(cls_i), conn_hi=one(np.uint64(int(conn[:16], 16))),
        conn_lo=one(np.uint64(int(conn[16:], 16))),
    )
    pools = fa.AlbPools(elb=q[2], urls=(url,), user_agents=ua, redirect_urls=redirect, error_reasons=err, domains=dom,
                        certs=cert, target_groups=tg, classification_reasons=cls_r)
    return e, pools, len(TOKEN.findall(line))


def test_documented_and_fixture_lines_render_byte_exact():
    lines = _alb_sample_lines()
    assert len(lines) >= 15
    for line in lines:
        e, pools, n_fields = _entries_from_line(line)
        assert fa.render_lines(e, pools, n_fields).decode() == line + "\n", line


def test_field_order_and_quoting():
    e, pools, _ = _entries_from_line(_alb_sample_lines()[1])
    tokens = TOKEN.findall(fa.render_lines(e, pools).decode().rstrip("\n"))
    assert len(tokens) == len(fa.FIELDS) == 33
    for name, tok in zip(fa.FIELDS, tokens, strict=True):
        assert tok.startswith('"') == (name in fa.QUOTED), name
    assert tokens[29].startswith("TID_") and len(tokens[29]) == 36
    with pytest.raises(ValueError, match="n_fields"):
        fa.render_lines(e, pools, 24)


def _generated(tmp_path: Path):
    from simulator.engine.context import RunConfig, WindowContext
    from simulator.world import build_world

    world = build_world(seed=3, student=None, scale=60)
    cfg = RunConfig(seed=3, start=dt.datetime(2026, 3, 3, 15, 0, tzinfo=dt.UTC), duration_seconds=3600)
    return world, WindowContext(world, cfg, 0, tmp_path)


def test_generated_lines_match_athena_regex_and_aws_log_parser(tmp_path):
    world, ctx = _generated(tmp_path)
    reqs = ctx.alb_requests
    text = fa.render_lines(reqs.entries, reqs.pools).decode()
    lines = text.splitlines()
    assert len(lines) == len(reqs) > 300
    for line in lines:
        assert ATHENA_ALB.fullmatch(line), line
    parser = AwsLogParser(log_type=LogType.LoadBalancer)
    parsed = list(parser.parse(lines))
    assert len(parsed) == len(lines)
    e = reqs.entries
    for i, p in enumerate(parsed):
        assert p.type.value == fa.TYPES[e.type[i]]
        assert p.elb_status_code == int(e.elb_status[i])
        assert p.client.ip == ".".join(str(int(e.client_ip[i]) >> s & 255) for s in (24, 16, 8, 0))
        us = int(e.time_us[i])
        assert p.timestamp == dt.datetime.fromtimestamp(us // 10**6, dt.UTC) + dt.timedelta(microseconds=us % 10**6)
        assert p.sent_bytes == int(e.sent_bytes[i])
        assert (p.target is None) == (e.target_port[i] < 0)


def test_generated_field_types_like_samples(tmp_path):
    """Each generated field has the shape (digits, ISO time, ip:port, quoting) of the same field in real lines."""
    _, ctx = _generated(tmp_path)
    reqs = ctx.alb_requests
    shapes = {
        "time": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", "request_creation_time": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z",
        "client:port": r"\d+\.\d+\.\d+\.\d+:\d+", "target:port": r"-|\d+\.\d+\.\d+\.\d+:\d+",
        "request_processing_time": r"-1|\d+\.\d{3}", "elb_status_code": r"\d{3}", "target_status_code": r"-|\d{3}",
        "received_bytes": r"\d+", "trace_id": r'"Root=1-[0-9a-f]{8}-[0-9a-f]{24}"', "conn_trace_id": r"TID_[0-9a-f]{32}",
        "elb": r"app/[a-z0-9-]+/[0-9a-f]{16}", "matched_rule_priority": r"-|-1|\d+",
    }
    for line in fa.render_lines(reqs.entries, reqs.pools).decode().splitlines():
        tokens = dict(zip(fa.FIELDS, TOKEN.findall(line), strict=True))
        for name, pat in shapes.items():
            assert re.fullmatch(pat, tokens[name]), (name, tokens[name])
    for line in _alb_sample_lines():
        tokens = dict(zip(fa.FIELDS, TOKEN.findall(line), strict=False))
        for name in ("time", "client:port", "elb_status_code", "received_bytes"):
            assert re.fullmatch(shapes[name], tokens[name]), (name, tokens[name])


def test_s3_objects_per_node_per_five_minutes(tmp_path):
    world, ctx = _generated(tmp_path)
    reqs = ctx.alb_requests
    node_ips = tuple(n.public_ip for n in world.alb.nodes)
    objs = list(dalb.s3_objects(reqs.entries, reqs.pools, reqs.node, node_ips, account_id=world.alb.account_id,
                                region=world.alb.region, prefix=world.alb.log_prefix, salt="x"))
    assert sum(o.records for o in objs) == len(reqs)
    name_re = re.compile(
        rf"{world.alb.log_prefix}/AWSLogs/{world.alb.account_id}/elasticloadbalancing/us-east-1/\d{{4}}/\d\d/\d\d/"
        rf"{world.alb.account_id}_elasticloadbalancing_us-east-1_app\.anybank-web\.[0-9a-f]{{16}}_"
        r"(\d{8}T\d{4}Z)_(\d+\.\d+\.\d+\.\d+)_[a-z0-9]{8}\.log\.gz")
    for o in objs:
        m = name_re.fullmatch(o.key)
        assert m, o.key
        end = dt.datetime.strptime(m.group(1), "%Y%m%dT%H%MZ").replace(tzinfo=dt.UTC)
        assert m.group(2) in node_ips
        for line in gzip.decompress(o.body).decode().splitlines():
            t = dt.datetime.strptime(line.split(" ")[1], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
            assert end - dt.timedelta(minutes=5) <= t < end
    assert dalb.s3_key("1", "r", "app/x/ab", 600, "1.2.3.4", "abcdefgh") == (
        "AWSLogs/1/elasticloadbalancing/r/1970/01/01/1_elasticloadbalancing_r_app.x.ab_19700101T0010Z_1.2.3.4_abcdefgh.log.gz")
    with pytest.raises(ValueError):
        dalb.s3_key("1", "r", "net/x/ab", 600, "1.2.3.4", "abcdefgh")


def test_aws_log_parser_reads_written_files(tmp_path):
    world, ctx = _generated(tmp_path)
    from simulator.baseline.alb import AlbSource

    out = AlbSource(world).render_window(ctx)
    parser = AwsLogParser(log_type=LogType.LoadBalancer, file_suffix=".log.gz")
    entries = list(parser.read_url(f"file://{tmp_path}/s3/"))
    assert len(entries) == out.records == len(ctx.alb_requests)


def _reference_lines(e: fa.AlbEntries, pools: fa.AlbPools, n_fields: int) -> list[str]:
    """Slow, obvious per-entry formatting: the oracle for the vectorised renderer."""
    def iso(us: int) -> str:
        return dt.datetime.fromtimestamp(us // 1_000_000, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{us % 1_000_000:06d}Z"

    def secs(m: int) -> str:
        return "-1" if m < 0 else f"{m // 1000}.{m % 1000:03d}"

    def ip(v: int) -> str:
        return ".".join(str(int(v) >> s & 255) for s in (24, 16, 8, 0))

    out = []
    for i in range(len(e)):
        tgt = "-" if e.target_port[i] < 0 else f"{ip(e.target_ip[i])}:{e.target_port[i]}"
        ts = "-" if e.target_status[i] < 0 else str(e.target_status[i])
        parts = [
            fa.TYPES[e.type[i]], iso(int(e.time_us[i])), pools.elb, f"{ip(e.client_ip[i])}:{e.client_port[i]}", tgt,
            secs(int(e.request_processing_ms[i])), secs(int(e.target_processing_ms[i])),
            secs(int(e.response_processing_ms[i])), str(e.elb_status[i]), ts, str(e.received_bytes[i]),
            str(e.sent_bytes[i]),
            f'"{fa.METHODS[e.method[i]]} {pools.urls[e.url[i]]} {fa.HTTP_VERSIONS[e.http_version[i]]}"',
            f'"{pools.user_agents[e.user_agent[i]]}"', fa.SSL_CIPHERS[e.ssl_cipher[i]], fa.SSL_PROTOCOLS[e.ssl_protocol[i]],
            pools.target_groups[e.target_group[i]],
            f'"Root=1-{int(e.trace_epoch[i]):08x}-{int(e.trace_hi[i]):016x}{int(e.trace_lo[i]):08x}"',
            f'"{pools.domains[e.domain[i]]}"', f'"{pools.certs[e.cert[i]]}"',
            "-" if e.rule_priority[i] == fa.NO_RULE else str(e.rule_priority[i]), iso(int(e.created_us[i])),
            f'"{fa.ACTIONS[e.actions[i]]}"', f'"{pools.redirect_urls[e.redirect_url[i]]}"',
            f'"{pools.error_reasons[e.error_reason[i]]}"', f'"{tgt}"', f'"{ts if e.target_port[i] >= 0 else "-"}"',
            f'"{fa.CLASSIFICATIONS[e.classification[i]]}"', f'"{pools.classification_reasons[e.classification_reason[i]]}"',
            f"TID_{int(e.conn_hi[i]):016x}{int(e.conn_lo[i]):016x}", '"-"', '"-"', '"-"',
        ]
        out.append(" ".join(parts[:n_fields]))
    return out


@pytest.mark.parametrize("n_fields", [25, 29, 30, 33])
def test_vectorised_renderer_matches_reference(tmp_path, n_fields):
    _, ctx = _generated(tmp_path)
    reqs = ctx.alb_requests
    rng = np.random.default_rng(n_fields)
    e = reqs.entries.take(np.arange(min(len(reqs), 400)))
    n = len(e)
    e.rule_priority = rng.choice([fa.NO_RULE, -1, 0, 1, 10, 50000], n)
    e.error_reason = rng.integers(0, 2, n)
    e.classification = rng.integers(0, len(fa.CLASSIFICATIONS), n)
    e.classification_reason = rng.integers(0, 2, n)
    e.request_processing_ms = rng.choice([-1, 0, 1, 999, 1000, 123456], n)
    e.trace_hi = rng.integers(0, 2**63, n, dtype=np.uint64) * np.uint64(2)
    pools = fa.AlbPools(**{**reqs.pools.__dict__, "error_reasons": ("-", "LambdaInvalidResponse"),
                           "classification_reasons": ("-", "SpaceInUri"),
                           "user_agents": reqs.pools.user_agents + ("Mozilla/5.0 (X11; Linux) ümlaut",)})
    e.user_agent = np.where(rng.random(n) < 0.1, len(pools.user_agents) - 1, e.user_agent)
    assert fa.render_lines(e, pools, n_fields).decode().split("\n") == _reference_lines(e, pools, n_fields) + [""]
