import numpy as np
import pytest
from sklearn.decomposition import PCA, FastICA

from engine import decomposition as dec


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("k", [1, 3, 5])
def test_pca_equals_sklearn_up_to_sign(seed, k):
    X = np.random.default_rng(seed).normal(size=(80, 6)) @ np.random.default_rng(seed + 10).normal(size=(6, 6))
    ours, ref = dec.pca(X, k), PCA(k).fit(X)
    signs = np.sign(np.sum(ours.components * ref.components_, axis=1))
    assert np.all(signs != 0)
    np.testing.assert_allclose(ours.components, ref.components_ * signs[:, None], atol=1e-9)
    np.testing.assert_allclose(ours.explained_variance_ratio, ref.explained_variance_ratio_, rtol=1e-9)
    np.testing.assert_allclose(ours.explained_variance, ref.explained_variance_, rtol=1e-9)
    np.testing.assert_allclose(ours.scores, ref.transform(X) * signs, atol=1e-9)


def test_pca_finds_the_known_axes_of_data_built_on_them():
    # Points on two orthogonal directions with known spreads: the axes and shares are exact.
    u, v = np.array([3.0, 4.0]) / 5, np.array([-4.0, 3.0]) / 5
    a, b = np.array([-3.0, -1, 1, 3]), np.array([-1.0, 1])
    X = np.array([s * u + t * v for s in a for t in b]) + [2.0, -1.0]
    fit = dec.pca(X, 2)
    np.testing.assert_allclose(np.abs(fit.components @ u), [1, 0], atol=1e-12)
    np.testing.assert_allclose(fit.explained_variance_ratio, [5 / 6, 1 / 6], rtol=1e-12)  # var(a)=5, var(b)=1


def test_correlated_cloud_has_the_true_first_share_in_large_samples():
    for rho in (-0.8, 0.0, 0.5, 0.9):
        X = dec.correlated_cloud(20000, rho, random_state=1)
        assert np.corrcoef(X.T)[0, 1] == pytest.approx(rho, abs=0.02)
        assert dec.pca(X, 2).explained_variance_ratio[0] == pytest.approx((1 + abs(rho)) / 2, abs=0.02)


def test_pca_scores_are_uncorrelated():
    X = dec.correlated_cloud(500, 0.7, random_state=3)
    assert abs(np.corrcoef(dec.pca(X, 2).scores.T)[0, 1]) < 1e-10


def test_mixed_signals_contract():
    m = dec.mixed_signals()
    assert m.sources.shape == (2000, 2) and m.mixing.shape == (2, 2) and m.observed.shape == (2000, 2)
    np.testing.assert_allclose(m.observed, m.sources @ m.mixing.T)
    assert abs(m.mixing[:, 0] @ m.mixing[:, 1]) > 0.1  # columns not orthogonal
    kurtosis = (m.sources**4).mean(axis=0) - 3
    assert np.all(np.abs(kurtosis) > 0.5)  # non-Gaussian
    assert abs(np.corrcoef(m.sources.T)[0, 1]) < 0.05


def test_on_the_defaults_ica_recovers_both_sources_and_pca_does_not():
    m = dec.mixed_signals()
    ica, _ = dec.match_sources(dec.unmix(m.observed, "ica"), m.sources)
    pca, _ = dec.match_sources(dec.unmix(m.observed, "pca"), m.sources)
    assert ica.min() >= 0.95 and pca.min() < 0.95


def test_unmix_ica_is_sklearns_fastica():
    m = dec.mixed_signals(1000, 2, kind="laplace")
    ref = FastICA(2, whiten="unit-variance", random_state=2, max_iter=1000, tol=1e-5).fit_transform(m.observed)
    np.testing.assert_allclose(dec.unmix(m.observed, "ica", random_state=2), ref / ref.std(axis=0), atol=1e-9)


def test_match_sources_undoes_order_and_sign():
    s = dec.source_signals("laplace", 500, 0)
    matched, aligned = dec.match_sources(np.c_[-2 * s[:, 1], s[:, 0]], s)
    np.testing.assert_allclose(matched, [1, 1])
    np.testing.assert_allclose(aligned[:, 0], s[:, 0])
    np.testing.assert_allclose(aligned[:, 1] / np.abs(aligned[:, 1]).max(), s[:, 1] / np.abs(s[:, 1]).max())


@pytest.mark.parametrize("call, name", [
    (lambda: dec.pca(np.ones((5, 3)), 4), "n_components"),
    (lambda: dec.pca(np.ones(5), 1), "X"),
    (lambda: dec.pca([[1.0, np.nan], [0, 1]], 1), "X"),
    (lambda: dec.correlated_cloud(100, 1.0), "correlation"),
    (lambda: dec.mixed_signals(10), "n_samples"),
    (lambda: dec.mixed_signals(kind="music"), "kind"),
    (lambda: dec.mixed_signals(mixing=[[1, 2], [2, 4]]), "mixing"),
    (lambda: dec.unmix(np.ones((100, 3)), "ica"), "observed"),
    (lambda: dec.unmix(np.random.default_rng(0).normal(size=(100, 2)), "svd"), "method"),
])
def test_bad_inputs_raise_value_error_naming_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()
