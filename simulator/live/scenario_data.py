"""The dataset a scenario replay needs, generated once and cached.

``trailwatch generate --scenario`` is used when the CLI has it (the lead wires scenario runs into
generation); until then the scenario is compiled here (``simulator.scenario.prepare_scenario_run``) and its
run configuration (baseline window, scale, injected steps) generated with ``simulator.engine.run.run``, the
same engine ``generate`` drives, plus the scenario's ground-truth files. Scenarios that override the world
(extra accounts, buckets or flow logs) need the wired generator: they get a clear error naming the
alternative (``--dataset DIR``).
"""

from __future__ import annotations

from pathlib import Path

import click


class ScenarioDataError(Exception):
    """The scenario's dataset cannot be produced here."""


def _generate_supports_scenario() -> bool:
    from simulator.cli import generate

    return any(p.name == "scenario" for p in generate.params)


def scenario_dataset(scenario: str, seed: int, student: str | None, cache_dir: Path) -> Path:
    """Path of the generated dataset for (scenario, seed, student), generating it when not cached."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in Path(scenario).stem)
    out = cache_dir / f"{safe}-seed{seed}" if student is None else cache_dir / f"{safe}-seed{seed}-{student}"
    if (out / "manifest.json").is_file():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    if _generate_supports_scenario():
        from simulator.cli import generate

        args = ["--out", str(out), "--scenario", scenario, "--seed", str(seed)]
        if student is not None:
            args += ["--student", student]
        try:
            generate.main(args, standalone_mode=False)
        except click.ClickException as exc:
            raise ScenarioDataError(exc.format_message()) from None
        return out
    from simulator.engine.run import run
    from simulator.scenario import ScenarioInvalid, prepare_scenario_run, write_dataset_files

    try:
        prepared = prepare_scenario_run(scenario, seed=seed, student=student)
    except (ScenarioInvalid, LookupError, OSError) as exc:
        raise ScenarioDataError(f"scenario {scenario!r}: {exc}") from None
    if prepared.world_overrides:
        raise ScenarioDataError(
            f"scenario {scenario!r} changes the world ({', '.join(sorted(prepared.world_overrides))}); generate its "
            "dataset with `trailwatch generate --scenario` and replay it with --dataset DIR"
        )
    run(prepared.config, out)
    write_dataset_files(prepared, out)
    return out
