"""The navigation bar: every area (blueprint) adds its own entry, so new tools plug in without
touching base.html.

A blueprint module may define ``NAV = NavEntry(...)``; ``create_app`` registers it with the
blueprint. ``roles`` says who sees the entry; ``order`` places it (lower first).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, g

_EXTENSION = "labapp.nav"


@dataclass(frozen=True)
class NavEntry:
    label: str
    endpoint: str
    roles: tuple[str, ...] = ("student", "instructor")
    order: int = 50


def add_nav_entry(app: Flask, entry: NavEntry) -> None:
    entries: list[NavEntry] = app.extensions.setdefault(_EXTENSION, [])
    entries.append(entry)
    entries.sort(key=lambda e: (e.order, e.label))


def nav_entries(app: Flask) -> list[NavEntry]:
    """The entries the signed-in user may see (none when signed out)."""
    user = g.get("user")
    if user is None:
        return []
    return [e for e in app.extensions.get(_EXTENSION, []) if user["role"] in e.roles]
