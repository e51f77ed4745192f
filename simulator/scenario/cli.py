"""``trailwatch scenario``: list, show, validate, scaffold, preview scenarios and print the action reference.

Exit codes of ``validate``: 0 all valid, 1 any invalid (every error printed as file:line:col: field: message),
2 usage errors (click's convention, e.g. a path that does not exist).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import orjson

from simulator.scenario.errors import ScenarioInvalid

SEED_OPTION = click.option("--seed", default=1, show_default=True, type=click.IntRange(0, 2**63 - 1),
                           help="Random seed of the dataset.")


def _fail(message: str) -> None:
    raise click.UsageError(message)


@click.group()
def scenario() -> None:
    """List, write, validate and preview scenarios."""


@scenario.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_cmd(as_json: bool) -> None:
    """The shipped scenarios (scenarios/*.yaml)."""
    from simulator.scenario.library import SCENARIOS_DIR, list_scenarios

    entries = list_scenarios()
    if as_json:
        click.echo(orjson.dumps([{"id": e.id, "title": e.title, "difficulty": e.difficulty,
                                  "techniques": list(e.techniques), "path": str(e.path), "error": e.error}
                                 for e in entries], option=orjson.OPT_INDENT_2).decode())
        return
    if not entries:
        click.echo(f"no scenarios in {SCENARIOS_DIR}")
        return
    width = max(len(e.id) for e in entries)
    for e in entries:
        detail = f"(unreadable: {e.error})" if e.error else f"{e.difficulty:<12} {e.title}"
        click.echo(f"{e.id:<{width}}  {detail}")


def _load(ref: str):
    from simulator.scenario.library import ScenarioNotFound, find_scenario
    from simulator.scenario.load import load_scenario

    try:
        return load_scenario(find_scenario(ref))
    except ScenarioNotFound as e:
        _fail(str(e))
    except ScenarioInvalid as e:
        for err in e.errors:
            click.echo(str(err), err=True)
        sys.exit(1)


@scenario.command(short_help="Describe a scenario as written.")
@click.argument("ref")
def show(ref: str) -> None:
    """Describe a scenario (by id or path) as written: story, actors, steps, questions, detections."""
    s = _load(ref)
    out = [f"{s.id}: {s.title}", f"file: {s.file}", f"difficulty: {s.difficulty}"
           + (f", about {s.estimated_minutes} min" if s.estimated_minutes else ""),
           f"techniques: {', '.join(s.techniques) or '-'}", f"topics: {', '.join(s.topics) or '-'}",
           f"baseline: {s.baseline.start:%Y-%m-%dT%H:%M:%SZ} for {s.baseline.duration_seconds // 3600} h", "",
           s.story.rstrip(), "", "actors:"]
    for a in s.actors.values():
        sel = ", ".join(f"{k}={v}" for k, v in a.selector.items())
        out.append(f"  {a.id}: {a.kind} {sel} from {a.origin}" + (f"  # {a.description}" if a.description else ""))
    out.append("timeline:")
    for st in s.timeline:
        out.append(f"  {st.id}: {st.action} by {st.actor} at {st.at or '+1m'}"
                   + (f" (+/- {st.jitter_seconds}s)" if st.jitter_seconds else ""))
    out.append("questions:")
    out += [f"  {q.id} ({q.type}): {q.prompt}" for q in s.questions] or ["  -"]
    out.append("detections:")
    out += [f"  {d.id}: {d.description or ''} [steps: {', '.join(d.steps)}]" for d in s.detections] or ["  -"]
    click.echo("\n".join(out))


@scenario.command(short_help="Check scenario files; print every error.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@SEED_OPTION
@click.option("--student", default=None, help="Compile the variant of this student (default: no student).")
@click.option("--variants", default=1, show_default=True, type=click.IntRange(1, 500),
              help="Compile this many variants (the default one plus sample students).")
@click.option("--static", is_flag=True, help="Skip the trial compilation (schema and semantic checks only).")
def validate(paths: tuple[Path, ...], seed: int, student: str | None, variants: int, static: bool) -> None:
    """Check scenario files (or every *.yaml of a directory); print every error as file:line:col: field: message."""
    from simulator.scenario.library import scenario_files
    from simulator.scenario.validate import validate_file, variant_students

    if student is not None and variants > 1:
        _fail("give --student or --variants, not both")
    files = [f for p in paths for f in (scenario_files(p) if p.is_dir() else [p])]
    if not files:
        _fail("no scenario files (*.yaml) found")
    students = [student] if variants == 1 else variant_students(variants)
    paths = tuple(files)
    bad = 0
    for p in paths:
        errors = validate_file(p, seed=seed, compile_run=not static, students=students)
        for e in errors:
            click.echo(str(e))
        bad += bool(errors)
        if not errors:
            click.echo(f"{p}: ok")
    click.echo(f"{len(paths) - bad} of {len(paths)} valid", err=True)
    sys.exit(1 if bad else 0)


@scenario.command()
@click.argument("name")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: scenarios/NAME.yaml if ./scenarios exists, else ./NAME.yaml).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def new(name: str, out: Path | None, force: bool) -> None:
    """Scaffold a commented scenario that validates as written."""
    from simulator.scenario.scaffold import scaffold_text

    path = out or (Path("scenarios") / f"{name}.yaml" if Path("scenarios").is_dir() else Path(f"{name}.yaml"))
    try:
        text = scaffold_text(name, str(path))
    except ValueError as e:
        _fail(str(e))
    if path.exists() and not force:
        _fail(f"{path} exists; use --force to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    click.echo(f"wrote {path}\nnext: trailwatch scenario validate {path}")


@scenario.command(short_help="The resolved timeline of a scenario.")
@click.argument("ref")
@SEED_OPTION
@click.option("--student", default=None, help="Student id: preview this student's variant.")
@click.option("--answers", is_flag=True, help="Also print the answer key (instructors only).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def preview(ref: str, seed: int, student: str | None, answers: bool, as_json: bool) -> None:
    """The resolved timeline of a scenario (by id or path): step, time, actor, action, records per source."""
    from simulator.scenario.compile import compile_scenario
    from simulator.scenario.preview import render_preview

    s = _load(ref)
    try:
        run = compile_scenario(s, seed=seed, student=student)
    except ScenarioInvalid as e:
        for err in e.errors:
            click.echo(str(err), err=True)
        sys.exit(1)
    if as_json:
        data = run.summary()
        if answers:
            data["answer_key"] = run.answer_key
        click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
        return
    click.echo(render_preview(run, answers=answers))


@scenario.command()
@click.option("--markdown", is_flag=True, help="The reference as Markdown (as in docs/authoring-scenarios.md).")
def actions(markdown: bool) -> None:
    """The action library: what each step can do."""
    from simulator.actions import ACTIONS
    from simulator.scenario.docgen import render_action_reference

    if markdown:
        click.echo(render_action_reference(), nl=False)
        return
    width = max(len(n) for n in ACTIONS)
    for name in sorted(ACTIONS):
        click.echo(f"{name:<{width}}  {ACTIONS[name].summary}")


@scenario.command(short_help="Regenerate the action reference in the docs.")
@click.option("--check", is_flag=True, help="Exit 1 if docs/authoring-scenarios.md is out of date; change nothing.")
def docs(check: bool) -> None:
    """Regenerate the action reference section of docs/authoring-scenarios.md."""
    from simulator.scenario.docgen import DOC_PATH, doc_is_current, update_doc

    if check:
        current = doc_is_current()
        click.echo(f"{DOC_PATH}: {'up to date' if current else 'out of date (run: trailwatch scenario docs)'}")
        sys.exit(0 if current else 1)
    click.echo(f"{DOC_PATH}: {'updated' if update_doc() else 'already up to date'}")
