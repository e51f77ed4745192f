"""A compiled scenario through today's engine: the labelled records are exactly the injected ones."""

import gzip
from pathlib import Path

import orjson

from simulator.engine.run import run
from simulator.scenario import parse_scenario
from simulator.scenario.compile import compile_scenario

TINY = """
id: tiny
title: Tiny
story: The root user switches CloudTrail off and on.
difficulty: beginner
world: {scale: 10}
baseline: {start: 2026-03-02T14:00:00Z, duration: 2h, sources: [cloudtrail]}
actors:
  admin: {root: prod}
timeline:
  - {id: login, action: console_login, actor: admin, at: +10m}
  - {id: stop, action: stop_logging, actor: admin, at: +5m}
  - {id: start, action: start_logging, actor: admin, at: +20m}
"""


def test_labels_are_exactly_the_steps_records(tmp_path: Path):
    srun = compile_scenario(parse_scenario(TINY), seed=1, student=None)
    run(srun.config, tmp_path / "ds")
    labels = [orjson.loads(line) for p in sorted((tmp_path / "ds" / "labels").rglob("*.jsonl.gz"))
              for line in gzip.decompress(p.read_bytes()).splitlines()]
    labelled = sorted((x["step"], x["eventID"], x["technique"]) for x in labels if x["label"] == "scenario")
    injected = sorted((i.step, i.payload["eventID"], i.technique) for i in srun.config.injections)
    assert labelled == injected and len(injected) == 3
    assert {x["scenario"] for x in labels if x["label"] == "scenario"} == {"tiny"}
