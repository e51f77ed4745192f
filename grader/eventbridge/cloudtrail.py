"""CloudTrail record → the EventBridge event AWS puts on the default bus, and which rules get it.

Envelope (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html,
https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-cloudtrail.html):
``version "0"``, ``id``, ``detail-type`` from the record's eventType, ``source`` = ``aws.`` + the part
of ``eventSource`` before ``.amazonaws.com`` (``monitoring.amazonaws.com`` → ``aws.monitoring``, per
https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-monitoring.html), ``account`` = the
account that received the record, ``time`` = ``eventTime``, ``region`` = ``awsRegion``,
``resources: []`` and ``detail`` = the CloudTrail record itself (key order kept).

Rule states (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html):
``ENABLED`` rules do not receive read-only management events delivered through CloudTrail, i.e.
events whose API name starts with ``Describe``, ``Get`` or ``List`` (STS ``GetFederationToken`` and
``GetSessionToken`` are change events); read-only events named otherwise (``AssumeRole``, KMS
``Decrypt``, EventBridge ``TestEventPattern``...) already reach ``ENABLED`` rules. Rules in state
``ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`` receive everything; ``DISABLED`` rules nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import orjson

API_CALL = "AWS API Call via CloudTrail"
# Real events and the AWS console's samples spell it "Sign In"; the current docs list writes
# "Signin". We emit what AWS emits; patterns should accept both (see CONSOLE_SIGN_IN_DETAIL_TYPES).
CONSOLE_SIGN_IN = "AWS Console Sign In via CloudTrail"
CONSOLE_SIGN_IN_DETAIL_TYPES = (CONSOLE_SIGN_IN, "AWS Console Signin via CloudTrail")

DETAIL_TYPES = {
    "awsapicall": API_CALL,
    "awsconsolesignin": CONSOLE_SIGN_IN,
    "awsconsoleaction": "AWS Console Action via CloudTrail",
    "awsserviceevent": "AWS Service Event via CloudTrail",
    "awscloudtrailinsight": "AWS Insight via CloudTrail",
    "awsvpceevent": "AWS Network Activity Event via CloudTrail",
}
RULE_STATES = ("ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS", "DISABLED")
READ_ONLY_PREFIXES = ("Describe", "Get", "List")
STS_CHANGE_EVENTS = frozenset(["GetFederationToken", "GetSessionToken"])
MAX_EVENT_BYTES = 256 * 1024  # events above 256 KB are not sent to EventBridge (CloudTrail user guide)
# Namespace for deterministic event ids derived from the CloudTrail eventID.
_ID_NAMESPACE = uuid.UUID("6f1c3a52-0d3e-4c55-9a57-2b8f3f6e0b11")


def _detail_type(record: Mapping[str, Any]) -> str | None:
    event_type = record.get("eventType")
    if isinstance(event_type, str):
        return DETAIL_TYPES.get(event_type.lower())
    # Some older AWS documentation examples omit eventType; real records always carry it.
    if record.get("eventSource") == "signin.amazonaws.com":
        return CONSOLE_SIGN_IN
    return API_CALL if "eventName" in record else None


def _source(record: Mapping[str, Any]) -> str:
    event_source = record.get("eventSource")
    if not isinstance(event_source, str) or not event_source:
        return "aws.cloudtrail"  # Insights events carry no eventSource of their own
    return "aws." + event_source.removesuffix(".amazonaws.com")


def _account(record: Mapping[str, Any]) -> str:
    account = record.get("recipientAccountId")
    if not account:
        identity = record.get("userIdentity")
        account = identity.get("accountId") if isinstance(identity, Mapping) else None
    if not isinstance(account, str) or not account:
        raise ValueError(
            f"CloudTrail record {record.get('eventID')!r} has neither recipientAccountId nor userIdentity.accountId"
        )
    return account


def _time(record: Mapping[str, Any]) -> str:
    event_time = record.get("eventTime")
    if not isinstance(event_time, str) or len(event_time) < 19:
        raise ValueError(
            f"CloudTrail record {record.get('eventID')!r} has no valid eventTime: {event_time!r}"
        )
    return event_time[:19] + "Z"  # EventBridge time is yyyy-MM-ddTHH:mm:ssZ


def event_id_for(record: Mapping[str, Any]) -> str:
    """A stable EventBridge id for a record (AWS assigns a fresh UUID; we need determinism)."""
    key = record.get("eventID")
    if not isinstance(key, str) or not key:
        key = orjson.dumps(record, option=orjson.OPT_SORT_KEYS).decode("utf-8")
    return str(uuid.uuid5(_ID_NAMESPACE, key))


def cloudtrail_to_eventbridge(
    record: Mapping[str, Any], *, event_id: str | None = None
) -> dict[str, Any] | None:
    """The event EventBridge emits for a CloudTrail record, or None if it emits none.

    None for record types EventBridge does not receive and for events over 256 KB.
    Raises ValueError naming the record when required fields are missing.
    """
    if not isinstance(record, Mapping):
        raise ValueError(f"CloudTrail record must be a JSON object, got {type(record).__name__}")
    detail_type = _detail_type(record)
    if detail_type is None:
        return None
    region = record.get("awsRegion")
    if not isinstance(region, str) or not region:
        raise ValueError(f"CloudTrail record {record.get('eventID')!r} has no awsRegion")
    detail = {key: value for key, value in record.items() if key != "eventContext"}  # Lake-only field
    event = {
        "version": "0",
        "id": event_id if event_id is not None else event_id_for(record),
        "detail-type": detail_type,
        "source": _source(record),
        "account": _account(record),
        "time": _time(record),
        "region": region,
        "resources": [],
        "detail": detail,
    }
    if len(orjson.dumps(event)) > MAX_EVENT_BYTES:
        return None
    return event


def is_read_only_management_event(event_or_record: Mapping[str, Any]) -> bool:
    """True for a CloudTrail management event that ``ENABLED`` rules do not receive."""
    record = event_or_record.get("detail") if "detail-type" in event_or_record else event_or_record
    if not isinstance(record, Mapping):
        return False
    if record.get("managementEvent") is False or record.get("eventCategory") in ("Data", "NetworkActivity"):
        return False
    if _detail_type(record) != API_CALL:
        return False
    name = record.get("eventName")
    if not isinstance(name, str) or not name.startswith(READ_ONLY_PREFIXES):
        return False
    return not (record.get("eventSource") == "sts.amazonaws.com" and name in STS_CHANGE_EVENTS)


def delivered_to_rule(event_or_record: Mapping[str, Any], rule_state: str) -> bool:
    """Whether a rule on the default bus in ``rule_state`` is offered this event at all.

    ``event_or_record`` is an EventBridge event or a raw CloudTrail record. Matching the rule's
    pattern is a separate step (:meth:`EventPattern.matches`).
    """
    if rule_state not in RULE_STATES:
        raise ValueError(f"rule state must be one of {', '.join(RULE_STATES)}; got {rule_state!r}")
    if rule_state == "DISABLED":
        return False
    if rule_state == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS":
        return True
    is_cloudtrail = "detail-type" not in event_or_record or str(
        event_or_record.get("detail-type", "")
    ).endswith("via CloudTrail")
    return not (is_cloudtrail and is_read_only_management_event(event_or_record))
