"""S3 data events rendered from the shared request stream ``ctx.s3_requests`` (one request, one story: same
time, source IP, identity, request id and x-amz-id-2 as the bucket's server access log line).

Shape: cloudtrail-format.md §7 (GetObject data event: requestParameters bucketName/Host/key, responseElements
null, additionalEventData with SignatureVersion, CipherSuite, bytesTransferredIn/Out as floats,
AuthenticationMethod, x-amz-id-2; resources object then bucket; managementEvent false, eventCategory Data;
bracketed user agent). ListObjects parameters follow a real ListObjects record (list-type 2, encoding-type url,
prefix, delimiter). Anonymous requesters use {"type":"AWSAccount","principalId":"","accountId":"anonymous"}
[UNVERIFIED: recalled from the S3 user guide, not in the saved samples].
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import orjson

from simulator.baseline.cloudtrail_render import EventSink
from simulator.engine.context import WindowContext
from simulator.formats.cloudtrail import (
    assumed_role_identity,
    aws_service_identity,
    event_time,
    iam_user_identity,
    render_record,
    s3_user_agent,
    tls_details,
)
from simulator.world import World
from simulator.world.sessions import instance_credentials

READ_OPS = {"GetObject", "HeadObject", "ListObjects"}
COLUMNS = (
    "time_ms",
    "bucket",
    "key",
    "prefix",
    "operation",
    "principal_type",
    "user",
    "role",
    "session_name",
    "service",
    "access_key_id",
    "tool",
    "mfa",
    "source_ip",
    "user_agent",
    "vpc_endpoint_id",
    "error_code",
    "error_message",
    "bytes_sent",
    "bytes_received",
    "request_id",
    "host_id",
    "signature_version",
    "auth_type",
    "cipher_suite",
    "tls_version",
    "endpoint",
)


class DataEventRenderer:
    def __init__(self, world: World) -> None:
        self.world = world
        self.enabled = np.array(
            [
                b.data_events and b.name in world.trail_for(b.account_id).data_event_buckets
                for b in world.buckets
            ],
            dtype=bool,
        )
        self.instances = {i.id for i in world.instances}
        self._idents: dict[tuple, orjson.Fragment] = {}
        # per-window caches of values many requests share (tlsDetails objects are only read by orjson)
        self._agents: dict[str, str] = {}
        self._tls: dict[tuple, dict] = {}
        self._times: dict[int, str] = {}

    def identity(self, req: Any, i: int, t: int) -> orjson.Fragment:
        """The userIdentity as pre-serialised JSON, cached per credential session."""
        ptype = int(req.principal_type[i])
        key = str(req.access_key_id[i])
        session = str(req.session_name[i])
        if ptype == 1 and session in self.instances:
            cache_key: tuple = (ptype, session, instance_credentials(self.world, session, t)[0])
        elif ptype in (0, 1):
            cache_key = (
                ptype,
                int(req.user[i]),
                int(req.role[i]),
                key,
                session,
                str(req.tool[i]),
                bool(req.mfa[i]),
            )
        else:
            cache_key = (ptype, str(req.service[i]))
        frag = self._idents.get(cache_key)
        if frag is None:
            frag = self._idents[cache_key] = orjson.Fragment(orjson.dumps(self._identity(req, i, t)))
        return frag

    def _identity(self, req: Any, i: int, t: int) -> dict[str, Any]:
        w = self.world
        ptype = int(req.principal_type[i])
        if ptype == 0:  # IAMUser
            u = w.users[int(req.user[i])]
            key = str(req.access_key_id[i]) or u.access_key_id
            if str(req.tool[i]) == "console":
                creation = t - (hash_str(key) % 3600)
                return iam_user_identity(
                    u.account_id, u.name, u.principal_id, key, creation, bool(req.mfa[i])
                )
            return iam_user_identity(u.account_id, u.name, u.principal_id, key)
        if ptype == 1:  # AssumedRole
            role = w.roles[int(req.role[i])]
            session = str(req.session_name[i])
            key = str(req.access_key_id[i])
            if session in self.instances:
                creation, _ = instance_credentials(w, session, t)
                return assumed_role_identity(
                    role.account_id,
                    role.name,
                    role.path,
                    role.principal_id,
                    session,
                    key,
                    creation,
                    ec2_role_delivery="2.0",
                )
            creation = t - (hash_str(key) % 3600)
            return assumed_role_identity(
                role.account_id,
                role.name,
                role.path,
                role.principal_id,
                session,
                key,
                creation,
                bool(req.mfa[i]),
            )
        if ptype == 2:
            return aws_service_identity(str(req.service[i]))
        return {"type": "AWSAccount", "principalId": "", "accountId": "anonymous"}

    def run(self, ctx: WindowContext, sink: EventSink) -> None:
        for cache in (self._idents, self._agents, self._tls, self._times):
            cache.clear()  # credential sessions are short-lived: keep memory flat over long runs
        req = ctx.s3_requests
        if req is None or len(req) == 0:
            return
        from simulator.baseline.s3requests import OPERATIONS

        rows = np.flatnonzero(self.enabled[req.bucket.astype(np.int64)])
        if len(rows) == 0:
            return
        # plain Python lists of the selected rows: element access on numpy object arrays is slow
        cols = SimpleNamespace(**{name: getattr(req, name)[rows].tolist() for name in COLUMNS})
        for i in range(len(rows)):
            sink.add_dict(cols.time_ms[i] // 1000, self.record(cols, i, OPERATIONS, sink), ordered=True)

    def record(self, req: Any, i: int, operations, sink: EventSink) -> dict[str, Any]:
        """The data event of request i; ``req`` holds plain Python lists (see ``run``)."""
        w = self.world
        t = req.time_ms[i] // 1000
        bucket = w.buckets[req.bucket[i]]
        op = operations[req.operation[i]][0]
        ptype = req.principal_type[i]
        key = req.key[i]
        host = req.endpoint[i] or f"{bucket.name}.s3.{bucket.region}.amazonaws.com"
        agent = req.user_agent[i]
        if ptype != 2:
            agent = self._agents.get(agent) or self._agents.setdefault(agent, s3_user_agent(agent))
        rec: dict[str, Any] = {
            "eventVersion": "1.08",
            "userIdentity": self.identity(req, i, t),
            "eventTime": self._event_time(t),
            "eventSource": "s3.amazonaws.com",
            "eventName": op,
            "awsRegion": bucket.region,
            "sourceIPAddress": req.source_ip[i],
            "userAgent": agent,
        }
        if req.error_code[i]:
            rec["errorCode"] = req.error_code[i]
            rec["errorMessage"] = req.error_message[i]
        if op == "ListObjects":
            rec["requestParameters"] = {
                "list-type": "2",
                "bucketName": bucket.name,
                "encoding-type": "url",
                "prefix": req.prefix[i],
                "delimiter": "/",
                "Host": host,
            }
        else:
            rec["requestParameters"] = {"bucketName": bucket.name, "Host": host, "key": key}
        rec["responseElements"] = None
        extra: dict[str, Any] = {}
        if req.signature_version[i]:
            extra["SignatureVersion"] = req.signature_version[i]
        cipher = req.cipher_suite[i]
        if cipher:
            extra["CipherSuite"] = cipher
        extra["bytesTransferredIn"] = float(req.bytes_received[i])
        if req.auth_type[i]:
            extra["AuthenticationMethod"] = req.auth_type[i]
        extra["x-amz-id-2"] = req.host_id[i]
        extra["bytesTransferredOut"] = float(req.bytes_sent[i])
        rec["additionalEventData"] = extra
        rec["requestID"] = req.request_id[i]
        rec["eventID"] = sink.ids.uuid().decode()
        rec["readOnly"] = op in READ_OPS
        bucket_res = {"accountId": bucket.account_id, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket.name}"}
        rec["resources"] = (
            [bucket_res]
            if op == "ListObjects"
            else [{"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{bucket.name}/{key}"}, bucket_res]
        )
        rec["eventType"] = "AwsApiCall"
        rec["managementEvent"] = False
        rec["recipientAccountId"] = bucket.account_id
        if req.vpc_endpoint_id[i]:
            rec["vpcEndpointId"] = req.vpc_endpoint_id[i]
        rec["eventCategory"] = "Data"
        tls = req.tls_version[i]
        if tls and ptype != 2:
            tls_key = (tls, cipher, host)
            rec["tlsDetails"] = self._tls.get(tls_key) or self._tls.setdefault(tls_key, tls_details(tls, cipher, host))
        if req.tool[i] == "console":
            rec["sessionCredentialFromConsole"] = "true"
        return rec

    def _event_time(self, t: int) -> str:
        text = self._times.get(t)
        if text is None:
            text = self._times[t] = event_time(t)
        return text


def hash_str(text: str) -> int:
    """A stable small hash (Python's hash() is salted per process)."""
    h = 2166136261
    for ch in text.encode():
        h = ((h ^ ch) * 16777619) & 0xFFFFFFFF
    return h


__all__ = ["DataEventRenderer", "render_record"]
