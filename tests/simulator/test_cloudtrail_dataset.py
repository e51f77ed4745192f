"""A generated CloudTrail dataset: trailscraper-readable files, delivery layout, CloudWatch form, labels,
field sets/order/types compared with the real invictus-ir records, and the benign mix."""

from __future__ import annotations

import collections
import datetime as dt
import gzip
import json
import re

import pytest

from simulator.delivery.cloudtrail import MAX_PER_FILE
from simulator.engine import Injection, RunConfig, run
from simulator.formats.cloudtrail import IDENTITY_ORDER, KEY_ORDER, SESSION_CONTEXT_ORDER
from tests.simulator.test_cloudtrail_format import in_order, real_records

START = dt.datetime(2026, 3, 3, 12, 0, tzinfo=dt.UTC)  # a Tuesday, 07:00 in New York
STOP_LOGGING = {
    "eventVersion": "1.09",
    "userIdentity": {
        "type": "IAMUser",
        "principalId": "AIDAEXAMPLEEXAMPLE123",
        "arn": "arn:aws:iam::{acct}:user/mallory",
        "accountId": "{acct}",
        "accessKeyId": "AKIAEXAMPLEEXAMPLE12",
        "userName": "mallory",
    },
    "eventSource": "cloudtrail.amazonaws.com",
    "eventName": "StopLogging",
    "awsRegion": "us-east-1",
    "sourceIPAddress": "203.0.113.99",
    "userAgent": "aws-cli/2.15.30",
    "requestParameters": {"name": "trail"},
    "responseElements": None,
    "requestID": "11111111-2222-4333-8444-555555555555",
    "readOnly": False,
    "eventType": "AwsApiCall",
    "managementEvent": True,
    "recipientAccountId": "{acct}",
    "eventCategory": "Management",
}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("ct")
    from simulator.world import build_world

    acct = build_world(7, None, 60).account("prod").id
    payload = json.loads(json.dumps(STOP_LOGGING).replace("{acct}", acct))
    inj = Injection(
        "cloudtrail", int(START.timestamp() * 1000) + 7_200_000, payload, "insider", "stop-trail", "T1562.008"
    )
    res = run(
        RunConfig(
            seed=7,
            start=START,
            duration_seconds=6 * 3600,
            scale=60,
            sources=("cloudtrail",),
            injections=(inj,),
        ),
        out,
    )
    files = sorted(out.glob("s3/**/*.json.gz"))
    recs = {p: json.loads(gzip.decompress(p.read_bytes()))["Records"] for p in files}
    return out, res, recs


def all_records(dataset) -> list[dict]:
    return [r for rs in dataset[2].values() for r in rs]


def test_trailscraper_reads_every_file(dataset):
    from trailscraper.cloudtrail import LogFile
    from trailscraper.record_sources.local_directory_record_source import LocalDirectoryRecordSource

    out, res, recs = dataset
    assert recs and all(LogFile(str(p)).has_valid_filename() for p in recs)
    loaded = LocalDirectoryRecordSource(str(out / "s3")).load_from_dir(
        START - dt.timedelta(hours=1), START + dt.timedelta(hours=8)
    )
    assert len(list(loaded)) == res.records["cloudtrail"] == sum(len(r) for r in recs.values())


def test_delivery_layout(dataset):
    out, res, recs = dataset
    pat = re.compile(
        r"s3/(anybank-cloudtrail-logs-\d{12})/AWSLogs/(\d{12})/CloudTrail/([a-z0-9-]+)/(\d{4})/(\d{2})/(\d{2})/"
        r"\2_CloudTrail_\3_(\d{8}T\d{4}Z)_[A-Za-z0-9]{16}\.json\.gz"
    )
    for path, rs in recs.items():
        m = pat.fullmatch(path.relative_to(out).as_posix())
        assert m, path
        stamp = dt.datetime.strptime(m.group(7), "%Y%m%dT%H%MZ").replace(tzinfo=dt.UTC)
        assert stamp.minute % 5 == 0 and stamp.strftime("%Y/%m/%d") == "/".join(m.group(4, 5, 6))
        times = [
            dt.datetime.strptime(r["eventTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC) for r in rs
        ]
        assert max(times) < stamp and stamp - min(times) <= dt.timedelta(minutes=11)
        assert {r["recipientAccountId"] for r in rs} == {m.group(2)} and {r["awsRegion"] for r in rs} == {
            m.group(3)
        }
        assert 1 <= len(rs) <= MAX_PER_FILE
        raw = gzip.decompress(path.read_bytes())
        assert (
            raw.startswith(b'{"Records":[{"eventVersion":"') and b"\n" not in raw and b", " not in raw[:200]
        )


def test_cloudwatch_form_holds_the_same_records(dataset):
    out, res, recs = dataset
    groups = {g["name"]: g for g in res.manifest["log_groups"]}
    trails = {t["account_id"]: t["log_group"] for t in res.manifest["world"]["trails"]}
    assert set(groups) <= set(trails.values())
    events = {}
    for f in out.glob("cloudwatch/**/*.jsonl.gz"):
        group, stream = f.parent.parent.name, f.parent.name
        acct, region = re.fullmatch(r"(\d{12})_CloudTrail_([a-z0-9-]+)", stream).groups()
        assert group == trails[acct]
        lines = [json.loads(x) for x in gzip.decompress(f.read_bytes()).splitlines()]
        assert [x["timestamp"] for x in lines] == sorted(x["timestamp"] for x in lines)
        for ev in lines:
            rec = json.loads(ev["message"])
            assert ev["timestamp"] == int(
                dt.datetime.strptime(rec["eventTime"], "%Y-%m-%dT%H:%M:%SZ")
                .replace(tzinfo=dt.UTC)
                .timestamp()
                * 1000
            )
            assert rec["recipientAccountId"] == acct and rec["awsRegion"] == region
            events[rec["eventID"]] = rec
    assert events == {r["eventID"]: r for r in all_records(dataset)}


def test_every_record_labelled_once(dataset):
    out, res, recs = dataset
    labels = [
        json.loads(x)
        for f in out.glob("labels/cloudtrail/*.jsonl.gz")
        for x in gzip.decompress(f.read_bytes()).splitlines()
    ]
    by_id = collections.Counter(x["eventID"] for x in labels)
    assert set(by_id) == {r["eventID"] for r in all_records(dataset)} and set(by_id.values()) == {1}
    scen = [x for x in labels if x["label"] == "scenario"]
    assert scen == [
        {
            "source": "cloudtrail",
            "eventID": scen[0]["eventID"],
            "label": "scenario",
            "scenario": "insider",
            "step": "stop-trail",
            "technique": "T1562.008",
        }
    ]
    injected = next(r for r in all_records(dataset) if r["eventID"] == scen[0]["eventID"])
    assert injected["eventName"] == "StopLogging" and injected["eventTime"] == "2026-03-03T14:00:00Z"
    assert {x["label"] for x in labels} == {"benign", "scenario"}
    assert res.manifest["counts"]["cloudtrail"]["injected"] == 1


def test_key_order_and_types_match_real_records(dataset):
    real = real_records()
    types = collections.defaultdict(set)
    for r in real:
        for k, v in r.items():
            types[k].add(type(v).__name__)
    for r in all_records(dataset):
        assert in_order(list(r), KEY_ORDER), list(r)
        assert in_order(list(r["userIdentity"]), IDENTITY_ORDER)
        sc = r["userIdentity"].get("sessionContext")
        if sc:
            assert in_order(list(sc), SESSION_CONTEXT_ORDER)
            assert sc["attributes"]["mfaAuthenticated"] in ("true", "false")
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", sc["attributes"]["creationDate"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["eventTime"])
        for k, v in r.items():
            assert type(v).__name__ in types[k], (k, type(v).__name__, r["eventName"])
        assert r.get("sessionCredentialFromConsole", "true") == "true"


def test_field_sets_match_real_records_per_event(dataset):
    """For each (eventName, identity type) seen in both, our top-level keys and request parameter keys occur in real ones."""
    optional = {
        "tlsDetails",
        "vpcEndpointId",
        "sessionCredentialFromConsole",
        "sharedEventID",
        "errorCode",
        "errorMessage",
    }
    real_keys, real_params = collections.defaultdict(set), collections.defaultdict(set)
    for r in real_records():
        k = (r["eventName"], r["userIdentity"].get("type"))
        real_keys[k] |= set(r)
        if isinstance(r.get("requestParameters"), dict):
            real_params[r["eventSource"], r["eventName"]] |= set(r["requestParameters"])
    compared = set()
    for r in all_records(dataset):
        k = (r["eventName"], r["userIdentity"].get("type"))
        if k in real_keys and "errorCode" not in r:
            assert set(r) - optional <= real_keys[k], (k, set(r) - real_keys[k])
            compared.add(k)
        op = (r["eventSource"], r["eventName"])
        if op in real_params and isinstance(r.get("requestParameters"), dict):
            assert set(r["requestParameters"]) <= real_params[op], (op, r["requestParameters"])
    assert len(compared) >= 15


def test_benign_mix_resembles_real_data(dataset):
    recs = all_records(dataset)
    n = len(recs)
    ro = sum(r["readOnly"] for r in recs) / n
    assert 0.7 < ro < 0.97
    err = sum(("errorCode" in r) or ("errorMessage" in r) for r in recs) / n
    assert 0.01 < err < 0.10
    codes = collections.Counter(r.get("errorCode") for r in recs)
    assert codes["AccessDenied"] + codes["AccessDeniedException"] + codes["Client.UnauthorizedOperation"] > 0
    assert any(r["eventType"] == "AwsConsoleSignIn" for r in recs)
    assert any(r["eventName"] == "AssumeRole" and r["userIdentity"].get("type") == "AWSService" for r in recs)
    assert any(r["userIdentity"].get("type") == "AWSAccount" and "sharedEventID" in r for r in recs)
    assert any(r["userIdentity"].get("invokedBy") == "config.amazonaws.com" for r in recs)
    assert any(r["userIdentity"].get("invokedBy") == "cloudtrail.amazonaws.com" for r in recs)
    for r in recs:
        if (
            r["eventSource"] == "s3.amazonaws.com"
            and r["userIdentity"].get("type") in ("IAMUser", "AssumedRole")
            and "invokedBy" not in r["userIdentity"]
        ):
            assert r["userAgent"].startswith("[") and r["userAgent"].endswith("]"), r["userAgent"]
        if r["eventName"] == "ConsoleLogin":
            assert "requestID" not in r and r["readOnly"] is False
            assert ("errorMessage" in r) == (r["responseElements"]["ConsoleLogin"] == "Failure")
        if r["eventSource"] in ("iam.amazonaws.com", "signin.amazonaws.com"):
            assert r["awsRegion"] == "us-east-1"
        if "invokedBy" in r["userIdentity"]:
            assert "tlsDetails" not in r


def test_data_events_share_the_s3_request_stream(dataset):
    data = [r for r in all_records(dataset) if r["eventCategory"] == "Data"]
    if not data:
        pytest.skip("the shared S3 request stream (SIM-NET) produced no requests to data-event buckets")
    for r in data:
        assert r["managementEvent"] is False and r["eventSource"] == "s3.amazonaws.com"
        assert re.fullmatch(r"[A-Z0-9]{16}", r["requestID"])
        assert isinstance(r["additionalEventData"]["bytesTransferredOut"], float)
        assert r["resources"][-1]["type"] == "AWS::S3::Bucket"
        assert r["recipientAccountId"] == r["resources"][-1]["accountId"]


def test_kms_rotation_service_event_has_the_documented_shape():
    """AwsServiceEvent shaped like https://docs.aws.amazon.com/awscloudtrail/latest/userguide/non-api-aws-service-events.html"""
    import numpy as np

    from simulator.baseline.cloudtrail_ids import IdStream
    from simulator.baseline.cloudtrail_machines import KMS_ROTATION, MachinePlanner
    from simulator.baseline.cloudtrail_render import CtRenderer, EventSink
    from simulator.world import build_world

    world = build_world(2, None, 5)
    sink = EventSink(IdStream(np.random.default_rng(0)))
    s = int(START.timestamp())
    MachinePlanner(world, CtRenderer(world)).kms_rotation(s, s + KMS_ROTATION, sink)
    recs = [json.loads(x) for x in sink.records]
    assert len(recs) == len(world.kms_keys)
    doc_keys = [
        "eventVersion",
        "userIdentity",
        "eventTime",
        "eventSource",
        "eventName",
        "awsRegion",
        "sourceIPAddress",
        "userAgent",
        "requestParameters",
        "responseElements",
        "eventID",
        "readOnly",
        "resources",
        "eventType",
        "recipientAccountId",
        "serviceEventDetails",
        "eventCategory",
    ]
    for r in recs:
        assert list(r) == doc_keys
        assert r["userIdentity"] == {"accountId": r["recipientAccountId"], "invokedBy": "AWS Internal"}
        assert r["serviceEventDetails"]["rotationType"] == "AUTOMATIC"
        assert r["resources"][0]["ARN"].endswith(r["serviceEventDetails"]["keyId"])


def test_injected_record_without_recipient_is_rejected(tmp_path):
    bad = {k: v for k, v in STOP_LOGGING.items() if k != "recipientAccountId"}
    inj = Injection(
        "cloudtrail", int(START.timestamp() * 1000) + 60_000, bad, "insider", "stop-trail", "T1562.008"
    )
    cfg = RunConfig(
        seed=7, start=START, duration_seconds=1800, scale=5, sources=("cloudtrail",), injections=(inj,)
    )
    with pytest.raises(ValueError, match="insider/stop-trail lacks recipientAccountId"):
        run(cfg, tmp_path)


def test_data_events_and_access_logs_tell_the_same_story(tmp_path):
    """One request, one story: the data event and the access log line share request id, time, IP, key."""
    from simulator.engine.sources import source_class

    if source_class("s3") is None:
        pytest.skip("the S3 access log source is not available")
    res = run(
        RunConfig(seed=3, start=START, duration_seconds=3 * 3600, scale=40, sources=("cloudtrail", "s3")),
        tmp_path,
    )
    lines = {}
    for p in (tmp_path / "s3").glob("anybank-s3-access-logs-*/**/*"):
        if p.is_file():
            for line in p.read_text().splitlines():
                m = re.match(r"\S+ (\S+) \[([^\]]+)\] (\S+) \S+ (\S+) (\S+) (\S+)", line)
                lines[m.group(4)] = m.groups()
    data = [
        r
        for p in (tmp_path / "s3").glob("anybank-cloudtrail-logs-*/**/*.json.gz")
        for r in json.loads(gzip.decompress(p.read_bytes()))["Records"]
        if r["eventCategory"] == "Data"
    ]
    if not data:
        pytest.skip("no requests to data-event buckets in this window")
    ops = {
        "GetObject": "REST.GET.OBJECT",
        "PutObject": "REST.PUT.OBJECT",
        "HeadObject": "REST.HEAD.OBJECT",
        "DeleteObject": "REST.DELETE.OBJECT",
        "ListObjects": "REST.GET.BUCKET",
    }
    for r in data:
        bucket, when, ip, _rid, op, key = lines[r["requestID"]]
        assert bucket == r["requestParameters"]["bucketName"] and ip == r["sourceIPAddress"]
        logged = dt.datetime.strptime(when, "%d/%b/%Y:%H:%M:%S %z")
        assert logged.strftime("%Y-%m-%dT%H:%M:%SZ") == r["eventTime"]
        assert op == ops[r["eventName"]]
        if r["eventName"] != "ListObjects":
            assert key == r["requestParameters"]["key"]
    assert res.manifest["counts"]["cloudtrail"]["data_events"] == len(data)


def test_generated_records_validate(dataset):
    from simulator.formats.cloudtrail import validate_record

    assert all(validate_record(r) == [] for r in all_records(dataset))


def test_malformed_injection_names_the_step_and_field(tmp_path):
    bad = dict(STOP_LOGGING, recipientAccountId="1", readOnly="false")
    inj = Injection(
        "cloudtrail", int(START.timestamp() * 1000) + 60_000, bad, "insider", "stop-trail", "T1562.008"
    )
    cfg = RunConfig(
        seed=7, start=START, duration_seconds=1800, scale=5, sources=("cloudtrail",), injections=(inj,)
    )
    with pytest.raises(ValueError, match="insider/stop-trail: readOnly must be a JSON boolean"):
        run(cfg, tmp_path)
