"""Where a page's slider move goes in the browser's JavaScript: a CPU profile of cached moves, by component.

For each page (a slug, or "slug?key=value"), open it, make four warm-up moves of its first slider (back and
forth, so the measured moves are served from the page's caches), then record Chrome's sampling CPU profile
over --moves more and print milliseconds per move: each sample goes to the nearest frame in its stack that
belongs to a component's own script (Streamlit's ``Slider``, ``StreamlitMarkdown``, the plotly.js of the
charts, the bidi component of ui.live_chart), "(React and Streamlit core)" when only the shared bundles
(react-dom, emotion, Streamlit's index) are on the stack, and "(program)" for the browser's native work
(style, layout, paint, images) that V8 sees as such. ``--trivial`` profiles the latency baseline's page
first. Compare pages within one run; the numbers are larger than latency.py's (sampling overhead).

    python bench/js_profile.py [--moves 12] [--trivial] imbalanced t_test
"""
from __future__ import annotations

import argparse
import re
from collections import Counter
from urllib.parse import parse_qsl

from _common import ROOT, table

from tests.e2e.harness import Server, launch_chromium, measure_slider_move, page_url, wait_for_charts

# Scripts every component's render passes through: a sample whose stack has only these is the core's.
SHARED = ("react-dom", "emotion", "index.", "utils.", "rolldown", "lib.", "styled-components", "protobuf", "UriUtil",
          "opacities")
NATIVE = {"(program)": "(program)", "(garbage collector)": "(garbage collector)"}


def component_times(profile: dict) -> Counter:
    """Milliseconds of the profile's samples by component (see the module docstring); idle time left out."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    parent = {child: node["id"] for node in profile["nodes"] for child in node.get("children", [])}
    times = Counter()
    for sample, delta in zip(profile["samples"], profile["timeDeltas"][1:] + [0]):
        times[sample] += delta / 1000
    by_component = Counter()
    for node_id, ms in times.items():
        name = nodes[node_id]["callFrame"]["functionName"]
        if name in ("(idle)", "(root)"):
            continue
        label, frame = NATIVE.get(name), node_id
        while label is None and frame is not None:
            script = nodes[frame]["callFrame"]["url"].rsplit("/", 1)[-1]
            if script and not any(shared in script for shared in SHARED):
                # The chart component's own script is served under a generated id.
                label = "ui.live_chart's script" if re.fullmatch(r"[0-9a-f-]{36}", script) else script.split(".")[0]
            frame = parent.get(frame)
        by_component[label or "(React and Streamlit core)"] += ms
    return by_component


def profile_moves(browser, url: str, moves: int) -> tuple[Counter, float]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url)
    wait_for_charts(page, 1)
    keys = ("ArrowRight", "ArrowLeft")
    for i in range(4):
        measure_slider_move(page, key=keys[i % 2])
    cdp = context.new_cdp_session(page)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 100})  # microseconds
    cdp.send("Profiler.start")
    latencies = sorted(measure_slider_move(page, key=keys[i % 2]) for i in range(moves))
    profile = cdp.send("Profiler.stop")["profile"]
    context.close()
    return component_times(profile), latencies[len(latencies) // 2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--moves", type=int, default=12)
    parser.add_argument("--trivial", action="store_true", help="profile the latency baseline's page first")
    args = parser.parse_args()
    if not 2 <= args.moves <= 50:
        parser.error("--moves must be between 2 and 50")
    if not args.pages and not args.trivial:
        parser.error("name at least one page, or --trivial")

    from playwright.sync_api import sync_playwright
    with Server(ROOT / "bench" / "trivial_app.py") as trivial, Server() as app, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        targets = [("(trivial page)", trivial.url)] if args.trivial else []
        for name in args.pages:
            slug, _, query = name.partition("?")
            targets.append((name, page_url(app.url, slug, dict(parse_qsl(query)) or None)))
        for name, url in targets:
            by_component, latency = profile_moves(browser, url, args.moves)
            rows = [[label, f"{ms / args.moves:.1f}"] for label, ms in by_component.most_common(10)]
            print(f"\n{name}: median latency {latency:.0f} ms over {args.moves} cached moves; "
                  f"{sum(by_component.values()) / args.moves:.0f} ms of main-thread samples a move")
            print(table(["where (nearest component in the stack)", "ms / move"], rows))
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
