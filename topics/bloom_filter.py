"""Bloom filter: the bit array filling as items are added, a lookup, and measured vs theoretical false positives."""
import numpy as np
import streamlit as st

from engine import bloom
from ui import controls
from ui.page import Claim, Identity, live_part, metric_row, topic_page
from ui.shapes import add_dots, add_grid_image, add_lines, legend_entry, mark_point
from ui.snippet import reproduce
from ui.theme import BAD, GOOD, MUTED, PALETTE, figure, mark_x, show

SIZES = [64, 256, 1000, 4000]
KS = list(range(1, 16))
QUERIES = 5000
COLORS = ("#E5E7EB", "#0072B2", "#E69F00", "#D55E00")  # unset, set, looked-up bit unset, looked-up bit set


def added_items(n):
    """The items put into the filter: "item 0" … "item n−1"."""
    return [f"item {i}" for i in range(n)]


@st.cache_data(max_entries=64, show_spinner=False)
def filled(m, k, n):
    table = bloom.BloomFilter(m, k)
    for item in added_items(n):
        table.add(item)
    found = sum(item in table for item in added_items(n))
    return table.bits.copy(), found


@st.cache_data(max_entries=64, show_spinner=False)  # ~25 ms a new n, ~150 ms a new m: no spinner to flash
def measured_curve(m, n):
    # The engine hashes the 5,000 query items once per m; a new n only hashes its n added items.
    return bloom.measure_fpr_curve(m, KS, n, n_queries=QUERIES, random_state=0)


def grid_shape(m):
    cols = {64: 16, 256: 32, 1000: 50, 4000: 80}.get(m, int(np.ceil(np.sqrt(m))))
    return int(np.ceil(m / cols)), cols


def bits_figure(bits, lookup, m):
    """The bit array as a grid of cells; the looked-up item's k cells in orange (set) or red (unset)."""
    rows, cols = grid_shape(m)
    codes = np.zeros(rows * cols, np.int8)
    codes[:m] = bits.astype(np.int8)
    codes[lookup] = np.where(bits[lookup], 3, 2)
    codes[m:] = 0
    fig = figure(f"The {m:,} bits: {bits.sum():,} set ({bits.mean():.0%}) in blue", height=330, showlegend=False,
                 margin=dict(l=10, r=10, t=50, b=10))
    add_grid_image(fig, codes.reshape(rows, cols), COLORS)
    fig.update_xaxes(showticklabels=False, ticks="", showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, ticks="", showgrid=False, zeroline=False)
    return fig


def fpr_figure(m, n, k, measured, best):
    theory = [bloom.false_positive_rate(m, j, n) for j in KS]
    # Curve, measured points and optimum are layout shapes under fixed legend names, so moving n or k
    # replots no trace (the optimum's value is in the title).
    fig = figure(f"False-positive rate against k (optimum k = {best})", height=380, margin=dict(t=50),
                 legend=dict(orientation="v", x=1.02, xanchor="left", y=0.98, yanchor="top"))
    add_lines(fig, KS, theory, "(1 − e^(−kn/m))^k", dict(color=PALETTE[0], width=3))
    legend_entry(fig, f"measured ({QUERIES:,} queries)", mode="markers", marker=dict(color=PALETTE[1], size=10))
    add_dots(fig, KS, measured, PALETTE[1], size=10)
    mark_point(fig, best, bloom.false_positive_rate(m, best, n), "optimum k", color=GOOD, size=9, width=4)
    mark_x(fig, k, f"k = {k}")
    fig.update_xaxes(title="k (hash functions)", dtick=1, range=[0.5, KS[-1] + 0.5])
    fig.update_yaxes(title="false-positive rate", rangemode="tozero")
    return fig


def snippet(m, k, n):
    return f"""
        import hashlib
        import numpy as np

        m, k, n, n_queries = {m}, {k}, {n}, {QUERIES}

        def positions(item):                       # k positions by double hashing a stable hash
            d = hashlib.sha256(str(item).encode()).digest()
            h1, h2 = int.from_bytes(d[:8], "little"), int.from_bytes(d[8:16], "little") | 1
            return [(h1 + i * h2) % m for i in range(k)]

        rng = np.random.default_rng(0)
        queries = [f"query-{{value:016x}}" for value in rng.choice(2**62, size=n_queries, replace=False)]
        bits = np.zeros(m, dtype=bool)
        for value in rng.choice(2**62, size=n, replace=False):
            bits[positions(f"added-{{value:016x}}")] = True
        false_positives = sum(bits[positions(q)].all() for q in queries)
        print(f"false positives: {{false_positives}}")
        print(f"measured rate: {{false_positives / n_queries:.4f}}")
        print(f"formula: {{(1 - np.exp(-k * n / m)) ** k:.4f}}")
    """


@live_part
def items_part(n_box, bits_box, curve_box, lookup_box, metrics_box, settings):
    m, k, word = settings
    with n_box:
        n = controls.slider("Items added (n)", "bloom_n", 0, 400, 100, 10)
    bits, found = filled(m, k, n)
    lookup = bloom.positions(word, m, k)
    maybe = bool(bits[lookup].all())
    with bits_box:
        show(bits_figure(bits, lookup, m), "bloom_bits")
    measured = measured_curve(m, n)
    best = bloom.optimal_k(m, max(n, 1))
    with curve_box:
        show(fpr_figure(m, n, k, measured, best), "bloom_fpr")
    was_added = word in set(added_items(n))
    with lookup_box:
        verdict = ("all its bits are set: **possibly in the set**" if maybe else
                   "at least one of its bits is 0: **definitely not in the set**")
        truth = "it was added" if was_added else "it was never added" + (" — a false positive" if maybe else "")
        st.markdown(f"Lookup: {verdict} ({truth}). Orange cells are its set bits, red its unset ones.")
    rate = float(measured[k - 1])
    false_positives = int(round(rate * QUERIES))
    theory = bloom.false_positive_rate(m, k, n)
    with metrics_box:
        metric_row({"measured rate": f"{rate:.4f}", "formula": f"{theory:.4f}", "optimal k": str(best)},
                   help={"optimal k": "The whole k that minimises the formula, near (m/n)·ln 2."})
        reproduce("bloom_filter", snippet(m, k, n), {"false positives": str(false_positives),
                                                     "measured rate": f"{rate:.4f}", "formula": f"{theory:.4f}"},
                  needs="numpy")
    claims = [
        Identity("No false negatives: every item that was added is reported present.",
                 f"{found} of {n} added items found", f"{n}",
                 "adding an item sets all of its k bits, and bits are never cleared"),
        Claim("If all k bits of an item are set, the item is in the set (the notes' reading).",
              f"{false_positives} of {QUERIES:,} items that were never added had all {k} bits set", false_positives == 0),
    ]
    if k < KS[-1]:
        claims.append(Claim("More hash functions lower the false-positive rate.",
                            f"measured at k = {k}: {rate:.4f}; at k = {k + 1}: {measured[k]:.4f}",
                            bool(measured[k] < rate)))
    return claims


def play():
    controls_col, bits_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        n_box = st.container()
        m = controls.choice("Bits (m)", "bloom_m", SIZES, index=2, horizontal=True)
        k = controls.slider("Hash functions (k)", "bloom_k", 1, KS[-1], 3)
        word = controls.text("Look up an item", "bloom_q", "item 7", max_chars=60,
                             help="Added items are named item 0, item 1, …; try another word.")
    curve_col, side_col = st.columns([1.7, 1], gap="large")
    with side_col:
        lookup_box, metrics_box = st.container(), st.container()
    items_part(n_box, bits_col, curve_col, lookup_box, metrics_box, (m, k, word))


topic_page("bloom_filter", play)
