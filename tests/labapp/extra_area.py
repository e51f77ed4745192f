"""A stand-in tool area for the factory test: how a tool blueprint plugs into the app."""

from flask import Blueprint, render_template_string

from labapp.auth import login_required
from labapp.nav import NavEntry

bp = Blueprint("extra", __name__, url_prefix="/extra")
NAV = NavEntry("Extra tool", "extra.index", order=99)


@bp.get("/")
@login_required
def index() -> str:
    return render_template_string('{% extends "base.html" %}{% block title %}Extra{% endblock %}')
