"""Run the app for real: a `streamlit run app.py` server on a free loopback port and Debian's Chromium.

Shared by the e2e tests and the bench/ scripts. Waiting follows Streamlit's own e2e suite: the app is
connected, its script state is ``notRunning``, and no skeleton placeholders are left.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-quic", "--no-first-run", "--disable-dev-shm-usage"]
INSTALL_HINT = "install Debian's Chromium: apt-get install -y chromium (then pip install -r requirements-dev.txt)"


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process_group(process: subprocess.Popen) -> None:
    """SIGTERM a process started with ``start_new_session`` and its children; SIGKILL after 10 s."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


class Server:
    """`streamlit run <script>` in its own process group, headless, no usage stats, no file watcher."""

    def __init__(self, script: str | Path = "app.py", port: int | None = None, extra_args: tuple = (),
                 env: dict | None = None, cwd: str | Path = ROOT):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless=true",
                   f"--server.port={self.port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
                   "--server.fileWatcherType=none", "--server.runOnSave=false", *extra_args]
        self.log_path = ROOT / "test-artifacts" / f"server-{self.port}.log"
        self.log_path.parent.mkdir(exist_ok=True)
        self._log = open(self.log_path, "w")
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(command, cwd=cwd, stdout=self._log, stderr=subprocess.STDOUT,
                                        start_new_session=True, env={**os.environ, **(env or {})})

    def wait_healthy(self, timeout: float = 60.0) -> float:
        """Block until /_stcore/health answers; return seconds since start."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited early; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return time.perf_counter() - self.started_at
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"streamlit did not become healthy in {timeout} s; see {self.log_path}")

    def stop(self) -> None:
        stop_process_group(self.process)
        self._log.close()

    def __enter__(self):
        self.wait_healthy()
        return self

    def __exit__(self, *exc):
        self.stop()


def nginx_path() -> str | None:
    for candidate in (os.environ.get("NGINX"), "/usr/sbin/nginx", shutil.which("nginx")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


class Balancer:
    """Debian's nginx on a free loopback port, running ``deploy/nginx.conf`` in front of ``replica_urls``.

    The shipped configuration is used as it is, except for the replicas' addresses, the port and where nginx
    keeps its logs and temporary files (a folder of its own under ``test-artifacts/``). ``log`` is its access
    log: one line per request with the sticky key and the replica that answered.
    """

    def __init__(self, replica_urls: list[str]):
        import re
        path = nginx_path()
        if path is None:
            raise FileNotFoundError("nginx not found; install Debian's nginx: apt-get install -y nginx")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.prefix = ROOT / "test-artifacts" / f"nginx-{self.port}"
        (self.prefix / "logs").mkdir(parents=True, exist_ok=True)
        conf = (ROOT / "deploy" / "nginx.conf").read_text()
        servers = "".join(f"        server {url.removeprefix('http://')};\n" for url in replica_urls)
        conf = re.sub(r"(        server 127\.0\.0\.1:\d+;\n)+", servers, conf)
        conf = conf.replace("listen 80;", f"listen 127.0.0.1:{self.port};")
        conf = conf.replace("worker_processes auto;", "worker_processes 1;\npid nginx.pid;\n"
                            "error_log logs/error.log;" + ("\nuser root;" if os.geteuid() == 0 else ""))
        temp = "".join(f"    {kind}_temp_path {self.prefix / kind};\n"
                       for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        conf = conf.replace("http {\n", "http {\n" + temp, 1)
        (self.prefix / "nginx.conf").write_text(conf)
        self.log = self.prefix / "logs" / "access.log"
        self.process = subprocess.Popen([path, "-p", str(self.prefix), "-c", "nginx.conf", "-g", "daemon off;"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_healthy(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited early; see {self.prefix / 'logs' / 'error.log'}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"nginx did not answer in {timeout} s")

    def replicas_by_key(self) -> dict[str, set[str]]:
        """Sticky key → the replicas that served requests carrying it (one each when sessions are sticky)."""
        import re
        seen: dict[str, set[str]] = {}
        for line in self.log.read_text().splitlines():
            if (found := re.search(r"sticky=(\S+) replica=(\S+)", line)) and found.group(2) != "-":
                seen.setdefault(found.group(1), set()).add(found.group(2))
        return seen

    def stop(self) -> None:
        stop_process_group(self.process)

    def __enter__(self):
        self.wait_healthy()
        return self

    def __exit__(self, *exc):
        self.stop()


def launch_chromium(playwright):
    path = chromium_path()
    if path is None:
        raise FileNotFoundError(f"Chromium not found; {INSTALL_HINT}")
    return playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_FLAGS)


def wait_for_app(page, timeout_ms: float = 60_000) -> None:
    """Connected, script finished, no skeletons: what Streamlit's own e2e tests wait for."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout_ms)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)
    page.wait_for_function("() => document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0",
                           timeout=timeout_ms)


# A drawn Plotly chart, whether by ui.live_chart (the pages) or st.plotly_chart (the bench's trivial page).
PLOT = ".js-plotly-plot"
DRAWN_CHART = ".js-plotly-plot .main-svg"


def wait_for_charts(page, minimum: int = 1, timeout_ms: float = 60_000) -> None:
    """At least ``minimum`` Plotly charts actually drawn (an SVG inside each plot container)."""
    page.wait_for_function(
        f"n => document.querySelectorAll({DRAWN_CHART!r}).length >= n",
        arg=minimum, timeout=timeout_ms)
    wait_for_app(page, timeout_ms)


def page_url(server_url: str, slug: str, query: dict | None = None) -> str:
    from urllib.parse import urlencode
    path = "" if slug == "home" else slug
    return f"{server_url}/{path}" + (f"?{urlencode(query, doseq=True)}" if query else "")


# Latency of one slider move, measured inside the page: from the key press to the last DOM change of the
# main container, once the script has finished and the DOM has been quiet for QUIET_MS.
QUIET_MS = 500
INSTALL_OBSERVER = """() => {
  if (window.__mlpObserver) return;
  window.__mlpLast = performance.now();
  window.__mlpObserver = new MutationObserver(() => { window.__mlpLast = performance.now(); });
  window.__mlpObserver.observe(document.querySelector("[data-testid='stMain']"),
                               {subtree: true, childList: true, attributes: true, characterData: true});
}"""
MARK_START = "() => { window.__mlpStart = performance.now(); return window.__mlpStart; }"
SETTLED = f"""() => {{
  const app = document.querySelector("[data-testid='stApp']");
  return window.__mlpLast > window.__mlpStart
      && app.getAttribute("data-test-script-state") === "notRunning"
      && performance.now() - window.__mlpLast > {QUIET_MS};
}}"""
ELAPSED = "() => window.__mlpLast - window.__mlpStart"
FIRST_SLIDER = "[data-testid='stSlider'] input[type='range']"
SLIDER_STATE = """el => [Number(el.value), Number(el.min), Number(el.max)]"""


def slider_direction(page) -> str:
    """Move right unless the first slider is at its maximum."""
    value, _, high = page.locator(FIRST_SLIDER).first.evaluate(SLIDER_STATE)
    return "ArrowLeft" if value >= high else "ArrowRight"


def measure_slider_move(page, timeout_ms: float = 60_000, key: str | None = None) -> float:
    """Milliseconds from a keyboard move of the first slider to the last DOM change it caused.

    ``key`` (``"ArrowRight"`` or ``"ArrowLeft"``) fixes the direction; by default it moves right unless the
    slider is at its maximum."""
    page.evaluate(INSTALL_OBSERVER)
    thumb = page.locator(FIRST_SLIDER).first
    thumb.focus()
    key = key or slider_direction(page)
    page.evaluate(MARK_START)
    page.keyboard.press(key)
    page.wait_for_function(SETTLED, timeout=timeout_ms, polling=50)
    return page.evaluate(ELAPSED)
