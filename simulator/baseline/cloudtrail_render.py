"""Turns (time, actor, API call) into CloudTrail record bytes through cached templates, and collects the
records of one window in an ``EventSink``.

``Actor`` is one identity in one session: its userIdentity (dict and pre-rendered bytes), the account the
calls land in, source IP, user agent, TLS client and whether it is a console session or an AWS service
calling on someone's behalf. Records that carry per-event response data (AssumeRole credentials, console
sign-in) are built as dicts in cloudtrail_special.py and added with ``EventSink.add_dict``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import orjson

from simulator.baseline.cloudtrail_catalog import Api, Env, Variant, build_catalog
from simulator.baseline.cloudtrail_ids import IdStream
from simulator.formats.cloudtrail import event_time, event_version, render_record, tls_details
from simulator.formats.cloudtrail_template import Template, escape
from simulator.world import World
from simulator.world.useragents import RDS_CONSOLE, S3_CONSOLE

GLOBAL_REGION = "us-east-1"
GLOBAL_SOURCES = {
    "iam.amazonaws.com",
    "ce.amazonaws.com",
    "health.amazonaws.com",
    "organizations.amazonaws.com",
}
TLS_CLIENTS = (("TLSv1.3", "TLS_AES_128_GCM_SHA256"), ("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256"))


@dataclass
class Actor:
    ident: dict[str, Any]
    account_id: str  # recipient account of the calls
    ip: str
    agent: str  # exact user agent; "{command}" is filled with the CLI command per call
    tool: str  # console, aws-cli, boto3, terraform, sdk-java, ssm-agent, service
    arn: str  # for AccessDenied messages
    tls: int = 0  # index into TLS_CLIENTS, -1 = none (AWS service on your behalf)
    console: bool = False
    ident_bytes: bytes = field(default=b"", init=False)
    ident_escaped: bytes = field(default=b"", init=False)

    def __post_init__(self) -> None:
        self.ident_bytes = orjson.dumps(self.ident)
        self.ident_escaped = escape(self.ident_bytes)

    @property
    def invoked_by(self) -> str | None:
        return self.ident.get("invokedBy")


def host_header(api: Api, region: str, params: dict | None) -> str:
    prefix = api.source.split(".")[0]
    if api.is_s3:
        return (params or {}).get("Host", "s3.amazonaws.com")
    if prefix == "iam":
        return "iam.amazonaws.com"
    return f"{prefix}.{region}.amazonaws.com"


class CtRenderer:
    """Per-process cache of variants, templates and user-agent bytes for one world."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.catalog = build_catalog()
        self._variants: dict[tuple[str, str, str], list[Variant]] = {}
        self._tpl: dict[tuple, Template] = {}
        self._ua: dict[tuple[str, str, bool], tuple[bytes, bytes]] = {}

    def variants(self, api: Api, account_id: str, region: str, day: dt.date | None = None) -> list[Variant]:
        day = day if api.dated else None
        key = (api.key, account_id, region, day)
        v = self._variants.get(key)
        if v is None:
            v = self._variants[key] = api.variants(Env(self.world, account_id, region, day))
        return v

    def region_for(self, api: Api, region: str) -> str:
        return GLOBAL_REGION if api.source in GLOBAL_SOURCES else region

    def user_agent(self, actor: Actor, api: Api) -> tuple[bytes, bytes]:
        """(user agent as JSON string content, the same escaped once more for the CloudWatch form)."""
        key = (actor.agent, api.key, actor.console)
        ua = self._ua.get(key)
        if ua is None:
            text = actor.agent
            if actor.console and api.is_s3:
                text = S3_CONSOLE
            elif actor.console and api.source == "rds.amazonaws.com":
                text = RDS_CONSOLE
            text = text.replace("{command}", api.cli)
            if api.is_s3 and not text.startswith("[") and not text.endswith(".amazonaws.com"):
                text = f"[{text}]"
            body = orjson.dumps(text)[1:-1]
            ua = self._ua[key] = (body, escape(body))
        return ua

    def base_record(
        self, api: Api, variant: Variant, region: str, actor: Actor, error: tuple[str, str] | None
    ) -> dict[str, Any]:
        """The full record as a dict (per-event fields hold placeholders)."""
        rec: dict[str, Any] = {
            "eventVersion": event_version(api.source),
            "userIdentity": actor.ident,
            "eventTime": "",
            "eventSource": api.source,
            "eventName": api.name,
            "awsRegion": region,
            "sourceIPAddress": actor.ip,
            "userAgent": "",
        }
        if error:
            rec["errorCode"], rec["errorMessage"] = error
        rec["requestParameters"] = variant.params
        rec["responseElements"] = None
        tls = TLS_CLIENTS[actor.tls] if actor.tls >= 0 and not actor.invoked_by else None
        if api.is_s3:
            rec["additionalEventData"] = {
                "SignatureVersion": "SigV4",
                "CipherSuite": tls[1] if tls else "ECDHE-RSA-AES128-GCM-SHA256",
                "bytesTransferredIn": 0,
                "AuthenticationMethod": "AuthHeader",
                "x-amz-id-2": "",
                "bytesTransferredOut": variant.bytes_out,
            }
        rec["requestID"] = ""
        rec["eventID"] = ""
        rec["readOnly"] = api.read_only
        if variant.resources and (not error or api.is_s3):
            rec["resources"] = variant.resources
        rec["eventType"] = "AwsApiCall"
        if api.api_version:
            rec["apiVersion"] = api.api_version
        rec["managementEvent"] = True
        rec["recipientAccountId"] = actor.account_id
        rec["eventCategory"] = "Management"
        if tls:
            rec["tlsDetails"] = tls_details(tls[0], tls[1], host_header(api, region, variant.params))
        if actor.console:
            rec["sessionCredentialFromConsole"] = "true"
        return rec

    def template(
        self,
        api: Api,
        account_id: str,
        region: str,
        vi: int,
        actor: Actor,
        error: tuple[str, str] | None,
        day: dt.date | None = None,
    ) -> Template:
        day = day if api.dated else None
        key = (
            api.key,
            account_id,
            region,
            vi,
            error,
            actor.tls if not actor.invoked_by else -1,
            actor.console,
            day,
        )
        t = self._tpl.get(key)
        if t is None:
            variant = self.variants(api, account_id, region, day)[vi]
            t = Template.from_record(self.base_record(api, variant, region, actor, error))
            # denial messages name the caller (often a one-off role session): keep the cache bounded
            if error is None or actor.arn not in error[1]:
                self._tpl[key] = t
        return t


class EventSink:
    """The records of one window: time (s), recipient account, region, bytes, eventID."""

    def __init__(self, ids: IdStream) -> None:
        self.ids = ids
        # one tuple per record: (time, account, region, record bytes, eventID, CloudWatch body or None)
        self.rows: list[tuple[int, str, str, bytes, bytes, bytes | None]] = []
        self.time_cache: dict[int, bytes] = {}  # epoch second -> eventTime bytes (filled by time_bytes)

    def _column(self, k: int) -> list:
        return [r[k] for r in self.rows]

    times = property(lambda self: self._column(0))
    accounts = property(lambda self: self._column(1))
    regions = property(lambda self: self._column(2))
    records = property(lambda self: self._column(3))
    event_ids = property(lambda self: self._column(4))
    cwl = property(
        lambda self: self._column(5), doc="records escaped for the CloudWatch form (None = not yet)"
    )

    def time_bytes(self, t: int) -> bytes:
        b = self.time_cache.get(t)
        if b is None:  # format the whole minute at once: calls cluster in time
            m0 = t - t % 60
            head = event_time(m0)[:-3].encode()
            for sec in range(60):
                self.time_cache[m0 + sec] = head + b"%02dZ" % sec
            b = self.time_cache[t]
        return b

    def add(
        self, t: int, account_id: str, region: str, record: bytes, eid: bytes, cwl: bytes | None = None
    ) -> None:
        self.rows.append((t, account_id, region, record, eid, cwl))

    def add_dict(self, t: int, record: dict[str, Any], ordered: bool = False) -> bytes:
        """Add a fully built record (its eventID must be set); returns the eventID.

        ``ordered``: the dict (and its userIdentity) was built in AWS key order, skip re-ordering.
        """
        eid = record["eventID"].encode()
        data = orjson.dumps(record) if ordered else render_record(record)
        self.add(t, record["recipientAccountId"], record["awsRegion"], data, eid)
        return eid

    def __len__(self) -> int:
        return len(self.rows)


def emit_call(
    r: CtRenderer,
    sink: EventSink,
    t: int,
    actor: Actor,
    api: Api,
    region: str,
    vi: int,
    error: tuple[str, str] | None = None,
) -> None:
    """Render one API call through the template cache and add it to the sink."""
    region = r.region_for(api, region)
    variant = r.variants(api, actor.account_id, region)[vi]
    if error is None and variant.error is not None:
        error = variant.error
    tpl = r.template(api, actor.account_id, region, vi, actor, error)
    ua, ua_e = r.user_agent(actor, api)
    emit_template(sink, t, actor, tpl, ua, ua_e, api.is_s3, region)


def emit_template(
    sink: EventSink, t: int, actor: Actor, tpl: Template, ua: bytes, ua_e: bytes, is_s3: bool, region: str
) -> None:
    """Fill a template with fresh ids and add both forms (file record, CloudWatch message) to the sink."""
    ids = sink.ids
    if is_s3:
        rid, xid = ids.s3_request_id(), ids.amz_id2()
    else:
        rid, xid = ids.uuid(), b""
    eid = ids.uuid()
    tb = sink.time_bytes(t)
    ip = actor.ip.encode()
    record, escaped = tpl.render_both(actor.ident_bytes, actor.ident_escaped, tb, ip, ua, ua_e, xid, rid, eid)
    sink.rows.append((t, actor.account_id, region, record, eid, escaped))
