"""Who calls S3 in the baseline: app/batch instances (instance roles), staff, anonymous web visitors.

Each function returns row dicts with the S3Requests column names (missing columns take the
defaults of simulator.baseline.s3requests). Staff follow their behaviour profile: only in their
working hours (own time zone, weekends and holidays off), from the office egress, VPN or home,
with their own tools and user agents; a few per cent of their calls fail (AccessDenied, NoSuchKey).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import zlib
from zoneinfo import ZoneInfo

import numpy as np

from simulator.baseline import alb_site
from simulator.engine.context import WindowContext
from simulator.world import Bucket, Instance, World

GET, PUT, HEAD, DELETE, LIST = range(5)
IAM_USER, ASSUMED_ROLE, AWS_SERVICE, ANONYMOUS = range(4)
# job -> (bucket purposes, S3 requests per working hour, operation weights GET PUT HEAD DELETE LIST)
JOB_S3 = {
    "analyst": (("customer-records",), 1.5, (0.7, 0.0, 0.1, 0.0, 0.2)),
    "finance": (("statements",), 1.0, (0.75, 0.05, 0.05, 0.0, 0.15)),
    "security": (("access-logs", "cloudtrail-logs", "flow-logs"), 0.4, (0.6, 0.0, 0.0, 0.0, 0.4)),
    "cloud-admin": (("customer-records", "statements", "static-site", "artifacts"), 0.5, (0.3, 0.1, 0.1, 0.05, 0.45)),
    "developer": (("artifacts", "static-site"), 0.6, (0.45, 0.3, 0.05, 0.05, 0.15)),
}
CLI_COMMAND = {GET: "s3.cp", PUT: "s3.cp", HEAD: "s3api.head-object", DELETE: "s3.rm", LIST: "s3.ls"}
STATEMENT_HOUR_LOCAL = 2  # the nightly statement run (batch instance) starts 02:00 New York time


def _role_index(world: World, name: str, account_id: str) -> int:
    return next(i for i, r in enumerate(world.roles) if r.name == name and r.account_id == account_id)


def instance_block(
    world: World,
    instances: list[Instance],
    which: np.ndarray,
    at_ms: np.ndarray,
    bucket: np.ndarray,
    op: int,
    keys: np.ndarray,
    size: np.ndarray,
) -> dict[str, np.ndarray]:
    """Requests made with instance roles' credentials through the VPC's S3 gateway endpoint, as columns:
    request j is made by instances[which[j]] at at_ms[j] on world.buckets[bucket[j]] / keys[j] with object
    size size[j] (the body size of a GET or PUT)."""
    from simulator.baseline.s3requests import filled_block, session_access_key, vpc_endpoint_id

    n = len(at_ms)
    if n == 0:
        return {}
    per_instance = [
        (
            _role_index(world, inst.role_name, inst.account_id),
            inst.id,
            f"arn:aws:sts::{inst.account_id}:assumed-role/{inst.role_name}/{inst.id}",
            inst.private_ip,
            vpc_endpoint_id(world, inst.vpc_id),
            world.enis.index_of(inst.eni_id),
        )
        for inst in instances
    ]
    role, session, arn, ip, vpce, eni = (np.array(col, dtype=object)[which] for col in zip(*per_instance, strict=True))
    # one credential session per instance and 6-hour period
    period = np.asarray(at_ms, dtype=np.int64) // 21_600_000
    sessions, inverse = np.unique(period * len(instances) + which, return_inverse=True)
    keys_of_session = np.array(
        [
            session_access_key(f"{world.seed}|{world.student}|{instances[s % len(instances)].id}|{s // len(instances)}")
            for s in sessions.tolist()
        ],
        dtype=object,
    )
    endpoints = np.array([f"{b.name}.s3.amazonaws.com" for b in world.buckets], dtype=object)
    sizes = {"bytes_received": size} if op == PUT else {"bytes_sent": size} if op == GET else {}
    return filled_block(
        n, time_ms=at_ms, bucket=bucket, key=keys, operation=op, principal_type=ASSUMED_ROLE, role=role,
        session_name=session, arn=arn, access_key_id=keys_of_session[inverse.reshape(-1)], tool="sdk-java",
        source_ip=ip, user_agent=world.user_agents["sdk-java"][0], vpc_endpoint_id=vpce, eni=eni,
        endpoint=endpoints[bucket], object_size=size, **sizes,
    )


def batch_block(ctx: WindowContext, tz: ZoneInfo) -> dict[str, np.ndarray]:
    """The nightly statement run: the batch instance writes new statement PDFs for 20 minutes (as columns)."""
    world = ctx.world
    batch = next((i for i in world.instances if i.tier == "batch"), None)
    bucket = next((b for b in world.buckets if b.purpose == "statements"), None)
    if batch is None or bucket is None:
        return {}
    rng = ctx.rng("s3.batch")
    day = dt.datetime.fromtimestamp(ctx.start_ms / 1000, tz).date()
    times: list[int] = []
    keys: list[str] = []
    sizes: list[int] = []
    for d in (day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)):
        run = dt.datetime(d.year, d.month, d.day, STATEMENT_HOUR_LOCAL, tzinfo=tz)
        start = int(run.timestamp() * 1000)
        lo, hi = max(start, ctx.start_ms), min(start + 1_200_000, ctx.end_ms)
        if lo >= hi:
            continue
        n = rng.poisson(world.scale * 3 * (hi - lo) / 1_200_000)
        times += np.sort(rng.integers(lo, hi, n)).tolist()
        keys += [f"statements/{d.year}/{d.month:02d}/{num}.pdf" for num in rng.integers(10_000_000, 99_999_999, n).tolist()]
        sizes += rng.lognormal(np.log(150_000), 0.4, n).astype(np.int64).tolist()
    n = len(times)
    return instance_block(
        world, [batch], np.zeros(n, dtype=np.int64), np.array(times, dtype=np.int64), np.full(n, bucket.index), PUT,
        np.array(keys, dtype=object), np.array(sizes, dtype=np.int64),
    )


def _working(world: World, user, at: dt.datetime) -> bool:
    p = user.profile
    local = at.astimezone(ZoneInfo(p.timezone))
    if local.date() in world.holidays.get(p.holiday_calendar, frozenset()):
        return False
    hour = local.hour + local.minute / 60
    if not (p.work_start <= hour < p.work_end):
        return False
    return local.weekday() < 5 or p.weekend_factor > 0


@functools.lru_cache(maxsize=2)
def _staff_profiles(world: World) -> list[tuple]:
    """(user, buckets, tools, cumulative tool weights, cumulative operation weights, agents) of every human
    whose job touches S3, in world.users order (built once per world)."""
    by_purpose: dict[str, list[Bucket]] = {}
    for b in world.buckets:
        by_purpose.setdefault(b.purpose, []).append(b)
    staff = []
    for user in world.users:
        spec = JOB_S3.get(user.job)
        if spec is None or not user.is_human:
            continue
        buckets = [b for p in spec[0] for b in by_purpose.get(p, []) if b.account_id == user.account_id]
        if not buckets:
            continue
        tools = [t for t, _ in user.profile.tools if t in ("console", "aws-cli", "boto3")] or ["console"]
        tw = np.array([w for t, w in user.profile.tools if t in tools] or [1.0])
        ow = np.array(spec[2], dtype=float)
        cum_tools, cum_ops = np.cumsum(tw / tw.sum()).tolist(), np.cumsum(ow / ow.sum()).tolist()
        staff.append((user, buckets, tools, cum_tools, cum_ops, dict(user.user_agents)))
    return staff


def human_rows(ctx: WindowContext) -> list[dict]:
    """Staff reading and writing the buckets their job touches, in their working hours."""
    from simulator.baseline.s3requests import session_access_key

    world = ctx.world
    rng = ctx.rng("s3.humans")
    mid = dt.datetime.fromtimestamp((ctx.start_ms + ctx.end_ms) / 2000, dt.UTC)
    hours = (ctx.end_ms - ctx.start_ms) / 3_600_000
    staff = [s for s in _staff_profiles(world) if _working(world, s[0], mid)]
    counts = rng.poisson([JOB_S3[s[0].job][1] * hours for s in staff]) if staff else np.zeros(0, dtype=np.int64)
    total = int(counts.sum())
    # every draw of the window at once (one request per row of each array)
    who = np.repeat(np.arange(len(staff)), counts)
    times = rng.integers(ctx.start_ms, ctx.end_ms, total)
    order = np.lexsort((times, who))
    who, times = who[order].tolist(), times[order].tolist()
    u_bucket, u_op, u_tool, u_key, fate, where_u = rng.random((6, total)).tolist() if total else ([],) * 6
    upload = rng.integers(1000, 9999, total).tolist()
    office = rng.integers(0, len(world.office_egress_ips), total).tolist()
    sizes = rng.lognormal(np.log(40_000), 1.2, total).astype(np.int64).tolist()
    list_bytes = rng.integers(600, 30_000, total).tolist()
    rows = []
    for j, t in enumerate(times):
        user, buckets, tools, tool_cum, op_cum, agents = staff[who[j]]
        bucket = buckets[int(u_bucket[j] * len(buckets))]
        op = min(bisect.bisect_right(op_cum, u_op[j]), len(op_cum) - 1)
        tool = tools[min(bisect.bisect_right(tool_cum, u_tool[j]), len(tools) - 1)]
        key = str(bucket.keys[int(u_key[j] * len(bucket.keys))]) if bucket.keys else ""
        if op in (GET, HEAD, DELETE) and not key:
            op = LIST
        if op == PUT:
            key = f"{key.rsplit('/', 1)[0] + '/' if '/' in key else ''}upload-{upload[j]}.csv"
        r = fate[j]
        where = where_u[j]
        src = (world.office_egress_ips[office[j]]
               if where < user.profile.office_share else
               world.vpn_egress_ips[0] if where < user.profile.office_share + 0.15 else user.home_ips[0])
        auth = "AuthHeader"
        if tool == "console":
            akid = session_access_key(f"{world.seed}|{world.student}|{user.name}|console|{t // 43_200_000}")
            ua = world.user_agents["s3-console"][0]
            if op == GET:  # the console downloads through a presigned URL, straight from the browser
                ua, auth = agents.get("console", ua), "QueryString"
        else:
            ua = agents.get(tool, "").replace("{command}", CLI_COMMAND[op])
            akid = user.access_key_id
        size = sizes[j]
        row = {
            "time_ms": t, "bucket": bucket.index, "key": "" if op == LIST else key,
            "prefix": key.rsplit("/", 1)[0] + "/" if op == LIST and "/" in key else "",
            "operation": op, "principal_type": IAM_USER, "user": user.index, "arn": user.arn,
            "access_key_id": akid, "tool": tool, "mfa": tool == "console" and user.profile.mfa, "source_ip": src,
            "user_agent": ua, "endpoint": f"{bucket.name}.s3.amazonaws.com",
            "tls_version": "TLSv1.3", "cipher_suite": "TLS_AES_128_GCM_SHA256", "auth_type": auth,
        }
        if r < 0.03:
            row.update(http_status=403, error_code="AccessDenied", error_message="Access Denied", bytes_sent=243)
        elif r < 0.04 and op in (GET, HEAD):
            row.update(http_status=404, error_code="NoSuchKey", error_message="The specified key does not exist.",
                       bytes_sent=0 if op == HEAD else 300)
        elif op == GET:
            row.update(bytes_sent=size, object_size=size)
        elif op == PUT:
            row.update(bytes_received=size, object_size=size)
        elif op == HEAD:
            row.update(object_size=size)
        elif op == DELETE:
            row.update(http_status=204)
        else:
            row.update(bytes_sent=list_bytes[j])
        rows.append(row)
    return rows


def anonymous_rows(ctx: WindowContext) -> list[dict]:
    """Web visitors fetching public objects of the static-site bucket (no credentials)."""
    world = ctx.world
    bucket = next((b for b in world.buckets if b.purpose == "static-site"), None)
    if bucket is None or not bucket.keys:
        return []
    site = alb_site.site_for(world)
    rng = ctx.rng("s3.anonymous")
    local = dt.datetime.fromtimestamp(ctx.start_ms / 1000, ZoneInfo(alb_site.BANK_TIMEZONE))
    rate = alb_site.HOURLY_SESSIONS[local.hour] * world.scale / 200 * 0.15
    n = rng.poisson(rate * (ctx.end_ms - ctx.start_ms) / 3_600_000)
    who = rng.integers(0, len(site.customer_ips), n)
    rows = []
    for t, c in zip(np.sort(rng.integers(ctx.start_ms, ctx.end_ms, n)).tolist(), who.tolist(), strict=True):
        key = str(bucket.keys[int(rng.integers(0, len(bucket.keys)))])
        ip = int(site.customer_ips[c])
        size = 2_000 + (zlib.crc32(key.encode()) % 50) * 3_000
        not_modified = rng.random() < 0.2
        rows.append({
            "time_ms": t, "bucket": bucket.index, "key": key, "operation": GET, "principal_type": ANONYMOUS,
            "tool": "browser", "source_ip": f"{ip >> 24 & 255}.{ip >> 16 & 255}.{ip >> 8 & 255}.{ip & 255}",
            "user_agent": site.user_agents[int(site.customer_agent[c])], "endpoint": f"{bucket.name}.s3.amazonaws.com",
            "http_status": 304 if not_modified else 200, "bytes_sent": 0 if not_modified else size, "object_size": size,
            "signature_version": "", "auth_type": "", "tls_version": "TLSv1.3", "cipher_suite": "TLS_AES_128_GCM_SHA256",
        })
    return rows
