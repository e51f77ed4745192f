"""The whole lab-2 story in a browser with the live services (alarm monitor, EventBridge router, inbox):
the student builds the chain, stops the trail, watches the alarm fire and the notification arrive,
submits and sees the score."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("playwright", reason="playwright is in the dev extra")
live_mod = pytest.importorskip(
    "simulator.live", reason="the live services (simulator.live) are not installed"
)
from moto.moto_api._internal.models import moto_api_backend  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

from simulator.emulator import EmbeddedEmulator  # noqa: E402

from ..conftest import aws, make_app, seed_users  # noqa: E402
from ..lab2_steps import make_steps, trigger_trail_change  # noqa: E402
from .test_student_flow import sign_in  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture
def live() -> Iterator[Any]:
    moto_api_backend.reset()
    services = live_mod.LiveServices(
        EmbeddedEmulator(port=0, delivery_delay=0.05), clock=live_mod.ManualClock()
    )
    services.start()
    try:
        yield services
    finally:
        services.stop()
        moto_api_backend.reset()


def away_from_minute_boundary() -> None:
    """Make the trail change and the alarm evaluation fall in the same alarm minute (as LIVE's tests do)."""
    into = time.time() % 60
    if into > 45:
        time.sleep(60.5 - into)


def test_alarm_fires_notification_arrives_and_submission_scores(
    page: Page, serve, live, tmp_path: Path, artifacts: Path
) -> None:
    emulator = live.emulator
    app = make_app(
        tmp_path,
        BACKEND="embedded",
        EMULATOR_ENDPOINT=emulator.endpoint_url,
        CHECK_POLL_SECONDS=1,
        INBOX=live.inbox,
        LIVE_MONITOR=live.monitor,
    )
    seed_users(app)
    base = serve(app)
    sign_in(page, base, "alice")
    page.goto(f"{base}/labs/monitoring-and-alerting")
    learner = partial(aws, emulator)
    for step_id, do in make_steps(learner).items():
        do()
        expect(page.locator(f'[data-step="{step_id}"] [data-status]')).to_have_class(
            re.compile("status-pass"), timeout=10_000
        )

    away_from_minute_boundary()
    live.clock.set(time.time())
    live.monitor.evaluate_due()
    trigger_trail_change(learner)  # aws cloudtrail stop-logging / start-logging
    emulator.delivery.flush(force=True)
    live.clock.set(time.time() + 60)
    live.monitor.evaluate_due()

    expect(page.locator('[data-step="fire"] [data-status]')).to_have_class(
        re.compile("status-pass"), timeout=10_000
    )
    expect(page.locator('[data-step="notify"] [data-status]')).to_have_class(
        re.compile("status-pass"), timeout=10_000
    )
    expect(page.locator('[data-step="fire"] [data-message]')).to_contain_text("cloudtrail-config-changes")
    page.locator("#step-fire").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "16-lab2-alarm-fired.png"))

    page.get_by_role("link", name="Inbox").click()
    expect(page.locator(".message").first).to_contain_text("ALARM")
    page.screenshot(path=str(artifacts / "17-inbox-alarm.png"), full_page=True)

    page.goto(f"{base}/submit/")
    page.get_by_role("button", name="Submit lab 2").click()
    expect(page.locator("[data-score]")).to_contain_text("9 / 9")
    page.screenshot(path=str(artifacts / "18-attempt-full.png"), full_page=True)
