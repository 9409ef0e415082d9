"""Paired A/B of a change: this checkout against another one, move for move, in latency and main-thread time.

``latency.py`` compares visits minutes apart, and on this shared 2-core machine blocks of ten moves differ
by ±20 ms, so a change worth 10 ms cannot be seen that way. Here both checkouts serve at once, one page of
each stays open, and their moves alternate (A then B, then B then A): each pair of moves sees the same
spell of the machine, and the medians of the paired differences say what the change did. The slider goes
back and forth between two values, so every move after the warm-up is served from the page's caches, and
both pages measure the browser's share. Besides the latency (as ``latency.py`` measures it), each move
records the page's main-thread script, layout and style time (Chrome's ``Performance.getMetrics``), the
steadier measure: two runs of a checkout against itself agreed within ~5 ms on it over ten pairs, and within
~15 ms on latency over thirty.

    git worktree add --detach ../baseline main        # the checkout to compare with
    python bench/ab.py ../baseline [--pairs 20] imbalanced confidence_intervals
"""
from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from _common import table

from tests.e2e.harness import (Server, launch_chromium, measure_slider_move, page_url, slider_direction,
                               wait_for_charts)

MAIN_THREAD = ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration")


class OpenPage:
    """One page of one checkout, open in its own browser context, with its two slider directions."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Performance.enable")
        self.page.goto(url)
        wait_for_charts(self.page, 1)
        away = slider_direction(self.page)
        self.keys = (away, "ArrowLeft" if away == "ArrowRight" else "ArrowRight")
        self.moves = 0
        for _ in range(4):  # warm-up: both values cached, the slider back where it started
            self.move()

    def main_thread_ms(self) -> float:
        metrics = {m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]}
        return 1000 * sum(metrics[name] for name in MAIN_THREAD)

    def move(self) -> tuple[float, float]:
        """(latency, main-thread ms) of one move, alternately away from and back to the start value."""
        before = self.main_thread_ms()
        latency = measure_slider_move(self.page, key=self.keys[self.moves % 2])
        self.moves += 1
        return latency, self.main_thread_ms() - before

    def close(self) -> None:
        self.context.close()


def compare(browser, urls: tuple[str, str], pairs: int) -> list[list[float]]:
    """Per pair of moves: [latency A, latency B, main thread A, main thread B]."""
    pages = [OpenPage(browser, url) for url in urls]
    rows = []
    for pair in range(pairs):
        order = (0, 1) if pair % 2 == 0 else (1, 0)
        measured = {side: pages[side].move() for side in order}
        rows.append([measured[0][0], measured[1][0], measured[0][1], measured[1][1]])
    for page in pages:
        page.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("baseline", type=Path, help="the other checkout (A); this one is B")
    parser.add_argument("pages", nargs="+", help="slugs, optionally with a query string")
    parser.add_argument("--pairs", type=int, default=20)
    args = parser.parse_args()
    if not 4 <= args.pairs <= 200:
        parser.error("--pairs must be between 4 and 200")
    baseline = args.baseline.resolve()
    if not (baseline / "app.py").is_file():
        parser.error(f"{baseline} has no app.py")
    from playwright.sync_api import sync_playwright
    with Server(baseline / "app.py", cwd=baseline) as a, Server() as b, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        lines = []
        for spec in args.pages:
            slug, _, query = spec.partition("?")
            urls = tuple(page_url(server.url, slug) + (f"?{query}" if query else "") for server in (a, b))
            rows = compare(browser, urls, args.pairs)
            latency_a, latency_b, thread_a, thread_b = map(statistics.median, zip(*rows))
            latency_change = statistics.median(r[1] - r[0] for r in rows)
            thread_change = statistics.median(r[3] - r[2] for r in rows)
            faster = sum(r[3] < r[2] for r in rows)
            lines.append([spec, f"{latency_a:.0f}", f"{latency_b:.0f}", f"{latency_change:+.1f}",
                          f"{thread_a:.1f}", f"{thread_b:.1f}", f"{thread_change:+.1f}", f"{faster}/{len(rows)}"])
            print(f"{spec}: done", flush=True)
        browser.close()
    print(table(["page", "latency A", "latency B", "paired B−A", "main thread A", "main thread B", "paired B−A",
                 "B less main thread"], lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
