"""The scenario language: YAML scenarios an instructor writes, validated and compiled into a generation run.

Modules: yamlload (YAML with line/column), schemacheck (scenarios/schema.json), semantic (meaning checks with
suggestions), errors, model, load, timeexpr (step times and durations), actors (world selectors, outsiders),
variants (per-student randomness), overrides (world overrides), questions (answers from ground truth),
solutions (expected detections, reference solution), compile (ScenarioRun), library (scenarios/*.yaml),
validate, preview, scaffold, docgen (the generated action reference), cli (``trailwatch scenario``).

    run = prepare_scenario_run("departing-dba", seed=1, student="s042")   # id or path
    world = apply_world_overrides(build_world(seed, student, run.config.scale), run.world_overrides)
    check_answer(run.answer_key["who"], "jane.doe")
"""

from simulator.scenario.compile import (
    ScenarioRun,
    TimelineEntry,
    compile_scenario,
    dataset_files,
    prepare_scenario_run,
    write_dataset_files,
)
from simulator.scenario.errors import ScenarioError, ScenarioInvalid
from simulator.scenario.library import ScenarioNotFound, find_scenario, list_scenarios
from simulator.scenario.load import load_scenario, parse_scenario
from simulator.scenario.overrides import apply_world_overrides
from simulator.scenario.questions import check_answer
from simulator.scenario.validate import validate_file

__all__ = [
    "ScenarioError", "ScenarioInvalid", "ScenarioNotFound", "ScenarioRun", "TimelineEntry", "apply_world_overrides",
    "check_answer", "compile_scenario", "dataset_files", "find_scenario", "list_scenarios", "load_scenario",
    "parse_scenario", "prepare_scenario_run", "validate_file", "write_dataset_files",
]
