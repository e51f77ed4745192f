"""A web application attack through the bank's ALB: directory scanning, SQL injection, path traversal, then
exfiltration-sized 200 responses — as ALB access-log lines plus the flows they cause (client → ALB node on
443, ALB node → target instance on the app port), one story: same client IP, same times, same bytes.

Lines are rendered by the project's own ALB format (simulator.formats.alb, 33 fields like the baseline) with
the baseline's pools (domain, certificate, target group) so attack lines differ only by what they request.
Field meanings: shared/reference/alb-access-log-format.md. Flows: simulator.actions.flows.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

import numpy as np

from simulator.actions import flows
from simulator.actions.base import ActionSpec, StepContext, StepResult, params_schema, register
from simulator.actions.records import Step
from simulator.baseline.alb_site import site_for
from simulator.formats import alb as fa
from simulator.world.ids import ip_int

SCAN = (
    "/.env",
    "/.git/config",
    "/admin/",
    "/wp-login.php",
    "/phpmyadmin/",
    "/backup.zip",
    "/config.php.bak",
    "/server-status",
    "/actuator/env",
    "/api/v1/debug",
    "/.aws/credentials",
    "/console/",
    "/manager/html",
    "/api/swagger.json",
    "/login.jsp",
    "/db.sql",
)
SQLI = (
    "' OR '1'='1",
    "1' OR 1=1--",
    "1 UNION SELECT username,password FROM users--",
    "1' AND SLEEP(5)--",
    "1;DROP TABLE accounts--",
    "' UNION SELECT NULL,table_name FROM information_schema.tables--",
)
TRAVERSAL = (
    "/static/../../../../etc/passwd",
    "/download?file=../../../../etc/shadow",
    "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/download?file=..%2F..%2F..%2Fproc%2Fself%2Fenviron",
)
PHASES = ("scan", "sqli", "traversal", "exfiltration")


def _requests(ctx: StepContext, params: dict) -> list[dict[str, Any]]:
    rng = ctx.rng
    host = ctx.world.alb.domain
    out: list[dict[str, Any]] = []
    t = ctx.time_ms * 1000
    for phase in params["phases"]:
        n = int(params[f"{phase}_requests"])
        gap = {"scan": 150_000, "sqli": 900_000, "traversal": 600_000, "exfiltration": 1_500_000}[phase]
        for i in range(n):
            t += int(rng.exponential(gap)) + 20_000
            if phase == "scan":
                path, status, sent, tgt_ms = (
                    SCAN[i % len(SCAN)],
                    404,
                    int(rng.integers(180, 420)),
                    int(rng.integers(2, 9)),
                )
            elif phase == "sqli":
                q = urllib.parse.quote(SQLI[i % len(SQLI)], safe="")
                path, status = f"/api/v1/accounts?id={q}", (500 if i % 3 == 0 else 200)
                sent, tgt_ms = int(rng.integers(300, 2_500)), int(rng.integers(20, 400))
                if "SLEEP" in SQLI[i % len(SQLI)]:
                    tgt_ms += 5000
            elif phase == "traversal":
                path, status = (
                    TRAVERSAL[i % len(TRAVERSAL)],
                    (400 if "%2f" in TRAVERSAL[i % len(TRAVERSAL)].lower() else 403),
                )
                sent, tgt_ms = int(rng.integers(150, 300)), int(rng.integers(1, 6))
            else:
                q = urllib.parse.quote("1' UNION SELECT * FROM customers--", safe="")
                path, status = f"/api/v1/accounts?id={q}&page={i + 1}&limit=5000", 200
                sent, tgt_ms = (
                    int(rng.lognormal(np.log(params["exfil_response_bytes"]), 0.25)),
                    int(rng.integers(800, 4000)),
                )
            out.append(
                {
                    "phase": phase,
                    "t_us": t,
                    "url": f"https://{host}:443{path}",
                    "status": status,
                    "sent": sent,
                    "recv": int(rng.integers(380, 900)),
                    "tgt_ms": tgt_ms,
                }
            )
            t += tgt_ms * 1000
    return out


def emit_web_attack(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    w = ctx.world
    lb = w.alb
    site = site_for(w)
    reqs = _requests(ctx, params)
    n = len(reqs)
    if n == 0:
        raise ValueError(f"step {ctx.step_id}: the web attack has no requests")
    ip = step.ip()
    agents = ctx.actor.user_agents
    agent = (
        agents.get(params["tool"])
        or agents.get("http")
        or agents.get("sqlmap")
        or next(iter(agents.values()), "-")
    )
    rng = ctx.rng
    node = int(rng.integers(0, len(lb.nodes)))
    tg = lb.target_groups[0]
    tgt = rng.integers(0, len(tg.target_ips), n)
    urls = ("-",) + tuple(r["url"] for r in reqs)
    created = np.array([r["t_us"] for r in reqs], dtype=np.int64)
    tgt_ms = np.array([r["tgt_ms"] for r in reqs], dtype=np.int64)
    time_us = created + (tgt_ms + 2) * 1000
    status = np.array([r["status"] for r in reqs])
    sent = np.array([r["sent"] for r in reqs], dtype=np.int64)
    recv = np.array([r["recv"] for r in reqs], dtype=np.int64)
    port = int(rng.integers(40000, 65000))
    conn = rng.integers(0, 2**63, 2, dtype=np.uint64)
    trace = rng.integers(0, 2**63, (n, 2), dtype=np.uint64)
    z = np.zeros(n, dtype=np.int64)
    entries = fa.AlbEntries(
        time_us=time_us,
        created_us=created,
        type=np.full(n, 1),
        client_ip=np.full(n, ip_int(ip), dtype=np.uint32),
        client_port=np.full(n, port),
        target_ip=np.array([ip_int(tg.target_ips[k]) for k in tgt], dtype=np.uint32),
        target_port=np.full(n, tg.port),
        request_processing_ms=z,
        target_processing_ms=tgt_ms,
        response_processing_ms=z,
        elb_status=status,
        target_status=status,
        received_bytes=recv,
        sent_bytes=sent,
        method=z,
        url=np.arange(1, n + 1),
        http_version=z,
        user_agent=np.full(n, 1),
        ssl_cipher=np.full(n, 1),
        ssl_protocol=np.full(n, 1),
        target_group=np.full(n, 1),
        trace_epoch=created // 1_000_000,
        trace_hi=trace[:, 0],
        trace_lo=trace[:, 1] & np.uint64(0xFFFFFFFF),
        domain=np.full(n, 1),
        cert=np.full(n, 1),
        rule_priority=np.where(
            np.char.startswith(np.array(urls[1:]), f"https://{lb.domain}:443/api/"), 10, 0
        ),
        actions=np.full(n, 1),
        redirect_url=z,
        error_reason=z,
        classification=z,
        classification_reason=z,
        conn_hi=np.full(n, conn[0], dtype=np.uint64),
        conn_lo=np.full(n, conn[1], dtype=np.uint64),
    )
    pools = fa.AlbPools(
        elb=lb.log_id,
        urls=urls,
        user_agents=("-", agent),
        redirect_urls=("-",),
        error_reasons=("-",),
        domains=("-", lb.domain),
        certs=("-", site.cert_arn),
        target_groups=("-", tg.arn),
        classification_reasons=("-",),
    )
    lines = fa.render_lines(entries, pools).decode().splitlines()
    for line, t in zip(lines, (time_us // 1000).tolist(), strict=True):
        step.add("alb", t, line, lb.account_id, lb.region)
    # flows: one client connection on the node, one ALB → target connection per target used
    node_eni = flows.eni_index(w, lb.nodes[node].eni_id)
    start, end = created[0] / 1e6 - 0.1, time_us[-1] / 1e6 + 1.0
    conns = [
        flows.inbound(
            w, node_eni, ip, 443, [port], [start], [end], [int(recv.sum()) + 700], [int(sent.sum()) + 4500]
        )
    ]
    for k in np.unique(tgt).tolist():
        sel = tgt == k
        inst = next(i for i in w.instances if i.id == tg.target_instance_ids[k])
        conns.append(
            flows.internal(
                w,
                node_eni,
                flows.eni_index(w, inst.eni_id),
                tg.port,
                [int(rng.integers(32768, 61000))],
                [created[sel][0] / 1e6 - 0.01],
                [time_us[sel][-1] / 1e6 + 0.01],
                [int(recv[sel].sum()) + 180 * int(sel.sum())],
                [int(sent[sel].sum()) + 120 * int(sel.sum())],
            )
        )
    flow_facts = flows.inject(step, flows.fc.Conns.concat(conns))
    phases = [r["phase"] for r in reqs]
    exfil = [r for r in reqs if r["phase"] == "exfiltration"]
    first_sqli = next((r for r in reqs if r["phase"] == "sqli"), None)
    return step.result(
        source_ip=ip,
        requests=n,
        user_agent=agent,
        phase_counts={p: phases.count(p) for p in PHASES if p in phases},
        exfiltration_requests=len(exfil),
        exfiltration_bytes=int(sum(r["sent"] for r in exfil)),
        first_sqli_time=first_sqli["t_us"] // 1000 if first_sqli else None,
        first_exfil_time=exfil[0]["t_us"] // 1000 if exfil else None,
        targets=sorted({tg.target_instance_ids[k] for k in tgt.tolist()}),
        alb=lb.name,
        **flow_facts,
    )


register(
    ActionSpec(
        name="web_attack",
        summary="Attack the web app through the ALB: scan, SQL injection, path traversal, then bulk data theft.",
        description=(
            "ALB access-log lines for every request of each phase — `scan` (404s on well-known paths), `sqli` "
            "(SQL payloads in the query string, some 500s, a time-based probe), `traversal` (../ paths answered "
            "400/403) and `exfiltration` (200 responses of several MB each) — all from one client connection, "
            "plus the VPC flow records of that connection on the ALB node and of the node → target connections "
            "carrying the same bytes."
        ),
        params=params_schema(
            {
                "phases": {
                    "type": "array",
                    "items": {"type": "string", "enum": list(PHASES)},
                    "default": list(PHASES),
                },
                "scan_requests": {"type": "integer", "minimum": 0, "maximum": 5000, "default": 120},
                "sqli_requests": {"type": "integer", "minimum": 0, "maximum": 2000, "default": 40},
                "traversal_requests": {"type": "integer", "minimum": 0, "maximum": 2000, "default": 12},
                "exfiltration_requests": {"type": "integer", "minimum": 0, "maximum": 2000, "default": 25},
                "exfil_response_bytes": {"type": "integer", "minimum": 1000, "default": 4_000_000},
                "tool": {
                    "type": "string",
                    "default": "http",
                    "description": "key of the actor's user_agents (outsiders: their tool's agent is under http)",
                },
                "source_ip": {"type": "string", "format": "ipv4"},
            }
        ),
        sources=("alb", "flow"),
        techniques=("T1190", "T1595.002", "T1041"),
        facts={
            "source_ip": "attacker address",
            "requests": "requests sent",
            "phase_counts": "requests per phase",
            "exfiltration_requests": "large 200 responses",
            "exfiltration_bytes": "bytes sent back in them",
            "first_sqli_time": "epoch ms of the first injection",
            "first_exfil_time": "epoch ms of the first theft",
            "targets": "target instances that served it",
            "user_agent": "attacker user agent",
        },
        emit=emit_web_attack,
        actor_kinds=("outsider",),
    )
)
