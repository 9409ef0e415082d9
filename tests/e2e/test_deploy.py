"""Deployment as a class meets it: through nginx with sticky sessions, and under Community Cloud's forced settings."""
import os
import secrets

import pytest

from tests.e2e.harness import Balancer, Server, nginx_path, page_url, wait_for_charts
from tests.e2e.test_browser import CHARTS_HASH, move_first_slider, problems, settled_charts_hash


@pytest.fixture(scope="module")
def balancer(browser):  # needs the browser first: without Chromium the module skips (or fails under CI) there
    if nginx_path() is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true requires nginx for the deployment test: apt-get install -y nginx")
        pytest.skip("nginx not found; apt-get install -y nginx")
    shared_secret = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(16)}
    replicas = [Server(env=shared_secret), Server(env=shared_secret)]
    try:
        for replica in replicas:
            replica.wait_healthy()
        with Balancer([r.url for r in replicas]) as front:
            yield front
    finally:
        for replica in replicas:
            replica.stop()


def test_a_page_through_nginx_redraws_and_its_session_stays_on_one_replica(page, balancer):
    page.goto(page_url(balancer.url, "roc_auc"))
    wait_for_charts(page, 1)
    before = page.evaluate(CHARTS_HASH)
    move_first_slider(page)
    page.wait_for_function(f"() => ({CHARTS_HASH})() !== {before!r}", timeout=30_000)
    settled_charts_hash(page)
    assert not problems(page)
    sticky = next(c["value"] for c in page.context.cookies() if c["name"] == "playground_replica")
    page.goto("about:blank")  # nginx logs the websocket when it closes
    page.wait_for_timeout(1000)
    served = balancer.replicas_by_key()
    assert len(served[sticky]) == 1, served[sticky]  # the page, its scripts, Plotly.js and the websocket
    requests = [line for line in balancer.log.read_text().splitlines() if f"sticky={sticky}" in line]
    assert any("/_stcore/stream" in line for line in requests) and len(requests) >= 3


@pytest.fixture(scope="module")
def cloud_like_server():
    """The values Community Cloud forces whatever config.toml says (usage statistics left off: on, the browser
    would try to reach an outside host)."""
    app = Server(extra_args=("--server.runOnSave=true", "--runner.fastReruns=true",
                             "--server.enableXsrfProtection=true", "--server.enableCORS=true"))
    try:
        app.wait_healthy()
        yield app
    finally:
        app.stop()


@pytest.mark.parametrize("slug", ["roc_auc", "kmeans"])
def test_pages_work_under_community_clouds_forced_settings(page, cloud_like_server, slug):
    page.goto(page_url(cloud_like_server.url, slug))
    wait_for_charts(page, 1)
    before = page.evaluate(CHARTS_HASH)
    for _ in range(3):  # quick successive moves: fast reruns interrupt the running one
        move_first_slider(page)
    page.wait_for_function(f"() => ({CHARTS_HASH})() !== {before!r}", timeout=30_000)
    settled_charts_hash(page)
    assert not problems(page)
