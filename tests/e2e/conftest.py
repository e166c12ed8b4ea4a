"""Browser fixtures: the app on a live loopback server, driven by headless Chromium.

The app runs with CSRF protection on, as in production, on a file SQLite
database copied from the migrated template. Chromium is Debian's package;
Playwright never downloads a browser here.

Reading a model attribute in the test thread starts a transaction, and on
SQLite the app begins every transaction with BEGIN IMMEDIATE. Until the test
ends it with db.session.rollback(), the live server waits for the write lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import make_server

from helpdesk.extensions import db

CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Playwright's wait for a selector or navigation, in milliseconds.
ACTION_TIMEOUT_MS = 15_000


@pytest.fixture
def app(app_factory):
    """The app with CSRF protection enabled, because a real browser submits forms."""
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app


@dataclass(frozen=True)
class LiveServer:
    url: str

    def __call__(self, path: str) -> str:
        return self.url + path


@pytest.fixture
def live_server(app) -> Iterator[LiveServer]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(
        target=server.serve_forever, name="live-server", daemon=True
    )
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        db.session.remove()


@pytest.fixture(scope="session")
def browser_downloads(tmp_path_factory) -> Path:
    """The folder where Playwright keeps each download until it is deleted."""
    return tmp_path_factory.mktemp("browser-downloads")


@pytest.fixture(scope="session")
def browser(browser_downloads) -> Iterator[Browser]:
    if not CHROMIUM_PATH.exists():
        pytest.fail(
            f"Chromium was not found at {CHROMIUM_PATH}; install it with "
            "scripts/install-system-packages."
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM_PATH),
            args=CHROMIUM_ARGS,
            downloads_path=str(browser_downloads),
        )
        yield chromium
        chromium.close()


@dataclass
class PageProblems:
    """Console errors (CSP violations among them), script errors and failed assets.

    A page returned with 4xx on purpose (a rejected form) is not a problem,
    so documents are left out; Chromium's "Failed to load resource" console
    line for them is skipped too. Chromium requests /favicon.ico on its own
    and the product serves none, so that 404 is skipped as well.
    """

    messages: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("console", lambda message: self._on_console(page, message))
        page.on("pageerror", lambda error: self.messages.append(f"{page.url}: {error}"))
        page.on("response", self._on_response)

    def _on_console(self, page: Page, message) -> None:
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource"):
            return
        self.messages.append(f"{page.url}: console: {message.text}")

    def _on_response(self, response) -> None:
        request = response.request
        if request.resource_type == "document" or response.status < 400:
            return
        if request.url.endswith("/favicon.ico"):
            return
        self.messages.append(f"{request.url}: {response.status}")


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def open_page(browser, live_server, page_problems) -> Iterator[Callable[[], Page]]:
    """Open a page in a fresh browser context: one context per person in a test."""
    contexts: list[BrowserContext] = []

    def open_new() -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-US",
            extra_http_headers={"Accept-Language": "en"},
            accept_downloads=True,
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page_problems.watch(page)
        return page

    yield open_new

    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(tmp_path) -> Callable[[Page, str], Path]:
    """Save a full-page screenshot under tmp_path/screenshots and return its path."""
    folder = tmp_path / "screenshots"
    folder.mkdir()

    def take(page: Page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
