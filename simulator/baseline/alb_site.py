"""The bank's public web site as the ALB sees it: page kinds, client populations and their pools.

Built once per world (``site_for(world)``) from the world seed. Everything the request generator
samples per request is an index into these tables, so generation stays vectorised.

Page kinds carry: method, a URL path template, whether the app reads an S3 object to answer
(statement PDFs and profile pages — the S3 GetObject then appears in ``s3_requests``), response size
and target latency medians (lognormal), and the status mix. Clients are customers (residential
IPs, browsers and the mobile app, mostly HTTP/2), search-engine crawlers (their published ranges),
and scanners (random internet IPs probing well-known vulnerable paths, many over plain HTTP).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from simulator.world import World, world_seed

# kind: (method, path template, weight for signed-in customers, S3 purpose read by the app or "",
#        median sent bytes, median target ms, status mix ((status, p), ...))
PAGE_KINDS: tuple[tuple[str, str, float, str, int, int, tuple[tuple[int, float], ...]], ...] = (
    ("GET", "/", 0.0, "", 18_500, 25, ((200, 1.0),)),
    ("GET", "/login", 0.0, "", 9_800, 18, ((200, 1.0),)),
    ("POST", "/login", 0.0, "", 420, 180, ((302, 0.95), (200, 0.05))),
    ("GET", "/accounts/summary", 0.16, "", 24_000, 60, ((200, 0.985), (302, 0.01), (500, 0.005))),
    ("GET", "/api/v1/accounts", 0.16, "", 3_400, 45, ((200, 0.99), (401, 0.01))),
    ("GET", "/api/v1/accounts/{acct}/transactions?page={page}", 0.18, "", 7_900, 90,
     ((200, 0.985), (401, 0.01), (504, 0.005))),
    ("GET", "/statements", 0.06, "", 12_000, 55, ((200, 1.0),)),
    ("GET", "/statements/{stmt}.pdf", 0.05, "statements", 160_000, 140, ((200, 0.99), (404, 0.01))),
    ("GET", "/profile", 0.05, "customer-records", 11_000, 70, ((200, 1.0),)),
    ("POST", "/api/v1/transfers", 0.03, "", 900, 220, ((201, 0.97), (400, 0.02), (502, 0.01))),
    ("GET", "/static/{asset}", 0.28, "", 42_000, 3, ((200, 0.65), (304, 0.35))),
    ("GET", "/logout", 0.03, "", 310, 12, ((302, 1.0),)),
)
HOME, LOGIN_PAGE, LOGIN_POST = 0, 1, 2
STATIC = 10
PUBLIC_PAGES = ("/rates", "/mortgages", "/cards", "/help/faq", "/contact", "/branches", "/about", "/careers")
ASSETS = (
    "js/app.3f9c2a71.js", "js/vendor.b81e0c55.js", "css/site.7d2e90aa.css", "img/logo.svg", "img/hero-2026.webp",
    "fonts/inter-var.woff2", "favicon.ico",
)
SCAN_PATHS = (
    "/wp-login.php", "/.env", "/.git/config", "/phpmyadmin/index.php", "/admin/", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
    "/actuator/health", "/boaform/admin/formLogin", "/owa/auth/logon.aspx", "/HNAP1/", "/solr/admin/info/system?wt=json",
    "/.aws/credentials", "/server-status", "/cgi-bin/luci/;stok=/locale", "/xmlrpc.php", "/config.json", "/login.action",
)
BROWSER_AGENTS = (
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", 0.30),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", 0.18),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", 0.10),
    ("Mozilla/5.0 (Linux; Android 14; SM-S918U) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36", 0.12),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", 0.10),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", 0.05),
    ("AnyBank/7.4.2 (com.anybank.mobile; build:7402; iOS 18.1.1) Alamofire/5.9.1", 0.10),
    ("okhttp/4.12.0", 0.05),
)
CRAWLERS = (  # (user agent, first three octets of a published crawler range, share)
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", (66, 249, 66), 0.45),
    ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", (157, 55, 39), 0.30),
    ("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", (54, 36, 148), 0.15),
    ("Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", (5, 255, 231), 0.10),
)
SCANNER_AGENTS = (
    "Mozilla/5.0 zgrab/0.x", "python-requests/2.32.3", "curl/8.5.0", "Go-http-client/1.1", "-",
    "Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.129 Safari/537.36",
)
# Residential /8 blocks customer addresses come from (US cable/DSL providers).
CUSTOMER_BLOCKS = (73, 24, 98, 108, 71, 76, 67, 174, 68, 99)
# Sessions per hour at scale 200 by local hour (retail banking: quiet nights, lunch and evening peaks).
HOURLY_SESSIONS = (
    80, 50, 35, 30, 35, 60, 150, 320, 520, 640, 700, 720, 760, 700, 660, 640, 650, 700, 780, 820, 760, 600, 380, 180,
)
BANK_TIMEZONE = "America/New_York"


@dataclass(frozen=True)
class Site:
    """Per-world pools for the ALB request generator (uint32 addresses, string pools)."""

    customer_ips: np.ndarray  # uint32, one per customer
    customer_agent: np.ndarray  # index into user_agents, fixed per customer
    customer_accounts: np.ndarray  # int, a customer's account number
    user_agents: tuple[str, ...]  # "-" first, then browsers, crawlers, scanners
    browser_offset: int
    crawler_offset: int
    scanner_offset: int
    cert_arn: str


@lru_cache(maxsize=8)
def site_for(world: World) -> Site:
    rng = np.random.default_rng([world_seed(world.seed, world.student), 0xA1B])
    n = max(200, world.scale * 40)
    blocks = np.array(CUSTOMER_BLOCKS, dtype=np.uint32)[rng.integers(0, len(CUSTOMER_BLOCKS), n)]
    ips = (blocks << np.uint32(24)) | rng.integers(1 << 8, 1 << 24, n, dtype=np.uint32)
    agents = ("-",) + tuple(a for a, _ in BROWSER_AGENTS) + tuple(c[0] for c in CRAWLERS) + tuple(
        a for a in SCANNER_AGENTS if a != "-")
    p = np.array([w for _, w in BROWSER_AGENTS])
    cust_agent = 1 + rng.choice(len(BROWSER_AGENTS), n, p=p / p.sum())
    uuid_hex = rng.integers(0, 16, 32)
    h = "".join("0123456789abcdef"[i] for i in uuid_hex)
    cert = (f"arn:aws:acm:{world.alb.region}:{world.alb.account_id}:certificate/"
            f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return Site(
        customer_ips=ips, customer_agent=cust_agent, customer_accounts=rng.integers(10**9, 10**10, n),
        user_agents=agents, browser_offset=1, crawler_offset=1 + len(BROWSER_AGENTS),
        scanner_offset=1 + len(BROWSER_AGENTS) + len(CRAWLERS), cert_arn=cert,
    )


# Not routable on the internet (RFC 6890 special-purpose blocks): scanners never come from these.
_RESERVED = tuple((int.from_bytes(bytes(map(int, b.split("."))), "big"), p) for b, p in (
    ("0.0.0.0", 8), ("10.0.0.0", 8), ("100.64.0.0", 10), ("127.0.0.0", 8), ("169.254.0.0", 16), ("172.16.0.0", 12),
    ("192.0.0.0", 24), ("192.0.2.0", 24), ("192.168.0.0", 16), ("198.18.0.0", 15), ("198.51.100.0", 24),
    ("203.0.113.0", 24),
))


def public_ipv4(rng: np.random.Generator, n: int) -> np.ndarray:
    """n random routable unicast IPv4 addresses (uint32), e.g. internet scanners."""
    out = rng.integers(1 << 24, 224 << 24, n, dtype=np.uint32)
    while True:
        bad = np.zeros(n, dtype=bool)
        for base, plen in _RESERVED:
            bad |= (out >> np.uint32(32 - plen)) == np.uint32(base >> (32 - plen))
        if not bad.any():
            return out
        out[bad] = rng.integers(1 << 24, 224 << 24, int(bad.sum()), dtype=np.uint32)
