"""Cross-source details of the engine's output: Secrets Manager's KMS Decrypt on the caller's behalf, S3 data
events through a VPC endpoint, plain-str world data, and injected lines merged into the baseline's files."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import orjson
import pytest

from simulator.delivery import s3access as ds
from simulator.delivery import vpcflow as dv
from simulator.engine import RunConfig, run
from simulator.engine.labels import mixed_labels
from simulator.world import build_world


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> list[dict]:
    out = tmp_path_factory.mktemp("ct")
    result = run(RunConfig(duration_seconds=6 * 3600, scale=200, sources=("cloudtrail",)), out)
    recs = []
    for f in result.manifest["files"]:
        if f["kind"] == "s3":
            recs.extend(orjson.loads(gzip.decompress((out / f["path"]).read_bytes()))["Records"])
    return recs


def test_every_secret_read_is_followed_by_kms_decrypt_on_the_callers_behalf(records):
    reads = [r for r in records if r["eventName"] == "GetSecretValue" and "errorCode" not in r]
    decrypts = [r for r in records if r["eventName"] == "Decrypt"
                and r["userIdentity"].get("invokedBy") == "secretsmanager.amazonaws.com"]
    assert any(r["userIdentity"]["type"] == "IAMUser" for r in reads)  # people read secrets, not only apps
    index = {(r["eventTime"], r["userIdentity"]["arn"], r["requestParameters"]["encryptionContext"]["SecretARN"])
             for r in decrypts}
    for r in reads:
        assert (r["eventTime"], r["userIdentity"]["arn"], r["requestParameters"]["secretId"]) in index
    for d in decrypts:
        assert d["sourceIPAddress"] == d["userAgent"] == "secretsmanager.amazonaws.com"
        assert list(d["userIdentity"])[-1] == "invokedBy" and "tlsDetails" not in d
        if d["userIdentity"]["type"] == "IAMUser":  # a forward access session: temporary key, session context
            assert d["userIdentity"]["accessKeyId"].startswith("ASIA") and "sessionContext" in d["userIdentity"]


def test_s3_data_events_through_the_gateway_endpoint_carry_vpc_endpoint_id(records):
    data = [r for r in records if r.get("eventCategory") == "Data"]
    via = [r for r in data if "vpcEndpointId" in r]
    assert via and len(via) < len(data)
    for r in via:
        assert r["vpcEndpointId"].startswith("vpce-")
        keys = list(r)
        # cloudtrail-format.md key order: ... recipientAccountId, sharedEventID, serviceEventDetails, vpcEndpointId,
        # eventCategory, tlsDetails ...
        assert keys.index("recipientAccountId") < keys.index("vpcEndpointId") == keys.index("eventCategory") - 1


def test_world_bucket_keys_are_plain_str():
    world = build_world(1, None, 30)
    assert {type(k) for b in world.buckets for k in b.keys} == {str}


def _access_line(bucket: str, t: str, tag: str) -> bytes:
    return (f'owner {bucket} [{t} +0000] 203.0.113.9 - {tag} REST.GET.OBJECT k "GET /k HTTP/1.1" 200 - 1 1 1 1 '
            '"-" "ua" - h SigV4 c AuthHeader b TLSv1.2 - -').encode()


def test_access_log_injections_join_the_baseline_object_of_their_slot():
    slot_ms = 1_772_445_600_000  # 2026-03-02T10:00:00Z, a 15-minute mark
    inj = [(slot_ms + 60_000, _access_line("b", "02/Mar/2026:10:01:00", "A"), "a"),
           (slot_ms + 120_000, _access_line("b", "02/Mar/2026:10:02:00", "B"), "b"),
           (slot_ms + 3_600_000, _access_line("b", "02/Mar/2026:11:00:00", "C"), "c")]
    objs = list(ds.log_objects([], np.zeros(0, dtype=np.int64), "b", "logs", "b/", "salt", inj))
    assert [o.records for o in objs] == [2, 1]  # one object per slot, not one per line
    assert [o.injected for o in objs] == [((1, "a"), (2, "b")), ((1, "c"),)]
    assert objs[0].body.splitlines() == [inj[0][1], inj[1][1]]


def test_stream_merge_keeps_timestamp_order_and_numbers_the_injected_lines():
    base = b'{"timestamp":1000,"message":"x"}\n{"timestamp":3000,"message":"y"}\n'
    text, marks = dv.merge_stream(base, [(3000, b"z", "t1"), (2000, b"w", "t2")])
    assert text.splitlines() == [b'{"timestamp":1000,"message":"x"}', b'{"timestamp":2000,"message":"w"}',
                                 b'{"timestamp":3000,"message":"y"}', b'{"timestamp":3000,"message":"z"}']
    assert marks == [(2, "t2"), (4, "t1")]


def test_mixed_labels_cover_every_line_once():
    class Inj:
        scenario, step, technique = "s", "x", "T1"

    labels = [orjson.loads(x) for x in mixed_labels("flow", "f", 2, 9, [(2, Inj), (5, Inj), (9, Inj)])]
    lines = sorted(n for x in labels for n in ([x["line"]] if "line" in x else
                                                range(x["first_line"], x["last_line"] + 1)))
    assert lines == list(range(2, 10))
    assert [x["line"] for x in labels if x["label"] == "scenario"] == [2, 5, 9]


def test_plain_runs_do_not_import_the_scenario_package(tmp_path: Path):
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; from simulator.engine import RunConfig, run; "
            f"run(RunConfig(duration_seconds=1800, scale=5, sources=('cloudtrail',)), Path({str(tmp_path)!r})); "
            "print('simulator.scenario' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
