"""`trailwatch deliver` into the embedded emulator: complete, exactly once after a cut, clear failures."""

from __future__ import annotations

import gzip
import hashlib
import socket
import time
from collections import Counter
from pathlib import Path

import boto3
import orjson
import pytest
from click.testing import CliRunner

from simulator.backends.cli import deliver
from simulator.backends.config import DELIVERY_ACCESS_KEY_ID, BackendConfig
from simulator.backends.dataset import load_dataset, read_stream_events
from simulator.backends.delivery import DeliveryError, DeliveryOptions, deliver_dataset
from simulator.emulator import EmbeddedEmulator


class Cut(Exception):
    """Stands for the process being killed mid-delivery."""


def _quiet(**kw) -> DeliveryOptions:
    return DeliveryOptions(progress_interval=3600, **kw)


def _held_events(cfg: BackendConfig, group: str, stream: str) -> list[tuple[int, str]]:
    logs = cfg.client("logs")
    out, token = [], None
    while True:
        kw = {"logGroupName": group, "logStreamName": stream, "startFromHead": True}
        if token:
            kw["nextToken"] = token
        page = logs.get_log_events(**kw)
        out += [(e["timestamp"], e["message"]) for e in page["events"]]
        if not page["events"] or page["nextForwardToken"] == token:
            return out
        token = page["nextForwardToken"]


def _assert_backend_equals_dataset(cfg: BackendConfig, root: Path) -> None:
    ds = load_dataset(root)
    s3 = cfg.client("s3")
    for obj in ds.objects:
        body = s3.get_object(Bucket=obj.bucket, Key=obj.key)["Body"].read()
        assert hashlib.sha256(body).hexdigest() == obj.sha256, obj.key
    for bucket in ds.buckets:
        listed = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
        assert len(listed) == sum(o.bucket == bucket for o in ds.objects)
    for stream in ds.streams:
        events = read_stream_events(stream)
        held = _held_events(cfg, stream.group, stream.stream)
        assert Counter(held) == Counter(zip(events.timestamps, events.messages, strict=True)), stream.stream


def test_full_delivery_then_rerun_sends_nothing(embedded: BackendConfig, dataset_dir: Path):
    ds = load_dataset(dataset_dir)
    summary = deliver_dataset(ds, embedded, _quiet(create_missing=True))
    assert summary.s3.sent == 14 and summary.s3.skipped == 0
    assert sum(s.sent for s in summary.streams) == ds.event_count == 6250
    assert (
        sorted(summary.created_buckets) == ds.buckets and sorted(summary.created_log_groups) == ds.log_groups
    )
    _assert_backend_equals_dataset(embedded, dataset_dir)
    again = deliver_dataset(ds, embedded, _quiet())
    assert (again.s3.sent, again.s3.skipped) == (0, 14)
    assert sum(s.sent for s in again.streams) == 0 and sum(s.already for s in again.streams) == 6250
    assert sum(s.full_reads for s in again.streams) == 0
    _assert_backend_equals_dataset(embedded, dataset_dir)


def test_cut_halfway_then_rerun_ends_with_each_record_once(embedded: BackendConfig, dataset_dir: Path):
    ds = load_dataset(dataset_dir)
    counts = {"objects": 0, "batches": 0}

    def cut_objects(obj) -> None:
        counts["objects"] += 1
        if counts["objects"] == 6:
            raise Cut

    with pytest.raises(Cut):
        deliver_dataset(ds, embedded, _quiet(create_missing=True, workers=1, on_object=cut_objects))

    def cut_batches(group: str, stream: str, n: int) -> None:
        counts["batches"] += 1
        if counts["batches"] >= 5:  # the process "dies" after its fifth batch: nothing more is sent
            raise Cut

    # 1,000-event batches: several per stream, so the cut falls inside a stream
    with pytest.raises(Cut):
        deliver_dataset(ds, embedded, _quiet(workers=1, on_batch=cut_batches, batch_events=1000))
    summary = deliver_dataset(ds, embedded, _quiet(workers=3, batch_events=1000))
    assert summary.s3.skipped == 14 and summary.s3.sent == 0
    held = {s.stream: s.already for s in summary.streams}
    # the first stream complete, the second cut after 2 of its 3 batches; the third may have started its
    # first batch before the cut was noticed
    assert held["eni-0a1-all"] == 2500 and held["eni-0b2-all"] == 2000
    assert held["111122223333_CloudTrail_us-east-1"] in (0, 1000)
    assert sum(s.already + s.sent for s in summary.streams) == ds.event_count
    _assert_backend_equals_dataset(embedded, dataset_dir)


def test_a_changed_object_is_put_again(embedded: BackendConfig, dataset_dir: Path):
    ds = load_dataset(dataset_dir)
    deliver_dataset(ds, embedded, _quiet(create_missing=True, logs=False))
    obj = ds.objects[0]
    embedded.client("s3").put_object(Bucket=obj.bucket, Key=obj.key, Body=b"tampered")
    summary = deliver_dataset(ds, embedded, _quiet(logs=False))
    assert (summary.s3.sent, summary.s3.skipped) == (1, 13)
    body = embedded.client("s3").get_object(Bucket=obj.bucket, Key=obj.key)["Body"].read()
    assert hashlib.sha256(body).hexdigest() == obj.sha256


def test_missing_bucket_without_create_missing_is_one_line_exit_1(embedded: BackendConfig, dataset_dir: Path):
    result = CliRunner().invoke(deliver, [str(dataset_dir), "--endpoint", embedded.endpoint_url])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Error: bucket anybank-alb-logs-111122223333 does not exist at the embedded backend at "
        f"{embedded.endpoint_url} (--create-missing creates it)"
    )
    assert embedded.client("s3").list_buckets()["Buckets"] == []


def test_missing_log_group_is_named(embedded: BackendConfig, dataset_dir: Path):
    with pytest.raises(
        DeliveryError,
        match=r"^log group /aws/vpc/flowlogs/anybank-prod does not exist at the embedded backend",
    ):
        deliver_dataset(load_dataset(dataset_dir), embedded, _quiet(s3=False))


def test_wrong_endpoint_is_one_line_exit_1(dataset_dir: Path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(deliver, [str(dataset_dir), "--endpoint", f"http://127.0.0.1:{port}"])
    assert result.exit_code == 1
    last = result.output.strip().splitlines()[-1]
    assert last.startswith(
        f"Error: cannot reach the embedded backend at http://127.0.0.1:{port}: nothing answers at"
    )


def test_endpoint_that_is_not_aws(tmp_path: Path, dataset_dir: Path):
    import threading

    from werkzeug.serving import make_server
    from werkzeug.wrappers import Response

    server = make_server("127.0.0.1", 0, lambda env, sr: Response("<html>hello</html>", 404)(env, sr))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        with pytest.raises(
            DeliveryError, match=rf"^the localstack backend at {url} does not answer like AWS \(HTTP 404\)"
        ):
            deliver_dataset(load_dataset(dataset_dir), BackendConfig("localstack", url), _quiet())
    finally:
        server.shutdown()


def test_old_dataset_is_refused_before_anything_is_sent(embedded: BackendConfig, tmp_path: Path):
    from tests.simulator.backends.helpers import standard_dataset

    old = standard_dataset(tmp_path / "old", start_ms=1772445600000)  # 2026-03-02T10:00Z
    with pytest.raises(DeliveryError, match="outside what PutLogEvents accepts now .* --only s3"):
        deliver_dataset(load_dataset(old), embedded, _quiet(create_missing=True))
    assert embedded.client("s3").list_buckets()["Buckets"] == []
    summary = deliver_dataset(load_dataset(old), embedded, _quiet(create_missing=True, logs=False))
    assert summary.s3.sent == 14


def test_cli_summary_on_stdout_progress_on_stderr(embedded: BackendConfig, dataset_dir: Path):
    try:
        runner = CliRunner(mix_stderr=False)  # click < 8.2
    except TypeError:
        runner = CliRunner()  # click >= 8.2 always keeps stderr apart
    result = runner.invoke(
        deliver, [str(dataset_dir), "--endpoint", embedded.endpoint_url, "--create-missing"]
    )
    assert result.exit_code == 0, result.output
    assert "S3: 14 objects put" in result.stdout
    assert "CloudWatch Logs: 6,250 events put" in result.stdout
    assert "deliver: S3" not in result.stdout
    # the final progress line
    assert "deliver: S3 14/14 objects, CloudWatch Logs 6,250/6,250 events" in result.stderr


def test_generated_dataset_round_trip(embedded: BackendConfig, tmp_path: Path):
    """A real `trailwatch generate` dataset (one hour, small world) delivers and reads back exactly."""
    from simulator.cli import generate

    start = time.strftime("%Y-%m-%dT%H:00:00Z", time.gmtime(time.time() - 3 * 3600))
    out = tmp_path / "gen"
    result = CliRunner().invoke(
        generate,
        [
            "--out",
            str(out),
            "--start",
            start,
            "--duration",
            "1h",
            "--scale",
            "20",
            "--sources",
            "cloudtrail,flow",
        ],
    )
    assert result.exit_code == 0, result.output
    ds = load_dataset(out)
    assert ds.streams and ds.objects
    summary = deliver_dataset(ds, embedded, _quiet(create_missing=True))
    assert sum(s.sent for s in summary.streams) == ds.event_count
    _assert_backend_equals_dataset(embedded, out)
    # CloudTrail log events are the records of the S3 files, one per event
    trail = next(s for s in ds.streams if "CloudTrail" in s.stream)
    first = orjson.loads(read_stream_events(trail).messages[0])
    assert first["eventID"]


def test_delivery_uses_the_documented_key_not_the_learner(
    emulator: EmbeddedEmulator, embedded: BackendConfig
):
    creds = embedded.session().get_credentials()
    assert creds.access_key == DELIVERY_ACCESS_KEY_ID != emulator.learner_access_key_id()


def test_delivery_is_not_recorded_as_learner_activity(
    emulator: EmbeddedEmulator, embedded: BackendConfig, dataset_dir: Path
):
    learner = dict(
        endpoint_url=emulator.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    boto3.client("s3", **learner).create_bucket(Bucket="learner-trail")
    ct = boto3.client("cloudtrail", **learner)
    ct.create_trail(Name="learner-trail", S3BucketName="learner-trail")
    ct.start_logging(Name="learner-trail")
    deliver_dataset(load_dataset(dataset_dir), embedded, _quiet(create_missing=True))
    emulator.delivery.flush(force=True)
    s3 = boto3.client("s3", **learner)
    names = []
    for item in s3.list_objects_v2(Bucket="learner-trail").get("Contents", []):
        body = gzip.decompress(s3.get_object(Bucket="learner-trail", Key=item["Key"])["Body"].read())
        names += [r["eventName"] for r in orjson.loads(body)["Records"]]
    assert "StartLogging" in names
    assert not {"PutLogEvents", "CreateLogStream", "CreateLogGroup", "PutObject", "CreateBucket"} & set(names)


def test_forbidden_bucket_is_named(
    embedded: BackendConfig, dataset_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    """A bucket name owned by someone else answers HeadBucket with 403: the line names the bucket."""
    from botocore.exceptions import ClientError

    from simulator.backends import tagging

    def forbidden(s3, bucket):
        raise ClientError(
            {"Error": {"Code": "403", "Message": "Forbidden"}, "ResponseMetadata": {"HTTPStatusCode": 403}},
            "HeadBucket",
        )

    monkeypatch.setattr(tagging, "bucket_exists", forbidden)
    with pytest.raises(DeliveryError) as err:
        deliver_dataset(load_dataset(dataset_dir), embedded, _quiet(create_missing=True))
    assert str(err.value) == (
        f"bucket anybank-alb-logs-111122223333: the embedded backend at {embedded.endpoint_url}: "
        "HeadBucket failed: 403: Forbidden"
    )
