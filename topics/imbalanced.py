"""Imbalanced data: resample the training set (random over/under, SMOTE, SMOTE + Tomek), see SMOTE's segments,
the boundary before and after, scores on an untouched test set, and what resampling before the split does."""
import numpy as np
import pandas as pd
import streamlit as st

from engine import imbalance
from ui import controls
from ui.page import Claim, live_part, topic_page
from ui.shapes import add_contours, add_dots, add_segments, legend_entry
from ui.snippet import reproduce
from ui.theme import MUTED, NEGATIVE, PALETTE, POSITIVE, figure, show, square_axes
from ui.upload import axis_title, escape_markdown, own_data

N = 1000
MAX_ROWS = 2000      # an uploaded file: resampling, three fits and a 120 × 120 grid stay fast at this size
MIN_MINORITY = 6     # rows of the rarer class a file needs: the stratified training part (1 − TEST_SIZE) keeps 4
GRID = 120
MODEL_LABELS = {"logistic": "logistic regression", "knn": "5-nearest neighbours", "tree": "decision tree (depth 6)"}
SYNTHETIC = PALETTE[4]
SCORES = ("recall", "precision", "f1", "balanced_accuracy")
SCORE_LABELS = ("recall", "precision", "F1", "balanced accuracy")


@st.cache_data(max_entries=16, show_spinner=False)
def data(minority, separation, seed):
    """The page's one data source: two features and a 0/1 label (an uploaded table could replace it)."""
    return imbalance.imbalanced_2d(N, minority, separation, random_state=seed)


def balanced_accuracy_se(recall, balanced_accuracy, counts):
    """Binomial standard error of a balanced accuracy measured on ``counts`` = (negatives, positives) test rows,
    effective counts where rows repeat (``imbalance.effective_test_counts``).

    BA = (recall + specificity) / 2, each a proportion; a pseudo-count keeps the error above 0 at 0 or 1.
    """
    specificity = 2 * balanced_accuracy - recall
    variance = 0.0
    for rate, n in ((recall, counts[1]), (specificity, counts[0])):
        p = (rate * n + 1) / (n + 2)
        variance += p * (1 - p) / max(n, 1)
    return float(np.sqrt(variance) / 2)


def balanced(y):
    """Whether the two classes have as many rows each (a minority share of 0.5, or such a file)."""
    return np.ptp(np.bincount(y, minlength=2)) == 0


def class_roles(y, classes):
    """What the charts call the classes: (count words, legend names of class 0, class 1 and synthetic rows).
    Majority and minority, unless the data are balanced: then neither is the minority, and class 1 is only the
    positive class that recall, precision and F1 are about (balanced accuracy treats both alike)."""
    if balanced(y):
        return (f"of class {classes[0]}", f"of class {classes[1]}"), (
            f"class {classes[0]}", f"class {classes[1]} (positive)", "synthetic rows")
    return ("majority", "minority"), (f"majority ({classes[0]})", f"minority ({classes[1]})", "synthetic minority")


def user_data(own):
    """An uploaded file's features and its labels as 0/1, the rarer class being 1 (the positive class scored)."""
    counts = np.bincount(own.y, minlength=2)
    rare = int(np.argmin(counts)) if counts[0] != counts[1] else 1
    return own.X, (own.y == rare).astype(int), rare


@st.cache_data(max_entries=64, show_spinner=False)
def run(X, y, seed, method, model):
    # The data's box, widened to the next half past a whole number (no tick in a corner): a new minority share moves
    # the points but seldom the axes, which Plotly would otherwise redraw (ticks, grid and all) on every move.
    low, high = np.floor(X.min(axis=0)) - 0.5, np.ceil(X.max(axis=0)) + 0.5
    xs, ys = (np.linspace(low[i], high[i], GRID) for i in (0, 1))
    grid = np.column_stack([g.ravel() for g in np.meshgrid(xs, ys)])
    out, predicted = {"xs": xs, "ys": ys}, {}
    for name, m, first in (("before", "none", False), ("after", method, False), ("leaky", method, True)):
        e = imbalance.split_resample_score(X, y, m, model, resample_first=first, random_state=seed)
        out[name] = {key: getattr(e, key) for key in SCORES}
        # Copies of one row inform like one row: the standard error takes the test set's effective size (Kish).
        out[name]["ba_se"] = balanced_accuracy_se(e.recall, e.balanced_accuracy, imbalance.effective_test_counts(e))
        if name != "leaky":
            predicted[name] = e.model.predict(e.test_X)  # the F1 gain's bootstrap needs the predictions themselves
            out[name]["surface"] = e.model.predict_proba(grid)[:, 1].reshape(GRID, GRID)
        if name == "after":
            out["train"] = e.train
            out["test_counts"] = np.bincount(e.test_y, minlength=2)
            out["test_source"] = e.test_source
            # Split before resampling: the same test rows as without resampling, so the gain's error is paired.
            out["f1_gain_se"] = imbalance.f1_gain_se(e.test_y, predicted["before"], predicted["after"],
                                                     random_state=seed)
        if name == "leaky":  # what resampling all rows before the split left in the test set
            removed = len(y) - int((e.train.source >= 0).sum() + (e.test_source >= 0).sum()) if m == "smote_tomek" else 0
            out["leaky_test"] = (np.bincount(e.test_y, minlength=2), imbalance.leaked_rows(e), removed)
            out["same_test"] = np.array_equal(np.sort(e.test_source), np.sort(out["test_source"]))
    return out


def rows_text(train, before_counts, test_counts, method, count_words, leaky_test):
    """The training part's class counts before and after ``method`` (and what the method did to reach them), the
    untouched test set's, and the test set that resampling before the split leaves (what of the training part it
    holds)."""
    (first, second), after = count_words, np.bincount(train.y, minlength=2)
    n_before, n_after, n_synthetic = int(before_counts.sum()), len(train.y), int(train.synthetic.sum())
    dropped = count_words[int(np.argmax(before_counts - after))]  # the class random_under cut
    done = {"random_over": f"{n_after - n_before} duplicated rows",
            "random_under": f"{n_before - n_after} {dropped} rows dropped",
            "smote": f"{n_synthetic} synthetic rows",
            "smote_tomek": f"{n_synthetic} synthetic rows; {n_before - (n_after - n_synthetic)} original rows removed "
                           "in Tomek links"}.get(method)
    resampled = (f", after {method} {after[0]} {first}, {after[1]} {second} ({done})" if done
                 else " (not resampled)")
    text = (f"Training set: {before_counts[0]} {first}, {before_counts[1]} {second} rows{resampled}. "
            f"Test set: {test_counts[0]} {first}, {test_counts[1]} {second} rows.")
    if method == "none":
        return text
    (leaky0, leaky1), leak, removed = leaky_test
    held = [f"{leak.copies} of them are copies of {leak.copied_rows} rows that the training set holds as well"
            ] if leak.copies else []
    held += [f"{leak.synthetic} of them are synthetic, interpolated before the split between neighbours of one "
             "class that the split then dealt to both sides"] if leak.synthetic else []
    tomek = f", and Tomek links had removed {removed} rows near the boundary before the split" if removed else ""
    return text + (f" With {method} before the split, the test set has {leaky0} {first}, {leaky1} {second} rows; "
                   + (" and ".join(held) if held else "none of them repeats a training row") + tomek + ".")


def training_figure(result, method, names, roles):
    train = result["train"]
    X, y, synthetic = train.X, train.y, train.synthetic
    first_name, second_name, synthetic_name = roles[1]
    # Titles that a minority-share move leaves alone (the row counts are in the text beside the charts): a new
    # title makes Plotly lay the chart out again.
    fig = figure(f"Training set after “{method}”", height=560, margin=dict(t=45, l=55, r=10, b=140),
                 legend=dict(orientation="h", x=0, y=-0.2, yanchor="top"))
    # The synthetic entry with the SMOTE methods only (whatever the minority share, so a share move keeps the legend).
    entries = [(first_name, NEGATIVE), (second_name, POSITIVE)] + (
        [(synthetic_name, SYNTHETIC)] if method.startswith("smote") else [])
    for name, color in entries:
        legend_entry(fig, name, mode="markers", marker=dict(color=color, size=9))
    if len(train.segments):
        add_segments(fig, train.segments, "SMOTE segment", line=dict(color=SYNTHETIC, width=1))
    colors = np.where(synthetic, SYNTHETIC, np.where(y == 1, POSITIVE, "rgba(0,114,178,0.55)"))
    order = np.argsort(y + 2 * synthetic, kind="stable")  # minority and synthetic points on top
    add_dots(fig, X[order, 0], X[order, 1], colors[order], size=8)
    add_contours(fig, result["xs"], result["ys"], result["before"]["surface"], [0.5],
                 "boundary without resampling", dash="dash", color=MUTED, width=3)
    add_contours(fig, result["xs"], result["ys"], result["after"]["surface"], [0.5],
                 f"boundary after {method}", color="#111827", width=3)
    fig.update_xaxes(range=[result["xs"][0], result["xs"][-1]], title=names[0])
    fig.update_yaxes(range=[result["ys"][0], result["ys"][-1]], title=names[1])
    return square_axes(fig)


def scores_figure(result, method):
    """Grouped bars with their values on top, drawn as layout shapes (the minority share moves every bar, and
    bar traces with outside text cost a full replot each move); the legend comes from empty traces."""
    fig = figure("Scores on the untouched test set", height=420,
                 margin=dict(t=110),
                 xaxis=dict(range=[-0.5, len(SCORES) - 0.5], tickvals=list(range(len(SCORES))),
                            ticktext=list(SCORE_LABELS), showgrid=False, zeroline=False),
                 yaxis=dict(range=[0, 1.1], title="score"))
    rows = (("before", "no resampling", MUTED), ("after", f"{method}, split first (honest)", NEGATIVE),
            ("leaky", f"{method} before the split (leaky)", PALETTE[1]))
    width = 0.8 / len(rows)  # Plotly's grouped bars: the group fills 80 % of a category
    for r, (key, label, color) in enumerate(rows):
        legend = legend_entry(fig, label, mode="markers", marker=dict(symbol="square", size=14, color=color))
        for i, score in enumerate(SCORES):
            left = i - 0.4 + r * width
            value = float(result[key][score])
            fig.add_shape(type="rect", x0=left, x1=left + width, y0=0, y1=value, fillcolor=color,
                          line=dict(width=0), layer="below", name=label, label=dict(
                              text=f"{value:.2f}", textposition="top center", yanchor="bottom", padding=2, font=dict(size=13)),
                          **legend)
    fig.update_layout(legend=dict(orientation="h", y=1.02, yanchor="bottom"))
    return fig


BUILTIN_CODE = """from sklearn.datasets import make_classification
X, y = make_classification({n}, n_features=2, n_redundant=0, n_informative=2, n_clusters_per_class=1,
                           weights=[1 - {minority}, {minority}], class_sep={separation}, flip_y=0, random_state=seed)"""

SNIPPET = '''
from imblearn.combine import SMOTETomek
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, f1_score, precision_score, recall_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier

seed, method, model = {seed}, "{method}", "{model}"
{data}
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size={test_size}, stratify=y, random_state=seed)
k = min(5, int(y_train.sum()) - 1)   # SMOTE's neighbours (5 unless the minority is tiny)
sampler = {{"random_over": RandomOverSampler(random_state=seed), "random_under": RandomUnderSampler(random_state=seed),
           "smote": SMOTE(k_neighbors=k, random_state=seed),
           "smote_tomek": SMOTETomek(smote=SMOTE(k_neighbors=k, random_state=seed), random_state=seed)}}.get(method)
if sampler is not None:                # resample the training part only, after the split
    X_train, y_train = sampler.fit_resample(X_train, y_train)
classifier = {{"logistic": LogisticRegression(), "knn": KNeighborsClassifier(n_neighbors=5),
              "tree": DecisionTreeClassifier(max_depth=6, random_state=0)}}[model]
predicted = classifier.fit(X_train, y_train).predict(X_test)
print(f"recall: {{recall_score(y_test, predicted, zero_division=0):.3f}}")
print(f"precision: {{precision_score(y_test, predicted, zero_division=0):.3f}}")
print(f"F1: {{f1_score(y_test, predicted, zero_division=0):.3f}}")
print(f"balanced accuracy: {{balanced_accuracy_score(y_test, predicted):.3f}}")
'''


@live_part
def resampling_part(method_box, train_box, scores_box, metrics_box, settings):
    """The minority share and the method, and what they move: the training set, both boundaries, the scores."""
    separation, model, seed, own = settings
    with method_box:
        if not own.is_user:  # a file brings its own minority share
            minority = controls.slider("Minority share of the data", "im_minority", 0.02, 0.5, 0.1, 0.01)
        method = controls.choice("Resampling of the training set", "im_method", list(imbalance.METHODS),
                                 index=3, help="none · random_over: duplicate minority rows · random_under: drop "
                                               "majority rows · smote: synthetic minority rows between minority "
                                               "neighbours · smote_tomek: SMOTE, then drop Tomek links")
    if own.is_user:
        X, y, rare = user_data(own)
        names = tuple(axis_title(name) + " (z-score)" for name in own.names[:2])
        classes = tuple(str(own.classes[i]) for i in (1 - rare, rare))
        data_code = own.code + f"\ny = (y == {rare}).astype(int)  # the rarer class is 1, the positive class"
    else:
        X, y = data(minority, separation, seed)
        names, classes = ("feature 1", "feature 2"), ("0", "1")
        data_code = BUILTIN_CODE.format(n=N, minority=minority, separation=separation)
    result = run(X, y, seed, method, model)
    roles = class_roles(y, tuple(map(axis_title, classes)))  # the class names escaped for Plotly
    with train_box:
        show(training_figure(result, method, names, roles), "im_train")
    with scores_box:
        show(scores_figure(result, method), "im_scores")
    after, before, leaky = result["after"], result["before"], result["leaky"]
    training_counts = np.bincount(y, minlength=2) - result["test_counts"]  # the split's training part, by class
    honest = {"recall": f"{after['recall']:.3f}", "precision": f"{after['precision']:.3f}",
              "F1": f"{after['f1']:.3f}", "balanced accuracy": f"{after['balanced_accuracy']:.3f}"}
    with metrics_box:  # text, not tiles: the blue bars and the claim check show these numbers too
        st.markdown((f"**Honest scores after {method}**, resampled after the split and measured"
                     if method != "none" else "**Scores without resampling**, measured")
                    + f" on the untouched, stratified {imbalance.TEST_SIZE * 100:.0f} % of the rows held out as the "
                    "test set: "
                    + ", ".join(f"{name} **{value}**" for name, value in honest.items()) + ".\n\n"
                    + rows_text(result["train"], training_counts,
                                result["test_counts"], method,
                                class_roles(y, tuple(map(escape_markdown, classes)))[0], result["leaky_test"]))
        reproduce("imbalanced", SNIPPET.format(seed=seed, method=method, model=model, data=data_code,
                                               test_size=imbalance.TEST_SIZE),
                  honest, needs="numpy scikit-learn imbalanced-learn")
    noise = float(np.hypot(leaky["ba_se"], after["ba_se"]))  # standard error of the difference
    # Equal classes, or the method "none", leave nothing to rebalance: say so, or a failed check reads as evidence
    # against resampling.
    # (SMOTE + Tomek still removes Tomek links from equal classes.)
    equal_training = np.ptp(training_counts) == 0
    nothing = ("; with none nothing is resampled, so both runs train one model on the same rows" if method == "none"
               else f"; the training classes are equal, so {method} has nothing to rebalance"
               if equal_training and method != "smote_tomek" else "")
    # Undersampling before the split drops rows but copies none into the test set: nothing leaks.
    copies = "; random_under copies no row, so no test row repeats a training row" if method == "random_under" else ""
    return [
        Claim("Rebalancing the training set improves the classifier's F1 on an untouched test set.",
              f"F1 {before['f1']:.3f} without resampling, {after['f1']:.3f} after {method} "
              f"(recall {before['recall']:.2f} → {after['recall']:.2f}, precision {before['precision']:.2f} → "
              f"{after['precision']:.2f})"
              + (f"; both on the same test rows, so only a gain above twice its paired bootstrap standard error "
                 f"(2 × {result['f1_gain_se']:.3f} = {2 * result['f1_gain_se']:.3f}) counts" if not nothing else "")
              + nothing,
              after["f1"] - before["f1"] > 2 * result["f1_gain_se"]),
        Claim("Resampling before the train/test split makes the test scores look better than they really are.",
              f"balanced accuracy {leaky['balanced_accuracy']:.3f} when {method} runs before the split, "
              f"{after['balanced_accuracy']:.3f} on the honest untouched test set"
              + (f" (the two test sets differ, so only a gap above twice their sampling noise, 2 × {noise:.3f} = "
                 f"{2 * noise:.3f}, counts)" if not result["same_test"] else "") + f"{copies}{nothing}",
              leaky["balanced_accuracy"] - after["balanced_accuracy"] > 2 * noise),
    ]


def play():
    controls_col, train_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        method_box = st.container()  # the minority share and the resampling method: what this page is about
        model = controls.choice("Classifier", "im_model", list(imbalance.MODELS), labels=None,
                                help=" · ".join(f"{k}: {v}" for k, v in MODEL_LABELS.items()))
        separation_box = st.container()
        seed = controls.slider("Seed", "im_seed", 0, 20, 0)
        own = own_data("im", "features_label", max_rows=MAX_ROWS, standardise=True, slug="imbalanced")
    if own.is_user and np.bincount(own.y, minlength=2).min() < MIN_MINORITY:
        st.error(f"The rarer class of “{escape_markdown(own.names[2])}” has fewer than {MIN_MINORITY} rows; resampling "
                 f"and a stratified test set need at least {MIN_MINORITY}, so the charts below show the built-in data.")
        own = type(own)(False, download_box=own.download_box, slug=own.slug)
    separation = 0.8
    if not own.is_user:  # a file brings its own classes, so the generator's separation does nothing for it
        with separation_box:
            separation = controls.slider("Class separation", "im_sep", 0.3, 2.0, 0.8, 0.1)
    scores_col, metrics_box = st.columns([1.6, 1], gap="large")
    X, y = data(0.1, separation, seed)
    own.offer(pd.DataFrame({"x1": X[:, 0].round(4), "x2": X[:, 1].round(4), "label": y}))
    resampling_part(method_box, train_col, scores_col, metrics_box, (separation, model, seed, own))


topic_page("imbalanced", play)
