"""Where a page's slider move goes in the browser: per chart, and for the main thread as a whole.

For each page (a slug, optionally with a query string: ``"svm?svm_kernel=rbf"``), open it, warm it up
with one move of its first slider, then time --moves more. Each move reports the latency as
``bench/latency.py`` measures it, when the server's first and last websocket messages arrived, the main thread's task, script, layout and style time over the move
(Chrome's ``Performance.getMetrics``, diffed), and per chart the DOM changes under it and the
milliseconds ``Plotly.react`` ran synchronously (its title identifies it). Use it to see which chart a
move redraws in full, and to A/B a change in one session; it is a microscope, not the budget check.

    python bench/survey.py [--moves 8] [--trivial] slug ["slug?key=value" ...]
"""
from __future__ import annotations

import argparse
import statistics

from _common import ROOT, table

from tests.e2e.harness import Server, launch_chromium, measure_slider_move, page_url, wait_for_charts

INSTALL = """() => {
  if (window.__survey) return;
  const charts = () => [...document.querySelectorAll(".js-plotly-plot")];
  const name = (gd) => (gd.querySelector(".gtitle") || {}).textContent || "(untitled)";
  const survey = window.__survey = {mutations: new Map(), react: new Map()};
  const bump = (map, key, by) => map.set(key, (map.get(key) || 0) + by);
  new MutationObserver((records) => {
    for (const record of records) {
      const gd = record.target.closest && record.target.closest(".js-plotly-plot")
        || record.target.parentElement && record.target.parentElement.closest(".js-plotly-plot");
      bump(survey.mutations, gd ? charts().indexOf(gd) : -1, 1);
    }
  }).observe(document.querySelector("[data-testid='stMain']"),
             {subtree: true, childList: true, attributes: true, characterData: true});
  if (window.Plotly) {  // not on the trivial page, whose st.plotly_chart bundles its own Plotly.js
    const react = window.Plotly.react;
    window.Plotly.react = function (gd, ...rest) {
      const start = performance.now();
      const result = react.call(this, gd, ...rest);
      bump(survey.react, charts().indexOf(gd), performance.now() - start);
      return result;
    };
  }
  survey.names = () => charts().map(name);
}"""
# Before the app's scripts: note when each websocket message from the server arrives.
WEBSOCKET_TIMES = """
window.__wsTimes = [];
window.__wsSent = [];
const OriginalWebSocket = window.WebSocket;
window.WebSocket = function (...args) {
  const socket = new OriginalWebSocket(...args);
  socket.addEventListener("message", () => window.__wsTimes.push(performance.now()));
  const send = socket.send.bind(socket);
  socket.send = (data) => { window.__wsSent.push(performance.now()); return send(data); };
  return socket;
};
window.WebSocket.prototype = OriginalWebSocket.prototype;
Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
"""
RESET = "() => { window.__survey.mutations.clear(); window.__survey.react.clear(); window.__wsTimes.length = 0; }"
MESSAGES = "() => [window.__wsTimes.length, window.__wsTimes[0] - window.__mlpStart, " \
           "window.__wsTimes[window.__wsTimes.length - 1] - window.__mlpStart]"
READ = """() => ({names: window.__survey.names(),
                  mutations: [...window.__survey.mutations.entries()],
                  react: [...window.__survey.react.entries()]})"""
METRICS = ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration")


def main_thread(cdp) -> dict[str, float]:
    values = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {name: 1000 * values[name] for name in METRICS}


def survey(browser, url: str, moves: int) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.add_init_script(WEBSOCKET_TIMES)
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.goto(url)
    wait_for_charts(page, 1)
    page.evaluate(INSTALL)
    measure_slider_move(page)
    rows, per_chart = [], {}
    for _ in range(moves):
        page.evaluate(RESET)
        before = main_thread(cdp)
        latency = measure_slider_move(page)
        after = main_thread(cdp)
        count, first, last = page.evaluate(MESSAGES)
        rows.append([latency, count, first, last] + [after[m] - before[m] for m in METRICS])
        seen = page.evaluate(READ)
        for index, count in seen["mutations"]:
            per_chart.setdefault(index, {"mutations": [], "react": []})["mutations"].append(count)
        for index, ms in seen["react"]:
            per_chart.setdefault(index, {"mutations": [], "react": []})["react"].append(ms)
    names = seen["names"]
    context.close()
    print(f"\n{url}  ({moves} moves; medians, task time includes the 500 ms quiet wait's idle tasks)")
    print(table(["latency ms", "messages", "first at ms", "last at ms", "task ms", "script ms", "layout ms",
                 "style ms"],
                [[f"{statistics.median(column):.0f}" for column in zip(*rows)]]))
    chart_rows = []
    for index in sorted(per_chart):
        counts = per_chart[index]
        label = "(outside the charts)" if index < 0 else f"{index}: {names[index][:60]}"
        chart_rows.append([label, f"{sum(counts['mutations']) / moves:.0f}",
                           f"{sum(counts['react']) / moves:.1f}" if counts["react"] else "-"])
    print(table(["chart", "DOM changes / move", "Plotly.react ms / move"], chart_rows))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="+")
    parser.add_argument("--moves", type=int, default=8)
    parser.add_argument("--trivial", action="store_true", help="survey the latency baseline's page first")
    args = parser.parse_args()
    if not 1 <= args.moves <= 100:
        parser.error("--moves must be between 1 and 100")
    from playwright.sync_api import sync_playwright
    with Server(ROOT / "bench" / "trivial_app.py") as trivial, Server() as app, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        if args.trivial:
            survey(browser, trivial.url, args.moves)
        for spec in args.pages:
            slug, _, query = spec.partition("?")
            url = page_url(app.url, slug) + (f"?{query}" if query else "")
            survey(browser, url, args.moves)
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
