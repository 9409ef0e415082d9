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
