"""World overrides: a scenario's changes to the generated organisation, applied as a pure function.

``apply_world_overrides(world, overrides) -> World`` returns a new World (dataclasses.replace); the input
is untouched. ``overrides`` is plain JSON-like data (so it can travel to worker processes):

    {"accounts": {"prod": {"alias": "bank-prod"}},
     "buckets": {"customer-records": {"data_events": false, "access_logging": true},      # existing, by purpose
                 "payroll-exports": {"account": "prod", "data_events": true, "objects": 300}},  # a new bucket
     "flow_logs": [{"account": "prod", "destination": "s3", "format": "extended", "aggregation_interval": 60}],
     "intensity": 2.0}

``intensity`` multiplies every employee's ``Profile.sessions_per_hour`` (the benign CloudTrail sessions of
simulator.baseline.cloudtrail_humans); the S3, ALB and flow baselines have their own rates and are unchanged.
Org size (``scale``) is not applied here: it is a parameter of build_world and goes into the RunConfig.
Server access logs go to the world's access-log bucket (prefix "<purpose>/"); AWS requires the target
bucket to be in the source bucket's account and Region
(https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLogging.html), so only buckets of that account
may turn it on (checked by simulator.scenario.semantic).
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

import numpy as np

from simulator.world import Bucket, World
from simulator.world.build import FLOW_CUSTOM_FORMAT

# purpose -> account kind of the buckets build_world makes (a test keeps this equal to the world's)
WORLD_BUCKET_PURPOSES = {
    "customer-records": "prod", "statements": "prod", "static-site": "prod", "artifacts": "dev",
    "access-logs": "prod", "alb-logs": "prod", "cloudtrail-logs": "security", "flow-logs": "security",
}
FLOW_FORMATS = {"default": None, "extended": FLOW_CUSTOM_FORMAT}
NEW_BUCKET_FIELDS = ("account", "purpose", "objects", "key_prefix", "extension")


def new_bucket_name(bucket_id: str, account_id: str) -> str:
    return f"anybank-{bucket_id}-{account_id}"


def flow_format(value: str) -> str | None:
    """default / extended / a ``${field}`` list -> the FlowLogConfig.log_format value."""
    return FLOW_FORMATS[value] if value in FLOW_FORMATS else value


def _new_keys(world: World, bucket_id: str, spec: dict[str, Any]) -> tuple[str, ...]:
    h = hashlib.blake2b(f"{world.seed}|{world.student}|bucket|{bucket_id}".encode(), digest_size=8).digest()
    rng = np.random.default_rng(int.from_bytes(h, "big"))
    prefix = spec.get("key_prefix", f"{bucket_id}/")
    ext = spec.get("extension", "csv")
    n = int(spec.get("objects", 100))
    keys = {f"{prefix}{int(rng.integers(2022, 2027))}/{int(rng.integers(1, 13)):02d}/"
            f"{int(rng.integers(10_000_000, 99_999_999))}.{ext}" for _ in range(n)}
    while len(keys) < n:
        keys.add(f"{prefix}{int(rng.integers(10_000_000, 99_999_999))}.{ext}")
    return tuple(sorted(keys))


def _buckets(world: World, specs: dict[str, dict[str, Any]]) -> tuple[Bucket, ...]:
    access = next((b for b in world.buckets if b.purpose == "access-logs"), None)
    out = list(world.buckets)
    by_purpose = {b.purpose: i for i, b in enumerate(out)}
    for bid, spec in specs.items():
        if bid in by_purpose:
            i = by_purpose[bid]
            b = out[i]
            changes: dict[str, Any] = {}
            if "data_events" in spec:
                changes["data_events"] = bool(spec["data_events"])
            if "access_logging" in spec:
                on = bool(spec["access_logging"]) and access is not None
                changes["access_log_bucket"] = access.name if on else ""
                changes["access_log_prefix"] = f"{b.purpose}/" if on else ""
            out[i] = dataclasses.replace(b, **changes)
            continue
        acct = world.account(spec.get("account", "prod"))
        logging_on = bool(spec.get("access_logging", False)) and access is not None
        out.append(Bucket(
            index=len(out), name=new_bucket_name(bid, acct.id), account_id=acct.id, region=world.home_region,
            purpose=spec.get("purpose", bid), data_events=bool(spec.get("data_events", False)),
            access_log_bucket=access.name if logging_on else "", access_log_prefix=f"{bid}/" if logging_on else "",
            keys=_new_keys(world, bid, spec), kms_key_arn="",
        ))
    return tuple(out)


def apply_world_overrides(world: World, overrides: dict[str, Any] | None) -> World:
    """A new World with the scenario's overrides applied (see the module docstring)."""
    if not overrides:
        return world
    changes: dict[str, Any] = {}
    if overrides.get("accounts"):
        changes["accounts"] = tuple(
            dataclasses.replace(a, name=overrides["accounts"][a.kind]["alias"])
            if overrides["accounts"].get(a.kind, {}).get("alias") else a for a in world.accounts)
    if overrides.get("buckets"):
        buckets = _buckets(world, overrides["buckets"])
        changes["buckets"] = buckets
        changes["trails"] = tuple(
            dataclasses.replace(t, data_event_buckets=tuple(b.name for b in buckets
                                                            if b.data_events and b.account_id == t.account_id))
            for t in world.trails)
    if overrides.get("flow_logs"):
        kind_of = {a.id: a.kind for a in world.accounts}
        logs = list(world.flow_logs)
        for spec in overrides["flow_logs"]:
            for i, fl in enumerate(logs):
                if spec.get("account") not in (None, kind_of[fl.account_id]):
                    continue
                if spec.get("destination") not in (None, fl.destination):
                    continue
                upd: dict[str, Any] = {}
                if "format" in spec:
                    upd["log_format"] = flow_format(spec["format"])
                if "aggregation_interval" in spec:
                    upd["aggregation_interval"] = int(spec["aggregation_interval"])
                logs[i] = dataclasses.replace(fl, **upd)
        changes["flow_logs"] = tuple(logs)
    factor = float(overrides.get("intensity", 1.0))
    if factor != 1.0:
        changes["users"] = tuple(
            dataclasses.replace(u, profile=dataclasses.replace(u.profile,
                                                               sessions_per_hour=u.profile.sessions_per_hour * factor))
            for u in world.users)
    return dataclasses.replace(world, **changes) if changes else world
