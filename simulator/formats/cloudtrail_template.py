"""Pre-rendered CloudTrail records with holes for the fields that change per event.

A ``Template`` is made from a complete record dict (any values in the varying fields) by rendering it with
``render_record`` — so key order and every constant byte are exactly what the slow path would give —
and cutting it at the varying fields, always in this order (which is also AWS key order):

    userIdentity (raw JSON object), eventTime, sourceIPAddress, userAgent,
    additionalEventData["x-amz-id-2"] (S3 only), requestID (absent e.g. for ConsoleLogin), eventID

``render`` then joins constant parts and per-event values (already JSON-escaped string contents, bytes).
"""

from __future__ import annotations

from typing import Any

from simulator.formats.cloudtrail import render_record

_S = {k: f"\x1e{k}\x1e" for k in ("I", "T", "P", "U", "X", "R", "E")}


def escape(json_text: bytes) -> bytes:
    """JSON text (no raw control characters, as orjson writes it) as the content of a JSON string."""
    return json_text.replace(b"\\", b"\\\\").replace(b'"', b'\\"')


class Template:
    __slots__ = ("parts", "eparts", "has_x", "has_r")

    def __init__(self, parts: tuple[bytes, ...], has_x: bool, has_r: bool) -> None:
        self.parts = parts
        self.eparts = tuple(
            escape(p) for p in parts
        )  # the parts as content of a JSON string (CloudWatch form)
        self.has_x = has_x
        self.has_r = has_r

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Template:
        rec = dict(record)
        rec["userIdentity"] = _S["I"]
        rec["eventTime"] = _S["T"]
        rec["sourceIPAddress"] = _S["P"]
        rec["userAgent"] = _S["U"]
        has_x = (
            isinstance(rec.get("additionalEventData"), dict) and "x-amz-id-2" in rec["additionalEventData"]
        )
        if has_x:
            rec["additionalEventData"] = {**rec["additionalEventData"], "x-amz-id-2": _S["X"]}
        has_r = "requestID" in rec
        if has_r:
            rec["requestID"] = _S["R"]
        rec["eventID"] = _S["E"]
        data = render_record(rec)
        parts: list[bytes] = []
        pos = 0
        for k in ("I", "T", "P", "U", "X", "R", "E"):
            marker = _S[k].replace("\x1e", "\\u001e").encode()
            if k == "I":
                marker = b'"' + marker + b'"'
            idx = data.find(marker, pos)
            if idx < 0:
                parts.append(b"")
                continue
            parts.append(data[pos:idx])
            pos = idx + len(marker)
        parts.append(data[pos:])
        return cls(tuple(parts), has_x, has_r)

    def render_both(
        self,
        ident: bytes,
        ident_e: bytes,
        time: bytes,
        ip: bytes,
        ua: bytes,
        ua_e: bytes,
        xid: bytes,
        rid: bytes,
        eid: bytes,
    ) -> tuple[bytes, bytes]:
        """(the record, the record as the content of a JSON string for CloudWatch Logs events) — ``render`` and
        ``escape(render(...))`` in one call. ident_e and ua_e are escaped with ``escape``; time, ip and the ids
        never contain quotes or backslashes."""
        p, e = self.parts, self.eparts
        x = xid if self.has_x else b""
        r = rid if self.has_r else b""
        return (
            b"".join((p[0], ident, p[1], time, p[2], ip, p[3], ua, p[4], x, p[5], r, p[6], eid, p[7])),
            b"".join((e[0], ident_e, e[1], time, e[2], ip, e[3], ua_e, e[4], x, e[5], r, e[6], eid, e[7])),
        )

    def render(
        self, ident: bytes, time: bytes, ip: bytes, ua: bytes, xid: bytes, rid: bytes, eid: bytes
    ) -> bytes:
        p = self.parts
        return b"".join(
            (
                p[0],
                ident,
                p[1],
                time,
                p[2],
                ip,
                p[3],
                ua,
                p[4],
                xid if self.has_x else b"",
                p[5],
                rid if self.has_r else b"",
                p[6],
                eid,
                p[7],
            )
        )
