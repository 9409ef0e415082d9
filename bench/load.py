"""A classroom on one server: N concurrent sessions, each opening random pages and moving sliders.

Bounded in count and time; loopback only. Reports failed sessions, exceptions seen on pages, p50/p95
slider latency, and the server's peak RSS and CPU.

Two kinds of client:
- ``--client protocol`` (default): sessions that speak Streamlit's websocket protocol
  (bench/protocol_client.py) and time each slider move up to the server's ``script_finished``. A
  single-user run of the same client in the same invocation is the baseline for the p95 target.
  This measures the server, as a class on their own laptops would load it.
- ``--client browser``: headless Chromium contexts, timed key press → last DOM change as in
  latency.py. On a 2-core machine 30 Chromiums starve each other and the server, so this measures the
  load generator more than the server; it is kept to check that real pages survive the crowd.

    python bench/load.py [--client protocol|browser] [--sessions 30] [--seconds 60] [--moves-per-page 4]
"""
from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import threading
import time

from _common import ROOT, save, table, tree_rss_mb

from tests.e2e.harness import (CHROMIUM_FLAGS, ELAPSED, FIRST_SLIDER, INSTALL_OBSERVER, MARK_START, SETTLED,
                               SLIDER_STATE, Server, chromium_path, page_url)
from ui.catalog import TOPICS

APP_READY = ("() => { const a = document.querySelector(\"[data-testid='stApp']\"); return a && "
             "a.getAttribute('data-test-connection-state') === 'CONNECTED' && "
             "a.getAttribute('data-test-script-state') === 'notRunning' && "
             "document.querySelectorAll('.js-plotly-plot .main-svg').length > 0; }")


class Sampler(threading.Thread):
    """Samples the server tree's RSS and CPU every half second."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        import psutil
        self.process, self.stop_event = psutil.Process(pid), threading.Event()
        self.rss, self.cpu = [], []

    def run(self):
        import psutil
        procs = {}
        while not self.stop_event.is_set():
            total_cpu = 0.0
            for p in [self.process, *self.process.children(recursive=True)]:
                try:
                    total_cpu += procs.setdefault(p.pid, p).cpu_percent(None)
                except psutil.NoSuchProcess:
                    pass
            self.cpu.append(total_cpu)
            self.rss.append(tree_rss_mb(self.process.pid))
            self.stop_event.wait(0.5)


async def session(browser, url, slugs, start_delay, deadline, moves, rng, stats):
    await asyncio.sleep(start_delay)
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    page = await context.new_page()
    try:
        while time.monotonic() < deadline:
            slug = rng.choice(slugs)
            await page.goto(page_url(url, slug), timeout=120_000, wait_until="domcontentloaded")
            await page.wait_for_function(APP_READY, timeout=120_000, polling=200)
            stats["pages"] += 1
            for _ in range(moves):
                if time.monotonic() >= deadline:
                    break
                await page.evaluate(INSTALL_OBSERVER)
                thumb = page.locator(FIRST_SLIDER).first
                await thumb.focus()
                value, _, high = await thumb.evaluate(SLIDER_STATE)
                await page.evaluate(MARK_START)
                await page.keyboard.press("ArrowLeft" if value >= high else "ArrowRight")
                await page.wait_for_function(SETTLED, timeout=60_000, polling=50)
                stats["latencies"].append(await page.evaluate(ELAPSED))
            stats["exceptions"] += await page.locator("[data-testid='stException']").count()
    except Exception as error:  # a timeout or a crash fails the session, and the run reports it
        stats["failed"].append(f"{type(error).__name__}: {str(error).splitlines()[0][:120]}")
    finally:
        await context.close()


async def protocol_session(url, slugs, start_delay, deadline, moves, rng, stats, think):
    from protocol_client import ProtocolSession
    await asyncio.sleep(start_delay)
    client = ProtocolSession(url)
    try:
        await client.connect()
        while time.monotonic() < deadline:
            await client.open_page(rng.choice(slugs))
            await client.fetch("/_stcore/host-config")  # an HTTP request mid-session, as the browser makes
            stats["pages"] += 1
            for _ in range(moves):
                if time.monotonic() >= deadline or not client.sliders:
                    break
                stats["latencies"].append(await client.move(rng.choice(client.sliders), rng.choice((-1, 1))))
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))  # a student looks at the chart, then moves again
    except Exception as error:  # a timeout or a broken run fails the session, and the run reports it
        stats["failed"].append(f"{type(error).__name__}: {str(error).splitlines()[0][:120]}")
    finally:
        stats["exceptions"] += client.exceptions
        stats["replica_sets"].append(client.replicas)
        await client.close()


async def protocol_classroom(url, n_sessions, seconds, moves, ramp, think=0.0):
    slugs = [t.slug for t in TOPICS]
    stats = {"latencies": [], "exceptions": 0, "failed": [], "pages": 0, "replica_sets": []}
    deadline = time.monotonic() + seconds
    await asyncio.gather(*[protocol_session(url, slugs, ramp * i / n_sessions, deadline, moves, random.Random(i), stats,
                                            think) for i in range(n_sessions)])
    return stats


async def classroom(url, n_sessions, seconds, moves, ramp):
    from playwright.async_api import async_playwright
    slugs = [t.slug for t in TOPICS]
    stats = {"latencies": [], "exceptions": 0, "failed": [], "pages": 0}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                                   args=CHROMIUM_FLAGS)
        deadline = time.monotonic() + seconds
        await asyncio.gather(*[session(browser, url, slugs, ramp * i / n_sessions, deadline, moves,
                                       random.Random(i), stats) for i in range(n_sessions)])
        await browser.close()
    return stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--client", choices=("protocol", "browser"), default="protocol")
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--moves-per-page", type=int, default=4)
    parser.add_argument("--think", type=float, default=2.0,
                        help="protocol clients: mean seconds between a student's slider moves (each pause 0.5–1.5× this)")
    parser.add_argument("--ramp", type=float, default=20,
                        help="seconds over which the sessions join (a class does not click in the same millisecond)")
    args = parser.parse_args()
    if not (1 <= args.sessions <= 60 and 5 <= args.seconds <= 600 and 1 <= args.moves_per_page <= 20
            and 0 <= args.ramp < args.seconds and 0 <= args.think <= 30):
        parser.error("--sessions 1–60, --seconds 5–600, --moves-per-page 1–20, 0 ≤ --ramp < --seconds, --think 0–30")

    with Server() as server:
        single = None
        if args.client == "protocol":
            # Baseline in the same run: one session alone (after a warm-up pass that fills the caches).
            asyncio.run(protocol_classroom(server.url, 1, min(30.0, args.seconds), args.moves_per_page, 0))
            alone = asyncio.run(protocol_classroom(server.url, 1, min(30.0, args.seconds), args.moves_per_page, 0))
            single = round(statistics.median(alone["latencies"]), 1) if alone["latencies"] else None
        sampler = Sampler(server.process.pid)
        sampler.start()
        began = time.perf_counter()
        crowd = protocol_classroom if args.client == "protocol" else classroom
        extra = {"think": args.think} if args.client == "protocol" else {}
        stats = asyncio.run(crowd(server.url, args.sessions, args.seconds, args.moves_per_page, args.ramp, **extra))
        wall = time.perf_counter() - began
        sampler.stop_event.set()
        sampler.join()

    latencies = sorted(stats["latencies"])
    p50 = statistics.median(latencies) if latencies else float("nan")
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
    if args.client == "browser":
        single = _single_user_median()
    ratio = p95 / single if single else float("nan")
    baseline = "one protocol session alone, same run" if args.client == "protocol" else "latency.json"
    print(table(["measure", "value"], [
        ["client", args.client],
        ["sessions / seconds / ramp-up", f"{args.sessions} / {args.seconds:.0f} / {args.ramp:.0f} (wall {wall:.0f} s)"],
        ["think time between moves", f"{args.think:g} s mean" if args.client == "protocol" else "none (paced by rendering)"],
        ["pages opened / slider moves", f"{stats['pages']} / {len(latencies)}"],
        ["failed sessions", len(stats["failed"])],
        ["exceptions on pages", stats["exceptions"]],
        ["latency p50 / p95", f"{p50:.0f} / {p95:.0f} ms"],
        [f"single-user median ({baseline})", f"{single:.0f} ms" if single else "run bench/latency.py first"],
        ["p95 / single-user median", f"{ratio:.1f} (target ≤ 3)"],
        ["server peak RSS", f"{max(sampler.rss):.0f} MB"],
        ["server CPU mean / peak", f"{statistics.mean(sampler.cpu):.0f} % / {max(sampler.cpu):.0f} % (of one core)"],
    ]))
    for failure in stats["failed"][:5]:
        print("  failed:", failure)
    path = save(f"load-{args.client}", {"client": args.client, "think_s": args.think if args.client == "protocol" else None,
                                        "sessions": args.sessions, "seconds": args.seconds, "ramp_s": args.ramp, "pages_opened": stats["pages"],
                         "slider_moves": len(latencies), "failed_sessions": len(stats["failed"]),
                         "failures": stats["failed"], "exceptions": stats["exceptions"],
                         "latency_p50_ms": round(p50, 1), "latency_p95_ms": round(p95, 1),
                         "single_user_median_ms": single, "p95_over_single_median": round(ratio, 2),
                         "peak_rss_mb": round(max(sampler.rss), 1), "cpu_mean_percent": round(statistics.mean(sampler.cpu)),
                         "cpu_peak_percent": round(max(sampler.cpu))})
    print(f"\nwrote {path.relative_to(ROOT)}")
    return 0 if not stats["failed"] and not stats["exceptions"] else 1


def _single_user_median():
    """Browser clients: median of the per-page single-user medians from the latest latency run, if any."""
    import json
    path = ROOT / "bench" / "results" / "latency.json"
    if not path.exists():
        return None
    pages = json.loads(path.read_text())["pages"].values()
    return round(statistics.median(p["median_ms"] for p in pages), 1)


if __name__ == "__main__":
    sys.exit(main())
