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
    load_run = load("load")
    if load_run:
        parts.append(f"**Classroom load** ({load_run['when']}): {load_run['sessions']} concurrent browser sessions for "
                     f"{load_run['seconds']:.0f} s (joining over {load_run.get('ramp_s', 0):.0f} s): "
                     f"{load_run['failed_sessions']} failed sessions, {load_run['exceptions']} exceptions, "
                     f"{load_run['pages_opened']} pages opened, {load_run['slider_moves']} slider moves, latency p50 "
                     f"{load_run['latency_p50_ms']:.0f} ms / p95 {load_run['latency_p95_ms']:.0f} ms, server peak RSS "
                     f"{load_run['peak_rss_mb']:.0f} MB, server CPU mean {load_run['cpu_mean_percent']} % of one core. "
                     "On this 2-core machine the 30 headless browsers themselves use up the CPU, so the p95 "
                     "measures this machine's load rather than the app's.")
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
