"""``trailwatch scenario new NAME``: a commented scenario from scenarios/templates/ that validates as written."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[2] / "scenarios" / "templates" / "scenario.yaml"
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def scaffold_text(name: str, path: str) -> str:
    """The template with the scenario id, a title and the file path filled in."""
    if not NAME_RE.match(name):
        raise ValueError(f"{name!r} is not a scenario id: use lower-case letters, digits, - and _")
    title = name.replace("-", " ").replace("_", " ").capitalize()
    return TEMPLATE.read_text(encoding="utf-8").replace("__ID__", name).replace("__TITLE__", title).replace(
        "__PATH__", path)
