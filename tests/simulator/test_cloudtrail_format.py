"""CloudTrail format helpers against the reference (cloudtrail-format.md) and the real invictus-ir records."""

from __future__ import annotations

import gzip
import json
import random
import re
from pathlib import Path

import orjson
import pytest

from simulator.formats.cloudtrail import (
    IDENTITY_ORDER,
    KEY_ORDER,
    SESSION_CONTEXT_ORDER,
    assumed_role_identity,
    aws_service_identity,
    envelope,
    event_time,
    event_version,
    iam_create_date,
    iam_user_identity,
    log_file_key,
    log_file_name,
    render_record,
    service_event_identity,
    sts_expiration,
)
from simulator.formats.cloudtrail_template import Template, escape

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
INVICTUS = SHARED / "reference" / "samples" / "cloudtrail" / "invictus-ir_aws_dataset"


def real_records() -> list[dict]:
    if not INVICTUS.is_dir():
        pytest.skip(f"reference samples missing: {INVICTUS} (the shared/ directory is not next to the repo)")
    out = []
    for f in sorted(INVICTUS.glob("*.json.gz")):
        out += json.loads(gzip.decompress(f.read_bytes()))["Records"]
    return out


def in_order(keys: list[str], order: tuple[str, ...]) -> bool:
    ranks = [order.index(k) for k in keys]
    return ranks == sorted(ranks)


def test_key_order_matches_every_real_record():
    recs = real_records()
    assert len(recs) == 2900
    for r in recs:
        assert in_order(list(r), KEY_ORDER), list(r)
        assert in_order(list(r["userIdentity"]), IDENTITY_ORDER), list(r["userIdentity"])
        sc = r["userIdentity"].get("sessionContext")
        if sc:
            assert in_order(list(sc), SESSION_CONTEXT_ORDER), list(sc)


def test_render_record_restores_aws_order():
    rec = real_records()[123]
    keys = list(rec)
    random.Random(4).shuffle(keys)
    shuffled = {k: rec[k] for k in keys}
    shuffled["userIdentity"] = dict(reversed(list(rec["userIdentity"].items())))
    assert render_record(shuffled) == orjson.dumps(rec)


def test_identity_builders_match_real_shapes():
    recs = real_records()
    real_role = next(
        r["userIdentity"]
        for r in recs
        if r["userIdentity"].get("type") == "AssumedRole"
        and "ec2RoleDelivery" in r["userIdentity"]["sessionContext"]
    )
    ours = assumed_role_identity(
        "123456789012",
        "r",
        "/",
        "AROAXXXXXXXXXXXXXXXXX",
        "i-0abc",
        "ASIAXXXX",
        1_688_990_122,
        ec2_role_delivery="2.0",
    )
    assert list(ours) == list(real_role)
    assert list(ours["sessionContext"]) == list(real_role["sessionContext"])
    assert list(ours["sessionContext"]["sessionIssuer"]) == list(real_role["sessionContext"]["sessionIssuer"])
    assert list(ours["sessionContext"]["attributes"]) == list(real_role["sessionContext"]["attributes"])
    real_console = next(
        r["userIdentity"]
        for r in recs
        if r["userIdentity"].get("type") == "IAMUser"
        and "sessionContext" in r["userIdentity"]
        and "invokedBy" not in r["userIdentity"]
    )
    ours = iam_user_identity("1", "u", "AIDA", "ASIA", session_creation=0, mfa=True)
    assert (
        list(ours) == list(real_console)
        and ours["sessionContext"]["attributes"]["mfaAuthenticated"] == "true"
    )
    assert aws_service_identity("inspector2.amazonaws.com") == next(
        r["userIdentity"] for r in recs if r["userIdentity"].get("type") == "AWSService"
    )
    real_svc = next(r["userIdentity"] for r in recs if r["eventType"] == "AwsServiceEvent")
    assert list(service_event_identity("1", "secretsmanager.amazonaws.com")) == list(real_svc)


def test_value_conventions():
    assert event_time(1_688_990_132.9) == "2023-07-10T11:55:32Z"
    assert re.fullmatch(r"\w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M", sts_expiration(1_688_990_987))
    assert sts_expiration(1_688_993_724) == "Jul 10, 2023, 12:55:24 PM"  # the real inspector2 AssumeRole
    assert iam_create_date(1_688_991_785) == "Jul 10, 2023 12:23:05 PM"
    assert iam_create_date(1_688_947_200) == "Jul 10, 2023 12:00:00 AM"
    assert (
        event_version("cloudtrail.amazonaws.com") == "1.09" and event_version("ec2.amazonaws.com") == "1.08"
    )


def test_event_versions_by_service_as_in_real_files():
    for r in real_records():
        assert r["eventVersion"] == event_version(r["eventSource"]), (r["eventSource"], r["eventVersion"])


def test_file_names_and_keys():
    name = log_file_name("218007301253", "us-east-1", 1_688_989_500, "7xgocspSowgK0Gto")
    assert name == "218007301253_CloudTrail_us-east-1_20230710T1145Z_7xgocspSowgK0Gto.json.gz"
    assert (INVICTUS / name).exists() or not INVICTUS.is_dir()
    key = log_file_key("218007301253", "us-east-1", 1_688_989_500, "7xgocspSowgK0Gto", prefix="org/")
    assert key == f"org/AWSLogs/218007301253/CloudTrail/us-east-1/2023/07/10/{name}"
    with pytest.raises(ValueError, match="16 alphanumerics"):
        log_file_name("1", "us-east-1", 0, "short")


def test_envelope_is_compact_like_real_files():
    raw = gzip.decompress(sorted(INVICTUS.glob("*.json.gz"))[0].read_bytes()) if INVICTUS.is_dir() else None
    if raw is None:
        pytest.skip("reference samples missing")
    recs = json.loads(raw)["Records"]
    assert envelope([orjson.dumps(r) for r in recs]) == orjson.dumps({"Records": recs})
    assert raw.startswith(b'{"Records":[') and b"\n" not in raw.strip()


@pytest.mark.parametrize("index", [0, 57, 300, 1111, 2899])
def test_template_renders_exactly_like_render_record(index):
    rec = real_records()[index]
    tpl = Template.from_record(rec)
    ua = orjson.dumps(rec["userAgent"])[1:-1]
    xid = orjson.dumps(rec.get("additionalEventData", {}).get("x-amz-id-2", ""))[1:-1]
    rid = orjson.dumps(rec.get("requestID", ""))[1:-1]
    out = tpl.render(
        orjson.dumps(rec["userIdentity"]),
        rec["eventTime"].encode(),
        rec["sourceIPAddress"].encode(),
        ua,
        xid,
        rid,
        rec["eventID"].encode(),
    )
    assert out == render_record(rec)
    ident = orjson.dumps(rec["userIdentity"])
    record, escaped = tpl.render_both(
        ident, escape(ident), rec["eventTime"].encode(), rec["sourceIPAddress"].encode(), ua, escape(ua), xid, rid,
        rec["eventID"].encode(),
    )
    assert record == out
    assert orjson.loads(b'"' + escaped + b'"') == out.decode()  # the CloudWatch message is the record itself


def test_validate_record_accepts_every_real_record_and_names_problems():
    from simulator.formats.cloudtrail import validate_record

    assert all(validate_record(r) == [] for r in real_records())
    bad = dict(real_records()[0], eventTime="2023-07-10T11:55:32.123Z", readOnly="true", evntName="x")
    problems = validate_record(bad)
    assert any("fractional seconds" in p for p in problems)
    assert any("readOnly must be a JSON boolean" in p for p in problems)
    assert any("unknown top-level field 'evntName'" in p for p in problems)
