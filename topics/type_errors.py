"""Type I and II errors: the sampling densities under H0 and H1, α and β shaded, power, and the map to precision."""
import numpy as np
import streamlit as st
from scipy import stats

from engine import hypothesis
from ui import controls
from ui.page import Claim, Identity, live_part, topic_page
from ui.shapes import fill_under, mark_point
from ui.snippet import reproduce
from ui.theme import MUTED, NEGATIVE, POSITIVE, figure, mark_x, show

ALPHAS = [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3]
PRIORS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 0.8]
MU0, SIGMA = 0.0, 1.0
ALPHA_SHADE, BETA_SHADE = "rgba(0,114,178,0.45)", "rgba(213,94,0,0.40)"


def densities_figure(errors, effect, n):
    """Sampling densities of the mean under H0 and H1 (traces) with α, β and the critical value (shapes)."""
    se = errors.se
    x = np.linspace(MU0 - 4 * se, MU0 + effect + 4 * se, 400)
    h0, h1 = stats.norm.pdf(x, MU0, se), stats.norm.pdf(x, MU0 + effect, se)
    c = errors.critical_value
    right, left = x >= c, x <= c
    # α and β go in the title (layout), not in the legend: a legend entry is a trace, and renaming one on every α
    # move made Plotly replot the whole chart instead of redrawing only the shaded areas and the critical value.
    fig = figure(f"Mean of n = {n} draws under H0 and H1: α = {errors.alpha:g}, β = {errors.beta:.3f}, "
                 f"power 1 − β = {errors.power:.3f}", height=410, margin=dict(t=95))
    fill_under(fig, np.r_[c, x[right]], np.r_[stats.norm.pdf(c, MU0, se), h0[right]], ALPHA_SHADE,
               "α: type I error (false positive)")
    fill_under(fig, np.r_[x[left], c], np.r_[h1[left], stats.norm.pdf(c, MU0 + effect, se)], BETA_SHADE,
               "β: type II error (false negative)")
    fig.add_trace(dict(type="scatter", x=x, y=h0, name="H0: μ = 0", line=dict(color=NEGATIVE, width=3)))
    fig.add_trace(dict(type="scatter", x=x, y=h1, name=f"H1: μ = {effect:g}", line=dict(color=POSITIVE, width=3)))
    mark_x(fig, c, f"critical value {c:.3f}")
    fig.update_xaxes(range=[x[0], x[-1]], title="sample mean (in units of σ)")
    fig.update_yaxes(range=[0, 1.15 * h0.max()], title="density")
    return fig


@st.cache_data(max_entries=64, show_spinner=False)
def tradeoff_curve(effect, n):
    alphas = np.r_[np.geomspace(1e-4, 0.01, 30), np.linspace(0.01, 0.35, 70)[1:]]
    return alphas, np.array([hypothesis.z_test_errors(MU0, MU0 + effect, SIGMA, n, a).beta for a in alphas])


def tradeoff_figure(errors, effect, n):
    alphas, betas = tradeoff_curve(effect, n)
    fig = figure(f"Lowering α raises β (effect {effect:g}, n = {n})", height=400, margin=dict(t=60), showlegend=False)
    fig.add_trace(dict(type="scatter", x=alphas, y=betas, name=f"β against α (effect {effect:g}, n = {n})",
                       line=dict(color=POSITIVE, width=3), hovertemplate="α %{x:.3f}: β %{y:.3f}<extra></extra>"))
    mark_point(fig, errors.alpha, errors.beta, "this test")
    fig.update_xaxes(range=[0, 0.35], title="α = P(type I error)")
    fig.update_yaxes(range=[0, 1.02], title="β = P(type II error)")
    return fig


def outcomes_table(o, prior):
    per = 1000
    real = f"{prior:.0%} of them on real effects" if prior > 0 else "none on a real effect (the effect is 0)"
    return (f"**Out of {per:,} tests, {real}** (expected counts)\n\n"
            "| | reject H0 (positive) | keep H0 (negative) |\n|---|---:|---:|\n"
            f"| **effect is real** | true positive **{o.tp * per:.0f}** | type II (false negative) **{o.fn * per:.0f}** |\n"
            f"| **no effect (H0 true)** | type I (false positive) **{o.fp * per:.0f}** | true negative **{o.tn * per:.0f}** |\n\n"
            f"Precision of \"significant\" = {o.tp * per:.0f} / ({o.tp * per:.0f} + {o.fp * per:.0f}) = **{o.precision:.3f}** · "
            f"recall = power = **{o.recall:.3f}**")


SNIPPET = '''
import numpy as np
from scipy.stats import norm

mu0, mu1, sigma, n, alpha, prior = {mu0}, {mu1}, {sigma}, {n}, {alpha}, {prior}
se = sigma / np.sqrt(n)
critical = mu0 + norm.ppf(1 - alpha) * se      # reject H0 when the sample mean exceeds this
beta = norm.cdf(critical, loc=mu1, scale=se)   # P(keep H0 | H1)
power = 1 - beta
precision = prior * power / (prior * power + (1 - prior) * alpha)
print(f"critical value: {{critical:.4f}}")
print(f"beta: {{beta:.4f}}")
print(f"power: {{power:.4f}}")
print(f"precision: {{precision:.4f}}")
'''


@live_part
def alpha_part(alpha_box, density_box, tradeoff_box, table_box, settings):
    """α and what it moves: the critical value, both shaded areas, the point on the trade-off curve."""
    effect, n, prior = settings
    with alpha_box:
        alpha = controls.log_slider("Significance level α", "te_alpha", ALPHAS, 0.05,
                                    help="The false-positive rate you accept: P(reject H0 | H0 true).")
    errors = hypothesis.z_test_errors(MU0, MU0 + effect, SIGMA, n, alpha)
    # A true effect of 0 is no effect: then none of the tested effects is real, whatever the share slider says.
    prior = prior if effect > 0 else 0.0
    outcomes = hypothesis.test_outcomes(alpha, errors.power, prior)
    with density_box:
        # α, β and the power are in the chart's title and the critical value on its marker: no row of metric tiles
        # repeating them (Streamlit re-renders every element of the page twice per α move).
        show(densities_figure(errors, effect, n), "te_density")
    with tradeoff_box:
        show(tradeoff_figure(errors, effect, n), "te_tradeoff")
    with table_box:
        st.markdown(outcomes_table(outcomes, prior))
        reproduce("type_errors", SNIPPET.format(mu0=MU0, mu1=MU0 + effect, sigma=SIGMA, n=n, alpha=alpha, prior=prior),
                  {"critical value": f"{errors.critical_value:.4f}", "beta": f"{errors.beta:.4f}",
                   "power": f"{errors.power:.4f}", "precision": f"{outcomes.precision:.4f}"}, needs="numpy scipy")
    tail = stats.norm.sf(errors.critical_value, MU0, errors.se)
    return [
        Identity("α is the area of the H0 curve beyond the critical value: the rate of type I errors (false positives).",
                 f"α = {alpha:g}", f"area beyond c = {errors.critical_value:.4f} under N(0, {errors.se:.3f}²) = {tail:.4g}",
                 "the critical value is chosen as the (1 − α) quantile of the mean's distribution under H0"),
        Claim("A test at significance level α detects a real effect at least 1 − α of the time (95 % at α = 5 %).",
              f"power (the chance of detecting this effect) is {errors.power:.3f} at α = {alpha:g}; "
              f"1 − α = {1 - alpha:.3f}",
              errors.power >= 1 - alpha),
        Claim("A statistically significant result is probably a real effect.",
              f"with {prior:.0%} of tested effects real, power {errors.power:.3f} and α = {alpha:g}, "
              f"{outcomes.precision:.1%} of significant results are real (precision)",
              outcomes.precision > 0.5),
    ]


def play():
    controls_col, density_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        alpha_box = st.container()  # α comes first: the page is about what it trades
        effect = controls.slider("True effect μ1 − μ0 (in σ)", "te_effect", 0.0, 2.0, 0.5, 0.1)
        n = controls.slider("Sample size n", "te_n", 1, 100, 16)
        prior = controls.log_slider("Share of tested effects that are real", "te_prior", PRIORS, 0.5,
                                    help="For the table: among many hypotheses tested, how many are true effects.")
    tradeoff_col, table_col = st.columns([1.5, 2], gap="large")
    alpha_part(alpha_box, density_col, tradeoff_col, table_col, (effect, n, prior))


topic_page("type_errors", play)
