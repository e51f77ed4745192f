"""Browser fixtures: Debian's Chromium through Playwright (never `playwright install`), the lab app
served on 127.0.0.1 with werkzeug in a thread, and a folder for screenshots (tests/artifacts/)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).is_file():
        pytest.skip(
            f"no Chromium at {CHROMIUM} (apt-get install chromium, `make chromium`, or set CHROMIUM_PATH)"
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


# pytest-playwright keeps one Playwright (and browser) for the whole session; another module that starts
# its own sync_playwright() in the same process would then fail ("Sync API inside the asyncio loop").
# Module scope here stops ours at the end of each of our modules.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    yield pw
    pw.stop()


@pytest.fixture(scope="module")
def browser_type(playwright: Any, browser_name: str) -> Any:
    return getattr(playwright, browser_name or "chromium")


@pytest.fixture(scope="module")
def launch_browser(browser_type_launch_args: dict[str, Any], browser_type: Any) -> Any:
    return lambda **kwargs: browser_type.launch(**{**browser_type_launch_args, **kwargs})


@pytest.fixture(scope="module")
def browser(launch_browser: Any) -> Iterator[Any]:
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def base_url() -> None:
    # replaces pytest-playwright's own, which pytest 9 flags with PytestRemovedIn10Warning
    # (a session fixture defined as an instance method); our tests build URLs from `serve`
    return None


@pytest.fixture(scope="module")
def browser_context_args() -> dict[str, Any]:
    # not the plugin's (session-scoped and tied to its session Playwright); no device emulation here
    return {"viewport": {"width": 1280, "height": 860}, "accept_downloads": True}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


class LiveServer:
    def __init__(self, app: Any) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join()


@pytest.fixture
def serve() -> Iterator[Any]:
    """serve(app) -> base URL; every server started is stopped after the test."""
    servers: list[LiveServer] = []

    def start(app: Any) -> str:
        server = LiveServer(app).__enter__()
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.__exit__(None, None, None)
