"""The two-sample t-test: samples, t, df and p (Student and Welch), the t density with p shaded, power against n."""
import numpy as np
import streamlit as st
from scipy import stats

from engine import hypothesis
from ui import controls
from ui.page import Claim, Identity, live_part, topic_page
from ui.shapes import add_dots, add_lines, legend_entry, svg_path
from ui.snippet import reproduce
from ui.theme import BAD, MUTED, NEGATIVE, POSITIVE, figure, mark_x, show

TESTS = ["Welch", "Student"]
ALPHA = 0.05
POWER_N = np.unique(np.round(np.geomspace(2, 200, 60)).astype(int))
T_RANGE = 6.0
SHADE = "rgba(213,94,0,0.45)"


@st.cache_data(max_entries=64, show_spinner=False)
def samples(diff, sd_a, sd_b, n_a, n_b, seed):
    """The page's one data source: two samples (an uploaded pair of columns could replace it)."""
    return hypothesis.two_samples(diff, sd_a, sd_b, n_a, n_b, random_state=seed)


@st.cache_data(max_entries=64, show_spinner=False)
def null_rates(sd_a, sd_b, n_a, n_b, alternative):
    return {test: hypothesis.null_rejection_rate(sd_a, sd_b, n_a, n_b, test == "Student", ALPHA, alternative,
                                                 n_sim=4000, random_state=1) for test in TESTS}


@st.cache_data(max_entries=64, show_spinner=False)
def power_curve(effect, alternative):
    return np.array([hypothesis.power(effect, int(n), ALPHA, alternative) for n in POWER_N])


def jitter(n, seed, salt):
    return np.random.default_rng([seed, salt]).uniform(-0.28, 0.28, n)


def samples_figure(a, b, seed, reach):
    """Both samples as dots on one axis with their means: layout shapes, so a Δμ move redraws only them."""
    fig = figure("The two samples (bars: sample means)", height=300, margin=dict(t=60, l=40))
    add_dots(fig, b, 0 + jitter(b.size, seed, 2), "rgba(0,114,178,0.65)", size=9)
    add_dots(fig, a, 1 + jitter(a.size, seed, 1), "rgba(213,94,0,0.65)", size=9)
    for y, values, color in ((0, b, NEGATIVE), (1, a, POSITIVE)):
        fig.add_shape(type="line", x0=values.mean(), x1=values.mean(), y0=y - 0.42, y1=y + 0.42,
                      line=dict(color=color, width=4))
    fig.add_annotation(x=a.mean(), y=1.45, text=f"mean {a.mean():.2f}", showarrow=False, font=dict(color=POSITIVE))
    fig.add_annotation(x=b.mean(), y=-0.45, text=f"mean {b.mean():.2f}", showarrow=False, font=dict(color=NEGATIVE))
    fig.update_xaxes(range=[-reach, reach], title="value")
    fig.update_yaxes(range=[-0.65, 1.65], tickvals=[0, 1], ticktext=["b", "a"], showgrid=False, zeroline=False)
    return fig


def density_figure(result, alternative):
    """The t density under H0 with the observed t and the p-value shaded (shapes)."""
    x = np.linspace(-T_RANGE, T_RANGE, 301)
    # Welch's df is the same for every Δμ up to float rounding (shifting a sample leaves its variance), but a df off
    # in the 14th digit is new trace data and a full replot of this chart: draw the curve at df to 6 decimals.
    pdf = stats.t.pdf(x, round(result.df, 6))
    t = result.t
    fig = figure(f"t distribution with {result.df:.1f} df under H0: p = {result.p_value:.3g}", height=330,
                 margin=dict(t=60))
    tails = {"two-sided": [(x <= -abs(t)), (x >= abs(t))], "greater": [x >= t], "less": [x <= t]}[alternative]
    legend = legend_entry(fig, "p-value area", mode="markers", marker=dict(symbol="square", size=14, color=SHADE))
    for mask in tails:
        if mask.sum() >= 2:  # each tail an area under the curve, as a layout shape
            path = svg_path(np.r_[x[mask][0], x[mask], x[mask][-1]], np.r_[0.0, pdf[mask], 0.0]) + " Z"
            fig.add_shape(type="path", path=path, fillcolor=SHADE, line=dict(width=0), layer="below", **legend)
    fig.add_trace(dict(type="scatter", x=x, y=pdf, name="t density (H0 true)", line=dict(color=NEGATIVE, width=3)))
    clipped = float(np.clip(t, -T_RANGE + 0.05, T_RANGE - 0.05))
    mark_x(fig, clipped, f"t = {t:.2f}" + (" (off the chart)" if abs(t) > T_RANGE else ""))
    fig.update_xaxes(range=[-T_RANGE, T_RANGE], title="t statistic")
    fig.update_yaxes(range=[0, 0.42], title="density")
    return fig


def power_figure(effect, alternative, n_here):
    fig = figure(f"Power of the t-test at d = {effect:.2f} against n per group", height=330, margin=dict(t=70))
    add_lines(fig, [2, 200], [[0.8, 0.8]], "80 % power", line=dict(color=MUTED, width=1.5, dash="dot"))
    add_lines(fig, [2, 200], [[ALPHA, ALPHA]], "α = 0.05", line=dict(color=BAD, width=1.5, dash="dot"))
    add_lines(fig, POWER_N, power_curve(effect, alternative), "power", line=dict(color=NEGATIVE, width=3))
    here = hypothesis.power(effect, n_here, ALPHA, alternative)
    fig.add_shape(type="circle", xref="x", yref="y", xsizemode="pixel", ysizemode="pixel", xanchor=n_here,
                  yanchor=here, x0=-7, x1=7, y0=-7, y1=7, line=dict(color=BAD, width=3))
    fig.add_annotation(x=n_here, y=here, text=f"your design ≈ n = {n_here}: {here:.2f}", showarrow=False, xanchor="left", xshift=10,
                       yanchor="top", yshift=-4, bgcolor="rgba(255,255,255,0.85)")
    fig.update_xaxes(range=[0, 200], title="n per group (equal groups)")
    fig.update_yaxes(range=[0, 1.02], title="P(p < 0.05)")
    return fig, here


def comparison_table(welch, student, chosen):
    """Both tests' t, df and p on the same samples, the chosen test's row in bold."""
    def row(name, r):
        cells = [name, f"{r.t:.3f}", f"{r.df:.1f}", f"{r.p_value:.4f}"]
        return "| " + " | ".join(f"**{c}**" if name == chosen else c for c in cells) + " |"
    return "| test | t | df | p |\n|---|---:|---:|---:|\n" + "\n".join(
        row(name, r) for name, r in (("Welch", welch), ("Student", student)))


SNIPPET = '''
import numpy as np
from scipy import stats

rng = np.random.default_rng({seed})
a = rng.normal({diff}, {sd_a}, {n_a})   # group a
b = rng.normal(0.0, {sd_b}, {n_b})      # group b
for name, equal_var in (("Welch", False), ("Student", True)):
    r = stats.ttest_ind(a, b, equal_var=equal_var, alternative="{alternative}")
    print(f"{{name}} t: {{r.statistic:.3f}}")
    print(f"{{name}} df: {{r.df:.1f}}")
    print(f"{{name}} p: {{r.pvalue:.4f}}")
'''


@live_part
def difference_part(diff_box, samples_box, density_box, table_box, power_box, settings):
    """Δμ and what it moves: sample a's points, t and p, the shaded tail, the power curve."""
    sd_a, sd_b, n_a, n_b, test, alternative, seed = settings
    with diff_box:
        diff = controls.slider("True difference of means Δμ = μa − μb", "tt_diff", -2.0, 2.0, 0.5, 0.1)
    a, b = samples(diff, sd_a, sd_b, n_a, n_b, seed)
    welch = hypothesis.t_test(a, b, equal_var=False, alternative=alternative)
    student = hypothesis.t_test(a, b, equal_var=True, alternative=alternative)
    result = welch if test == "Welch" else student
    reach = float(np.ceil(2 + 3 * max(sd_a, sd_b)))
    with samples_box:
        show(samples_figure(a, b, seed, reach), "tt_samples")
    with density_box:
        show(density_figure(result, alternative), "tt_density")
    spread = np.sqrt((sd_a ** 2 + sd_b ** 2) / 2)
    # The equal-group size whose standard error spread·√(2/n) equals this design's √(σa²/na + σb²/nb), so the marked
    # power has this design's noncentrality Δμ/SE (with equal spreads: the harmonic mean of the two sizes).
    n_here = max(2, int(round((sd_a ** 2 + sd_b ** 2) / (sd_a ** 2 / n_a + sd_b ** 2 / n_b))))
    with power_box:
        fig, here = power_figure(diff / spread, alternative, n_here)
        show(fig, "tt_power")
    with table_box:
        # One markdown element for the mean difference and both tests, rather than a row of metric tiles repeating
        # the chosen test's row beside it: Streamlit re-renders every element of the page twice per Δμ move.
        st.markdown(f"#### Observed difference of the sample means x̄a − x̄b: {result.mean_diff:.3f}\n\n"
                    f"**Student against Welch** on these samples ({alternative}; the chosen test in bold):\n\n"
                    + comparison_table(welch, student, test))
        prints = {f"{name} {k}": v for name, r in (("Welch", welch), ("Student", student))
                  for k, v in (("t", f"{r.t:.3f}"), ("df", f"{r.df:.1f}"), ("p", f"{r.p_value:.4f}"))}
        reproduce("t_test", SNIPPET.format(seed=seed, diff=diff, sd_a=sd_a, n_a=n_a, sd_b=sd_b, n_b=n_b,
                                           alternative=alternative), prints, needs="numpy scipy")
    tail = {"two-sided": 2 * stats.t.sf(abs(result.t), result.df), "greater": stats.t.sf(result.t, result.df),
            "less": stats.t.cdf(result.t, result.df)}[alternative]
    real = diff != 0
    significant = result.p_value < ALPHA
    return [
        Identity("The p-value is the area of the t density beyond the observed t, in the direction(s) the alternative "
                 "names, so a t further out in that direction (a larger |t| for a two-sided test) means a smaller p.",
                 f"p from the {test} test = {result.p_value:.4g}",
                 f"shaded tail area beyond t = {result.t:.3f} with {result.df:.1f} df = {tail:.4g}",
                 "p is a tail area of a fixed density, which shrinks as t moves outwards; "
                 "it says nothing about whether the result will reproduce"),
        Claim("A p-value below 0.05 shows that the groups really differ, and one above 0.05 shows that they do not.",
              f"p = {result.p_value:.4f} ({'below' if significant else 'above'} 0.05); the true difference is "
              f"Δμ = {diff:g}" + ("" if significant == real else
                                   " — a false positive" if significant else " — a real difference the test missed"),
              significant == real),
    ]


def play():
    controls_col, charts_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        diff_box = st.container()  # Δμ comes first: it is what this page is about
        sd_a = controls.slider("Spread of a (σa)", "tt_sda", 0.5, 4.0, 1.0, 0.5)
        sd_b = controls.slider("Spread of b (σb)", "tt_sdb", 0.5, 4.0, 1.0, 0.5)
        n_a = controls.slider("Size of a (na)", "tt_na", 3, 100, 20)
        n_b = controls.slider("Size of b (nb)", "tt_nb", 3, 100, 20)
        test = controls.choice("Test", "tt_test", TESTS, horizontal=True,
                               help="Welch: each group's own variance. Student: one pooled variance (assumes σa = σb).")
        alternative = controls.choice("Alternative hypothesis", "tt_alt", list(hypothesis.ALTERNATIVES),
                                      help="two-sided: μa ≠ μb; greater: μa > μb; less: μa < μb.")
        seed = controls.slider("Seed", "tt_seed", 0, 30, 0)
    with charts_col:
        samples_col, density_col = st.container(), st.container()
    table_col, power_col = st.columns([1.3, 2], gap="large")
    difference_part(diff_box, samples_col, density_col, table_col, power_col,
                    (sd_a, sd_b, n_a, n_b, test, alternative, seed))
    rates = null_rates(sd_a, sd_b, n_a, n_b, alternative)
    se = np.sqrt(ALPHA * (1 - ALPHA) / 4000)
    return [Claim("Student's pooled t-test is safe here: when the means are equal it rejects in only α of experiments.",
                  f"in 4,000 simulated experiments with equal means, these spreads and sizes: Student rejects "
                  f"{rates['Student']:.1%}, Welch {rates['Welch']:.1%} (α = 5 %; chance allows ±{3 * se:.1%})",
                  abs(rates["Student"] - ALPHA) <= 3 * se)]


topic_page("t_test", play)
