"""Screenshot pages as a student sees them: Debian's Chromium at 1366×768, the whole page, PNG files.

    python bench/screenshot.py svm "kmeans?km_k=5&km_init=bad" [--out test-artifacts/shots] [--viewport]
    python bench/screenshot.py kmeans --upload my_data.csv     # a student's CSV uploaded on each page

Each argument is a slug, optionally with the page's URL parameters. One server serves them all; the files
are named after the slug and the parameters. ``--viewport`` saves only the first screen (what a projector
shows) instead of the whole page.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from urllib.parse import parse_qsl

from _common import ROOT

from tests.e2e.harness import Server, launch_chromium, page_url, wait_for_app, wait_for_charts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="+", help="slug or slug?key=value&…")
    parser.add_argument("--out", default=str(ROOT / "test-artifacts" / "shots"))
    parser.add_argument("--viewport", action="store_true", help="only the first 1366×768 screen")
    parser.add_argument("--upload", help="a CSV file to upload through the page's “Use your own data” panel")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright
    with Server() as server, sync_playwright() as playwright:
        server.wait_healthy()
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        for spec in args.pages:
            slug, _, query = spec.partition("?")
            page.goto(page_url(server.url, slug, dict(parse_qsl(query)) or None))
            if slug in ("home", "interview_drill"):  # pages without charts
                wait_for_app(page)
            else:
                wait_for_charts(page, 1)
            if args.upload:
                upload(page, args.upload)
            page.wait_for_timeout(800)  # let Plotly finish its transitions
            path = out / (re.sub(r"[^A-Za-z0-9_.=-]+", "_", spec + (f"_{Path(args.upload).stem}" if args.upload
                                                                  else "")) + ".png")
            if not args.viewport:  # Streamlit scrolls inside its own container: grow the window to the page instead
                height = page.evaluate("() => Math.max(...[...document.querySelectorAll('section, [data-testid=stMain]')]"
                                       ".map(e => e.scrollHeight), 768)")
                page.set_viewport_size({"width": 1366, "height": min(int(height), 12000)})
                page.wait_for_timeout(500)
            page.screenshot(path=str(path))
            page.set_viewport_size({"width": 1366, "height": 768})
            print(path)
        browser.close()
    return 0


def upload(page, csv_path: str) -> None:
    """Open the page's “Use your own data” panel, upload ``csv_path`` and wait for the page to settle."""
    page.get_by_text("Use your own data (CSV)").first.click()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(csv_path)
    page.wait_for_timeout(1000)
    page.get_by_text("Using your file").or_(page.locator("[data-testid='stAlert']")).first.wait_for(timeout=120_000)
    wait_for_app(page)
    page.wait_for_timeout(1500)


if __name__ == "__main__":
    sys.exit(main())
