"""The replay panel (instructors): status and controls of the scenario replay ``trailwatch up`` runs.

Reads the ``REPLAY_CONTROLLER`` handle (simulator.live.ReplayController: ``status()``, ``start()``,
``pause()``, ``resume()``, ``stop()``, ``set_speed(x)``). Without one the page says how to start a replay.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from labapp.auth import instructor_required
from labapp.nav import NavEntry

bp = Blueprint("replay", __name__, url_prefix="/instructor/replay")
NAV = NavEntry("Replay", "replay.index", roles=("instructor",), order=23)
ACTIONS = ("start", "pause", "resume", "stop", "speed")


def _controller() -> Any:
    return current_app.config.get("REPLAY_CONTROLLER")


@bp.get("/")
@instructor_required
def index() -> str:
    controller = _controller()
    return render_template("instructor/replay.html", status=controller.status() if controller else None)


@bp.post("/")
@instructor_required
def control() -> Response:
    controller = _controller()
    action = request.form.get("action", "")
    if controller is None:
        flash("No replay is connected.", "error")
    elif action not in ACTIONS:
        flash(f"Unknown action {action!r}.", "error")
    else:
        try:
            if action == "speed":
                controller.set_speed(float(request.form.get("speed", "")))
            else:
                getattr(controller, action)()
        except (ValueError, RuntimeError) as exc:
            flash(f"Cannot {action}: {exc}", "error")
        else:
            flash(f"Replay: {action} done.", "info")
    return redirect(url_for("replay.index"))
