"""Building blocks every action uses: the step recorder (labelled injections, clock, facts), the caller's
userIdentity for a tool, user agents, and one CloudTrail API-call record.

Records follow the same conventions as the benign baseline so an attack step is told apart by what it
does, not by formatting artefacts: per-service eventVersion and key order from simulator.formats.cloudtrail,
console sessions as in simulator.baseline.cloudtrail_humans (ASIA session key, sessionContext with the
sign-in time, ``sessionCredentialFromConsole: "true"``, the S3 console's own user agent), identity-policy
denials from simulator.baseline.cloudtrail_special.access_denied, EC2 denials as
``Client.UnauthorizedOperation`` with an encoded authorization message (cloudtrail-format.md §5).
"""

from __future__ import annotations

import base64
import re
from typing import Any

from simulator.actions.base import StepContext, StepResult
from simulator.actions.logstate import cloudtrail_logged
from simulator.baseline.cloudtrail_ids import s3_request_id_block, uuid4_block
from simulator.baseline.cloudtrail_special import access_denied
from simulator.engine.context import Injection
from simulator.formats.cloudtrail import (
    assumed_role_identity,
    event_time,
    event_version,
    iam_user_identity,
    root_identity,
    s3_user_agent,
    tls_details,
)
from simulator.world import ids as wids
from simulator.world.sessions import temporary_key
from simulator.world.useragents import S3_CONSOLE

TOOLS = ("console", "aws-cli", "boto3", "terraform")
GLOBAL_SERVICES = {"iam.amazonaws.com", "signin.amazonaws.com", "organizations.amazonaws.com"}
CLI_SERVICE = {"s3": "s3api", "monitoring": "cloudwatch", "elasticloadbalancing": "elbv2"}
TLS = ("TLSv1.3", "TLS_AES_128_GCM_SHA256")
S3_TLS = ("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256")  # matches additionalEventData.CipherSuite of S3 records


def tool_param(default: str) -> dict:
    return {
        "type": "string",
        "enum": list(TOOLS),
        "default": default,
        "description": "client the actor uses (decides user agent and console-session identity)",
    }


def kebab(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


class Step:
    """Collects one step's labelled injections and the facts every action reports."""

    def __init__(self, ctx: StepContext) -> None:
        self.ctx = ctx
        self.world = ctx.world
        self.actor = ctx.actor
        self.rng = ctx.rng
        self.injections: list[Injection] = []
        self.first_ms: int | None = None
        self.last_ms = ctx.time_ms
        self.event_names: list[str] = []
        self.counts: dict[str, int] = {}
        self.suppressed = 0  # CloudTrail records not delivered because the scenario had stopped the trail

    # ----- ids drawn from the step's rng (deterministic) -----
    def uuid(self) -> str:
        return uuid4_block(self.rng, 1)[0].decode()

    def s3_request_id(self) -> str:
        return s3_request_id_block(self.rng, 1)[0].decode()

    def amz_id2(self) -> str:
        return base64.b64encode(self.rng.integers(0, 256, 56, dtype="uint8").tobytes()).decode()

    def resource_id(self, prefix: str) -> str:
        return wids.resource_id(self.rng, prefix)

    def ip(self) -> str:
        """The actor's address for this step (``source_ip`` param overrides)."""
        return self.ctx.params.get("source_ip") or self.actor.source_ips[0]

    # ----- recording -----
    def add(self, source: str, t_ms: int, payload: Any, account_id: str = "", region: str = "") -> None:
        c = self.ctx
        self.injections.append(
            Injection(
                source,
                int(t_ms),
                payload,
                c.scenario_id,
                c.step_id,
                c.technique,
                account_id or self.actor.account_id,
                region or self.actor.region,
            )
        )
        self.counts[source] = self.counts.get(source, 0) + 1
        self.first_ms = t_ms if self.first_ms is None else min(self.first_ms, t_ms)
        self.last_ms = max(self.last_ms, t_ms)

    def cloudtrail(self, t_ms: int, record: dict[str, Any]) -> dict[str, Any] | None:
        """Inject one CloudTrail record unless the recipient's trail is not logging it (then None)."""
        if not cloudtrail_logged(
            self.ctx.state, record["recipientAccountId"], t_ms, record.get("managementEvent", True)
        ):
            self.suppressed += 1
            return None
        record.setdefault("eventTime", event_time(t_ms // 1000))
        record.setdefault("eventID", self.uuid())
        self.add("cloudtrail", t_ms, record, record["recipientAccountId"], record["awsRegion"])
        self.event_names.append(record["eventName"])
        return record

    def result(self, **facts: Any) -> StepResult:
        a = self.actor
        base: dict[str, Any] = {
            "actor": a.arn or a.user_name,
            "actor_name": a.user_name,
            "account_id": a.account_id,
            "source_ip": self.ip(),
            "time": self.first_ms if self.first_ms is not None else self.ctx.time_ms,
            "end_time": self.last_ms,
            "records": dict(sorted(self.counts.items())),
        }
        if self.suppressed:
            base["cloudtrail_suppressed"] = self.suppressed
        if self.event_names:
            base["first_event"] = self.event_names[0]
            base["event_names"] = sorted(set(self.event_names))
            base["event_count"] = len(self.event_names)
        base.update(facts)
        return StepResult(self.injections, base, self.last_ms)

    # ----- who is calling -----
    def console_session(self, t_s: int) -> tuple[int, bool]:
        """(sign-in epoch, mfa) of the actor's console session: the console_login step's, else an earlier one."""
        sess = self.ctx.state.get("console_sessions", {}).get(self.actor.id)
        if sess and sess[0] <= t_s:
            return sess
        return t_s - 300 - int(self.rng.integers(0, 1200)), False

    def identity(self, tool: str, t_s: int) -> dict[str, Any]:
        a = self.actor
        if a.kind == "outsider":
            raise ValueError(
                f"step {self.ctx.step_id}: actor {a.id!r} is an outsider without AWS credentials"
            )
        console = tool == "console"
        if a.kind == "iam_user":
            if console:
                created, mfa = self.console_session(t_s)
                return iam_user_identity(
                    a.account_id,
                    a.user_name,
                    a.principal_id,
                    temporary_key(f"{a.arn}|{created}"),
                    session_creation=created,
                    mfa=mfa,
                )
            return iam_user_identity(a.account_id, a.user_name, a.principal_id, a.access_key_id)
        if a.kind == "root":
            # no userName: the real and documented root records carry none (it would hold an IAM account alias)
            if console:
                created, mfa = self.console_session(t_s)
                return root_identity(a.account_id, temporary_key(f"{a.arn}|{created}"), None, created, mfa)
            return root_identity(a.account_id, a.access_key_id)
        role = a.role
        if role is None:
            raise ValueError(f"actor {a.id!r} is an assumed_role actor without a role")
        session = a.arn.rsplit("/", 1)[-1]
        # a session an earlier assume_role step opened: same creation time and key as its AssumeRole response
        opened = self.ctx.state.get("role_sessions", {}).get(f"{role.name}/{session}")
        created, key = (
            (opened["created"], opened["access_key_id"])
            if opened
            else (self.ctx.time_ms // 1000 - 600, a.access_key_id)
        )
        return assumed_role_identity(
            role.account_id, role.name, role.path, role.principal_id, session, key, created
        )

    def agent(self, tool: str) -> str:
        a = self.actor
        return a.user_agents.get(tool) or self.world.user_agents[tool][0]

    def user_agent(self, tool: str, source: str, name: str) -> str:
        prefix = source.split(".")[0]
        if tool == "console" and prefix == "s3":
            return S3_CONSOLE
        ua = self.agent(tool).replace("{command}", f"{CLI_SERVICE.get(prefix, prefix)}.{kebab(name)}")
        return s3_user_agent(ua) if prefix == "s3" else ua

    def region(self, source: str, region: str | None = None) -> str:
        if source in GLOBAL_SERVICES:
            return "us-east-1"
        return region or self.ctx.params.get("region") or self.actor.region

    # ----- one API call -----
    def api_call(
        self,
        t_ms: int,
        source: str,
        name: str,
        params: dict | None,
        response: Any = None,
        *,
        tool: str,
        region: str | None = None,
        error: tuple[str, str] | None = None,
        read_only: bool = False,
        resources: list | None = None,
        additional: dict | None = None,
        recipient: str | None = None,
        api_version: str | None = None,
        management: bool = True,
        request_id: str | None = None,
        ip: str | None = None,
    ) -> dict[str, Any] | None:
        t_s = t_ms // 1000
        reg = self.region(source, region)
        prefix = source.split(".")[0]
        rec: dict[str, Any] = {
            "eventVersion": event_version(source),
            "userIdentity": self.identity(tool, t_s),
            "eventTime": event_time(t_s),
            "eventSource": source,
            "eventName": name,
            "awsRegion": reg,
            "sourceIPAddress": ip or self.ip(),
            "userAgent": self.user_agent(tool, source, name),
        }
        if error:
            rec["errorCode"], rec["errorMessage"] = error
        rec["requestParameters"] = params
        rec["responseElements"] = None if error else response
        if additional is not None:
            rec["additionalEventData"] = additional
        rec["requestID"] = request_id or (self.s3_request_id() if prefix == "s3" else self.uuid())
        rec["eventID"] = self.uuid()
        rec["readOnly"] = read_only
        if resources and (not error or prefix == "s3"):
            rec["resources"] = resources
        rec["eventType"] = "AwsApiCall"
        if api_version:
            rec["apiVersion"] = api_version
        rec["managementEvent"] = management
        rec["recipientAccountId"] = recipient or self.actor.account_id
        rec["eventCategory"] = "Management" if management else "Data"
        v, c = S3_TLS if prefix == "s3" else TLS
        rec["tlsDetails"] = tls_details(v, c, host_header(source, reg, params))
        if tool == "console":
            rec["sessionCredentialFromConsole"] = "true"
        return self.cloudtrail(t_ms, rec)

    def denied(self, source: str, name: str, resource: str = "*") -> tuple[str, str]:
        """(errorCode, errorMessage) of an identity-policy denial for the actor."""
        if source == "ec2.amazonaws.com":
            blob = (
                base64.urlsafe_b64encode(self.rng.integers(0, 256, 420, dtype="uint8").tobytes())
                .decode()
                .rstrip("=")
            )
            return (
                "Client.UnauthorizedOperation",
                f"You are not authorized to perform this operation. Encoded authorization failure message: {blob}",
            )
        arn = self.actor.arn
        if self.actor.kind == "iam_user" and not arn:
            arn = f"arn:aws:iam::{self.actor.account_id}:user/{self.actor.user_name}"
        return access_denied(arn, source, name, resource)


def host_header(source: str, region: str, params: dict | None) -> str:
    prefix = source.split(".")[0]
    if prefix == "s3":
        return (params or {}).get("Host") or "s3.amazonaws.com"
    if prefix == "iam":
        return "iam.amazonaws.com"
    if prefix == "signin":
        return "signin.aws.amazon.com"
    return f"{prefix}.{region}.amazonaws.com"


def spread(step: Step, start_ms: int, n: int, mean_gap_s: float, min_gap_ms: int = 200) -> list[int]:
    """n increasing times starting at start_ms with exponential gaps (a human or script working)."""
    gaps = step.rng.exponential(mean_gap_s * 1000, n)
    out, t = [], start_ms
    for g in gaps.tolist():
        out.append(int(t))
        t += max(min_gap_ms, int(g))
    return out
