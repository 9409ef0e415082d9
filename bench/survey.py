"""Where a page's slider move goes in the browser: a timeline, the main thread's time, and per chart.

For each page (a slug, optionally with a query string: ``"svm?svm_kernel=rbf"``), open it, warm it up
with one move of its first slider, then time --moves more. Per move: the latency as ``bench/latency.py``
measures it; when, after the key press, the rerun request left through the websocket, the server's first
and last messages were handled, and the first chart's ``Plotly.react`` began (these are main-thread
times: on a busy page a message waits for the work before it); the main thread's task, script, layout
and style time over the move (Chrome's ``Performance.getMetrics``, diffed; it also counts the harness's
polling and the 500 ms quiet wait); and per chart, named by its title, the DOM changes under it and the
milliseconds ``Plotly.react`` ran synchronously. The timeline and main-thread columns are medians over
the moves, the per-chart ones means. Use it to see which chart a move redraws in full and to A/B a change
in one session (alternate the variants: blocks of 10 moves differ by ±20 ms on a 2-core machine); it is a
microscope, not the budget check.

    python bench/survey.py [--moves 8] [--trivial] [slug "slug?key=value" ...]
"""
from __future__ import annotations

import argparse
import contextlib
import math
import statistics

from _common import ROOT, table

from tests.e2e.harness import Server, launch_chromium, measure_slider_move, page_url, wait_for_charts

INSTALL = """() => {
  if (window.__survey) return;
  const charts = () => [...document.querySelectorAll(".js-plotly-plot")];
  const survey = window.__survey = {mutations: new Map(), react: new Map(), reactStarts: []};
  const bump = (map, key, by) => map.set(key, (map.get(key) || 0) + by);
  new MutationObserver((records) => {
    const all = charts();
    for (const record of records) {
      const node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
      const gd = node && node.closest(".js-plotly-plot");
      bump(survey.mutations, gd ? all.indexOf(gd) : -1, 1);
    }
  }).observe(document.querySelector("[data-testid='stMain']"),
             {subtree: true, childList: true, attributes: true, characterData: true});
  if (window.Plotly) {  // loaded by the first chart, on the pages and on the trivial page alike
    const react = window.Plotly.react;
    window.Plotly.react = function (gd, ...rest) {
      const start = performance.now();
      const result = react.call(this, gd, ...rest);
      survey.reactStarts.push(start);
      bump(survey.react, charts().indexOf(gd), performance.now() - start);
      return result;
    };
  }
  survey.names = () => charts().map((gd) => (gd.querySelector(".gtitle") || {}).textContent || "(untitled)");
}"""
# Before the app's scripts: note when the page sends to and handles each message from the server.
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
RESET = """() => { window.__survey.mutations.clear(); window.__survey.react.clear();
                   window.__survey.reactStarts.length = 0; window.__wsTimes.length = 0; window.__wsSent.length = 0; }"""
# Times after the key press (NaN when there was none): request sent, first and last message, first Plotly.react.
TIMELINE = """() => {
  const after = (times) => times.filter((t) => t >= window.__mlpStart).map((t) => t - window.__mlpStart);
  const messages = after(window.__wsTimes), sent = after(window.__wsSent), reacts = after(window.__survey.reactStarts);
  return [messages.length, sent.length ? sent[0] : NaN, messages.length ? messages[0] : NaN,
          messages.length ? messages[messages.length - 1] : NaN, reacts.length ? reacts[0] : NaN];
}"""
READ = """() => ({names: window.__survey.names(),
                  mutations: [...window.__survey.mutations.entries()],
                  react: [...window.__survey.react.entries()]})"""
METRICS = ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration")


def main_thread(cdp) -> dict[str, float]:
    values = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {name: 1000 * values[name] for name in METRICS}


def median_or_dash(values) -> str:
    finite = [v for v in values if not math.isnan(v)]
    return f"{statistics.median(finite):.0f}" if finite else "-"


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
    rows, per_chart, names = [], {}, {}
    for _ in range(moves):
        page.evaluate(RESET)
        before = main_thread(cdp)
        latency = measure_slider_move(page)
        after = main_thread(cdp)
        rows.append([latency, *page.evaluate(TIMELINE), *(after[m] - before[m] for m in METRICS)])
        seen = page.evaluate(READ)
        names.update(enumerate(seen["names"]))
        for index, changes in seen["mutations"]:
            per_chart.setdefault(index, {"mutations": [], "react": []})["mutations"].append(changes)
        for index, ms in seen["react"]:
            per_chart.setdefault(index, {"mutations": [], "react": []})["react"].append(ms)
    context.close()
    print(f"\n{url}  ({moves} moves)")
    print(table(["latency ms", "messages", "request sent at", "first message at", "last message at",
                 "first Plotly.react at", "task ms", "script ms", "layout ms", "style ms"],
                [[median_or_dash(column) for column in zip(*rows)]]))
    chart_rows = []
    for index in sorted(per_chart):
        counts = per_chart[index]
        label = "(outside the charts)" if index < 0 else f"{index}: {names.get(index, '(gone)')[:60]}"
        chart_rows.append([label, f"{sum(counts['mutations']) / moves:.0f}",
                           f"{sum(counts['react']) / moves:.1f}" if counts["react"] else "-"])
    print(table(["chart", "mean DOM changes / move", "mean Plotly.react ms / move"], chart_rows))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--moves", type=int, default=8)
    parser.add_argument("--trivial", action="store_true", help="survey the latency baseline's page first")
    args = parser.parse_args()
    if not 1 <= args.moves <= 100:
        parser.error("--moves must be between 1 and 100")
    if not args.pages and not args.trivial:
        parser.error("name a page or pass --trivial")
    from playwright.sync_api import sync_playwright
    with contextlib.ExitStack() as servers, sync_playwright() as playwright:
        trivial = servers.enter_context(Server(ROOT / "bench" / "trivial_app.py")) if args.trivial else None
        app = servers.enter_context(Server()) if args.pages else None
        browser = launch_chromium(playwright)
        if trivial:
            survey(browser, trivial.url, args.moves)
        for spec in args.pages:
            slug, _, query = spec.partition("?")
            survey(browser, page_url(app.url, slug) + (f"?{query}" if query else ""), args.moves)
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
