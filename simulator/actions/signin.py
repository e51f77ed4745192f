"""Console sign-in actions: one ConsoleLogin (success / failure, with or without MFA, IAM user or root) and a
brute-force / password-spraying run ending (optionally) in a success.

Shapes: cloudtrail-format.md §6 and the AWS examples in shared/reference/samples/cloudtrail/awsdocs_examples
(eventSource signin.amazonaws.com, eventType AwsConsoleSignIn, requestParameters null, no requestID,
readOnly false, failure = errorMessage "Failed authentication" without errorCode, failed IAM-user identity
without arn and with accessKeyId "", an unknown user name as HIDDEN_DUE_TO_SECURITY_REASONS with
"No username found in supplied account"; root: type Root, arn ...:root, accessKeyId ""). Sign-in is a global
service event recorded in us-east-1. MFA-less logins are what CIS 3.2/4.2 watches, failures CIS 3.6/4.6.
No CheckMfa record is written, matching the benign baseline's sign-ins.
"""

from __future__ import annotations

from typing import Any

from simulator.actions.base import ActionSpec, StepContext, StepResult, params_schema, register
from simulator.actions.records import Step, spread
from simulator.baseline.cloudtrail_special import LOGIN_TO
from simulator.formats.cloudtrail import event_time, tls_details

HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"


def _identity(step: Step, user_name: str | None, principal_id: str, success: bool) -> dict[str, Any]:
    a = step.actor
    if a.kind == "root":
        return {
            "type": "Root",
            "principalId": a.account_id,
            "arn": f"arn:aws:iam::{a.account_id}:root",
            "accountId": a.account_id,
            "accessKeyId": "",
        }
    if user_name is None:
        return {"type": "IAMUser", "accountId": a.account_id, "accessKeyId": "", "userName": HIDDEN}
    if success:
        return {
            "type": "IAMUser",
            "principalId": principal_id,
            "arn": f"arn:aws:iam::{a.account_id}:user/{user_name}",
            "accountId": a.account_id,
            "userName": user_name,
        }
    return {
        "type": "IAMUser",
        "principalId": principal_id,
        "accountId": a.account_id,
        "accessKeyId": "",
        "userName": user_name,
    }


def login_record(
    step: Step,
    t_ms: int,
    *,
    success: bool,
    mfa: bool,
    user_name: str | None,
    principal_id: str,
    ip: str,
    unknown_user: bool = False,
) -> dict[str, Any] | None:
    """One ConsoleLogin record (None when the account's trail is not logging at t)."""
    a = step.actor
    rec: dict[str, Any] = {
        "eventVersion": "1.08",
        "userIdentity": _identity(step, None if unknown_user else user_name, principal_id, success),
        "eventTime": event_time(t_ms // 1000),
        "eventSource": "signin.amazonaws.com",
        "eventName": "ConsoleLogin",
        "awsRegion": "us-east-1",
        "sourceIPAddress": ip,
        "userAgent": step.agent("console"),
    }
    if not success:
        rec["errorMessage"] = (
            "No username found in supplied account" if unknown_user else "Failed authentication"
        )
    rec["requestParameters"] = None
    rec["responseElements"] = {"ConsoleLogin": "Success" if success else "Failure"}
    extra = {"LoginTo": LOGIN_TO.format(step.uuid()[:8]), "MobileVersion": "No"}
    used = mfa and success
    if used:
        extra["MFAIdentifier"] = (
            f"arn:aws:iam::{a.account_id}:mfa/root-account-mfa-device"
            if a.kind == "root"
            else f"arn:aws:iam::{a.account_id}:mfa/{user_name}"
        )
    extra["MFAUsed"] = "Yes" if used else "No"
    rec["additionalEventData"] = extra
    rec.update(
        {
            "eventID": step.uuid(),
            "readOnly": False,
            "eventType": "AwsConsoleSignIn",
            "managementEvent": True,
            "recipientAccountId": a.account_id,
            "eventCategory": "Management",
            "tlsDetails": tls_details("TLSv1.3", "TLS_AES_128_GCM_SHA256", "signin.aws.amazon.com"),
        }
    )
    return step.cloudtrail(t_ms, rec)


def _remember_session(ctx: StepContext, t_ms: int, mfa: bool) -> None:
    ctx.state.setdefault("console_sessions", {})[ctx.actor.id] = [t_ms // 1000, mfa]


def emit_console_login(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    a = ctx.actor
    success = params.get("outcome", "success") == "success"
    mfa = bool(params.get("mfa", False))
    ip = step.ip()
    times = spread(step, ctx.time_ms, int(params.get("failures_before", 0)) + 1, 12.0, 3000)
    for t in times[:-1]:
        login_record(
            step, t, success=False, mfa=mfa, user_name=a.user_name, principal_id=a.principal_id, ip=ip
        )
    login_record(
        step, times[-1], success=success, mfa=mfa, user_name=a.user_name, principal_id=a.principal_id, ip=ip
    )
    if success:
        _remember_session(ctx, times[-1], mfa)
    return step.result(
        outcome="success" if success else "failure",
        mfa_used=mfa and success,
        login_time=times[-1],
        failures=len(times) - 1 + (0 if success else 1),
        root=a.kind == "root",
        user_agent=step.agent("console"),
    )


register(
    ActionSpec(
        name="console_login",
        summary="Sign in to the AWS Management Console (IAM user or root; success or failure; with or without MFA).",
        description=(
            "Writes `ConsoleLogin` records (`signin.amazonaws.com`, eventType `AwsConsoleSignIn`, region us-east-1) "
            "to CloudTrail: `responseElements.ConsoleLogin` is `Success` or `Failure`, "
            "`additionalEventData.MFAUsed` is `Yes` only for a successful MFA sign-in, and a failure carries "
            '`errorMessage: "Failed authentication"` (no errorCode). A root actor produces `userIdentity.type: Root`. '
            "`failures_before` adds mistyped-password failures first. Later console steps of the same actor reuse "
            "this session (its sign-in time appears as `sessionContext.attributes.creationDate`)."
        ),
        params=params_schema(
            {
                "outcome": {"type": "string", "enum": ["success", "failure"], "default": "success"},
                "mfa": {"type": "boolean", "default": False, "description": "sign in with an MFA device"},
                "failures_before": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 50,
                    "default": 0,
                    "description": "failed attempts (wrong password) just before",
                },
                "source_ip": {
                    "type": "string",
                    "format": "ipv4",
                    "description": "override the actor's first IP",
                },
            }
        ),
        sources=("cloudtrail",),
        techniques=("T1078.004",),
        facts={
            "outcome": "success or failure",
            "mfa_used": "whether MFA was used",
            "login_time": "epoch ms of the sign-in",
            "failures": "failed attempts in this step",
            "root": "whether the root user signed in",
            "source_ip": "address the sign-in came from",
            "user_agent": "browser user agent",
        },
        emit=emit_console_login,
        actor_kinds=("iam_user", "root"),
    )
)


def emit_brute_force(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    a = ctx.actor
    w = ctx.world
    users = {u.name: u for u in w.users if u.account_id == a.account_id}
    targets = list(params.get("targets") or [])
    for name in targets:
        if name not in users:
            raise ValueError(
                f"step {ctx.step_id}: brute_force target {name!r} is not a user of account {a.account_id}"
            )
    if not targets:
        pool = [n for n in sorted(users) if n != a.user_name]
        k = min(int(params.get("sprayed_users", 8)), len(pool))
        targets = [pool[int(i)] for i in ctx.rng.choice(len(pool), size=k, replace=False)]
    unknown = int(params.get("unknown_usernames", 0))
    rounds = int(params.get("attempts_per_user", 3))
    plan: list[tuple[str | None, str]] = []
    for _ in range(rounds):
        plan += [(n, users[n].principal_id) for n in targets]
        plan += [(a.user_name, a.principal_id)] if a.kind == "iam_user" else []
    plan += [(None, "")] * unknown
    order = ctx.rng.permutation(len(plan))
    plan = [plan[i] for i in order]
    success = bool(params.get("succeed", True))
    times = spread(
        step, ctx.time_ms, len(plan) + (1 if success else 0), float(params.get("mean_gap_s", 4.0)), 800
    )
    ips = a.source_ips
    used_ips: set[str] = set()
    for i, (name, pid) in enumerate(plan):
        ip = ips[i % len(ips)]
        used_ips.add(ip)
        login_record(
            step,
            times[i],
            success=False,
            mfa=False,
            user_name=name or "",
            principal_id=pid,
            ip=ip,
            unknown_user=name is None,
        )
    facts: dict[str, Any] = {
        "failed_attempts": len(plan),
        "targeted_users": sorted({n for n, _ in plan if n}),
        "unknown_usernames": unknown,
    }
    if success:
        ip = ips[len(plan) % len(ips)]
        used_ips.add(ip)
        login_record(
            step,
            times[-1],
            success=True,
            mfa=False,
            user_name=a.user_name,
            principal_id=a.principal_id,
            ip=ip,
        )
        _remember_session(ctx, times[-1], False)
        facts.update(success_time=times[-1], compromised_user=a.user_name, success_ip=ip)
    facts["source_ips"] = sorted(used_ips)
    facts["max_failures_per_5min"] = _max_per_window(times[: len(plan)], 300_000)
    return step.result(**facts)


def _max_per_window(times: list[int], window_ms: int) -> int:
    """Most failures in any aligned window (what a CloudWatch metric with that period sums)."""
    counts: dict[int, int] = {}
    for t in times:
        counts[t // window_ms] = counts.get(t // window_ms, 0) + 1
    return max(counts.values(), default=0)


register(
    ActionSpec(
        name="brute_force",
        summary="Password guessing / spraying against console sign-in, optionally ending in a successful login.",
        description=(
            'A run of failed `ConsoleLogin` records (`errorMessage: "Failed authentication"`, `ConsoleLogin: Failure`) '
            "against the listed `targets` (or `sprayed_users` random users of the actor's account) and the actor's own "
            "user, `attempts_per_user` rounds in random order; `unknown_usernames` attempts use names that do not exist "
            "(`userName: HIDDEN_DUE_TO_SECURITY_REASONS`, `No username found in supplied account`). Source IPs rotate over "
            "the actor's IPs. With `succeed` the actor's own user finally signs in without MFA. "
            "This is what the CIS console-authentication-failures filter counts."
        ),
        params=params_schema(
            {
                "targets": {
                    "type": "array",
                    "items": {"type": "string"},
                    "default": [],
                    "description": "user names to try (default: random users of the account)",
                },
                "sprayed_users": {"type": "integer", "minimum": 0, "maximum": 100, "default": 8},
                "attempts_per_user": {"type": "integer", "minimum": 1, "maximum": 100, "default": 3},
                "unknown_usernames": {"type": "integer", "minimum": 0, "maximum": 500, "default": 0},
                "mean_gap_s": {"type": "number", "exclusiveMinimum": 0, "default": 4.0},
                "succeed": {"type": "boolean", "default": True},
            }
        ),
        sources=("cloudtrail",),
        techniques=("T1110.003",),
        facts={
            "failed_attempts": "number of failed sign-ins",
            "targeted_users": "user names tried",
            "unknown_usernames": "attempts with user names that do not exist",
            "success_time": "epoch ms of the successful login",
            "compromised_user": "user that finally signed in",
            "success_ip": "address of the successful login",
            "source_ips": "all addresses used",
            "max_failures_per_5min": "most failures in one aligned 5-minute period",
        },
        emit=emit_brute_force,
        actor_kinds=("iam_user",),
    )
)
