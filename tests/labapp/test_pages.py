"""Every page renders for the roles that may see it."""

from __future__ import annotations

import pytest

from labapp.labs.content import all_labs

LAB_PAGES = [f"/labs/{lab.id}" for lab in all_labs()]
STUDENT_PAGES = ["/labs/", *LAB_PAGES, "/inbox/", "/submit/", "/auth/password"]
INSTRUCTOR_PAGES = [
    "/instructor/",
    "/instructor/roster",
    "/instructor/scenarios",
    "/instructor/scenarios/departing-dba",
    "/instructor/grades.csv",
    "/instructor/replay/",
]


@pytest.mark.parametrize("path", STUDENT_PAGES)
def test_student_pages(auth, path: str) -> None:
    auth.login("alice")
    response = auth.client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[-500:]


@pytest.mark.parametrize("path", [*STUDENT_PAGES, *INSTRUCTOR_PAGES])
def test_instructor_pages(auth, path: str) -> None:
    auth.login("prof")
    assert auth.client.get(path).status_code == 200


def test_instructor_student_detail(app, auth) -> None:
    auth.login("prof")
    page = auth.client.get(f"/instructor/students/{app.config['USER_IDS']['alice']}").get_data(as_text=True)
    assert "Alice" in page and "Re-grade" in page


def test_index_redirects_by_role(auth) -> None:
    assert auth.client.get("/").headers["Location"] == "/auth/login"
    auth.login("alice")
    assert auth.client.get("/").headers["Location"] == "/labs/"


def test_nav_shows_role_entries(auth) -> None:
    auth.login("alice")
    page = auth.client.get("/labs/").get_data(as_text=True)
    assert 'href="/inbox/"' in page and 'href="/instructor/"' not in page
    auth.logout()
    auth.login("prof")
    page = auth.client.get("/labs/").get_data(as_text=True)
    assert 'href="/instructor/"' in page and 'href="/instructor/roster"' in page


def test_unknown_lab_is_404(auth) -> None:
    auth.login("alice")
    response = auth.client.get("/labs/no-such-lab")
    assert response.status_code == 404 and "There is no lab" in response.get_data(as_text=True)


def test_lab_page_polls_checks(auth, app) -> None:
    app.config["CHECK_POLL_SECONDS"] = 7
    auth.login("alice")
    page = auth.client.get("/labs/monitoring-and-alerting").get_data(as_text=True)
    assert 'data-poll="7"' in page and "checks.js" in page
    assert page.count('class="step"') == 9


def test_checks_json_without_backend(auth) -> None:
    auth.login("alice")
    data = auth.client.get("/labs/monitoring-and-alerting/checks.json").get_json()
    assert set(data["steps"]) == {s.id for s in all_labs()[1].steps}
    assert data["steps"]["trail"]["status"] == "unavailable"
    one = auth.client.get("/labs/monitoring-and-alerting/checks.json?step=topic").get_json()
    assert list(one["steps"]) == ["topic"]
    assert auth.client.get("/labs/monitoring-and-alerting/checks.json?step=nope").status_code == 404


def test_scenario_preview_shows_timeline_and_answers(auth) -> None:
    auth.login("prof")
    page = auth.client.get("/instructor/scenarios/departing-dba?seed=3&student=s001").get_data(as_text=True)
    assert 'id="timeline"' in page and "stop_logging" in page and "Answer key" not in page
    page = auth.client.get("/instructor/scenarios/departing-dba?seed=3&student=s001&answers=1").get_data(
        as_text=True
    )
    assert "Answer key" in page


@pytest.mark.parametrize("ref", ["../scenarios/departing-dba.yaml", "%2Fetc%2Fpasswd", "nope"])
def test_scenario_preview_only_library_ids(auth, ref: str) -> None:
    auth.login("prof")
    assert auth.client.get(f"/instructor/scenarios/{ref}").status_code == 404


@pytest.mark.parametrize("seed", ["-1", "x", str(2**63)])
def test_scenario_preview_bad_seed(auth, seed: str) -> None:
    auth.login("prof")
    response = auth.client.get(f"/instructor/scenarios/departing-dba?seed={seed}")
    assert response.status_code == 400 and "whole number" in response.get_data(as_text=True)
