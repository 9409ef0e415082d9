"""Confidence intervals: 100 intervals around the true mean, their running coverage, and width against n."""
import numpy as np
import streamlit as st
from scipy import stats

from engine import confidence
from ui import controls
from ui.page import Claim, live_part, metric_row, topic_page
from ui.shapes import add_svg_image
from ui.snippet import reproduce
from ui.theme import BAD, MUTED, NEGATIVE, figure, mark_x, show

SIZES = [3, 5, 10, 20, 40, 80]
N_INTERVALS = 1000   # the claim and the running coverage use all of them
N_SHOWN = 100        # the forest draws the first hundred
N_WIDTH = 200        # intervals per sample size in the width chart
HALVING_TOLERANCE = 0.2  # how far from 2 the quadrupling claim's width ratio may be and still count as halving
METHOD_LABELS = {"t": "Student t", "z": "normal z", "bootstrap": "bootstrap"}
MU = 0.0


# t and z intervals take a few ms, so they run without a spinner: on a cache miss a spinner is an element that
# appears and goes again, two more re-renders of the page per level move. Bootstrap intervals take about a second.
def _experiment(sigma, n, level, distribution, method, seed):
    return confidence.coverage_experiment(MU, sigma, n, level, N_INTERVALS, distribution, method, random_state=seed)


def _widths(sigma, level, distribution, method, seed, sizes):
    """Mean interval width for each sample size in ``sizes``."""
    return np.array([np.diff(confidence.coverage_experiment(MU, sigma, size, level, N_WIDTH, distribution, method,
                                                            random_state=seed).intervals, axis=1).mean()
                     for size in sizes])


_EXPERIMENT = {False: st.cache_data(max_entries=128, show_spinner=False)(_experiment),
               True: st.cache_data(max_entries=128, show_spinner="Building 1,000 bootstrap intervals…")(_experiment)}
_WIDTHS = {False: st.cache_data(max_entries=128, show_spinner=False)(_widths),
           True: st.cache_data(max_entries=128, show_spinner="Measuring bootstrap widths for each n…")(_widths)}


def experiment(sigma, n, level, distribution, method, seed):
    return _EXPERIMENT[method == "bootstrap"](sigma, n, level, distribution, method, seed)


def widths(sigma, level, distribution, method, seed, sizes):
    return _WIDTHS[method == "bootstrap"](sigma, level, distribution, method, seed, sizes)


def nice_ceil(value):
    """The smallest of 1, 2, 2.5, 5 × a power of ten at or above ``value``."""
    power = 10.0 ** np.floor(np.log10(value))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= value)


def forest_figure(result, sigma, n, level):
    """The first 100 intervals, covering ones blue and misses orange (one SVG image), around the true mean."""
    shown = result.intervals[:N_SHOWN]
    hit = result.covered[:N_SHOWN]
    rows = np.arange(1, N_SHOWN + 1)
    misses = int((~hit).sum())
    fig = figure(f"{N_SHOWN} samples, one {level:.0%} interval each: {misses} miss μ", height=600,
                 margin=dict(t=75, b=55))
    # The axis depends on σ and n, not on the level, so a level move redraws only the intervals: one SVG image,
    # which Plotly swaps without redrawing the axes and the 100 sample means (as it would for path shapes).
    reach = nice_ceil(3.2 * sigma / np.sqrt(n) * stats.t.ppf(0.975, n - 1) / 1.96)
    x_range, y_range = [MU - reach, MU + reach], [N_SHOWN + 1.5, -0.5]
    add_svg_image(fig, x_range, y_range, lines=[
        (name, [(shown[i], np.array([rows[i], rows[i]])) for i in np.flatnonzero(mask)], color, 3)
        for mask, color, name in ((hit, NEGATIVE, "contains μ"), (~hit, BAD, "misses μ"))])
    fig.add_trace(dict(type="scatter", x=result.means[:N_SHOWN], y=rows, mode="markers", name="sample mean",
                       marker=dict(color="#111827", size=5), hovertemplate="sample %{y}: mean %{x:.3f}<extra></extra>"))
    fig.add_shape(type="line", x0=MU, x1=MU, y0=0, y1=1, yref="paper", line=dict(color="#111827", width=2))
    fig.add_annotation(x=MU, y=0, yref="paper", yanchor="bottom", text="true mean μ", showarrow=False,
                       bgcolor="rgba(255,255,255,0.85)")
    # The intervals' image lies under the grid: vertical grid lines would cut every bar. Their legend entries
    # are labels (a click could not hide an image), so clicks on the legend are off.
    fig.update_xaxes(range=x_range, title="value", showgrid=False)
    fig.update_yaxes(range=y_range, title="sample number", showgrid=False)
    fig.update_layout(legend=dict(itemclick=False, itemdoubleclick=False))
    return fig


COVERAGE_Y = (0.3, 1.02)
BAND_K = np.unique(np.round(np.geomspace(1, N_INTERVALS, 150)).astype(int))  # the smooth ±2 SE funnel, 150 points


def coverage_figure(result, level):
    """Running coverage over all the intervals, with the nominal level and its binomial ±2 SE funnel.

    Every line moves with the level, so they are one SVG image over fixed axes: a level move swaps the image,
    where three moved traces made Plotly recompute and redraw the chart (~14 ms of the move, bench/survey.py)."""
    k = np.arange(1, N_INTERVALS + 1)
    running = np.cumsum(result.covered) / k
    band = 2 * np.sqrt(level * (1 - level) / BAND_K)
    fig = figure("Running coverage (share containing μ)", height=340, margin=dict(t=80))
    x_range = [0, N_INTERVALS]
    add_svg_image(fig, x_range, COVERAGE_Y, lines=[
        ("nominal ± 2 SE", [(BAND_K, np.minimum(level + band, 1)), (BAND_K, np.maximum(level - band, 0))], MUTED, 1.5,
         "dot"),
        ("nominal level", [(x_range, [level, level])], "#111827", 2, "dash"),
        ("measured coverage", [(k, running)], NEGATIVE, 3)])
    fig.update_xaxes(range=x_range, title="number of intervals")
    fig.update_yaxes(range=list(COVERAGE_Y), title="coverage", tickformat=".0%")
    # The lines are an image: their legend entries are labels that a click could not hide.
    return fig.update_layout(legend=dict(itemclick=False, itemdoubleclick=False))


WIDTH_TICKS = (0.1, 0.2, 0.5, 1, 2, 5, 10, 20)  # width / σ lies within these for every level, n, shape and method


def width_figure(width_by_n, sigma, n, level, method):
    """Mean width against n, both on log scales, so that width ∝ 1/√n is a straight line of slope −½.

    The axes are the same at every level, and the curves and the dot at the current n are one SVG image, so a
    level move swaps the image instead of making Plotly recompute the chart (as moved path shapes do)."""
    logs = np.log10(SIZES)
    scaled = width_by_n / sigma
    here = SIZES.index(n)
    reference = scaled[-1] * np.sqrt(SIZES[-1] / np.asarray(SIZES, float))
    x_range, y_range = [logs[0] - 0.08, logs[-1] + 0.08], list(np.log10([WIDTH_TICKS[0], WIDTH_TICKS[-1]]))
    # The level goes in the title (layout), not in a legend entry: an entry is a trace, and a renamed trace makes
    # Plotly replot the whole chart on every level move.
    fig = figure(f"Mean width of {level:.0%} {METHOD_LABELS[method]} intervals against n", height=340, margin=dict(t=80))
    add_svg_image(fig, x_range, y_range,
                  lines=[(f"∝ 1/√n (through n = {SIZES[-1]})", [(logs, np.log10(reference))], MUTED, 2),
                         ("mean width", [(logs, np.log10(scaled))], NEGATIVE, 3)],
                  dots=[(logs[here:here + 1], np.log10(scaled[here:here + 1]), BAD, 13)])
    mark_x(fig, logs[here], f"n = {n}", color=BAD, label_side="left" if here == len(SIZES) - 1 else "right")
    fig.update_xaxes(range=x_range, tickvals=logs, ticktext=[str(s) for s in SIZES], title="sample size n (log scale)")
    fig.update_yaxes(range=y_range, tickvals=np.log10(WIDTH_TICKS), ticktext=[f"{t:g}" for t in WIDTH_TICKS],
                     title="width / σ (log scale)", zeroline=False)  # log10 0 is a width of σ, not zero
    return fig.update_layout(legend=dict(itemclick=False, itemdoubleclick=False))


SNIPPET = '''
import numpy as np
from scipy import stats

mu, sigma, n, level, seed = {mu}, {sigma}, {n}, {level}, {seed}
distribution, method = "{distribution}", "{method}"
sample_rng, resample_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
shape = ({count}, n)
if distribution == "normal":
    unit = sample_rng.standard_normal(shape)
elif distribution == "uniform":
    unit = sample_rng.uniform(-np.sqrt(3), np.sqrt(3), shape)  # mean 0, standard deviation 1
else:
    unit = sample_rng.exponential(1.0, shape) - 1.0            # mean 0, standard deviation 1
samples = mu + sigma * unit
if method == "bootstrap":
    ci = stats.bootstrap((samples,), np.mean, n_resamples=1000, confidence_level=level, method="percentile",
                         axis=-1, vectorized=True, random_state=resample_rng,
                         batch=max(1, 2_000_000 // samples.size)).confidence_interval
    low, high = ci.low, ci.high
else:
    q = stats.t.ppf(0.5 + level / 2, df=n - 1) if method == "t" else stats.norm.ppf(0.5 + level / 2)
    half = q * samples.std(axis=1, ddof=1) / np.sqrt(n)
    low, high = samples.mean(axis=1) - half, samples.mean(axis=1) + half
covered = (low <= mu) & (mu <= high)
print(f"misses among the first {shown}: {{int((~covered[:{shown}]).sum())}}")
print(f"coverage of {count}: {{covered.mean():.3f}}")
print(f"mean width: {{(high - low).mean():.4f}}")
'''


@live_part
def level_part(level_box, forest_box, coverage_box, width_box, metrics_box, settings):
    """The confidence level and what it moves: every interval's width, the coverage, the width curve."""
    sigma, n, distribution, method, seed = settings
    with level_box:
        level = controls.slider("Confidence level", "ci_level", 0.50, 0.99, 0.95, 0.01,
                                help="The share of intervals that should contain μ in the long run.")
    result = experiment(sigma, n, level, distribution, method, seed)
    quadruple = n * 4
    width_by_n = widths(sigma, level, distribution, method, seed, tuple(SIZES))
    with forest_box:
        show(forest_figure(result, sigma, n, level), "ci_forest")
    with coverage_box:
        show(coverage_figure(result, level), "ci_coverage")
    with width_box:
        show(width_figure(width_by_n, sigma, n, level, method), "ci_width")
    width_now = float(np.diff(result.intervals, axis=1).mean())
    misses = int((~result.covered[:N_SHOWN]).sum())
    with metrics_box:
        # The level is on its slider and the misses among the first 100 in the forest's title.
        metric_row({f"coverage of {N_INTERVALS:,}": f"{result.rate:.1%}", "mean width (data units)": f"{width_now:.3f}"})
        reproduce("confidence_intervals",
                  SNIPPET.format(mu=MU, sigma=sigma, n=n, level=level, seed=seed, distribution=distribution,
                                 method=method, count=N_INTERVALS, shown=N_SHOWN),
                  {f"misses among the first {N_SHOWN}": str(misses), f"coverage of {N_INTERVALS}": f"{result.rate:.3f}",
                   "mean width": f"{width_now:.4f}"}, needs="numpy scipy")

    se = np.sqrt(level * (1 - level) / N_INTERVALS)
    wide = float(widths(sigma, level, distribution, method, seed, (quadruple,))[0])
    narrow = width_by_n[SIZES.index(n)]
    ratio = narrow / wide
    return [
        Claim("A confidence interval at a given level contains the true mean in that share of repeated samples.",
              f"{int(result.covered.sum()):,} of {N_INTERVALS:,} intervals contain μ: {result.rate:.1%} against the "
              f"nominal {level:.0%} (sampling noise alone allows ±{2.58 * se:.1%})",
              abs(result.rate - level) <= 2.58 * se),
        Claim("Quadrupling the sample size halves the interval's width (width ∝ 1/√n).",
              f"mean width at n = {n}: {narrow / sigma:.3f} σ; at n = {quadruple}: {wide / sigma:.3f} σ; "
              f"ratio {ratio:.2f} (1/√n predicts 2.00; a ratio within {HALVING_TOLERANCE} of it counts as halving)",
              abs(ratio - 2) <= HALVING_TOLERANCE),
    ]


def play():
    controls_col, forest_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        level_box = st.container()  # the level comes first: it is what this page is about
        n = controls.log_slider("Sample size n", "ci_n", SIZES, 20)
        sigma = controls.slider("Population σ", "ci_sigma", 0.5, 5.0, 1.0, 0.5)
        distribution = controls.choice("Population shape", "ci_dist", list(confidence.DISTRIBUTIONS),
                                       help="Each is shifted and scaled to mean μ = 0 and standard deviation σ; "
                                            "the exponential is skewed to the right.")
        method = controls.choice("Interval method", "ci_method", list(confidence.METHODS), horizontal=True,
                                 help="t: mean ± t·s/√n. z: mean ± z·s/√n (ignores that s is estimated). "
                                      "Bootstrap: 2.5th–97.5th percentiles of resampled means (for 95 %).")
        seed = controls.slider("Seed", "ci_seed", 0, 20, 0)
    coverage_col, width_col = st.columns(2, gap="large")
    metrics_box = st.container()
    level_part(level_box, forest_col, coverage_col, width_col, metrics_box, (sigma, n, distribution, method, seed))


topic_page("confidence_intervals", play)
