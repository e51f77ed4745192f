"""The dataset a scenario replay needs, generated once with ``trailwatch generate --scenario`` and cached."""

from __future__ import annotations

from pathlib import Path

import click


class ScenarioDataError(Exception):
    """The scenario's dataset cannot be produced here."""


def scenario_dataset(scenario: str, seed: int, student: str | None, cache_dir: Path) -> Path:
    """Path of the generated dataset for (scenario, seed, student), generating it when not cached."""
    from simulator.cli import generate

    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in Path(scenario).stem)
    out = cache_dir / f"{safe}-seed{seed}" if student is None else cache_dir / f"{safe}-seed{seed}-{student}"
    if (out / "manifest.json").is_file():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    args = ["--out", str(out), "--scenario", scenario, "--seed", str(seed)]
    if student is not None:
        args += ["--student", student]
    try:
        generate.main(args, standalone_mode=False)
    except click.ClickException as exc:
        raise ScenarioDataError(exc.format_message()) from None
    return out
