"""docker-compose.yml and the lab Dockerfile, checked structurally (Docker is not run in the test suite)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[3]


def _compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_localstack_image_is_pinned_and_matches_the_host_lane():
    services = _compose()["services"]
    assert services["localstack"]["image"] == "localstack/localstack:4.14.0"
    makefile = (REPO / "Makefile").read_text()
    assert '"localstack-core[runtime]==4.14.0"' in makefile
    assert re.search(r"^test:.*\blocalstack\b", makefile, re.M)  # `make test` installs the host lane
    text = (REPO / "docker-compose.yml").read_text()
    assert "last community image" in text  # the why of the pin stays next to it


def test_ports_and_health():
    services = _compose()["services"]
    assert services["localstack"]["ports"] == ["127.0.0.1:4566:4566"]
    assert "/_localstack/health" in " ".join(services["localstack"]["healthcheck"]["test"])
    assert services["lab"]["ports"] == ["127.0.0.1:8080:8080"]


def test_lab_service_runs_trailwatch_up_against_localstack():
    lab = _compose()["services"]["lab"]
    assert lab["depends_on"] == {"localstack": {"condition": "service_healthy"}}
    command = " ".join(lab["command"])
    assert command.startswith("trailwatch up --backend localstack --endpoint http://localstack:4566")
    assert lab["build"] == {"context": ".", "dockerfile": "Dockerfile"}
    assert lab["environment"]["AWS_ACCESS_KEY_ID"] == "test"


def test_dockerfile_installs_the_project():
    text = (REPO / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11", text, re.M)
    assert "pip install --quiet -e ." in text
    assert re.search(r'^CMD \["trailwatch", "up", "--backend", "localstack"', text, re.M)
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {".venv", ".venv-localstack", "data", ".git"} <= set(ignored)
