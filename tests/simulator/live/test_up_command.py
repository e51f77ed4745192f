"""`trailwatch up` as a learner runs it: a process serving the emulator (seeded world) and the lab app,
printing the aws CLI environment; Ctrl-C (SIGINT) stops it cleanly and a second start restores the work."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import boto3
from click.testing import CliRunner
from moto.moto_api._internal.models import moto_api_backend

from simulator.live.cli import up

REPO = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(state_dir: Path, emu_port: int, web_port: int) -> tuple[subprocess.Popen[str], list[str]]:
    cmd = [
        sys.executable,
        "-m",
        "trailwatch",
        "up",
        "--emulator-port",
        str(emu_port),
        "--web-port",
        str(web_port),
        "--state-dir",
        str(state_dir),
        "--save-interval",
        "0",
        "--delivery-delay",
        "0.05",
    ]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    deadline = time.time() + 60
    assert proc.stdout is not None
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if line.startswith("Press Ctrl-C"):
            return proc, lines
    proc.kill()
    raise AssertionError("trailwatch up did not come up:\n" + "\n".join(lines))


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    return out


def test_up_serves_seeded_world_and_lab_and_restores_after_restart(tmp_path: Path) -> None:
    emu_port, web_port = _free_port(), _free_port()
    state_dir = tmp_path / "instance" / "emulator-state"
    proc, banner = _start(state_dir, emu_port, web_port)
    try:
        text = "\n".join(banner)
        endpoint = f"http://127.0.0.1:{emu_port}"
        assert (
            f"export AWS_ENDPOINT_URL={endpoint} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1"
            in text
        )
        assert "new lab world" in text and "access key AKIA" in text
        env = {
            "endpoint_url": endpoint,
            "region_name": "us-east-1",
            "aws_access_key_id": "test",
            "aws_secret_access_key": "test",
        }
        assert boto3.client("sts", **env).get_caller_identity()["Arn"].endswith(":user/learner")
        names = {b["Name"] for b in boto3.client("s3", **env).list_buckets()["Buckets"]}
        assert any(n.startswith("anybank-cloudtrail-logs-") for n in names)
        flow = boto3.client("ec2", **env).describe_flow_logs()["FlowLogs"]
        assert any(f.get("LogGroupName", "").startswith("/aws/vpc/flowlogs/") for f in flow)
        assert (
            boto3.client("elbv2", **env).describe_load_balancers()["LoadBalancers"][0]["LoadBalancerName"]
            == "anybank-web"
        )
        if "Lab app:   http://" in text:
            with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/auth/login", timeout=10) as resp:
                assert resp.status == 200
        boto3.client("sns", **env).create_topic(Name="kept-across-restarts")
    finally:
        out = _stop(proc)
    assert "Stopped. Your work is saved" in out
    proc, banner = _start(state_dir, emu_port, web_port)
    try:
        assert any("restored from" in line for line in banner)
        topics = boto3.client("sns", **env).list_topics()["Topics"]
        assert [t["TopicArn"].rsplit(":", 1)[1] for t in topics] == ["kept-across-restarts"]
    finally:
        _stop(proc)
    assert os.path.isfile(state_dir / "moto-state.pickle")


def test_busy_web_port_is_one_clear_error_and_nothing_keeps_running(tmp_path: Path) -> None:
    moto_api_backend.reset()
    names = ("live-monitor", "emulator-http", "state-saver")
    before = {t for t in threading.enumerate() if t.name in names}  # other tests' servers are not ours to judge
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(
            up, ["--emulator-port", "0", "--web-port", str(port), "--state-dir", str(tmp_path / "state")]
        )
    assert result.exit_code == 1
    assert f"cannot serve the lab app on 127.0.0.1:{port}" in result.output
    assert not [t.name for t in threading.enumerate() if t.name in names and t not in before]
    moto_api_backend.reset()
