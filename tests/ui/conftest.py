"""Browser-test fixtures: one headless Chromium per session, one ``openchoreo-catalog serve``
child process and one simulator per session, and a fresh page per test that records console
errors.

Playwright's async API on the session's event loop (browser tests are marked
``asyncio(loop_scope="session")``): its sync API leaves an event loop marked as running in
the main thread, which would break every async test that runs after it.

Chromium is Debian's (``make browser`` installs it); nothing is downloaded. When it or the
``playwright`` package is missing the tests are skipped with a message saying what to
install — except under ``CI=true``, where that is a failure.

Screenshots go to ``docs/screenshots/`` when ``UPDATE_SCREENSHOTS=1`` (``make screenshots``),
else to the test's temporary directory, so ordinary runs leave the tree untouched.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import httpx
import pytest
import pytest_asyncio

from openchoreo_catalog.simulator import InProcessSimulator, SimulatorConfig
from tests.service.harness import API_TOKEN, PROVIDER, ServeProcess, write_config
from tests.simulator_fixtures import SIMULATOR_TOKEN

TOKEN = API_TOKEN
PACING = {"chunkSize": 10, "burstLength": 60, "burstInterval": 5, "restLength": 60}
"""A cycle in one burst, ten items a list page, an hour's rest (no cycle starts unbidden)."""
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1366, "height": 860}
"""A laptop screen."""
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
AXE = Path(__file__).resolve().parents[1] / "node" / "node_modules" / "axe-core" / "axe.min.js"
"""axe-core (``make node-deps``): the accessibility rules the pages are checked against."""
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
UI_SIMULATOR = SimulatorConfig(
    orgs=2, projects=3, components=12, seed=11, endpoints=2, traits=130, token=SIMULATOR_TOKEN
)

BROWSER_TESTS = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]
"""``pytestmark`` of every browser-test module."""


def _missing(
    what: str, fix: str = "run `make browser` (Debian's chromium) and `make venv` (playwright)"
) -> NoReturn:
    message = f"{what}; {fix}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run: {message}", pytrace=False)
    pytest.skip(message)


def chromium_path() -> str:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def chromium() -> AsyncIterator[Any]:
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _missing("the playwright Python package is not installed")
    path = chromium_path()
    if not os.access(path, os.X_OK):
        _missing(f"no Chromium at {path}")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


@dataclass
class Service:
    url: str
    sim: InProcessSimulator
    api: httpx.Client

    def detail(self) -> dict[str, Any]:
        body = self.api.get(f"/api/catalog/incremental/providers/{PROVIDER}").json()
        return body["data"]  # type: ignore[no-any-return]

    async def wait_for(self, what: str, ready: Callable[[], bool], timeout: float = 60.0) -> None:
        """Poll ``ready`` until it holds, or fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not ready():
            if time.monotonic() > deadline:
                pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
            await asyncio.sleep(0.1)  # the poll's interval

    async def wait_until_ingested(self) -> None:
        """Until a cycle has read everything (it then rests, or has finished)."""

        def ingested() -> bool:
            detail = self.detail()
            current = detail["current"] or {}
            return bool(detail["lastCycles"]) or current.get("ingestionCompletedAt") is not None

        await self.wait_for("the first ingestion cycle to read everything", ingested)


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """``serve`` as a user runs it, against a simulator in this process, over loopback."""
    folder = tmp_path_factory.mktemp("ui-service")
    with InProcessSimulator(UI_SIMULATOR) as sim:
        config = write_config(folder, sim.base_url, SIMULATOR_TOKEN, **PACING)
        serve = ServeProcess(config, folder / "serve", log_level="warning").start()
        try:
            with httpx.Client(base_url=serve.url, timeout=10.0) as api:
                yield Service(serve.url, sim, api)
        finally:
            status = serve.stop()
        assert status == 0, serve.output()


Audit = Callable[[Any, str], Awaitable[None]]


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        _missing("axe-core is not installed", "run `make node-deps`")
    return AXE.read_text()


@pytest.fixture
def accessible(axe_source: str) -> Audit:
    """``await accessible(page, "the dashboard")``: no WCAG 2.1 A/AA violation axe can find."""

    async def audit(page: Any, what: str) -> None:
        if not await page.evaluate("() => typeof window.axe === 'object'"):
            await page.evaluate(axe_source)  # devtools evaluation: the page's CSP allows it
        result = await page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"]
        ]
        assert problems == [], f"accessibility problems on {what}:\n" + "\n".join(problems)

    return audit


@dataclass
class Console:
    """Everything the page reported as an error: console errors, uncaught exceptions, and
    responses of 400 or more (Chromium logs those as console errors too)."""

    errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.errors == [], "\n".join(self.errors)


@pytest_asyncio.fixture(loop_scope="session")
async def page(chromium: Any, service: Service) -> AsyncIterator[Any]:
    context = await chromium.new_context(viewport=VIEWPORT, base_url=service.url)
    page = await context.new_page()
    console = Console()
    page.on(
        "console",
        lambda msg: console.errors.append(f"console: {msg.text}") if msg.type == "error" else None,
    )
    page.on("pageerror", lambda error: console.errors.append(f"page error: {error}"))
    page.on(
        "response",
        lambda r: console.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
    )
    page.console = console
    page.set_default_timeout(15_000)
    yield page
    await context.close()


Screenshot = Callable[[Any, str], Awaitable[Path]]


@pytest.fixture
def screenshot(tmp_path: Path) -> Screenshot:
    async def take(page: Any, name: str) -> Path:
        folder = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        await page.screenshot(path=str(path), full_page=False)
        return path

    return take
