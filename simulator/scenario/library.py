"""The shipped scenario library (scenarios/*.yaml) and looking a scenario up by id or path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from simulator.scenario.errors import ScenarioInvalid, did_you_mean
from simulator.scenario.load import read_document

SCENARIOS_DIR = Path(__file__).resolve().parents[2] / "scenarios"


class ScenarioNotFound(LookupError):
    """No scenario file for this id or path."""


@dataclass(frozen=True)
class LibraryEntry:
    id: str
    path: Path
    title: str
    difficulty: str
    techniques: tuple[str, ...]
    error: str = ""  # set when the file does not even parse


def scenario_files(directory: Path = SCENARIOS_DIR) -> list[Path]:
    return sorted(p for p in directory.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def list_scenarios(directory: Path = SCENARIOS_DIR) -> list[LibraryEntry]:
    """Every scenario file of the library, sorted by id (files that do not parse are listed with the error)."""
    out = []
    for p in scenario_files(directory):
        try:
            d = read_document(p).data
        except ScenarioInvalid as e:
            out.append(LibraryEntry(p.stem, p, "", "", (), str(e.errors[0])))
            continue
        out.append(LibraryEntry(str(d.get("id", p.stem)), p, str(d.get("title", "")), str(d.get("difficulty", "")),
                                tuple(str(t) for t in d.get("techniques", []) or [])))
    return sorted(out, key=lambda e: e.id)


def find_scenario(ref: str | Path, directory: Path = SCENARIOS_DIR) -> Path:
    """The file of a scenario given as a path or a library id."""
    p = Path(ref)
    if p.suffix in (".yaml", ".yml") or p.exists():
        if not p.is_file():
            raise ScenarioNotFound(f"no scenario file {str(ref)!r}")
        return p
    direct = directory / f"{ref}.yaml"
    if direct.is_file():
        return direct
    entries = list_scenarios(directory)
    for e in entries:
        if e.id == str(ref):
            return e.path
    raise ScenarioNotFound(f"no scenario {str(ref)!r} in {directory}" + did_you_mean(str(ref), [e.id for e in entries]))
