import numpy as np
import pytest
from sklearn.manifold import TSNE
from sklearn.manifold import trustworthiness as sk_trustworthiness

from engine import embedding


@pytest.mark.parametrize("k", [1, 5, 12])
@pytest.mark.parametrize("seed", [0, 1])
def test_trustworthiness_equals_sklearn_on_tie_free_data(k, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(60, 5))
    Y = X[:, :2] + rng.normal(scale=0.5, size=(60, 2))
    assert embedding.trustworthiness(X, Y, k) == pytest.approx(sk_trustworthiness(X, Y, n_neighbors=k), abs=1e-12)


def test_trustworthiness_known_values():
    X = np.random.default_rng(0).normal(size=(40, 3))
    assert embedding.trustworthiness(X, X, 5) == pytest.approx(1.0)      # the identity map has no intruders
    assert embedding.trustworthiness(X, 2 * X + 1, 5) == pytest.approx(1.0)
    # Points on a line, embedded in reverse order of distance: the worst neighbours become the nearest.
    line = np.arange(12.0)[:, None]
    assert embedding.trustworthiness(line, line, 2) == pytest.approx(1.0)
    assert embedding.trustworthiness(line, np.sin(line * 7.3), 2) < 0.9


def test_trustworthiness_on_digits_is_close_to_sklearn_despite_ties():
    X, _ = embedding.digits_subset(200, 0)  # integer pixels: tied distances, broken in any order
    Y = embedding.pca_2d(X)
    assert embedding.trustworthiness(X, Y, 5) == pytest.approx(sk_trustworthiness(X, Y, n_neighbors=5), abs=1e-3)


def test_tsne_is_sklearns_tsne():
    X, _ = embedding.digits_subset(80, 1)
    ours = embedding.tsne(X, perplexity=10, random_state=1, max_iter=250)
    ref = TSNE(2, perplexity=10, max_iter=250, init="pca", random_state=1, n_jobs=1).fit_transform(X)
    assert ours.shape == (80, 2)
    np.testing.assert_allclose(ours, ref, rtol=1e-6, atol=1e-6)


def test_tsne_separates_well_separated_clusters():
    rng = np.random.default_rng(0)
    centres = np.eye(10)[:3] * 20
    X = np.concatenate([c + rng.normal(size=(30, 10)) for c in centres])
    Y = embedding.tsne(X, perplexity=10, max_iter=500)
    labels = np.repeat(np.arange(3), 30)
    assert embedding.trustworthiness(X, Y, 5) > 0.9
    # every point is nearer its own cluster's centre on the map than any other cluster's
    means = np.array([Y[labels == c].mean(axis=0) for c in range(3)])
    assert np.all(np.argmin(((Y[:, None] - means) ** 2).sum(-1), axis=1) == labels)


def test_perplexity_not_below_n_raises_a_clear_error():
    X = np.random.default_rng(0).normal(size=(30, 4))
    with pytest.raises(ValueError, match="perplexity must be below the number of points"):
        embedding.tsne(X, perplexity=30)


def test_cluster_geometry_of_a_scaled_copy_scales():
    X = np.random.default_rng(0).normal(size=(30, 2))
    labels = np.repeat([0, 1, 2], 10)
    g = embedding.cluster_geometry(X, 3 * X, labels)
    np.testing.assert_allclose(g.spread_embedded, 3 * g.spread_original)
    np.testing.assert_allclose(g.gaps_embedded, 3 * g.gaps_original)


@pytest.mark.parametrize("call, name", [
    (lambda: embedding.tsne(np.ones((10, 3)), perplexity=0), "perplexity"),
    (lambda: embedding.tsne(np.ones((10, 3)), perplexity=2, max_iter=10), "max_iter"),
    (lambda: embedding.tsne(np.ones((10, 3)), perplexity=2, learning_rate=0.0), "learning_rate"),
    (lambda: embedding.tsne(np.ones((10, 3)), perplexity=2, pca_first=5), "pca_first"),
    (lambda: embedding.trustworthiness(np.ones((10, 3)), np.ones((9, 2))), "X and Y"),
    (lambda: embedding.trustworthiness(np.ones((10, 3)), np.ones((10, 2)), 5), "n_neighbors"),
    (lambda: embedding.digits_subset(5000), "n_samples"),
])
def test_bad_inputs_raise_value_error_naming_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()
