"""Lab pages as data: ``labapp/labs/NN-<slug>.md`` files with YAML front matter.

Front matter keys: ``id`` (url name), ``number``, ``title``, ``summary``, ``minutes``, ``gradable``
(the submit page offers it), ``quiz`` (saving answers
records a scored attempt), ``scenario`` (default scenario id for a per-student variant), ``steps``
(``id``, ``title``, ``check`` = a name in labapp.labs.checks.CHECKS, ``sticky``: once passed it stays
passed, for things that happen once such as an alarm firing) and ``questions`` (``id``,
``prompt``, ``type`` = choice|multi|text|number|time, ``choices``, and where the answer comes from:
``answer`` (fixed, for the knowledge check), ``scenario_answer`` (an id in the assigned scenario's
answer key) or ``record_field`` (a dotted path in lab 1's annotated record); ``points``).
The body is Markdown; ``<!-- step: ID -->`` starts the text of a step and ``<!-- questions -->``
the text shown above the questions. Bad files raise LabContentError naming file and field.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown as md
import yaml
from markupsafe import Markup

LABS_DIR = Path(__file__).resolve().parent
_MARKER = re.compile(r"^<!--\s*(step:\s*(?P<step>[\w-]+)|(?P<q>questions))\s*-->\s*$", re.MULTILINE)
QUESTION_TYPES = ("choice", "multi", "text", "number", "time", "set")


class LabContentError(ValueError):
    """A lab file is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    check: str
    html: Markup = Markup("")
    sticky: bool = False  # once passed, stays passed (events that happen once: an alarm firing)


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    type: str
    choices: tuple[str, ...] = ()
    answer: Any = None
    scenario_answer: str | None = None
    record_field: str | None = None
    points: float = 1.0
    explanation: str = ""


@dataclass(frozen=True)
class Lab:
    id: str
    number: int
    title: str
    summary: str
    minutes: int
    gradable: bool
    quiz: bool
    scenario: str | None
    intro_html: Markup
    questions_html: Markup
    steps: tuple[Step, ...] = field(default_factory=tuple)
    questions: tuple[Question, ...] = field(default_factory=tuple)

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)


def render_markdown(text: str) -> Markup:
    """Markdown to HTML (tables, fenced code); lab files are trusted package content."""
    html = md.markdown(text, extensions=["tables", "fenced_code", "sane_lists", "attr_list"])
    return Markup(html)


def _split(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise LabContentError(f"{path.name}: no YAML front matter (the file must start with '---')")
    try:
        head, body = text[4:].split("\n---\n", 1)
    except ValueError:
        raise LabContentError(f"{path.name}: front matter is not closed by a '---' line") from None
    try:
        meta = yaml.safe_load(head)
    except yaml.YAMLError as exc:
        raise LabContentError(f"{path.name}: front matter is not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise LabContentError(f"{path.name}: front matter must be a mapping")
    return meta, body


def _require(meta: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in meta:
        raise LabContentError(f"{where}: missing field '{key}'")
    if not isinstance(meta[key], kind):
        raise LabContentError(f"{where}: field '{key}' must be {kind.__name__}")
    return meta[key]


def _question(raw: Any, where: str) -> Question:
    if not isinstance(raw, dict):
        raise LabContentError(f"{where}: must be a mapping")
    qtype = _require(raw, "type", str, where)
    if qtype not in QUESTION_TYPES:
        raise LabContentError(f"{where}.type: {qtype!r} is not one of {', '.join(QUESTION_TYPES)}")
    sources = [k for k in ("answer", "scenario_answer", "record_field") if k in raw]
    if len(sources) != 1:
        raise LabContentError(f"{where}: needs exactly one of answer, scenario_answer, record_field")
    choices = tuple(str(c) for c in raw.get("choices", ()))
    if qtype in ("choice", "multi") and not choices:
        raise LabContentError(f"{where}.choices: a {qtype} question needs choices")
    return Question(
        id=str(_require(raw, "id", str, where)),
        prompt=str(raw.get("prompt", ""))
        if "scenario_answer" in raw
        else str(_require(raw, "prompt", str, where)),
        type=qtype,
        choices=choices,
        answer=raw.get("answer"),
        scenario_answer=raw.get("scenario_answer"),
        record_field=raw.get("record_field"),
        points=float(raw.get("points", 1)),
        explanation=str(raw.get("explanation", "")),
    )


def parse_lab(path: Path) -> Lab:
    """Read one lab file."""
    from labapp.labs.checks import CHECKS

    meta, body = _split(path)
    name = path.name
    parts: dict[str, str] = {}
    pieces = _MARKER.split(body)
    intro = pieces[0]
    # re.split with 3 groups yields [text, whole, step, q, text, ...]
    for i in range(1, len(pieces), 4):
        key = pieces[i + 1] or "__questions__"
        parts[key] = pieces[i + 3]
    steps = []
    for i, raw in enumerate(meta.get("steps") or []):
        where = f"{name}: steps[{i}]"
        if not isinstance(raw, dict):
            raise LabContentError(f"{where}: must be a mapping")
        check = str(_require(raw, "check", str, where))
        if check not in CHECKS:
            raise LabContentError(f"{where}.check: unknown check {check!r}")
        sid = str(_require(raw, "id", str, where))
        steps.append(
            Step(
                sid,
                str(_require(raw, "title", str, where)),
                check,
                render_markdown(parts.get(sid, "")),
                bool(raw.get("sticky", False)),
            )
        )
    questions = tuple(
        _question(q, f"{name}: questions[{i}]") for i, q in enumerate(meta.get("questions") or [])
    )
    ids = [s.id for s in steps] + [q.id for q in questions]
    if len(ids) != len(set(ids)):
        raise LabContentError(f"{name}: step and question ids must be unique")
    return Lab(
        id=str(_require(meta, "id", str, name)),
        number=int(_require(meta, "number", int, name)),
        title=str(_require(meta, "title", str, name)),
        summary=str(meta.get("summary", "")),
        minutes=int(meta.get("minutes", 30)),
        gradable=bool(meta.get("gradable", False)),
        quiz=bool(meta.get("quiz", False)),
        scenario=meta.get("scenario"),
        intro_html=render_markdown(intro),
        questions_html=render_markdown(parts.get("__questions__", "")),
        steps=tuple(steps),
        questions=questions,
    )


@functools.cache
def all_labs() -> tuple[Lab, ...]:
    """Every lab in number order (read once per process)."""
    labs = tuple(sorted((parse_lab(p) for p in LABS_DIR.glob("[0-9][0-9]-*.md")), key=lambda lab: lab.number))
    if len({lab.id for lab in labs}) != len(labs):
        raise LabContentError("two lab files share an id")
    return labs


def get_lab(lab_id: str) -> Lab | None:
    return next((lab for lab in all_labs() if lab.id == lab_id), None)
