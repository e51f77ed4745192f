"""Security-group evaluation for inbound flows: would the interface's group admit this packet?

Rules are the world's ``SecurityGroup.ingress`` tuples (protocol, from port, to port, source), the
source being a CIDR or another group's id (= any interface carrying that group). Security groups are
stateful, so only the initiating direction is evaluated; replies of accepted flows pass
(https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html).
"""

from __future__ import annotations

import numpy as np

from simulator.world import World

PROTOCOLS = {"tcp": 6, "udp": 17, "icmp": 1, "-1": -1, "all": -1}


def _cidr(text: str) -> tuple[int, int]:
    base, plen = text.split("/")
    a, b, c, d = (int(x) for x in base.split("."))
    bits = int(plen)
    mask = 0 if bits == 0 else (0xFFFFFFFF << (32 - bits)) & 0xFFFFFFFF
    return ((a << 24) | (b << 16) | (c << 8) | d) & mask, mask


def sg_allows(world: World, eni: np.ndarray, proto: np.ndarray, port: np.ndarray, src: np.ndarray) -> np.ndarray:
    """Boolean per row: some ingress rule of the ENI's security group admits (proto, port) from src."""
    eni = np.asarray(eni)
    proto = np.asarray(proto)
    port = np.asarray(port)
    src = np.asarray(src, dtype=np.uint32).astype(np.int64)
    out = np.zeros(len(eni), dtype=bool)
    groups = {g.id: g for g in world.security_groups}
    for e in np.unique(eni).tolist():
        rows = eni == e
        g = groups.get(str(world.enis.security_group_id[e]))
        if g is None:
            continue
        for rproto, lo, hi, source in g.ingress:
            p = PROTOCOLS[rproto]
            ok = rows & ((proto == p) | (p == -1)) & ((port >= lo) & (port <= hi) | (proto == 1) | (p == -1))
            if source.startswith("sg-"):
                members = world.enis.private_ip_int[world.enis.security_group_id == source].astype(np.int64)
                ok &= np.isin(src, members)
            else:
                base, mask = _cidr(source)
                ok &= (src & mask) == base
            out |= ok
    return out
