"""Write the latest bench/results/*.json into README.md's Performance section (between the PERF markers)."""
from __future__ import annotations

import json
import re

from _common import RESULTS, ROOT


def load(name):
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def main() -> None:
    parts = []
    latency = load("latency")
    if latency:
        rows = [["(trivial one-slider page)", latency["trivial"]["median_ms"], latency["trivial"]["max_ms"], "1.00"]]
        rows += [[slug, p["median_ms"], p["max_ms"], f"{p['ratio']:.2f}"] for slug, p in latency["pages"].items()]
        parts.append(f"**Slider → redraw latency** ({latency['when']}, {latency['moves']} keyboard moves per page; "
                     f"budget ≤ {latency['max_ratio']}× the trivial page):\n\n" + _markdown(
                         ["page", "median ms", "max ms", "ratio"], rows))
    memory = load("memory")
    if memory:
        parts.append(f"**Memory and cold start** ({memory['when']}): server RSS {memory['rss_start_mb']:.0f} MB at start, "
                     f"**{memory['rss_all_pages_mb']:.0f} MB after visiting every page** (budget 690 MB), "
                     f"{memory['rss_sessions_mb']:.0f} MB with {memory['sessions']} more idle sessions: "
                     f"**{memory['growth_per_session_mb']:.1f} MB per session** (budget 5 MB). Cold start to the home "
                     f"page drawn: {memory['cold_start_s']:.1f} s (a spinner shows while the maths libraries load). "
                     f"Slowest first visit of a page: {max(memory['first_visit_s'].values()):.1f} s.")
    protocol = load("load-protocol")
    if protocol:
        parts.append(f"**Classroom load, server side** ({protocol['when']}): {protocol['sessions']} concurrent sessions "
                     f"speaking Streamlit's websocket protocol (bench/protocol_client.py) for {protocol['seconds']:.0f} s, "
                     f"joining over {protocol['ramp_s']:.0f} s, {protocol['think_s']:g} s mean pause between moves: "
                     f"**{protocol['failed_sessions']} failed sessions, {protocol['exceptions']} exceptions**, "
                     f"{protocol['pages_opened']} pages opened, {protocol['slider_moves']} slider moves; latency p50 "
                     f"{protocol['latency_p50_ms']:.0f} ms / **p95 {protocol['latency_p95_ms']:.0f} ms = "
                     f"{protocol['p95_over_single_median']:.1f}× the single-session median** of "
                     f"{protocol['single_user_median_ms']:.0f} ms (target ≤ 3×); server peak RSS {protocol['peak_rss_mb']:.0f} MB, "
                     f"CPU mean {protocol['cpu_mean_percent']} % of one core.")
    browser = load("load-browser")
    if browser:
        parts.append(f"**Classroom load, real browsers** ({browser['when']}): {browser['sessions']} headless Chromium "
                     f"sessions for {browser['seconds']:.0f} s: {browser['failed_sessions']} failed sessions, "
                     f"{browser['exceptions']} exceptions, {browser['slider_moves']} slider moves, latency p50 "
                     f"{browser['latency_p50_ms']:.0f} ms / p95 {browser['latency_p95_ms']:.0f} ms. On this 2-core "
                     "machine the 30 browsers use up the CPU themselves, so this run checks that real pages survive "
                     "the crowd; the protocol run above measures the server.")
    text = "\n\n".join(parts) or "Benchmarks not yet run."
    readme = ROOT / "README.md"
    content = readme.read_text()
    content = re.sub(r"<!-- PERF:START -->.*<!-- PERF:END -->", f"<!-- PERF:START -->\n{text}\n<!-- PERF:END -->",
                     content, flags=re.S)
    readme.write_text(content)
    print(text)


def _markdown(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
