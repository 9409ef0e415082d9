"""Where a page's server time goes on a slider move: cProfile over the fragment reruns, cache warm.

For each page: open it in Chromium, move its first slider a few times (so every value the measured moves
reach is cached), then profile the script runs of --moves more moves and print their wall times and the
functions of this repository that took the most time. cProfile runs inside Streamlit's script thread (a
profiler in the main thread sees none of it) and roughly doubles the times it reports, so compare
functions with each other, not with latency.py's milliseconds.

    python bench/server_profile.py [--moves 8] [--top 12] [--sort tottime|cumulative] svm bagging_boosting
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import ROOT

from tests.e2e.harness import (free_port, launch_chromium, measure_slider_move, page_url, stop_process_group,
                               wait_for_charts)


def serve(port: int, workdir: Path) -> None:
    """Run app.py with every script run profiled while ``workdir/on`` exists; stats go to ``workdir/stats``."""
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.web import cli

    run_script = script_runner.ScriptRunner._run_script
    lock, collected, times = threading.Lock(), [], []

    def profiled(self, *args, **kwargs):
        if not (workdir / "on").exists():
            return run_script(self, *args, **kwargs)
        profile, start = cProfile.Profile(), time.perf_counter()
        profile.enable()
        try:
            return run_script(self, *args, **kwargs)
        finally:
            profile.disable()
            with lock:
                times.append(time.perf_counter() - start)
                collected.append(profile)
                stats = pstats.Stats(*collected)
                stats.dump_stats(workdir / "stats")
                (workdir / "times").write_text(" ".join(f"{t * 1000:.0f}" for t in times))

    script_runner.ScriptRunner._run_script = profiled
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), "--server.headless=true", f"--server.port={port}",
                "--server.address=127.0.0.1", "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
                "--server.runOnSave=false"]
    cli.main()


def profile_page(browser, url: str, moves: int, workdir: Path) -> tuple[list[str], pstats.Stats | None]:
    for name in ("on", "stats", "times"):
        (workdir / name).unlink(missing_ok=True)
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(url)
    wait_for_charts(page)
    for _ in range(moves + 1):  # the measured moves then revisit these values: cached, as in a class
        measure_slider_move(page)
    page.close()
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(url)
    wait_for_charts(page)
    (workdir / "on").touch()
    for _ in range(moves):
        measure_slider_move(page)
    (workdir / "on").unlink()
    page.close()
    if not (workdir / "stats").exists():
        return [], None
    return (workdir / "times").read_text().split(), pstats.Stats(str(workdir / "stats"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--moves", type=int, default=8)
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--sort", choices=("tottime", "cumulative"), default="tottime")
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "WORKDIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(int(args.serve[0]), Path(args.serve[1]))
        return 0
    if not args.pages:
        parser.error("name at least one page")
    if not 1 <= args.moves <= 50:
        parser.error("--moves must be between 1 and 50")

    from playwright.sync_api import sync_playwright
    import urllib.request
    with tempfile.TemporaryDirectory() as workdir, sync_playwright() as playwright:
        port = free_port()
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(port), workdir], cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                    break
                except OSError:
                    if server.poll() is not None:
                        raise RuntimeError("the profiled server exited; run it alone with --serve PORT DIR to see why")
                    time.sleep(0.2)
            browser = launch_chromium(playwright)
            for slug in args.pages:
                times, stats = profile_page(browser, page_url(url, slug), args.moves, Path(workdir))
                print(f"\n{slug}: script runs (ms, profiled): {' '.join(times) or 'none'}")
                if stats is not None:
                    out = io.StringIO()
                    stats.stream = out
                    stats.sort_stats(args.sort).print_stats(str(ROOT), args.top)
                    body = out.getvalue().splitlines()
                    start = next((i for i, line in enumerate(body) if "ncalls" in line), 0)
                    print("\n".join(line.replace(str(ROOT) + "/", "") for line in body[start:] if line.strip()))
            browser.close()
        finally:
            stop_process_group(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
