"""Outliers: move planted points and watch the box plot's fences, the mean, median and trimmed mean, and the z-score
rule's masking."""
import numpy as np
import streamlit as st

from engine import outliers
from ui import controls
from ui.page import Claim, Identity, live_part, metric_row, topic_page
from ui.shapes import add_dots, legend_entry
from ui.snippet import reproduce
from ui.theme import BAD, MUTED, NEGATIVE, PALETTE, figure, mark_x, show

N_BASE = 30
SPAN = (-6.0, 12.0)
SWEEP = np.linspace(*SPAN, 145)
FLAG_COLORS = {"neither rule": NEGATIVE, "IQR rule only": PALETTE[1], "z rule only": PALETTE[4], "both rules": BAD}
ESTIMATES = {"mean": ("#111827", "solid"), "median": (PALETTE[2], "solid"), "10 % trimmed mean": (PALETTE[4], "dash")}


@st.cache_data(max_entries=32, show_spinner=False)
def base(seed):
    """The page's one data source (an uploaded numeric column could replace it)."""
    return outliers.base_sample(N_BASE, random_state=seed)


@st.cache_data(max_entries=64, show_spinner=False)
def sweep(seed, count, fence_k):
    """Estimates, the planted points' largest |z| and whether the IQR rule flags them, at every position."""
    x0 = base(seed)
    rows = {name: [] for name in ("mean", "median", "trimmed", "z", "iqr")}
    for position in SWEEP:
        x = outliers.with_outliers(x0, position, count)
        summary = outliers.robust_summary(x)
        rows["mean"].append(summary.mean)
        rows["median"].append(summary.median)
        rows["trimmed"].append(summary.trimmed_mean)
        rows["z"].append(np.abs(outliers.zscores(x)[-count:]).min())
        rows["iqr"].append(outliers.iqr_fences(x, fence_k).outliers[-count:].all())
    return {key: np.array(value) for key, value in rows.items()}


def flag_names(iqr, z):
    return np.where(iqr & z, "both rules", np.where(iqr, "IQR rule only", np.where(z, "z rule only", "neither rule")))


def sample_figure(x, fences, z_flags, summary, count, seed):
    """Points (coloured by which rule flags them) above a box plot with its fences; all layout shapes."""
    fig = figure("The sample, its box plot and fences", height=380, margin=dict(t=75, b=60))
    jitter = np.random.default_rng(seed + 100).uniform(-0.3, 0.3, x.size)
    names = flag_names(fences.outliers, z_flags)
    for name, color in FLAG_COLORS.items():
        legend_entry(fig, name, mode="markers", marker=dict(color=color, size=10))
    add_dots(fig, x, 1.0 + jitter, [FLAG_COLORS[n] for n in names], size=10)
    planted = x[-count:]
    fig.add_shape(type="rect", x0=planted.min() - 0.25, x1=planted.max() + 0.25, y0=0.55, y1=1.45,
                  line=dict(color="#111827", width=1.5, dash="dot"))
    fig.add_annotation(x=planted.mean(), y=1.45, yanchor="bottom", text="planted", showarrow=False)
    inside = x[~fences.outliers]
    box = dict(line=dict(color="#111827", width=2))
    fig.add_shape(type="rect", x0=fences.q1, x1=fences.q3, y0=-0.25, y1=0.25, fillcolor="rgba(0,114,178,0.15)", **box)
    fig.add_shape(type="line", x0=summary.median, x1=summary.median, y0=-0.25, y1=0.25, line=dict(color=PALETTE[2], width=4))
    for end, edge in ((inside.min(), fences.q1), (inside.max(), fences.q3)):
        fig.add_shape(type="line", x0=end, x1=edge, y0=0, y1=0, **box)
        fig.add_shape(type="line", x0=end, x1=end, y0=-0.12, y1=0.12, **box)
    for value, label in ((fences.low, "lower fence"), (fences.high, "upper fence")):
        fig.add_shape(type="line", x0=value, x1=value, y0=-0.5, y1=1.5, line=dict(color=MUTED, width=2, dash="dash"))
        fig.add_annotation(x=value, y=-0.5, yanchor="top", text=label, showarrow=False, font=dict(color="#6B7280"))
    fig.add_shape(type="line", x0=summary.mean, x1=summary.mean, y0=-0.35, y1=0.35, line=dict(color="#111827", width=3, dash="dot"))
    fig.add_annotation(x=summary.mean, y=0.35, yanchor="bottom", text="mean", showarrow=False)
    fig.update_xaxes(range=[SPAN[0] - 0.5, SPAN[1] + 0.5], title="value (in standard deviations of the clean sample)")
    fig.update_yaxes(range=[-0.8, 1.7], showticklabels=False, showgrid=False, zeroline=False, ticks="")
    return fig


def sweep_figure(curves, position, z_threshold, count):
    """Top: mean, median and trimmed mean against the planted position. Bottom: the planted points' |z|."""
    fig = figure(f"As the {count} planted point{'s' if count > 1 else ''} move", height=500, margin=dict(t=120, b=60),
                 yaxis=dict(domain=[0.5, 1], title="estimate"), yaxis2=dict(domain=[0, 0.4], title="smallest |z|"),
                 xaxis=dict(anchor="y2", range=list(SPAN), title="position of the planted points"))
    for (name, (color, dash)), key in zip(ESTIMATES.items(), ("mean", "median", "trimmed")):
        fig.add_trace(dict(type="scatter", x=SWEEP, y=curves[key], name=name, line=dict(color=color, width=3, dash=dash)))
    fig.add_trace(dict(type="scatter", x=SWEEP, y=curves["z"], name="|z| of the planted points", yaxis="y2",
                       line=dict(color=PALETTE[4], width=3)))
    fig.add_trace(dict(type="scatter", x=list(SPAN), y=[z_threshold] * 2, yaxis="y2", mode="lines",
                       name=f"z threshold {z_threshold:g}", line=dict(color=BAD, width=2, dash="dot")))
    flagged = np.where(curves["iqr"], curves["z"], np.nan)
    fig.add_trace(dict(type="scatter", x=SWEEP, y=flagged, yaxis="y2", mode="markers", name="IQR rule flags them",
                       marker=dict(color=PALETTE[1], size=5)))
    fig.update_layout(yaxis=dict(range=[-1.7, 3.2]), yaxis2=dict(range=[0, max(6.0, float(np.ceil(curves["z"].max())))]))
    mark_x(fig, position, f"now {position:g}")
    return fig


SNIPPET = '''
import numpy as np
from scipy import stats

rng = np.random.default_rng({seed})
clean = rng.normal(size={n})
clean = (clean - clean.mean()) / clean.std(ddof=1)               # the clean sample, in its own SDs
planted = {position} + 0.15 * (np.arange({count}) - ({count} - 1) / 2)
x = np.r_[clean, planted]
q1, q3 = np.percentile(x, [25, 75])
low, high = q1 - {k} * (q3 - q1), q3 + {k} * (q3 - q1)
z = stats.zscore(x, ddof=1)
print(f"IQR flags: {{int(np.sum((x < low) | (x > high)))}}")
print(f"z flags: {{int(np.sum(np.abs(z) > {z_threshold}))}}")
print(f"mean: {{x.mean():.3f}}")
print(f"median: {{np.median(x):.3f}}")
print(f"trimmed mean: {{stats.trim_mean(x, 0.1):.3f}}")
'''


@live_part
def position_part(position_box, sample_box, sweep_box, metrics_box, settings):
    """The planted points' position and what it moves: colours, box and fences, the estimates, the marker."""
    count, z_threshold, fence_k, seed = settings
    with position_box:
        position = controls.slider("Position of the planted point(s)", "ol_pos", SPAN[0], SPAN[1], 5.0, 0.25,
                                   help="The clean sample has mean 0 and standard deviation 1.")
    clean = base(seed)
    x = outliers.with_outliers(clean, position, count)
    fences = outliers.iqr_fences(x, fence_k)
    z_flags = outliers.zscore_outliers(x, z_threshold)
    summary = outliers.robust_summary(x)
    with sample_box:
        show(sample_figure(x, fences, z_flags, summary, count, seed), "ol_sample")
    with sweep_box:
        show(sweep_figure(sweep(seed, count, fence_k), position, z_threshold, count), "ol_sweep")
    with metrics_box:
        metric_row({"mean": f"{summary.mean:.3f}", "median": f"{summary.median:.3f}",
                    "trimmed mean": f"{summary.trimmed_mean:.3f}"})
        metric_row({"std (ddof 1)": f"{summary.std:.3f}", "MAD": f"{summary.mad:.3f}"},
                   help={"MAD": "Median absolute deviation from the median (unscaled)."})
        metric_row({"IQR rule flags": f"{int(fences.outliers.sum())}", "z rule flags": f"{int(z_flags.sum())}"})
        reproduce("outliers", SNIPPET.format(seed=seed, n=N_BASE, position=position, count=count, k=fence_k,
                                             z_threshold=z_threshold),
                  {"IQR flags": str(int(fences.outliers.sum())), "z flags": str(int(z_flags.sum())),
                   "mean": f"{summary.mean:.3f}", "median": f"{summary.median:.3f}",
                   "trimmed mean": f"{summary.trimmed_mean:.3f}"}, needs="numpy scipy")
    clean_median = float(np.median(clean))
    inside = int(np.sum((x >= fences.q1) & (x <= fences.q3)))
    planted_iqr, planted_z = int(fences.outliers[-count:].sum()), int(z_flags[-count:].sum())
    return [
        Identity("The box runs from Q1 to Q3, so it holds the middle half of the data (not \"the good data\").",
                 f"share of the points inside the box [{fences.q1:.2f}, {fences.q3:.2f}]: {inside} of {x.size} "
                 f"({inside / x.size:.0%})",
                 f"half of {x.size}, to within a point or two (the quartiles fall between data points)",
                 "Q1 and Q3 are the 25th and 75th percentiles, so a quarter of the data lies below the box and a "
                 "quarter above it, whatever the data"),
        Claim("The median is not moved by outliers (only the mean is).",
              f"the median moved from {clean_median:.3f} to {summary.median:.3f} "
              f"({summary.median - clean_median:+.3f}); the mean from 0.000 to {summary.mean:.3f} "
              f"(moves within ±0.1 SD count as unmoved)",
              abs(summary.median - clean_median) <= 0.1),
        Claim("The z-score rule finds the same planted outliers as the IQR rule.",
              f"of the {count} planted point(s), the IQR rule flags {planted_iqr} and |z| > {z_threshold:g} flags "
              f"{planted_z}" + (" — their own pull on the mean and σ hides them (masking)"
                                if planted_z < planted_iqr else ""),
              planted_iqr == planted_z),
    ]


def play():
    controls_col, sample_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        position_box = st.container()  # the planted points' position comes first: it is what this page is about
        count = controls.slider("Number of planted points", "ol_count", 1, 8, 1)
        z_threshold = controls.log_slider("z-score rule: flag |z| above", "ol_z", [2.0, 2.5, 3.0, 3.5], 3.0)
        fence_k = controls.log_slider("IQR rule: fences at k × IQR", "ol_k", [1.0, 1.5, 2.0, 3.0], 1.5)
        seed = controls.slider("Seed of the clean sample", "ol_seed", 0, 20, 0)
    sweep_col, metrics_col = st.columns([1.6, 1], gap="large")
    position_part(position_box, sample_col, sweep_col, metrics_col, (count, z_threshold, fence_k, seed))


topic_page("outliers", play)
