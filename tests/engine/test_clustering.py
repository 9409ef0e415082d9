import warnings

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from engine import clustering
from engine.datasets import clustering_2d


@pytest.mark.parametrize("init", clustering.INITS)
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("dataset", ["blobs", "uneven", "stretched"])
def test_kmeans_converges_to_sklearn_lloyd_from_the_same_start(init, seed, dataset):
    X, _ = clustering_2d(dataset, 300, 3, random_state=seed)
    steps = clustering.kmeans_steps(X, 3, init=init, random_state=seed)
    start = steps[0].centers
    ref = KMeans(3, init=start, n_init=1, algorithm="lloyd", tol=0, max_iter=300).fit(X)
    np.testing.assert_allclose(steps[-1].centers, ref.cluster_centers_, atol=1e-9)
    np.testing.assert_array_equal(steps[-1].labels, ref.labels_)
    assert steps[-1].inertia == pytest.approx(ref.inertia_, rel=1e-9)


@pytest.mark.parametrize("k_true, k, init, seed", [(6, 5, "bad", 0), (6, 8, "bad", 3), (2, 8, "random", 1),
                                                   (4, 7, "bad", 5), (3, 6, "k-means++", 2)])
def test_kmeans_relocates_empty_clusters_as_sklearn_lloyd_does(k_true, k, init, seed):
    """Uneven data and more centres than clusters empty a cluster on the way; the final centres, labels,
    inertia and iteration count still equal scikit-learn's Lloyd from the same start."""
    X, _ = clustering_2d("uneven", 300, k_true, random_state=seed)
    steps = clustering.kmeans_steps(X, k, init=init, random_state=seed)
    ref = KMeans(k, init=steps[0].centers, n_init=1, algorithm="lloyd", tol=0, max_iter=300).fit(X)
    np.testing.assert_allclose(steps[-1].centers, ref.cluster_centers_, atol=1e-9)
    np.testing.assert_array_equal(steps[-1].labels, ref.labels_)
    assert steps[-1].inertia == pytest.approx(ref.inertia_, rel=1e-9)
    assert steps[-1].iteration + 1 == ref.n_iter_  # scikit-learn also counts the last pass, which changes nothing
    assert np.all(np.diff([s.inertia for s in steps]) <= 1e-9)


def test_the_issue_case_uneven_six_clusters_k5_bad_start_seed0():
    X, _ = clustering_2d("uneven", 300, 6, random_state=0)
    steps = clustering.kmeans_steps(X, 5, init="bad", random_state=0)
    assert steps[-1].inertia == pytest.approx(801.054, abs=1e-3)  # it kept an empty centre and ended at 1198.4


def test_an_empty_cluster_takes_the_point_farthest_from_its_centre():
    """A known case: one start centre far from every point gets none; it moves onto the farthest point, which
    leaves its old cluster's mean."""
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [10.0, 0.0], [11.0, 0.0]])
    start = np.array([[0.5, 0.5], [10.5, 0.0], [100.0, 100.0]])
    steps = clustering.kmeans_steps(X, 3, init=start)
    update = steps[1]
    assert update.kind == "update"
    # distances to the assigned centres: 0.5, 0.5, 0.5, 0.25, 0.25 -> the first farthest in scikit-learn's order
    far = int(np.argpartition(np.sum((X - start[[0, 0, 0, 1, 1]]) ** 2, axis=1), -1)[-1])
    np.testing.assert_array_equal(update.centers[2], X[far])
    assert update.labels[far] == 2
    others = [i for i in range(3) if i != far]
    np.testing.assert_allclose(update.centers[0], X[others].mean(axis=0))
    ref = KMeans(3, init=start, n_init=1, algorithm="lloyd", tol=0).fit(X)
    np.testing.assert_allclose(steps[-1].centers, ref.cluster_centers_, atol=1e-12)
    assert np.all(np.diff([s.inertia for s in steps]) <= 1e-12)


def test_kmeans_half_steps_alternate_and_inertia_never_rises():
    X, _ = clustering_2d("uneven", 300, 4, random_state=5)
    steps = clustering.kmeans_steps(X, 4, init="random", random_state=5)
    kinds = [s.kind for s in steps]
    assert kinds[0] == "assign" and kinds[-1] == "assign"
    assert all(a != b for a, b in zip(kinds, kinds[1:]))
    assert np.all(np.diff([s.inertia for s in steps]) <= 1e-9)
    assert np.array_equal(steps[-1].labels, steps[-2].labels)  # converged: the last assign changed nothing


def test_kmeans_accepts_an_explicit_start_and_is_deterministic():
    X, _ = clustering_2d("blobs", 100, 2, random_state=0)
    start = X[:2]
    a = clustering.kmeans_steps(X, 2, init=start)
    b = clustering.kmeans_steps(X, 2, init=start)
    np.testing.assert_array_equal(a[0].centers, start)
    assert [s.inertia for s in a] == [s.inertia for s in b]


def test_bad_start_is_worse_than_kmeans_plus_plus():
    X, _ = clustering_2d("blobs", 300, 3, random_state=0)
    bad = clustering.kmeans_steps(X, 3, init="bad", random_state=0)[-1].inertia
    good = clustering.kmeans_steps(X, 3, init="k-means++", random_state=0)[-1].inertia
    assert bad > 2 * good


def test_elbow_decreases_with_k():
    X, _ = clustering_2d("blobs", 200, 3)
    assert np.all(np.diff(clustering.elbow(X, range(1, 7))) < 0)


@pytest.mark.parametrize("dataset", ["blobs", "stretched"])
@pytest.mark.parametrize("iterations", [1, 4, 15])
def test_em_matches_sklearn_gaussian_mixture_from_the_same_start(dataset, iterations):
    X, _ = clustering_2d(dataset, 300, 3, random_state=2)
    steps = clustering.gmm_em_steps(X, 3, max_iter=iterations, tol=-np.inf, random_state=2)
    weights, means, covariances = clustering.gmm_initial(X, 3, random_state=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = GaussianMixture(3, weights_init=weights, means_init=means, precisions_init=np.linalg.inv(covariances),
                              max_iter=iterations, tol=0, reg_covar=clustering.REG_COVAR).fit(X)
    last = steps[-1]
    assert last.kind == "M" and last.iteration == iterations
    np.testing.assert_allclose(last.weights, ref.weights_, atol=1e-10)
    np.testing.assert_allclose(last.means, ref.means_, atol=1e-10)
    np.testing.assert_allclose(last.covariances, ref.covariances_, atol=1e-10)
    assert last.log_likelihood == pytest.approx(ref.score(X), rel=1e-10)


def test_em_shapes_and_never_decreasing_likelihood():
    X, _ = clustering_2d("uneven", 250, 4, random_state=3)
    steps = clustering.gmm_em_steps(X, 4, random_state=3)
    for s in steps:
        assert s.weights.shape == (4,) and s.means.shape == (4, 2) and s.covariances.shape == (4, 2, 2)
        assert s.responsibilities.shape == (250, 4)
        np.testing.assert_allclose(s.responsibilities.sum(axis=1), 1.0)
    assert np.all(np.diff([s.log_likelihood for s in steps]) >= -1e-12)


def test_mixture_recovers_stretched_clusters_where_kmeans_fails():
    from sklearn.metrics import adjusted_rand_score as ari
    X, truth = clustering_2d("stretched", 300, 3, random_state=0)
    em = clustering.gmm_em_steps(X, 3, random_state=0)[-1].responsibilities.argmax(axis=1)
    km = clustering.kmeans_steps(X, 3, random_state=0)[-1].labels
    assert ari(truth, em) > 0.9 > 0.5 > ari(truth, km)


def test_ellipse_lies_on_the_mahalanobis_contour():
    cov = np.array([[2.0, 0.8], [0.8, 0.5]])
    points = clustering.ellipse([1.0, -1.0], cov, n_std=2.0)
    d = points - [1.0, -1.0]
    np.testing.assert_allclose(np.einsum("ij,jk,ik->i", d, np.linalg.inv(cov), d), 4.0)


@pytest.mark.parametrize("call, name", [
    (lambda X: clustering.kmeans_steps(X, 0), "k"),
    (lambda X: clustering.kmeans_steps(X, 500), "k"),
    (lambda X: clustering.kmeans_steps(X, 2, init="far"), "init"),
    (lambda X: clustering.kmeans_steps(X, 2, init=np.zeros((3, 2))), "init"),
    (lambda X: clustering.kmeans_steps(X, 2, max_iter=0), "max_iter"),
    (lambda X: clustering.gmm_em_steps(X, 0), "k"),
    (lambda X: clustering.kmeans_steps(np.r_[X, [[np.nan, 0]]], 2), "X"),
    (lambda X: clustering.kmeans_steps(X[:, 0], 2), "X"),
])
def test_bad_inputs_name_the_parameter(call, name):
    X, _ = clustering_2d("blobs", 100, 3)
    with pytest.raises(ValueError, match=name):
        call(X)


def test_em_lower_bound_touches_after_e_steps_and_rises_every_half_step():
    X, _ = clustering_2d("stretched", 300, 3, random_state=0)
    steps = clustering.gmm_em_steps(X, 3, random_state=0)
    for before, step in zip(steps, steps[1:]):
        assert step.lower_bound <= step.log_likelihood + 1e-12
        if step.kind == "E":  # parameters unchanged, bound lifted onto log L
            assert step.log_likelihood == before.log_likelihood
            assert step.lower_bound == pytest.approx(step.log_likelihood, abs=1e-12)
        assert step.lower_bound >= before.lower_bound - 1e-12  # an M-step raises the bound (and log L)
    assert steps[0].lower_bound < steps[0].log_likelihood - 0.1  # uniform q at the start: a real gap


def test_em_lower_bound_is_the_elbo_computed_directly():
    """ELBO = Σ q log p(x, z) − Σ q log q, with p from scipy's multivariate normal (a closed form, not the engine)."""
    from scipy.stats import multivariate_normal
    X, _ = clustering_2d("blobs", 120, 2, random_state=4)
    steps = clustering.gmm_em_steps(X, 2, max_iter=3, tol=-np.inf, random_state=4)
    for step in steps:
        log_joint = np.column_stack([np.log(w) + multivariate_normal(m, c).logpdf(X)
                                     for w, m, c in zip(step.weights, step.means, step.covariances)])
        q = step.responsibilities
        expected = np.mean(np.sum(q * log_joint - q * np.log(q), axis=1))
        assert step.lower_bound == pytest.approx(expected, rel=1e-10)


def test_em_reg_covar_matches_sklearn():
    X, _ = clustering_2d("uneven", 300, 4, random_state=1)
    steps = clustering.gmm_em_steps(X, 4, max_iter=8, tol=-np.inf, random_state=1, reg_covar=0.1)
    weights, means, covariances = clustering.gmm_initial(X, 4, random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = GaussianMixture(4, weights_init=weights, means_init=means, precisions_init=np.linalg.inv(covariances),
                              max_iter=8, tol=0, reg_covar=0.1).fit(X)
    np.testing.assert_allclose(steps[-1].covariances, ref.covariances_, atol=1e-10)
    np.testing.assert_array_equal(clustering.gmm_predict(X, steps[-1].weights, steps[-1].means, steps[-1].covariances),
                                  ref.predict(X))


@pytest.mark.parametrize("covariance_type", clustering.COVARIANCE_TYPES)
@pytest.mark.parametrize("k", [1, 3, 5])
def test_parameter_counts_and_bic_match_sklearn(covariance_type, k):
    X, _ = clustering_2d("blobs", 150, 3, random_state=0)
    model = GaussianMixture(k, covariance_type=covariance_type, reg_covar=clustering.REG_COVAR,
                            random_state=0).fit(X)
    p = clustering.mixture_n_parameters(k, 2, covariance_type)
    assert p == model._n_parameters()
    assert model.bic(X) == pytest.approx(-2 * model.score(X) * len(X) + p * np.log(len(X)))
    bic = clustering.bic_over_k(X, [k], [covariance_type], random_state=0)[covariance_type]
    assert bic[0] == pytest.approx(model.bic(X))


def test_parameter_counts_by_hand_in_three_dimensions():
    # k = 2, d = 3: weights 1, means 6; full 2·6, diag 2·3, spherical 2, tied 6
    assert [clustering.mixture_n_parameters(2, 3, t) for t in ("full", "diag", "spherical", "tied")] == [19, 13, 9, 13]


def test_collapse_curve_grows_without_bound_and_matches_a_direct_sum():
    from scipy.stats import multivariate_normal
    X, _ = clustering_2d("blobs", 100, 2, random_state=0)
    last = clustering.gmm_em_steps(X, 2, random_state=0)[-1]
    variances = np.logspace(0, -40, 41)
    curve = clustering.collapse_curve(X, last.weights, last.means, last.covariances, variances, point=7)
    n = len(X)
    for s2, value in zip(variances[[0, 10, 40]], curve[[0, 10, 40]]):
        density = sum(w * multivariate_normal(m, c).pdf(X) for w, m, c in zip(last.weights, last.means, last.covariances))
        log_spike = np.log(1 / n) + multivariate_normal(X[7], s2 * np.eye(2)).logpdf(X)
        expected = np.mean(np.logaddexp(np.log((1 - 1 / n) * density), log_spike))
        assert value == pytest.approx(expected, rel=1e-9)
    assert np.all(np.diff(curve[10:]) > 0) and curve[-1] > last.log_likelihood + 0.5  # unbounded as s² → 0
    with pytest.raises(ValueError, match="variances"):
        clustering.collapse_curve(X, last.weights, last.means, last.covariances, [0.0])
