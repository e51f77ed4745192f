"""Request URLs of the ALB stream, and the S3 objects the app reads to answer them.

``request_urls(...)`` gives every request an integer key that names its URL (what it is: scanner, crawler
or a customer page kind, plus the values its path is made of) and numbers the distinct keys in first-seen
order. The URL strings are made only when a log needs them (``UrlTable.pools()``, one string per distinct
key): the CloudTrail and flow sources read the stream without ever formatting a URL. Equal strings may sit
at two indices of the pool; the access log renders a request's URL by index, so the bytes are the same.
"""

from __future__ import annotations

import functools
import string
from dataclasses import dataclass

import numpy as np

from simulator.baseline import alb_site as site_mod
from simulator.world import World

CUSTOMER, CRAWLER, SCANNER = 0, 1, 2
STATEMENT_PAGE, PROFILE_PAGE = 7, 8  # indices into alb_site.PAGE_KINDS whose answer reads an S3 object
# URL kinds; a customer page of PAGE_KINDS index k is kind PAGE + k
SCAN_MALFORMED, SCAN_HTTP, SCAN_HTTPS, ROBOTS, PUBLIC, PAGE = range(6)
API_PREFIX = "/api/"


@dataclass(frozen=True)
class UrlTable:
    """The distinct URL keys of a window (rows of kind, a, b, c, d; see request_urls) and what their
    strings are made of."""

    keys: np.ndarray
    host: str
    node_ips: tuple[str, ...]
    statement_stems: tuple[str, ...]  # file name stem of each statements-bucket key

    def pools(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(URL of every distinct key, ("-", redirect target of every distinct key or "-"))."""
        host, node_ips = self.host, self.node_ips
        urls, redirects = [], ["-"]
        for uk, ka, kb, kc, kd in self.keys.tolist():
            redirect = "-"
            if uk == SCAN_MALFORMED:
                url = f"http://{node_ips[ka]}:80-"
            elif uk == SCAN_HTTP:
                path = site_mod.SCAN_PATHS[kb]
                url = f"http://{node_ips[ka]}:80{path}"
                redirect = f"https://{node_ips[ka]}:443{path}"
            elif uk == SCAN_HTTPS:
                url = f"https://{host}:443{site_mod.SCAN_PATHS[kb]}"
            elif uk == ROBOTS:
                url = f"https://{host}:443/robots.txt"
            elif uk == PUBLIC:
                url = f"https://{host}:443{site_mod.PUBLIC_PAGES[ka]}"
            else:
                template = site_mod.PAGE_KINDS[uk - PAGE][1]
                if "{" in template:
                    stem = self.statement_stems[kd] if kd >= 0 else ""
                    template = template.format(acct=ka, page=kb, asset=site_mod.ASSETS[kc], stmt=stem or ka)
                url = f"https://{host}:443{template}"
            urls.append(url)
            redirects.append(redirect)
        return tuple(urls), tuple(redirects)


@dataclass(frozen=True)
class RequestUrls:
    url: np.ndarray  # index into table.pools()[0], one per request
    redirect: np.ndarray  # index into table.pools()[1] (0 = "-"), one per request
    api: np.ndarray  # bool: the URL is under https://<host>:443/api/ (the listener's API rule)
    table: UrlTable
    s3_bucket: np.ndarray  # world bucket index the app reads from (-1 = none)
    s3_key: np.ndarray  # object array of str ("" = none)


@functools.lru_cache(maxsize=2)
def _statement_stems(world: World) -> tuple[str, ...]:
    """The file name stem of every statements-bucket key (the world's keys never change)."""
    bucket = next((b for b in world.buckets if b.purpose == "statements"), None)
    return tuple(str(k).rsplit("/", 1)[-1].removesuffix(".pdf") for k in bucket.keys) if bucket else ()


def _template_fields(template: str) -> frozenset[str]:
    return frozenset(f for _, f, _, _ in string.Formatter().parse(template) if f)


def _first_seen_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct rows of keys in first-seen order, index of each row's key in it); faster than
    np.unique(axis=0), which sorts rows as opaque byte strings."""
    n = len(keys)
    if n == 0:
        return keys, np.zeros(0, dtype=np.int64)
    order = np.lexsort(keys.T[::-1])  # stable: the first of each run of equal rows is its first occurrence
    ranked = keys[order]
    change = np.empty(n, dtype=bool)
    change[0] = True
    change[1:] = np.any(ranked[1:] != ranked[:-1], axis=1)
    starts = np.flatnonzero(change)
    group = np.empty(n, dtype=np.int64)
    group[order] = np.cumsum(change) - 1
    first = order[starts]  # first occurrence of every distinct row, in sorted-key order
    by_first = np.argsort(first)
    rank = np.empty(len(first), dtype=np.int64)
    rank[by_first] = np.arange(len(first))
    return keys[first[by_first]], rank[group]


def request_urls(
    world: World,
    kind: np.ndarray,
    page: np.ndarray,
    node: np.ndarray,
    http: np.ndarray,
    malformed: np.ndarray,
    scan_path: np.ndarray,
    robots: np.ndarray,
    public_page: np.ndarray,
    accts: np.ndarray,
) -> RequestUrls:
    """URLs, redirects and S3 objects of n requests (every argument is one value per request).

    kind: CUSTOMER/CRAWLER/SCANNER; page: PAGE_KINDS index; node: index of the ALB node the client reached;
    http/malformed: scanner sessions on the plain-HTTP listener / sending an unparsable request;
    scan_path, public_page: indices into SCAN_PATHS and PUBLIC_PAGES; robots: a crawler's first request;
    accts: the customer's account number.
    """
    n = len(kind)
    i = np.arange(n, dtype=np.int64)
    customer, crawler, scanner = kind == CUSTOMER, kind == CRAWLER, kind == SCANNER
    stmt_bucket = next((b for b in world.buckets if b.purpose == "statements"), None)
    cust_bucket = next((b for b in world.buckets if b.purpose == "customer-records"), None)

    s3_bucket = np.full(n, -1, dtype=np.int64)
    s3_key = np.full(n, "", dtype=object)
    stmt_key = np.full(n, -1, dtype=np.int64)
    if stmt_bucket is not None and stmt_bucket.keys:
        sel = customer & (page == STATEMENT_PAGE)
        stmt_key[sel] = (accts[sel] + i[sel]) % len(stmt_bucket.keys)
        s3_bucket[sel] = stmt_bucket.index
        s3_key[sel] = np.asarray(stmt_bucket.keys, dtype=object)[stmt_key[sel]]
    if cust_bucket is not None and cust_bucket.keys:
        sel = customer & (page == PROFILE_PAGE)
        s3_bucket[sel] = cust_bucket.index
        s3_key[sel] = np.asarray(cust_bucket.keys, dtype=object)[accts[sel] % len(cust_bucket.keys)]

    url_kind = np.where(
        customer,
        PAGE + page,
        np.where(
            crawler,
            np.where(robots, ROBOTS, PUBLIC),
            np.where(malformed, SCAN_MALFORMED, np.where(http, SCAN_HTTP, SCAN_HTTPS)),
        ),
    )
    a = np.where(scanner & (malformed | http), node, np.where(crawler & ~robots, public_page, 0))
    b = np.where(scanner & ~malformed, scan_path, 0)
    c = np.zeros(n, dtype=np.int64)
    d = np.full(n, -1, dtype=np.int64)
    for k, spec in enumerate(site_mod.PAGE_KINDS):
        fields = _template_fields(spec[1])
        if not fields:
            continue
        sel = customer & (page == k)
        if fields & {"acct", "stmt"}:
            a[sel] = accts[sel]
        if "page" in fields:
            b[sel] = 1 + i[sel] % 3
        if "asset" in fields:
            c[sel] = i[sel] % len(site_mod.ASSETS)
        if "stmt" in fields:
            d[sel] = stmt_key[sel]

    distinct, row_key = _first_seen_keys(np.stack([url_kind, a, b, c, d], axis=1))
    table = UrlTable(
        distinct, world.alb.domain, tuple(nd.public_ip for nd in world.alb.nodes), _statement_stems(world)
    )
    # the API rule matches https://<host>:443/api/...: customer pages whose path starts so (their templates'
    # literal heads are longer than "/api/", so formatting cannot change the answer) and scanner probes
    page_api = np.array([k[1].split("{")[0].startswith(API_PREFIX) for k in site_mod.PAGE_KINDS], dtype=bool)
    scan_api = np.array([p.startswith(API_PREFIX) for p in site_mod.SCAN_PATHS], dtype=bool)
    public_api = np.array([p.startswith(API_PREFIX) for p in site_mod.PUBLIC_PAGES], dtype=bool)
    api = np.where(
        customer,
        page_api[page],
        np.where(
            crawler, ~robots & public_api[public_page], scanner & ~malformed & ~http & scan_api[scan_path]
        ),
    )
    return RequestUrls(
        url=row_key,
        redirect=np.where(url_kind == SCAN_HTTP, row_key + 1, 0),
        api=api,
        table=table,
        s3_bucket=s3_bucket,
        s3_key=s3_key,
    )
