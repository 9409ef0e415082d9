"""Fixtures for real-browser tests: one app server per session, Debian's Chromium via Playwright.

Without Chromium (or Playwright) the tests skip with the install command — except under CI=true,
where a missing browser is a failure. A failing test leaves a screenshot and the page's text in
test-artifacts/.
"""
import os
import re

import pytest

from tests.e2e.harness import INSTALL_HINT, ROOT, Server, chromium_path

ARTIFACTS = ROOT / "test-artifacts"


def _require_browser():
    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = f"Playwright is not installed; {INSTALL_HINT}"
    if reason is None and chromium_path() is None:
        reason = f"Chromium not found; {INSTALL_HINT}"
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true requires the browser tests to run: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def server():
    _require_browser()
    app = Server()
    try:
        app.wait_healthy()
        yield app
    finally:
        app.stop()


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    from tests.e2e.harness import launch_chromium
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    yield tab
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        try:
            tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            (ARTIFACTS / f"{name}.txt").write_text(f"URL: {tab.url}\n\n{tab.inner_text('body')}")
        except Exception as error:  # the page may be gone; the test's own failure matters more
            print(f"could not save failure artifacts: {error}")
    context.close()
