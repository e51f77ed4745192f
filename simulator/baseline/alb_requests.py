"""The shared ``alb_requests`` stream: one window of the bank's web requests through its ALB.

``generate_alb_requests(ctx) -> AlbRequests`` (called lazily as ``ctx.alb_requests``) samples one
window of requests with numpy: customer sessions arrive as a non-homogeneous Poisson process that
follows the bank's local time of day (America/New_York; quieter at weekends), crawlers and scanners
arrive at constant rates. Columns of ``AlbRequests`` (all numpy arrays, one row per request, sorted
by ``entries.time_us``):

  entries            simulator.formats.alb.AlbEntries — every access-log field (see that module):
                     time_us (response, epoch µs), created_us (request received), client_ip (uint32),
                     client_port, target_ip (uint32), target_port (-1 = not dispatched),
                     *_processing_ms, elb_status, target_status, received_bytes, sent_bytes, …
  pools              simulator.formats.alb.AlbPools (string pools the entry indices point into; made on
                     first use, as only the access log needs the URL strings)
  node               index into world.alb.nodes (the node that handled the request)
  target             index into world.alb.target_groups[0].target_instance_ids (-1 = none)
  client_kind        0 customer, 1 crawler, 2 scanner
  session            session number within the window (requests of one session share one client
                     connection: same client ip:port, same conn_trace_id)
  s3_bucket, s3_key  world bucket index (-1 = none) and object key the app reads from S3 to answer
                     (statement PDFs, profile pages); simulator.baseline.s3requests turns these into
                     GetObject requests from the target instance at the same moment.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np

from simulator.baseline import alb_site as site_mod
from simulator.baseline import alb_urls
from simulator.engine.context import WindowContext
from simulator.formats import alb as fa

CRAWLER_SESSIONS_PER_HOUR = 30.0
SCANNER_SESSIONS_PER_HOUR = 45.0
API_RULE_PRIORITY = 10
CUSTOMER, CRAWLER, SCANNER = alb_urls.CUSTOMER, alb_urls.CRAWLER, alb_urls.SCANNER


@dataclass
class AlbRequests:
    entries: fa.AlbEntries
    node: np.ndarray
    target: np.ndarray
    client_kind: np.ndarray
    session: np.ndarray
    s3_bucket: np.ndarray
    s3_key: np.ndarray  # object array of str ("" = none)
    url_table: alb_urls.UrlTable
    pool_parts: dict  # the AlbPools fields other than urls and redirect_urls

    def __len__(self) -> int:
        return len(self.entries)

    @functools.cached_property
    def pools(self) -> fa.AlbPools:
        """The string pools (URLs are formatted here, on first use: only the access log needs them)."""
        urls, redirects = self.url_table.pools()
        return fa.AlbPools(urls=urls, redirect_urls=redirects, **self.pool_parts)


def _session_starts(ctx: WindowContext, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(start ms, kind) of every session in the window, minute-by-minute Poisson."""
    tz = ZoneInfo(site_mod.BANK_TIMEZONE)
    minutes = np.arange(ctx.start_ms // 60_000, -(-ctx.end_ms // 60_000), dtype=np.int64)
    rates = np.empty((len(minutes), 3))
    scale = ctx.world.scale / 200
    for i, m in enumerate(minutes.tolist()):
        local = dt.datetime.fromtimestamp(m * 60, tz)
        weekend = 0.75 if local.weekday() >= 5 else 1.0
        rates[i, CUSTOMER] = site_mod.HOURLY_SESSIONS[local.hour] * scale * weekend / 60
    rates[:, CRAWLER] = CRAWLER_SESSIONS_PER_HOUR * max(scale, 0.25) / 60
    rates[:, SCANNER] = SCANNER_SESSIONS_PER_HOUR / 60
    counts = rng.poisson(rates)
    kind = np.repeat(np.tile(np.arange(3), len(minutes)), counts.ravel())
    minute = np.repeat(np.repeat(minutes, 3), counts.ravel())
    start = minute * 60_000 + rng.integers(0, 60_000, len(minute))
    keep = (start >= ctx.start_ms) & (start < ctx.end_ms)
    order = np.argsort(start[keep], kind="stable")
    return start[keep][order], kind[keep][order]


def _lognormal_ms(rng: np.random.Generator, median: np.ndarray, sigma: float) -> np.ndarray:
    return np.maximum(0, np.rint(median * rng.lognormal(0.0, sigma, len(median)))).astype(np.int64)


def generate_alb_requests(ctx: WindowContext) -> AlbRequests:
    """One window of web requests (see module docstring for the columns)."""
    world = ctx.world
    lb = world.alb
    tg = lb.target_groups[0]
    site = site_mod.site_for(world)
    rng = ctx.rng("alb.requests")
    s_start, s_kind = _session_starts(ctx, rng)
    n_s = len(s_start)
    n_per = np.where(s_kind == CUSTOMER, 2 + rng.geometric(1 / 9, n_s),
                     np.where(s_kind == CRAWLER, rng.geometric(1 / 5, n_s), rng.geometric(1 / 3, n_s)))
    n_per = np.minimum(n_per, 40)
    sess = np.repeat(np.arange(n_s), n_per)
    n = len(sess)
    first = np.zeros(n, dtype=bool)
    first[np.cumsum(n_per) - n_per] = True
    pos = np.arange(n) - np.repeat(np.cumsum(n_per) - n_per, n_per)
    kind = s_kind[sess]

    # which page each request asks for
    kinds = site_mod.PAGE_KINDS
    w = np.array([k[2] for k in kinds])
    page = rng.choice(len(kinds), n, p=w / w.sum())
    page = np.where(pos == 0, np.where(rng.random(n) < 0.4, site_mod.HOME, site_mod.LOGIN_PAGE), page)
    page = np.where(pos == 1, site_mod.LOGIN_POST, page)
    gaps = np.where(page == site_mod.STATIC, rng.exponential(150, n), rng.exponential(7000, n))
    gaps[first] = 0
    created_ms = s_start[sess] + np.cumsum(gaps).astype(np.int64) - np.repeat(
        np.cumsum(gaps).astype(np.int64)[first], n_per)
    created_us = created_ms * 1000 + rng.integers(0, 1000, n)

    customer = site.customer_ips.shape[0]
    cust = rng.integers(0, customer, n_s)
    crawler_i = rng.choice(len(site_mod.CRAWLERS), n_s, p=[c[2] for c in site_mod.CRAWLERS])
    crawler_ip = np.array([(a << 24) | (b << 16) | (c << 8) for _, (a, b, c), _ in site_mod.CRAWLERS],
                          dtype=np.uint32)[crawler_i] | rng.integers(1, 255, n_s, dtype=np.uint32)
    scan_ip = site_mod.public_ipv4(rng, n_s)
    s_ip = np.where(s_kind == CUSTOMER, site.customer_ips[cust], np.where(s_kind == CRAWLER, crawler_ip, scan_ip))
    scan_agent = np.where(rng.random(n_s) < 0.2, 0,
                          rng.integers(site.scanner_offset, len(site.user_agents), n_s))
    s_agent = np.where(s_kind == CUSTOMER, site.customer_agent[cust],
                       np.where(s_kind == CRAWLER, site.crawler_offset + crawler_i, scan_agent))
    s_http = (s_kind == SCANNER) & (rng.random(n_s) < 0.5)  # plain HTTP to the node's IP → redirect
    s_malformed = (s_kind == SCANNER) & ~s_http & (rng.random(n_s) < 0.15)
    mobile_app = s_agent >= site.browser_offset + len(site_mod.BROWSER_AGENTS) - 2
    s_h2 = (s_kind == CUSTOMER) & ~mobile_app & (rng.random(n_s) < 0.9)
    s_tls13 = rng.random(n_s) < 0.6
    s_cipher = np.where(s_tls13, 6, np.where(rng.random(n_s) < 0.88, 1, 2))
    s_node = rng.integers(0, len(lb.nodes), n_s)
    s_port = rng.integers(1024, 65536, n_s)
    s_reused = (s_kind == CUSTOMER) & (rng.random(n_s) < 0.3)
    s_conn = rng.integers(0, 2**63, (n_s, 2), dtype=np.uint64)

    crawler_pages = np.where(pos == 0, -1, -2)  # -1 robots.txt, -2 a public page
    scan_path = rng.integers(0, len(site_mod.SCAN_PATHS), n)
    public_page = rng.integers(0, len(site_mod.PUBLIC_PAGES), n)
    http = s_http[sess]
    malformed = s_malformed[sess]

    # status, sizes and latency by page kind
    status = np.empty(n, dtype=np.int64)
    u = rng.random(n)
    for k, spec in enumerate(kinds):
        sel = page == k
        acc = 0.0
        status[sel] = spec[6][-1][0]
        for st, p in spec[6]:
            status[sel & (u >= acc) & (u < acc + p)] = st
            acc += p
    sent_med = np.array([k[4] for k in kinds], dtype=float)[page]
    tgt_med = np.array([k[5] for k in kinds], dtype=float)[page]
    is_crawler, is_scanner = kind == CRAWLER, kind == SCANNER
    status = np.where(is_crawler, np.where(rng.random(n) < 0.97, 200, 404), status)
    status = np.where(is_scanner, 404, status)
    robots = is_crawler & (pos == 0)
    sent_med = np.where(robots, 380, np.where(is_crawler, 14_000, np.where(is_scanner, 520, sent_med)))
    tgt_med = np.where(is_crawler | is_scanner, 20, tgt_med)
    sent = _lognormal_ms(rng, sent_med, 0.6)
    sent = np.where(status == 304, rng.integers(180, 260, n), sent)
    tgt_ms = _lognormal_ms(rng, tgt_med, 0.8)
    req_ms = np.where(rng.random(n) < 0.9, 0, 1)
    resp_ms = np.where(sent > 100_000, 1, 0)
    recv = rng.integers(280, 900, n) + np.where(np.isin(page, (site_mod.LOGIN_POST, 9)) & (kind == CUSTOMER),
                                                rng.integers(200, 1400, n), 0)

    target = rng.integers(0, len(tg.target_ips), n)
    target_ip = np.array([_ip(t) for t in tg.target_ips], dtype=np.uint32)[target]
    target_port = np.full(n, tg.port)
    target_status = status.copy()
    elb_status = status.copy()
    # ALB-generated errors: 502 (target reset) and 504 (target timeout) have no target status/response
    gw = np.isin(status, (502, 504))
    target_status[gw] = -1
    tgt_ms[status == 504] = -1
    resp_ms = np.where(gw, -1, resp_ms)
    tgt_ms = np.where(status == 502, -1, tgt_ms)
    # plain-HTTP listener: redirect action, nothing dispatched
    no_target = http | malformed
    elb_status = np.where(http, 301, np.where(malformed, 400, elb_status))
    target_status[no_target] = -1
    target_port[no_target] = -1
    target[no_target] = -1
    for arr in (req_ms, tgt_ms, resp_ms):
        arr[no_target] = -1
    sent = np.where(http, rng.integers(130, 190, n), np.where(malformed, 272, sent))
    recv = np.where(malformed, 0, recv)

    # URLs and the S3 objects the app reads
    accts = site.customer_accounts[cust][sess]
    req = alb_urls.request_urls(world, kind, page, s_node[sess], http, malformed, scan_path, crawler_pages == -1,
                                public_page, accts)
    url_idx, redirect_idx = req.url, req.redirect
    s3_bucket = np.where(status == 200, req.s3_bucket, -1)
    s3_key = np.where(s3_bucket >= 0, req.s3_key, "")

    method = np.array([fa.METHODS.index(k[0]) for k in kinds])[page]
    method = np.where(is_crawler | is_scanner, 0, method)
    method = np.where(malformed, fa.METHODS.index("-"), method)
    h2 = s_h2[sess]
    typ = np.where(http | malformed, 0, np.where(h2, 2, 1))
    version = np.where(malformed, 3, np.where(h2, 1, 0))
    tls = ~(http | malformed)
    cipher = np.where(tls, s_cipher[sess], 0)
    proto = np.where(tls, np.where(s_tls13[sess], 2, 1), 0)
    rule = np.where(malformed, fa.NO_RULE, np.where(req.api, API_RULE_PRIORITY, 0))
    actions = np.where(malformed, 0, np.where(http, 2, 1))
    cert = np.where(tls, np.where(s_reused[sess], 2, 1), 0)
    domain = np.where(tls & (kind != SCANNER), 1, 0)
    tg_idx = np.where(no_target, 0, 1)
    resp_total = np.maximum(req_ms, 0) + np.maximum(tgt_ms, 0) + np.maximum(resp_ms, 0)
    time_us = created_us + resp_total * 1000 + rng.integers(0, 1000, n)
    trace = rng.integers(0, 2**63, (n, 2), dtype=np.uint64)

    entries = fa.AlbEntries(
        time_us=time_us, created_us=created_us, type=typ, client_ip=s_ip[sess].astype(np.uint32),
        client_port=s_port[sess], target_ip=target_ip, target_port=target_port, request_processing_ms=req_ms,
        target_processing_ms=tgt_ms, response_processing_ms=resp_ms, elb_status=elb_status,
        target_status=target_status, received_bytes=recv, sent_bytes=sent, method=method, url=url_idx,
        http_version=version, user_agent=np.where(malformed, 0, s_agent[sess]),  # unparsable request: no user agent
        ssl_cipher=cipher, ssl_protocol=proto, target_group=tg_idx,
        trace_epoch=created_us // 1_000_000, trace_hi=trace[:, 0], trace_lo=trace[:, 1] & np.uint64(0xFFFFFFFF), domain=domain, cert=cert,
        rule_priority=rule, actions=actions, redirect_url=redirect_idx, error_reason=np.zeros(n, dtype=np.int64),
        classification=np.zeros(n, dtype=np.int64), classification_reason=np.zeros(n, dtype=np.int64),
        conn_hi=s_conn[sess, 0], conn_lo=s_conn[sess, 1],
    )
    pool_parts = dict(
        elb=lb.log_id, user_agents=site.user_agents, error_reasons=("-",), domains=("-", lb.domain),
        certs=("-", site.cert_arn, "session-reused"), target_groups=("-", tg.arn), classification_reasons=("-",),
    )
    order = np.argsort(time_us, kind="stable")
    return AlbRequests(
        entries=entries.take(order), node=s_node[sess][order], target=target[order], client_kind=kind[order],
        session=sess[order], s3_bucket=s3_bucket[order], s3_key=s3_key[order], url_table=req.table,
        pool_parts=pool_parts,
    )


def _ip(text: str) -> int:
    a, b, c, d = (int(x) for x in text.split("."))
    return (a << 24) | (b << 16) | (c << 8) | d
