"""A student signs in and works through lab 2; the checks on the page turn ✓ as resources appear."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

import pytest

pytest.importorskip("playwright", reason="playwright is in the dev extra")
from playwright.sync_api import Page, expect  # noqa: E402

from ..conftest import PASSWORD, aws, make_app, seed_users  # noqa: E402
from ..lab2_steps import make_steps  # noqa: E402

pytestmark = pytest.mark.browser


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/auth/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_student_completes_lab2_checks(page: Page, serve, emulator, tmp_path: Path, artifacts: Path) -> None:
    app = make_app(
        tmp_path, BACKEND="embedded", EMULATOR_ENDPOINT=emulator.endpoint_url, CHECK_POLL_SECONDS=1
    )
    seed_users(app)
    base = serve(app)

    page.goto(f"{base}/auth/login")
    page.screenshot(path=str(artifacts / "01-login.png"))
    sign_in(page, base, "alice")
    expect(page).to_have_url(f"{base}/labs/")
    expect(page.get_by_role("heading", name="Labs")).to_be_visible()
    page.screenshot(path=str(artifacts / "02-labs.png"), full_page=True)

    page.get_by_role("link", name="Monitoring and alerting with CloudTrail and CloudWatch").click()
    trail = page.locator('[data-step="trail"] [data-status]')
    expect(trail).to_have_class(re.compile("status-fail"))
    expect(page.locator('[data-step="trail"] [data-hint]')).to_contain_text("create-trail")
    page.screenshot(path=str(artifacts / "03-lab2-start.png"))

    steps = make_steps(partial(aws, emulator))
    for step_id, do in steps.items():
        do()  # as the learner would with the aws CLI
        expect(page.locator(f'[data-step="{step_id}"] [data-status]')).to_have_class(
            re.compile("status-pass"), timeout=10_000
        )
        expect(page.locator(f'[data-side-step="{step_id}"] .status')).to_contain_text("✓")
    expect(page.locator('[data-step="fire"] [data-status]')).to_have_class(re.compile("status-fail"))
    page.locator("#step-trail-alarm").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "04-lab2-checks-done.png"))
    page.screenshot(path=str(artifacts / "05-lab2-full.png"), full_page=True)

    page.get_by_role("button", name="Check now").click()
    expect(page.locator("#checked-at")).to_contain_text("Last checked")

    page.get_by_role("link", name="Inbox").click()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    page.screenshot(path=str(artifacts / "06-inbox.png"))

    page.goto(f"{base}/submit/")
    page.get_by_role("button", name="Submit lab 2").click()
    expect(page.locator("[data-score]")).to_contain_text("7")
    page.screenshot(path=str(artifacts / "07-attempt.png"), full_page=True)


def test_student_pages_look_right(page: Page, serve, tmp_path: Path, artifacts: Path) -> None:
    app = make_app(tmp_path)
    seed_users(app)
    base = serve(app)
    sign_in(page, base, "alice")
    page.goto(f"{base}/labs/bank-insider")
    expect(page.get_by_text("Variant: s001")).to_be_visible()
    page.screenshot(path=str(artifacts / "08-lab3.png"), full_page=True)
    page.goto(f"{base}/labs/knowledge-check")
    page.get_by_label("AWS CloudTrail", exact=True).first.check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".flash-info")).to_contain_text("Knowledge check scored: 1 of 12")
    page.screenshot(path=str(artifacts / "09-quiz.png"), full_page=True)
    page.goto(f"{base}/labs/read-a-cloudtrail-log")
    page.screenshot(path=str(artifacts / "10-lab1.png"))
