"""Connections seen on the ENIs of one VPC during one window — the traffic behind VPC flow logs.

A connection row is what one network interface sees of one TCP/UDP/ICMP conversation: local and
remote address/port as the interface records them (its primary private IP on the local side), the
packet-level addresses when a NAT gateway rewrites them, who initiated it, when it started and
ended, bytes and packets each way, ACCEPT/REJECT, the AWS service of the addresses and the
traffic path of its egress packets. ``simulator.baseline.flow_records`` cuts connections into
capture intervals and turns each piece into flow records.

A conversation between two of our interfaces (ALB node → app, app → DB, instance → NAT gateway)
appears on both, as two rows. Traffic components are in ``flow_traffic``.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import fields as dc_fields

import numpy as np

TCP, UDP, ICMP = 6, 17, 1


@dataclass
class Conns:
    eni: np.ndarray  # index into world.enis
    local: np.ndarray  # uint32 addresses as the interface records them
    remote: np.ndarray
    pkt_local: np.ndarray  # packet-level addresses (differ from local/remote only around NAT gateways)
    pkt_remote: np.ndarray
    lport: np.ndarray
    rport: np.ndarray
    proto: np.ndarray
    inbound: np.ndarray  # bool: the remote side initiated
    start: np.ndarray  # float seconds
    end: np.ndarray
    fwd_pk: np.ndarray  # initiator → responder
    fwd_by: np.ndarray
    rev_pk: np.ndarray  # responder → initiator
    rev_by: np.ndarray
    action: np.ndarray  # 0 ACCEPT, 1 REJECT
    local_svc: np.ndarray  # AWS_SERVICES code of pkt_local
    remote_svc: np.ndarray  # AWS_SERVICES code of pkt_remote
    egress_path: np.ndarray  # traffic-path of this interface's egress records (-1 = "-")

    def __len__(self) -> int:
        return int(self.eni.shape[0])

    @staticmethod
    def concat(parts: list[Conns]) -> Conns:
        parts = [p for p in parts if len(p)]
        if not parts:
            return empty()
        return Conns(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in dc_fields(Conns)})


_DTYPES = {
    "eni": np.int64, "local": np.uint32, "remote": np.uint32, "pkt_local": np.uint32, "pkt_remote": np.uint32,
    "lport": np.int64, "rport": np.int64, "proto": np.int64, "inbound": bool, "start": np.float64,
    "end": np.float64, "fwd_pk": np.int64, "fwd_by": np.int64, "rev_pk": np.int64, "rev_by": np.int64,
    "action": np.int64, "local_svc": np.int64, "remote_svc": np.int64, "egress_path": np.int64,
}


def empty() -> Conns:
    return Conns(**{k: np.zeros(0, dtype=t) for k, t in _DTYPES.items()})


def make(n: int, **cols) -> Conns:
    """Build a Conns of n rows; scalars broadcast; pkt_* default to local/remote; services default 0."""
    cols.setdefault("pkt_local", cols["local"])
    cols.setdefault("pkt_remote", cols["remote"])
    cols.setdefault("action", 0)
    cols.setdefault("local_svc", 0)
    cols.setdefault("remote_svc", 0)
    cols.setdefault("egress_path", -1)
    out = {}
    for k, t in _DTYPES.items():
        v = np.asarray(cols[k])
        out[k] = np.broadcast_to(v, (n,)).astype(t) if v.ndim == 0 else v.astype(t, copy=False)
        if out[k].shape != (n,):
            raise ValueError(f"Conns column {k} has shape {out[k].shape}, expected ({n},)")
    return Conns(**out)


def both_sides(
    n: int, *, a_eni, a_ip, b_eni, b_ip, a_port, b_port, proto, start, end, fwd_pk, fwd_by, rev_pk, rev_by,
    a_path: int, b_path: int,
) -> Conns:
    """A conversation initiated by interface A towards our interface B: one row on each."""
    side_a = make(n, eni=a_eni, local=a_ip, remote=b_ip, lport=a_port, rport=b_port, proto=proto, inbound=False,
                  start=start, end=end, fwd_pk=fwd_pk, fwd_by=fwd_by, rev_pk=rev_pk, rev_by=rev_by, egress_path=a_path)
    side_b = make(n, eni=b_eni, local=b_ip, remote=a_ip, lport=b_port, rport=a_port, proto=proto, inbound=True,
                  start=start, end=end, fwd_pk=fwd_pk, fwd_by=fwd_by, rev_pk=rev_pk, rev_by=rev_by, egress_path=b_path)
    return Conns.concat([side_a, side_b])


def packets_for(nbytes: np.ndarray, mss: int = 1200) -> np.ndarray:
    """A plausible packet count for a byte count (data segments plus a few control packets)."""
    return np.asarray(nbytes, dtype=np.int64) // mss + 3
