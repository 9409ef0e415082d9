import collections

import numpy as np
import pytest
from imblearn.combine import SMOTETomek
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler
from sklearn.metrics import balanced_accuracy_score, f1_score, recall_score

from engine import imbalance

X, Y = imbalance.imbalanced_2d(300, 0.1, random_state=0)
SAMPLERS = {"random_over": RandomOverSampler(random_state=3), "random_under": RandomUnderSampler(random_state=3),
            "smote": SMOTE(random_state=3), "smote_tomek": SMOTETomek(random_state=3)}


def test_data_have_the_requested_minority_share():
    X, y = imbalance.imbalanced_2d(1000, 0.2, random_state=1)
    assert X.shape == (1000, 2) and set(np.unique(y)) == {0, 1}
    assert y.mean() == pytest.approx(0.2, abs=0.01)


@pytest.mark.parametrize("method", list(SAMPLERS))
def test_class_counts_and_rows_equal_imbalanced_learn(method):
    result = imbalance.resample(X, Y, method, random_state=3)
    ref_X, ref_y = SAMPLERS[method].fit_resample(X, Y)
    np.testing.assert_array_equal(np.bincount(result.y), np.bincount(ref_y))
    # the same rows (the engine may reorder them: originals first, in their order)
    key = lambda A, b: sorted(map(tuple, np.c_[A, b].round(10)))  # noqa: E731
    assert key(result.X, result.y) == key(ref_X, ref_y)


@pytest.mark.parametrize("method", imbalance.METHODS)
def test_original_rows_come_first_in_their_order(method):
    result = imbalance.resample(X, Y, method, random_state=3)
    originals = np.flatnonzero(~result.synthetic & (result.source >= 0))
    first = result.source[: len(np.unique(result.source[result.source >= 0]))]
    assert np.all(np.diff(first) > 0)  # originals, increasing
    np.testing.assert_allclose(result.X[originals], X[result.source[originals]])
    np.testing.assert_array_equal(result.y[originals], Y[result.source[originals]])


def test_none_returns_the_data_unchanged():
    result = imbalance.resample(X, Y, "none")
    np.testing.assert_array_equal(result.X, X)
    assert not result.synthetic.any() and len(result.segments) == 0


def test_random_under_and_over_balance_the_classes():
    counts = np.bincount(Y)
    assert np.bincount(imbalance.resample(X, Y, "random_under").y).tolist() == [counts[1], counts[1]]
    over = imbalance.resample(X, Y, "random_over")
    assert np.bincount(over.y).tolist() == [counts[0], counts[0]]
    assert np.all(over.y[len(Y):] == 1)  # the extra rows are copies of minority rows


@pytest.mark.parametrize("offset", [0.0, 1e6])  # far from the origin, where an uncentred expansion loses digits
def test_smote_points_lie_on_segments_between_minority_neighbours(offset):
    data = X + offset
    result = imbalance.resample(data, Y, "smote", random_state=0)
    synthetic = result.X[result.synthetic]
    assert len(synthetic) == np.bincount(Y)[0] - np.bincount(Y)[1]
    a, b = result.segments[:, 0], result.segments[:, 1]
    t = ((synthetic - a) * (b - a)).sum(axis=1) / ((b - a) ** 2).sum(axis=1)
    np.testing.assert_allclose(a + t[:, None] * (b - a), synthetic, rtol=0, atol=1e-7)
    assert np.all((t >= -1e-9) & (t <= 1 + 1e-9))
    minority = data[Y == 1]
    index = {tuple(p): i for i, p in enumerate(minority)}
    assert all(tuple(p) in index for p in a) and all(tuple(p) in index for p in b)
    k = min(imbalance.SMOTE_NEIGHBOURS, len(minority) - 1)
    nearest = np.argsort(((minority[:, None] - minority[None]) ** 2).sum(axis=2), axis=1)[:, 1:k + 1]
    assert all(index[tuple(q)] in nearest[index[tuple(p)]] for p, q in zip(a, b))  # b is one of a's k neighbours


def test_parent_segments_match_the_direct_distances_in_three_dimensions():
    rng = np.random.default_rng(3)
    minority = rng.normal(size=(40, 3))
    k = 4
    neighbours = np.argsort(((minority[:, None] - minority[None]) ** 2).sum(axis=2), axis=1)[:, 1:k + 1]
    parents = rng.integers(0, 40, 200)
    ends = minority[neighbours[parents, rng.integers(0, k, 200)]]
    points = minority[parents] + rng.uniform(size=(200, 1)) * (ends - minority[parents])
    segments = imbalance._parent_segments(minority, points, k)
    assert segments.shape == (200, 2, 3)
    a, b = segments[:, 0], segments[:, 1]
    t = np.clip(((points - a) * (b - a)).sum(axis=1) / ((b - a) ** 2).sum(axis=1), 0, 1)
    np.testing.assert_allclose(a + t[:, None] * (b - a), points, rtol=0, atol=1e-9)  # on its segment: distance 0


def test_honest_evaluation_matches_a_pipeline_built_by_hand():
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    result = imbalance.split_resample_score(X, Y, "smote", "logistic", random_state=2)
    Xtr, Xte, ytr, yte = train_test_split(X, Y, test_size=0.3, stratify=Y, random_state=2)
    Xr, yr = SMOTE(random_state=2).fit_resample(Xtr, ytr)
    predicted = LogisticRegression().fit(Xr, yr).predict(Xte)
    assert result.recall == pytest.approx(recall_score(yte, predicted))
    assert result.f1 == pytest.approx(f1_score(yte, predicted))
    assert result.balanced_accuracy == pytest.approx(balanced_accuracy_score(yte, predicted))
    assert np.bincount(result.test_y).tolist() == np.bincount(yte).tolist()  # the test set keeps the real imbalance


@pytest.mark.parametrize("truth, predicted", [
    ([0, 0, 1, 1, 1, 0, 1], [0, 1, 1, 0, 1, 0, 0]),
    ([0, 0, 1, 1], [0, 0, 0, 0]),      # nothing predicted positive: precision and F1 divide by zero
    ([0, 0, 0, 0], [0, 1, 0, 0]),      # no positives at all: recall divides by zero
    ([1, 1, 1], [1, 1, 1]),
])
def test_scores_equal_scikit_learn_including_zero_divisions(truth, predicted):
    from sklearn.metrics import precision_score
    truth, predicted = np.array(truth), np.array(predicted)
    expected = (recall_score(truth, predicted, zero_division=0), precision_score(truth, predicted, zero_division=0),
                f1_score(truth, predicted, zero_division=0))
    assert imbalance._binary_scores(truth, predicted)[:3] == pytest.approx(expected)
    if len(set(truth.tolist())) == 2:  # balanced accuracy needs both classes present
        assert imbalance._binary_scores(truth, predicted)[3] == pytest.approx(balanced_accuracy_score(truth, predicted))


def test_resampling_before_the_split_leaks_copies_into_the_test_set():
    leaky = imbalance.split_resample_score(X, Y, "random_over", "knn", resample_first=True, random_state=0)
    honest = imbalance.split_resample_score(X, Y, "random_over", "knn", resample_first=False, random_state=0)
    assert leaky.balanced_accuracy > honest.balanced_accuracy
    assert leaky.test_y.mean() == pytest.approx(0.5, abs=0.01)  # and the test set is no longer imbalanced


def test_resampling_raises_minority_recall_of_logistic_regression():
    X, y = imbalance.imbalanced_2d(600, 0.05, separation=0.8, random_state=4)
    plain = imbalance.split_resample_score(X, y, "none", "logistic", random_state=0)
    balanced = imbalance.split_resample_score(X, y, "random_over", "logistic", random_state=0)
    assert balanced.recall > plain.recall


@pytest.mark.parametrize("call, name", [
    (lambda: imbalance.resample(X, Y, "adasyn"), "method"),
    (lambda: imbalance.resample(X, Y[:-1], "none"), "y"),
    (lambda: imbalance.resample(X, np.r_[Y[:-1], 2], "none"), "y"),
    (lambda: imbalance.resample(X[:5], np.array([0, 0, 0, 0, 1]), "smote"), "y"),
    (lambda: imbalance.resample(np.c_[X[:, 0], np.r_[np.nan, X[1:, 1]]], Y, "none"), "X"),
    (lambda: imbalance.imbalanced_2d(minority=0.7), "minority"),
    (lambda: imbalance.split_resample_score(X, Y, "none", model="svm"), "model"),
])
def test_bad_inputs_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_resampling_without_segments_leaves_the_rows_as_they_were():
    drawn, bare = (imbalance.resample(X, Y, "smote", random_state=0, segments=flag) for flag in (True, False))
    np.testing.assert_array_equal(bare.X, drawn.X)
    np.testing.assert_array_equal(bare.synthetic, drawn.synthetic)
    assert len(drawn.segments) == drawn.synthetic.sum() > 0 and bare.segments.shape == (0, 2, X.shape[1])


def _rows(a):
    return {tuple(row) for row in np.round(a, 12)}


@pytest.mark.parametrize("method", imbalance.METHODS)
@pytest.mark.parametrize("resample_first", [False, True])
def test_test_rows_know_where_they_came_from_and_what_leaked(method, resample_first):
    """Counted from the rows themselves: a test row equal to a training row is a copy; one equal to no row of X is
    synthetic. After an honest split nothing leaks; before the split, oversampling leaks copies and SMOTE
    synthetic rows, while undersampling copies nothing."""
    e = imbalance.split_resample_score(X, Y, method, "logistic", resample_first=resample_first, random_state=0)
    originals = e.test_source >= 0
    np.testing.assert_array_equal(e.test_X[originals], X[e.test_source[originals]])
    np.testing.assert_array_equal(e.test_y[originals], Y[e.test_source[originals]])
    trained = e.train.source >= 0
    np.testing.assert_array_equal(e.train.X[trained], X[e.train.source[trained]])
    leak = imbalance.leaked_rows(e)
    training_rows, data_rows = _rows(e.train.X), _rows(X)
    assert leak.copies == sum(row in training_rows for row in map(tuple, np.round(e.test_X, 12)))
    assert leak.synthetic == sum(row not in data_rows for row in map(tuple, np.round(e.test_X, 12)))
    assert leak.copied_rows == len({row for row in map(tuple, np.round(e.test_X, 12)) if row in training_rows})
    effective = imbalance.effective_test_counts(e)
    for label in (0, 1):  # Kish's (Σw)² / Σw² from how often each distinct test row occurs
        weights = np.array(list(collections.Counter(map(tuple, e.test_X[e.test_y == label])).values()))
        assert effective[label] == pytest.approx(weights.sum() ** 2 / (weights ** 2).sum())
    if not resample_first or method in ("none", "random_under"):
        assert (leak.copies, leak.copied_rows, leak.synthetic) == (0, 0, 0)
        np.testing.assert_allclose(effective, np.bincount(e.test_y, minlength=2))
    elif method == "random_over":
        assert leak.copies > leak.copied_rows > 0 and leak.synthetic == 0
        assert effective[1] < len(_rows(e.test_X[e.test_y == 1])) < np.sum(e.test_y == 1)
    else:
        assert leak.copies == 0 and leak.synthetic > 0


def test_f1_gain_se_is_the_spread_of_a_paired_bootstrap_of_scikit_learns_f1():
    rng = np.random.default_rng(5)
    truth = (rng.random(300) < 0.1).astype(int)
    before = np.where(rng.random(300) < 0.85, truth, 1 - truth)
    after = np.where(rng.random(300) < 0.8, truth, 1 - truth)
    gains = []
    for _ in range(800):  # the reference: resample rows in pairs, score each with scikit-learn
        rows = rng.integers(0, 300, 300)
        gains.append(f1_score(truth[rows], after[rows], zero_division=0) -
                     f1_score(truth[rows], before[rows], zero_division=0))
    assert imbalance.f1_gain_se(truth, before, after, n_resamples=2000) == pytest.approx(np.std(gains, ddof=1), rel=0.1)
    assert imbalance._f1(truth, after) == pytest.approx(f1_score(truth, after))


def test_f1_gain_se_is_zero_when_the_two_classifiers_agree_on_every_row():
    truth = np.array([0, 1, 1, 0, 1, 0, 0, 1])
    predicted = np.array([0, 1, 0, 0, 1, 1, 0, 1])
    assert imbalance.f1_gain_se(truth, predicted, predicted) == 0.0


@pytest.mark.parametrize("before, after, name", [([0, 1], [0, 1, 1], "before and after"),
                                                 ([0, 2, 1], [0, 1, 1], "0/1")])
def test_f1_gain_se_rejects_bad_predictions(before, after, name):
    with pytest.raises(ValueError, match=name):
        imbalance.f1_gain_se([0, 1, 1], before, after)
