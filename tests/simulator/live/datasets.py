"""Small scenario datasets for the replay tests: one hour of CloudTrail around a scenario's first step."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from simulator.engine.run import run
from simulator.scenario import ScenarioRun, prepare_scenario_run, write_dataset_files


def scenario_hour(scenario: str, out: Path) -> ScenarioRun:
    """Generate the scenario's dataset for the hour holding its first step (CloudTrail only)."""
    prepared = prepare_scenario_run(scenario, seed=1, student=None)
    first = prepared.timeline[0].time_ms
    start = dt.datetime.fromtimestamp(first // 3_600_000 * 3600, dt.UTC)
    config = dataclasses.replace(prepared.config, start=start, duration_seconds=3600, sources=("cloudtrail",))
    run(config, out)
    write_dataset_files(prepared, out)
    return prepared
