"""Which trails receive a record: moto's CloudTrail state read in-process, and trail semantics.

A record goes to a trail when the trail (in the caller's account) is logging, covers the event's
region (its home region, or any region for a multi-region trail; global-service events only when
IncludeGlobalServiceEvents is on), and its selectors take the event:
- no selectors: all management events, no data events (AWS default for new trails);
- basic EventSelectors: ReadWriteType (All/ReadOnly/WriteOnly), IncludeManagementEvents,
  ExcludeManagementEventSources, DataResources (AWS::S3::Object, AWS::Lambda::Function,
  AWS::SNS::Topic) with ARN prefixes;
- AdvancedEventSelectors: field selectors on eventCategory, readOnly, eventSource, eventName,
  resources.type, resources.ARN with Equals/NotEquals/StartsWith/NotStartsWith/EndsWith/NotEndsWith.
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from moto.cloudtrail.models import cloudtrail_backends

from simulator.emulator.conventions import GLOBAL_SERVICES
from simulator.emulator.record import RecordedCall


@dataclass(frozen=True)
class TrailTarget:
    """A snapshot of one trail's delivery settings."""

    account_id: str
    home_region: str
    name: str
    arn: str
    bucket: str | None
    s3_key_prefix: str | None
    log_group_arn: str | None
    multi_region: bool
    include_global: bool
    logging: bool
    event_selectors: tuple[Any, ...]
    advanced_selectors: tuple[Any, ...]


def _freeze(value: Any) -> tuple[Any, ...]:
    return tuple(value or ())


def snapshot_trails() -> dict[str, TrailTarget]:
    """Every trail moto knows about, by ARN."""
    out: dict[str, TrailTarget] = {}
    for account_id, account in list(cloudtrail_backends.items()):
        for region, backend in list(account.items()):
            for trail in list(backend.trails.values()):
                out[trail.arn] = TrailTarget(
                    account_id=account_id,
                    home_region=region,
                    name=trail.trail_name,
                    arn=trail.arn,
                    bucket=trail.bucket_name,
                    s3_key_prefix=trail.s3_key_prefix,
                    log_group_arn=trail.cw_log_group_arn,
                    multi_region=bool(trail.is_multi_region),
                    include_global=trail.include_global_service_events is not False,
                    logging=bool(trail.status.is_logging),
                    event_selectors=_freeze(trail.event_selectors),
                    advanced_selectors=_freeze(trail.advanced_event_selectors),
                )
    return out


_ALL_OF_TYPE = {"arn:aws:s3", "arn:aws:s3:::", "arn:aws:lambda", "arn:aws:sns"}


def _basic_selector_takes(selector: dict[str, Any], call: RecordedCall) -> bool:
    rw = selector.get("ReadWriteType", "All")
    if rw == "ReadOnly" and not call.read_only or rw == "WriteOnly" and call.read_only:
        return False
    if call.management:
        if not selector.get("IncludeManagementEvents", True):
            return False
        return call.event_source not in (selector.get("ExcludeManagementEventSources") or [])
    arn = call.data_resource_arn
    for resource in selector.get("DataResources") or []:
        if resource.get("Type") != call.data_resource_type or arn is None:
            continue
        for value in resource.get("Values") or []:
            # "arn:aws:s3" / "arn:aws:lambda" / "arn:aws:sns" select every resource of the type
            if value in _ALL_OF_TYPE or arn.startswith(value):
                return True
    return False


def _field_value(field: str, call: RecordedCall) -> list[str]:
    rec = call.record
    if field == "eventCategory":
        return [rec["eventCategory"]]
    if field == "readOnly":
        return ["true" if call.read_only else "false"]
    if field in ("eventSource", "eventName", "eventType"):
        return [rec[field]]
    if field == "resources.type":
        return [r["type"] for r in rec.get("resources", [])]
    if field == "resources.ARN":
        return [r["ARN"] for r in rec.get("resources", [])]
    if field == "userIdentity.arn":
        return [rec["userIdentity"].get("arn", "")]
    return []


def _field_takes(fs: dict[str, Any], call: RecordedCall) -> bool:
    values = _field_value(fs.get("Field", ""), call)
    tests = {
        "Equals": lambda v, x: v == x,
        "StartsWith": lambda v, x: v.startswith(x),
        "EndsWith": lambda v, x: v.endswith(x),
    }
    for op, test in tests.items():
        wanted = fs.get(op)
        if wanted and not any(test(v, x) for v in values for x in wanted):
            return False
        negated = fs.get("Not" + op)
        if negated and any(test(v, x) for v in values for x in negated):
            return False
    return True


def selectors_take(target: TrailTarget, call: RecordedCall) -> bool:
    if target.advanced_selectors:
        return any(
            all(_field_takes(fs, call) for fs in sel.get("FieldSelectors", []))
            for sel in target.advanced_selectors
        )
    if target.event_selectors:
        return any(_basic_selector_takes(sel, call) for sel in target.event_selectors)
    return call.management


def covers(target: TrailTarget, call: RecordedCall, service: str) -> bool:
    if target.account_id != call.account_id:
        return False
    if service in GLOBAL_SERVICES and not target.include_global:
        return False
    return target.multi_region or target.home_region == call.region


def receiving_trails(
    before: dict[str, TrailTarget], after: dict[str, TrailTarget], call: RecordedCall, service: str
) -> list[TrailTarget]:
    """Trails that log this call: logging before or after it (so StopLogging and StartLogging
    themselves are recorded, as on AWS), with the newest settings."""
    merged = {
        **{k: v for k, v in before.items() if v.logging},
        **{k: v for k, v in after.items() if v.logging},
    }
    return [t for t in merged.values() if covers(t, call, service) and selectors_take(t, call)]
