"""Browser tests of the three tools on Debian's Chromium (shared/reference/browser-testing.md): a student
signs in, runs an Insights query and opens an event, tests a pattern, and looks at an alarm chart.
Screenshots go to tests/artifacts/ (git-ignored)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.labapp.tools.conftest import PASSWORD, make_app

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"no Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, dataset: Path, cache_dir: Path) -> Iterator[str]:
    from werkzeug.serving import make_server

    from labapp.alarms.sources import LearnerResources

    group = next(
        g["name"]
        for g in __import__("json").loads((dataset / "manifest.json").read_text())["log_groups"]
        if g["source"] == "cloudtrail"
    )
    resources = LearnerResources(
        metric_filters=[
            {
                "filterName": "sts-calls",
                "logGroupName": group,
                "filterPattern": '{ $.eventSource = "sts.amazonaws.com" }',
                "metricTransformations": [
                    {"metricName": "StsCalls", "metricNamespace": "Lab", "metricValue": "1"}
                ],
            }
        ],
        alarms=[
            {
                "AlarmName": "sts-burst",
                "MetricName": "StsCalls",
                "Namespace": "Lab",
                "Statistic": "Sum",
                "Period": 300,
                "EvaluationPeriods": 1,
                "Threshold": 2.0,
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                "TreatMissingData": "notBreaching",
            }
        ],
    )
    app = make_app(
        tmp_path_factory.mktemp("browser-app"),
        DATASET_DIR=str(dataset),
        EXPLORER_CACHE_DIR=str(cache_dir),
        ALARM_RESOURCES=lambda: resources,
    )
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(5)


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        pg.goto(server + "/auth/login")
        pg.fill("input[name=username]", "alice")
        pg.fill("input[name=password]", PASSWORD)
        pg.click("button[type=submit]")
        pg.wait_for_load_state()
        yield pg
        browser.close()


def test_explorer_query_and_event_details(page: Any, server: str) -> None:
    from playwright.sync_api import expect

    page.goto(server + "/explorer/")
    page.fill(
        "#q",
        'fields @timestamp, eventName, sourceIPAddress\n| filter eventSource = "sts.amazonaws.com"\n| sort @timestamp desc\n| limit 25',
    )
    page.click("button:has-text('Run')")
    expect(page.locator("tr.tw-row")).to_have_count(25)
    expect(page.locator("svg.tw-histogram rect.bar").first).to_be_visible()
    page.locator("button.tw-toggle").first.click()
    expect(page.locator("tr.tw-detail").first).to_be_visible()
    expect(page.locator("tr.tw-detail pre.tw-json").first).to_contain_text(
        '"eventSource": "sts.amazonaws.com"'
    )
    page.screenshot(path=str(ARTIFACTS / "tools-explorer.png"), full_page=False)
    page.fill("#q", "stats count(*) by bin(5q)")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#q-error")).to_contain_text("Line 1, column 23")
    page.screenshot(path=str(ARTIFACTS / "tools-explorer-error.png"), full_page=False)


def test_pattern_tester(page: Any, server: str) -> None:
    from playwright.sync_api import expect

    page.goto(server + "/patterns/")
    page.fill("#pattern", '{ $.eventSource = "sts.amazonaws.com" }')
    page.fill("input[name=contains]", "sts.amazonaws.com")
    page.click("button:has-text('Test pattern')")
    expect(page.locator(".tw-summary")).to_contain_text("events matched")
    expect(page.locator(".tw-match-yes").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "tools-patterns.png"), full_page=True)
    page.fill("#pattern", "ERROR!")
    page.click("button:has-text('Test pattern')")
    expect(page.locator("#pattern-error")).to_contain_text("Invalid character(s) in term '!'")
    page.screenshot(path=str(ARTIFACTS / "tools-patterns-error.png"), full_page=False)


def test_alarm_chart(page: Any, server: str) -> None:
    from playwright.sync_api import expect

    page.goto(server + "/alarms/")
    expect(page.locator("svg.tw-alarm-chart")).to_be_visible()
    expect(page.locator("svg.tw-alarm-chart line.threshold")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "tools-alarms.png"), full_page=True)


def test_s3_browser(page: Any, server: str) -> None:
    from playwright.sync_api import expect

    page.goto(server + "/explorer/s3")
    page.locator("table.tw-table a").first.click()
    while page.locator("table.tw-table a:has-text('/')").count():
        page.locator("table.tw-table a:has-text('/')").first.click()
    page.locator("table.tw-table a").first.click()
    expect(page.locator(".tw-summary")).to_contain_text("bytes")
    page.screenshot(path=str(ARTIFACTS / "tools-s3-object.png"), full_page=False)
