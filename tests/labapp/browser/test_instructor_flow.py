"""An instructor imports a roster, previews a scenario and exports grades."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

pytest.importorskip("playwright", reason="playwright is in the dev extra")
from playwright.sync_api import Page, expect  # noqa: E402

from ..conftest import make_app, seed_users  # noqa: E402
from .test_student_flow import sign_in  # noqa: E402

pytestmark = pytest.mark.browser


def test_instructor_imports_roster_and_exports_grades(
    page: Page, serve, tmp_path: Path, artifacts: Path
) -> None:
    app = make_app(tmp_path)
    seed_users(app)
    base = serve(app)
    sign_in(page, base, "prof")
    expect(page).to_have_url(f"{base}/instructor/")
    page.screenshot(path=str(artifacts / "11-class.png"))

    page.get_by_role("link", name="Roster").click()
    bad = tmp_path / "bad.csv"
    bad.write_text("username,student_id\ncarol,s003\nbad name,s004\n")
    page.get_by_label("Roster file").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("alert")).to_contain_text("nothing changed")
    expect(page.get_by_role("alert")).to_contain_text("line 3: username 'bad name' is not valid")
    page.screenshot(path=str(artifacts / "12-roster-error.png"))

    good = tmp_path / "good.csv"
    good.write_text(
        "username,student_id,name,email\ncarol,s003,Carol Danvers,carol@example.edu\n"
        "dave,s004,Dave Lister,dave@example.edu\n"
    )
    page.get_by_label("Roster file").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("2 student(s) created, 0 updated")
    expect(page.locator("#generated")).to_contain_text("carol")
    page.screenshot(path=str(artifacts / "13-roster-imported.png"), full_page=True)

    page.get_by_role("link", name="Class").click()
    expect(page.get_by_role("link", name="Carol Danvers")).to_be_visible()
    page.get_by_role("link", name="Carol Danvers").click()
    page.screenshot(path=str(artifacts / "14-student.png"), full_page=True)

    page.get_by_role("link", name="Scenarios").click()
    page.get_by_role("link", name="departing-dba").click()
    expect(page.locator("#timeline")).to_contain_text("stop_logging")
    page.screenshot(path=str(artifacts / "15-scenario.png"), full_page=True)

    page.get_by_role("link", name="Class").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Export grades (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text())))
    assert [r["username"] for r in rows] == ["alice", "bob", "carol", "dave"]
    assert rows[2]["student_id"] == "s003" and rows[2]["name"] == "Carol Danvers"
    with page.expect_download() as info:
        page.get_by_role("link", name="Lab 5").click()
    assert '"schema": "trailwatch-grades/1"' in Path(info.value.path()).read_text()
