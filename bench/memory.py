"""Server memory (RSS of streamlit and its children) and cold start, in a real browser.

Reports: RSS at start; cold start (server start → home page drawn); each page's first visit (time to
charts drawn); RSS after one browser visits every page; RSS after --sessions more sessions have each
visited --pages-per-session random pages and stay open (idle); the growth per idle session.

    python bench/memory.py [--sessions 20] [--pages-per-session 5]
"""
from __future__ import annotations

import argparse
import random
import sys
import time

from _common import ROOT, save, table, tree_rss_mb

from tests.e2e.harness import Server, launch_chromium, page_url, wait_for_app, wait_for_charts
from ui.catalog import TOPICS

BUDGET_MB = 690
GROWTH_BUDGET_MB = 5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--pages-per-session", type=int, default=5)
    args = parser.parse_args()
    if not (1 <= args.sessions <= 100 and 1 <= args.pages_per_session <= 20):
        parser.error("--sessions must be 1–100 and --pages-per-session 1–20")
    slugs = [t.slug for t in TOPICS]
    rng = random.Random(0)

    from playwright.sync_api import sync_playwright
    server = Server()
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            first = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = first.new_page()
            server.wait_healthy()
            rss_start = tree_rss_mb(server.process.pid)
            page.goto(page_url(server.url, "home"))
            wait_for_app(page)
            cold_start = time.perf_counter() - server.started_at

            first_visits = {}
            for slug in slugs:
                began = time.perf_counter()
                page.goto(page_url(server.url, slug))
                wait_for_charts(page, 1)
                first_visits[slug] = time.perf_counter() - began
            rss_all_pages = tree_rss_mb(server.process.pid)

            idle = []
            for _ in range(args.sessions):
                context = browser.new_context(viewport={"width": 1200, "height": 900})
                tab = context.new_page()
                for slug in rng.sample(slugs, min(args.pages_per_session, len(slugs))):
                    tab.goto(page_url(server.url, slug))
                    wait_for_charts(tab, 1)
                idle.append(context)
            time.sleep(2)
            rss_sessions = tree_rss_mb(server.process.pid)
            for context in idle:
                context.close()
            first.close()
            browser.close()
    finally:
        server.stop()

    growth = (rss_sessions - rss_all_pages) / args.sessions
    print(table(["measure", "value", "budget"], [
        ["server RSS at start", f"{rss_start:.0f} MB", ""],
        ["cold start (server start → home drawn)", f"{cold_start:.1f} s", ""],
        ["RSS after visiting every page", f"{rss_all_pages:.0f} MB", f"≤ {BUDGET_MB} MB"],
        [f"RSS with {args.sessions} more idle sessions", f"{rss_sessions:.0f} MB", ""],
        ["growth per idle session", f"{growth:.1f} MB", f"≤ {GROWTH_BUDGET_MB} MB"],
    ]))
    print()
    print(table(["page", "first visit: charts drawn"], [[s, f"{v:.2f} s"] for s, v in first_visits.items()]))
    path = save("memory", {"rss_start_mb": round(rss_start, 1), "cold_start_s": round(cold_start, 2),
                           "rss_all_pages_mb": round(rss_all_pages, 1), "sessions": args.sessions,
                           "pages_per_session": args.pages_per_session, "rss_sessions_mb": round(rss_sessions, 1),
                           "growth_per_session_mb": round(growth, 2),
                           "first_visit_s": {s: round(v, 2) for s, v in first_visits.items()},
                           "within_budget": rss_all_pages <= BUDGET_MB and growth <= GROWTH_BUDGET_MB})
    print(f"\nwrote {path.relative_to(ROOT)}")
    return 0 if rss_all_pages <= BUDGET_MB and growth <= GROWTH_BUDGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
