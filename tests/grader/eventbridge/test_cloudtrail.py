"""CloudTrail record → EventBridge event, on real records (AWS documentation and invictus-ir).

Envelope per https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
and the EventBridge events reference (source ``aws.<service>``); delivery per
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html.
"""

from __future__ import annotations

import collections
from typing import Any

import orjson
import pytest

from grader.eventbridge import (
    API_CALL,
    CONSOLE_SIGN_IN,
    cloudtrail_to_eventbridge,
    compile_event_pattern,
    delivered_to_rule,
    is_read_only_management_event,
)
from tests.grader.eventbridge.shared import awsdocs_records, invictus_records, require_shared

ENVELOPE_KEYS = ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"]


@pytest.fixture(scope="module")
def invictus() -> list[dict[str, Any]]:
    require_shared()
    return invictus_records()


@pytest.fixture(scope="module")
def awsdocs() -> list[tuple[str, dict[str, Any]]]:
    require_shared()
    return awsdocs_records()


def test_api_call_envelope_on_real_records(invictus: list[dict[str, Any]]) -> None:
    assert len(invictus) == 2900
    seen = collections.Counter()
    for record in invictus:
        event = cloudtrail_to_eventbridge(record)
        assert event is not None
        assert list(event) == ENVELOPE_KEYS
        assert event["version"] == "0"
        assert event["source"] == "aws." + record["eventSource"].split(".amazonaws.com")[0]
        assert event["account"] == record["recipientAccountId"]
        assert event["time"] == record["eventTime"]
        assert event["region"] == record["awsRegion"]
        assert event["resources"] == []
        # detail is the record itself, same keys in the same order
        assert orjson.dumps(event["detail"]) == orjson.dumps(record)
        seen[event["detail-type"]] += 1
    assert seen == {API_CALL: 2855, "AWS Service Event via CloudTrail": 42, CONSOLE_SIGN_IN: 3}


def test_event_ids_are_deterministic_and_distinct(invictus: list[dict[str, Any]]) -> None:
    ids = [cloudtrail_to_eventbridge(r)["id"] for r in invictus]  # type: ignore[index]
    assert ids == [cloudtrail_to_eventbridge(r)["id"] for r in invictus]  # type: ignore[index]
    assert len(set(ids)) == len({r["eventID"] for r in invictus})
    assert cloudtrail_to_eventbridge(invictus[0], event_id="fixed")["id"] == "fixed"  # type: ignore[index]


def test_console_sign_in_events(awsdocs: list[tuple[str, dict[str, Any]]]) -> None:
    sign_ins = [(name, r) for name, r in awsdocs if r.get("eventSource") == "signin.amazonaws.com"]
    assert len(sign_ins) >= 10
    for name, record in sign_ins:
        event = cloudtrail_to_eventbridge(record)
        assert event is not None, name
        assert event["detail-type"] == CONSOLE_SIGN_IN, name
        assert event["source"] == "aws.signin"
        # sign-in is a global service event; the event lands where the record says (us-east-1/us-east-2)
        assert event["region"] == record["awsRegion"]
        assert event["detail"] == record
    pattern = compile_event_pattern(
        {
            "source": ["aws.signin"],
            "detail-type": ["AWS Console Sign In via CloudTrail", "AWS Console Signin via CloudTrail"],
            "detail": {"eventName": ["ConsoleLogin"], "responseElements": {"ConsoleLogin": ["Failure"]}},
        }
    )
    failures = [name for name, r in sign_ins if pattern.matches(cloudtrail_to_eventbridge(r))]  # type: ignore[arg-type]
    assert failures and all("unsuccessful" in n or "failure" in n for n in failures)


def test_other_cloudtrail_event_types(awsdocs: list[tuple[str, dict[str, Any]]]) -> None:
    by_type = {r.get("eventType"): r for _, r in awsdocs}
    insight = cloudtrail_to_eventbridge(by_type["AwsCloudTrailInsight"])
    assert insight is not None
    assert (insight["detail-type"], insight["source"], insight["account"]) == (
        "AWS Insight via CloudTrail",
        "aws.cloudtrail",
        "123456789012",
    )
    # a documentation example without eventType is treated as the API call it records
    no_type = next(
        r for _, r in awsdocs if "eventType" not in r and r.get("eventSource") == "iam.amazonaws.com"
    )
    assert cloudtrail_to_eventbridge(no_type)["detail-type"] == API_CALL  # type: ignore[index]
    assert cloudtrail_to_eventbridge({**no_type, "eventType": "SomethingNew"}) is None


def test_oversized_and_malformed_records(invictus: list[dict[str, Any]]) -> None:
    record = dict(invictus[0])
    record["requestParameters"] = {"blob": "x" * (256 * 1024)}
    assert cloudtrail_to_eventbridge(record) is None  # EventBridge drops events over 256 KB
    with pytest.raises(ValueError, match="awsRegion"):
        cloudtrail_to_eventbridge({k: v for k, v in invictus[0].items() if k != "awsRegion"})
    with pytest.raises(ValueError, match="eventTime"):
        cloudtrail_to_eventbridge({**invictus[0], "eventTime": None})
    with pytest.raises(ValueError, match="recipientAccountId"):
        cloudtrail_to_eventbridge(
            {
                "eventType": "AwsApiCall",
                "eventName": "X",
                "awsRegion": "r",
                "eventTime": "2024-01-01T00:00:00Z",
            }
        )


def test_read_only_events_need_the_all_management_events_state(invictus: list[dict[str, Any]]) -> None:
    events = [cloudtrail_to_eventbridge(r) for r in invictus]
    enabled = [e for e in events if delivered_to_rule(e, "ENABLED")]  # type: ignore[arg-type]
    everything = [e for e in events if delivered_to_rule(e, "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")]  # type: ignore[arg-type]
    assert len(everything) == 2900
    assert not [e for e in events if delivered_to_rule(e, "DISABLED")]  # type: ignore[arg-type]
    dropped = collections.Counter(e["detail"]["eventName"] for e in events if e not in enabled)  # type: ignore[index]
    assert all(name.startswith(("Get", "List", "Describe")) for name in dropped)
    kept_read_only = collections.Counter(
        e["detail"]["eventName"]
        for e in enabled
        if e["detail"].get("readOnly")  # type: ignore[index]
    )
    # read-only calls not named Describe/Get/List already reach ENABLED rules
    assert {"AssumeRole", "Decrypt"} <= set(kept_read_only)
    assert not any(n.startswith(("Get", "List", "Describe")) for n in kept_read_only)
    # console sign-ins and writes are always delivered
    assert all(delivered_to_rule(e, "ENABLED") for e in events if e["detail"].get("readOnly") is False)  # type: ignore[index]


def test_read_only_rule_details() -> None:
    base = {"eventType": "AwsApiCall", "managementEvent": True, "eventCategory": "Management"}
    assert is_read_only_management_event({**base, "eventSource": "iam.amazonaws.com", "eventName": "GetRole"})
    for name in ("GetSessionToken", "GetFederationToken"):
        record = {**base, "eventSource": "sts.amazonaws.com", "eventName": name}
        assert not is_read_only_management_event(record)
        assert delivered_to_rule(record, "ENABLED")
    data_event = {
        **base,
        "managementEvent": False,
        "eventCategory": "Data",
        "eventSource": "s3.amazonaws.com",
    }
    assert delivered_to_rule({**data_event, "eventName": "GetObject"}, "ENABLED")
    custom = {"detail-type": "Order Placed", "source": "shop", "detail": {"eventName": "GetThing"}}
    assert delivered_to_rule(custom, "ENABLED")
    with pytest.raises(ValueError, match="rule state"):
        delivered_to_rule(custom, "enabled")


def test_typical_security_patterns_on_real_events(invictus: list[dict[str, Any]]) -> None:
    events = [cloudtrail_to_eventbridge(r) for r in invictus]
    stop_logging = compile_event_pattern(
        {
            "source": ["aws.cloudtrail"],
            "detail-type": ["AWS API Call via CloudTrail"],
            "detail": {"eventName": ["StopLogging", "DeleteTrail", "UpdateTrail"]},
        }
    )
    hits = [e["detail"]["eventName"] for e in events if stop_logging.matches(e)]  # type: ignore[index,arg-type]
    expected = [
        r["eventName"] for r in invictus if r["eventName"] in ("StopLogging", "DeleteTrail", "UpdateTrail")
    ]
    assert hits == expected and hits
    denied = compile_event_pattern(
        {"detail": {"errorCode": [{"prefix": "Client.Unauthorized"}, "AccessDenied"]}}
    )
    n_denied = sum(denied.matches(e) for e in events)  # type: ignore[arg-type]
    assert n_denied == sum(
        r.get("errorCode") in ("Client.UnauthorizedOperation", "AccessDenied") for r in invictus
    )
