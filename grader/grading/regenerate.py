"""Scenario + seed + student -> the learner's dataset, regenerated deterministically into a cache.

Generation is a pure function of (scenario file, seed, student, generator version), so the grader
regenerates a learner's dataset instead of needing a copy of it. Datasets are cached under
``$TRAILWATCH_CACHE`` (default ``~/.cache/trailwatch``) ``/datasets/<hash>``; a lock file per entry
lets parallel batch workers share one generation. Only the sources the grader reads are generated:
CloudTrail always (its CloudWatch Logs form), VPC flow logs when a submission or an expected
detection needs the flow log groups. Every source draws from its own random streams, so a partial
run writes byte-identical CloudWatch Logs files to a full ``trailwatch generate``. The cache key holds the
scenario file's bytes, seed, student and a hash of the simulator's source code.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import os
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from grader.grading.errors import GradingInputError

GRADER_SOURCES = ("cloudtrail", "flow")
CACHE_FORMAT = 1


def cache_root() -> Path:
    base = os.environ.get("TRAILWATCH_CACHE")
    return Path(base) if base else Path.home() / ".cache" / "trailwatch"


def _prepare(ref: str, seed: int, student: str | None) -> Any:
    from simulator.scenario import ScenarioInvalid, ScenarioNotFound, prepare_scenario_run

    try:
        return prepare_scenario_run(ref, seed=seed, student=student)
    except ScenarioNotFound as e:
        raise GradingInputError(f"--scenario {ref}", str(e)) from None
    except ScenarioInvalid as e:
        raise GradingInputError(f"--scenario {ref}", f"the scenario does not compile:\n{e}") from None


@lru_cache(maxsize=1)
def generator_fingerprint() -> str:
    """A hash of the simulator's source: a changed generator never reuses an old cached dataset."""
    import simulator

    h = hashlib.sha256()
    base = Path(simulator.__file__).parent
    for path in sorted(base.rglob("*.py")):
        h.update(path.relative_to(base).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def dataset_key(scenario_path: Path, seed: int, student: str | None) -> str:
    from trailwatch import __version__

    h = hashlib.sha256()
    h.update(
        orjson.dumps(
            {
                "format": CACHE_FORMAT,
                "version": __version__,
                "seed": seed,
                "student": student,
                "generator": generator_fingerprint(),
            }
        )
    )
    h.update(scenario_path.read_bytes())
    return h.hexdigest()[:24]


def _cached_sources(path: Path) -> set[str]:
    try:
        manifest = orjson.loads((path / "manifest.json").read_bytes())
        if not (path / "scenario" / "scenario.json").is_file():
            return set()
        return set(manifest["parameters"]["sources"])
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError):
        return set()


def _generate(run: Any, out: Path, sources: tuple[str, ...]) -> None:
    from simulator.engine.run import run as run_engine
    from simulator.scenario import dataset_files

    # run.config carries the scenario's injections, world overrides and logging gaps
    run_engine(dataclasses.replace(run.config, sources=sources, jobs=1), out)
    for rel, data in dataset_files(run).items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def scenario_dataset(
    ref: str, seed: int, student: str | None, *, need_flow: bool = False, cache: Path | None = None
) -> Path:
    """The dataset folder of (scenario, seed, student), generated on first use and cached."""
    from simulator.scenario import find_scenario

    try:
        scenario_path = Path(find_scenario(ref))
    except Exception as e:  # ScenarioNotFound or an unreadable path
        raise GradingInputError(f"--scenario {ref}", str(e)) from None
    key = dataset_key(scenario_path, seed, student)
    root = (cache or cache_root()) / "datasets"
    path = root / key
    run = None
    wanted = {"cloudtrail"} | ({"flow"} if need_flow else set())
    if wanted <= _cached_sources(path):
        return path
    root.mkdir(parents=True, exist_ok=True)
    with open(root / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        have = _cached_sources(path)
        if wanted <= have:
            return path
        run = _prepare(ref, seed, student)
        detection_sources = {s for d in run.detections for s in d.get("records", {})}
        wanted |= have | (detection_sources & set(GRADER_SOURCES))
        sources = tuple(s for s in run.config.sources if s in wanted)
        tmp = root / f"{key}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        _generate(run, tmp, sources)
        shutil.rmtree(path, ignore_errors=True)
        tmp.rename(path)
    return path
