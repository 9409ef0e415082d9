"""The top navigation bar: five menus of topics, drawn by one small custom component.

Streamlit's own top bar (``st.navigation(position="top")``) is part of the app's frame, which React
re-renders on four of the six commits of every slider move: about 125 fibers each time, 4–13 ms of
main-thread time a move on the slow pages (README, Performance point 15). This bar is one element of
the page instead; its menus are static HTML, so a slider move leaves it alone.

Its links are real links (a middle click or "open in new tab" works). A plain click stays in the running
app: the bar pushes the topic's URL and fires ``popstate``, which Streamlit answers the way it answers the
browser's back button, by switching to the page whose URL path the address now ends with. The app's
navigation itself is ``position="hidden"``, which keeps every page reachable by URL.
"""
from __future__ import annotations

import json
from itertools import groupby

import streamlit as st

from ui.catalog import by_menu

COMPONENT = "playground_nav"

_HTML = '<nav class="playground-nav" aria-label="Topics" data-testid="playgroundNav"></nav>'

# Global styles (isolate_styles=False), all under the bar's class but one: without Streamlit's own bar, its
# empty header would leave ~100 px above the page; the bar sits right under the header's ⋮ menu instead.
_CSS = """
[data-testid="stMainBlockContainer"] { padding-top: 3.5rem; }
.playground-nav { display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 0.5rem;
  padding-bottom: 0.5rem; border-bottom: 1px solid rgba(49, 51, 63, 0.15); font-size: 0.95rem; }
.playground-nav a, .playground-nav summary { color: inherit; text-decoration: none; padding: 0.3rem 0.6rem;
  border-radius: 0.4rem; cursor: pointer; white-space: nowrap; }
.playground-nav a:hover, .playground-nav summary:hover, .playground-nav details[open] > summary {
  background: rgba(151, 166, 195, 0.18); }
.playground-nav a:focus-visible, .playground-nav summary:focus-visible { outline: 2px solid #0072B2; }
.playground-nav [aria-current="page"], .playground-nav summary.current { font-weight: 600; color: #0072B2; }
.playground-nav details { position: relative; }
.playground-nav summary { list-style: none; }
.playground-nav summary::-webkit-details-marker { display: none; }
.playground-nav summary::after { content: " ▾"; font-size: 0.8em; }
.playground-nav .menu-panel { position: absolute; z-index: 1000; top: 2.1rem; left: 0; min-width: 17rem;
  padding: 0.4rem; background: white; border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem;
  box-shadow: 0 6px 20px rgba(0, 0, 0, 0.12); }
.playground-nav .menu-panel a { display: block; }
@media (max-width: 640px) {  /* a phone: each menu opens across the screen, not off its right edge */
  .playground-nav details { position: static; }
  .playground-nav .menu-panel { left: 0.5rem; right: 0.5rem; top: auto; min-width: 0; }
}
.playground-nav .menu-section { margin: 0.4rem 0.6rem 0.1rem; font-size: 0.75rem; text-transform: uppercase;
  letter-spacing: 0.04em; color: rgba(49, 51, 63, 0.6); }
"""

# Builds the bar from the data once per page; a click on a topic switches pages inside the running app.
_JS = """
function baseOf(current) {
  let path = window.location.pathname.replace(/\\/+$/, "");
  if (current && path.endsWith("/" + current)) path = path.slice(0, path.length - current.length - 1);
  return path + "/";
}

function link(base, slug, title, current) {
  const a = document.createElement("a");
  a.href = base + slug;
  a.textContent = title;
  if (slug === current) a.setAttribute("aria-current", "page");
  return a;
}

function closeMenus(nav, keep = null) {
  nav.querySelectorAll("details[open]").forEach((d) => d !== keep && d.removeAttribute("open"));
}

function openInApp(event, nav) {
  const a = event.target.closest("a");
  if (!a || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  closeMenus(nav);
  if (a.getAttribute("aria-current") === "page") return;
  window.history.pushState({}, "", a.href);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

export default function ({ parentElement, data }) {
  const nav = parentElement.querySelector(".playground-nav");
  if (nav.playgroundData === data) return;
  nav.playgroundData = data;
  const { current, pages, menus } = JSON.parse(data);
  const base = baseOf(current);
  nav.replaceChildren(...pages.map(([slug, title]) => link(base, slug, title, current)));
  for (const [menu, sections] of menus) {
    const details = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = menu;
    const panel = document.createElement("div");
    panel.className = "menu-panel";
    for (const [section, topics] of sections) {
      const heading = document.createElement("div");
      heading.className = "menu-section";
      heading.textContent = section;
      panel.append(heading, ...topics.map(([slug, title]) => link(base, slug, title, current)));
      if (topics.some(([slug]) => slug === current)) summary.classList.add("current");
    }
    details.append(summary, panel);
    details.addEventListener("toggle", () => details.open && closeMenus(nav, details));  // one menu open at a time
    nav.append(details);
  }
  if (!nav.playgroundListening) {
    nav.playgroundListening = true;
    nav.addEventListener("click", (event) => openInApp(event, nav));
    const closeOutside = (event) => {
      if (!nav.isConnected) return document.removeEventListener("click", closeOutside);
      if (!nav.contains(event.target)) closeMenus(nav);
    };
    document.addEventListener("click", closeOutside);
    nav.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      const open = nav.querySelector("details[open]");
      if (open) { open.removeAttribute("open"); open.querySelector("summary").focus(); }
    });
    nav.addEventListener("focusout", (event) => {  // tabbing past a menu's last link closes it
      const menu = event.target.closest("details");
      if (menu && !menu.contains(event.relatedTarget)) menu.removeAttribute("open");
    });
  }
}
"""

_component = st.components.v2.component(COMPONENT, html=_HTML, css=_CSS, js=_JS, isolate_styles=False)


def nav_payload(current: str, pages: list[tuple[str, str]]) -> str:
    """The bar's content as JSON: the loose pages (home, drill), then each menu's sections and topics."""
    menus = [[menu, [[section, [[t.slug, t.title] for t in group]]
                     for section, group in groupby(topics, key=lambda t: t.section)]]
             for menu, topics in by_menu().items()]
    return json.dumps({"current": current, "pages": pages, "menus": menus})


def nav_bar(current: str, pages: list[tuple[str, str]]) -> None:
    """Draw the bar, marking ``current`` (a page's URL path; "" for home) as the page on screen."""
    _component(key="playground_nav", data=nav_payload(current, pages))
