"""`trailwatch replay --dataset DIR` into a running embedded emulator over its API."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner
from moto.moto_api._internal.models import moto_api_backend

from simulator.emulator import EmbeddedEmulator
from simulator.engine.context import RunConfig
from simulator.engine.run import run
from simulator.live.cli import replay


@pytest.fixture(scope="module")
def plain_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plain") / "ds"
    run(
        RunConfig(
            start=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC),
            duration_seconds=1800,
            scale=20,
            sources=("cloudtrail",),
        ),
        out,
    )
    return out


def test_replay_dataset_into_running_emulator(plain_dataset: Path) -> None:
    moto_api_backend.reset()
    with EmbeddedEmulator(port=0, delivery_delay=0.05) as emu:
        result = CliRunner().invoke(
            replay,
            ["--dataset", str(plain_dataset), "--speed", "3600", "--no-s3", "--endpoint", emu.endpoint_url],
        )
        assert result.exit_code == 0, result.output
        assert "Replay finished" in result.output
        logs = boto3.client(
            "logs",
            endpoint_url=emu.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        groups = [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]]
        assert any(g.startswith("aws-cloudtrail-logs-") for g in groups)
        sent = int(result.output.rsplit("Replay finished: ", 1)[1].split(" events")[0])
        stored = sum(
            len(logs.get_log_events(logGroupName=g, logStreamName=s["logStreamName"], limit=10000)["events"])
            for g in groups
            for s in logs.describe_log_streams(logGroupName=g)["logStreams"]
        )
        assert sent == stored > 0
    moto_api_backend.reset()


def test_replay_needs_exactly_one_source(plain_dataset: Path) -> None:
    result = CliRunner().invoke(replay, ["--speed", "10"])
    assert result.exit_code == 2 and "exactly one of --scenario or --dataset" in result.output


def test_replay_names_a_missing_manifest(tmp_path: Path) -> None:
    result = CliRunner().invoke(replay, ["--dataset", str(tmp_path)])
    assert result.exit_code == 1 and "no manifest.json" in result.output
