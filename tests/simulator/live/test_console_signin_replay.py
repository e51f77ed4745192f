"""Must-show, second chain: console sign-in failures from a replayed scenario (console-brute-force) trip the
learner's CIS metric filter and alarm; the notification reaches SQS and the inbox. The monitor and the
replay share a clock running 60x faster than the wall, so the real-time attack step takes seconds."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from moto.moto_api._internal.models import moto_api_backend

from simulator.emulator import EmbeddedEmulator
from simulator.live.clock import ScaledClock
from simulator.live.replay import InProcessSink, ReplayController
from simulator.live.replay_schedule import load_replay
from simulator.live.services import LiveServices
from tests.simulator.live.conftest import client_factory
from tests.simulator.live.datasets import scenario_hour
from tests.simulator.live.learner_setup import CONSOLE_FAILURES_PATTERN, queue_subscriber, receive_all

CLOCK_SPEED = 60


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    out = tmp_path_factory.mktemp("replay") / "console-brute-force"
    prepared = scenario_hour("console-brute-force", out)
    plan = load_replay(out, lead_in_s=120)
    group = next(
        t.log_group for t in prepared.world.trails if t.account_id == prepared.world.account("prod").id
    )
    account = prepared.world.account("prod").id
    moto_api_backend.reset()
    clock = ScaledClock(CLOCK_SPEED)
    live = LiveServices(
        EmbeddedEmulator(port=0, delivery_delay=0.05, account_id=account), clock=clock
    ).start()
    try:
        aws = client_factory(live.emulator.endpoint_url)
        controller = ReplayController(plan, InProcessSink(account), clock, speed=60)
        controller.prepare()  # the trail's log group exists before the learner puts a filter on it
        sns = aws("sns")
        topic = sns.create_topic(Name="signin-alerts")["TopicArn"]
        queue = queue_subscriber(aws, topic, "signin-alerts-q")
        sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="soc@anybank.example")
        aws("logs").put_metric_filter(
            logGroupName=group,
            filterName="ConsoleSigninFailures",
            filterPattern=CONSOLE_FAILURES_PATTERN,
            metricTransformations=[
                {
                    "metricName": "ConsoleSigninFailureCount",
                    "metricNamespace": "CISBenchmark",
                    "metricValue": "1",
                }
            ],
        )
        aws("cloudwatch").put_metric_alarm(
            AlarmName="console-signin-failures",
            MetricName="ConsoleSigninFailureCount",
            Namespace="CISBenchmark",
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=10,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            TreatMissingData="notBreaching",
            AlarmActions=[topic],
        )
        started = time.time()
        controller.start()
        assert controller.wait(120), controller.status()
        # one more virtual minute so the evaluation after the last event runs
        deadline = clock.now() + 61
        while clock.now() < deadline:
            time.sleep(0.1)
        yield {
            "aws": aws,
            "live": live,
            "plan": plan,
            "controller": controller,
            "queue": queue,
            "topic": topic,
            "group": group,
            "wall": time.time() - started,
        }
    finally:
        live.stop()
        moto_api_backend.reset()


def _failures(plan: Any) -> int:
    return sum(
        1
        for i in plan.items
        if i.kind == "log"
        and '"eventName":"ConsoleLogin"' in i.message
        and "Failed authentication" in i.message
    )


def test_replay_finished_and_events_reached_the_group(replayed: dict[str, Any]) -> None:
    status = replayed["controller"].status()
    assert status["state"] == "finished" and status["error"] is None
    events = replayed["aws"]("logs").filter_log_events(
        logGroupName=replayed["group"], filterPattern="ConsoleLogin"
    )["events"]
    assert events and all(abs(e["timestamp"] / 1000 - time.time()) < 3600 for e in events)  # shifted to now


def test_metric_counts_every_failed_sign_in(replayed: dict[str, Any]) -> None:
    cw = replayed["aws"]("cloudwatch")
    now = time.time()
    stats = cw.get_metric_statistics(
        Namespace="CISBenchmark",
        MetricName="ConsoleSigninFailureCount",
        StartTime=now - 3600,
        EndTime=now + 7200,
        Period=86400,
        Statistics=["Sum"],
    )["Datapoints"]
    expected = _failures(replayed["plan"])
    assert expected >= 30 and sum(p["Sum"] for p in stats) == expected


def test_alarm_fired_during_the_spray(replayed: dict[str, Any]) -> None:
    cw = replayed["aws"]("cloudwatch")
    history = cw.describe_alarm_history(
        AlarmName="console-signin-failures", HistoryItemType="StateUpdate", ScanBy="TimestampAscending"
    )["AlarmHistoryItems"]
    to_alarm = [h for h in history if h["HistorySummary"].endswith("to ALARM")]
    # on a loaded machine a late batch can make the 5-minute sum dip and rise again: at least one
    # transition, the first one while the spray is being replayed
    assert to_alarm
    spray = next(s for s in replayed["controller"].status()["steps"] if s["step"] == "spray")["replay_time"]
    first = to_alarm[0]["Timestamp"].timestamp()
    spray_at = datetime.fromisoformat(spray.replace("Z", "+00:00")).timestamp()
    assert spray_at <= first <= spray_at + 6 * 60
    data = json.loads(to_alarm[0]["HistoryData"])
    assert data["newState"]["stateReason"].startswith("Threshold Crossed: 1 datapoint [")
    assert data["oldState"]["stateValue"] == "OK"


def test_notification_in_sqs_and_inbox(replayed: dict[str, Any]) -> None:
    got = receive_all(replayed["aws"], replayed["queue"])
    messages = [json.loads(m["Message"]) for m in got]
    alarms = [m for m in messages if m["NewStateValue"] == "ALARM"]
    cw = replayed["aws"]("cloudwatch")
    history = cw.describe_alarm_history(AlarmName="console-signin-failures", HistoryItemType="StateUpdate")
    transitions = sum(h["HistorySummary"].endswith("to ALARM") for h in history["AlarmHistoryItems"])
    assert transitions >= 1 and len(alarms) == transitions  # one notification per transition to ALARM
    assert {m["AlarmName"] for m in alarms} == {"console-signin-failures"}
    assert alarms[0]["Trigger"]["MetricName"] == "ConsoleSigninFailureCount"
    inbox = replayed["live"].inbox.messages(endpoint="soc@anybank.example")
    subjects = [m.subject for m in inbox if m.subject and m.subject.startswith("ALARM")]
    assert subjects == ['ALARM: "console-signin-failures" in US East (N. Virginia)'] * transitions
