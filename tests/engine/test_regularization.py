import numpy as np
import pytest
from sklearn.linear_model import ElasticNet, Lasso, Ridge, lasso_path

from engine import regularization as reg

ALPHAS = np.logspace(-3, 3, 13)


@pytest.fixture(scope="module")
def data():
    return reg.sparse_regression(60, 8, 3, 1.0, 0.3, random_state=0)


@pytest.mark.parametrize("penalty, make", [
    ("l1", lambda a: Lasso(alpha=a, tol=1e-10, max_iter=100_000)),
    ("l2", lambda a: Ridge(alpha=a)),
    ("elasticnet", lambda a: ElasticNet(alpha=a, l1_ratio=0.3, tol=1e-10, max_iter=100_000)),
])
def test_each_row_is_the_sklearn_estimator_at_that_alpha(data, penalty, make):
    path = reg.coefficient_path(data.X, data.y, penalty, ALPHAS, l1_ratio=0.3)
    assert path.coefs.shape == (len(ALPHAS), 8) and path.n_zero.shape == (len(ALPHAS),)
    np.testing.assert_array_equal(path.alphas, ALPHAS)
    for alpha, row in zip(ALPHAS, path.coefs):
        np.testing.assert_allclose(row, make(alpha).fit(data.X, data.y).coef_, atol=1e-8)
    np.testing.assert_array_equal(path.n_zero, (path.coefs == 0).sum(axis=1))


def test_a_large_alpha_converges_where_the_default_tolerance_may_stop_early(data):
    """lasso_path on centred data (scikit-learn's own path) agrees with the tight-tolerance fits."""
    Xc, yc = data.X - data.X.mean(0), data.y - data.y.mean()
    alphas, ref, _ = lasso_path(Xc, yc, alphas=ALPHAS[::-1], tol=1e-12, max_iter=100_000)
    path = reg.coefficient_path(data.X, data.y, "l1", alphas)
    np.testing.assert_allclose(path.coefs, ref.T, atol=1e-7)


def test_lasso_soft_thresholds_orthonormal_features_as_the_closed_form_says():
    """Known truth: with XᵀX / n = I, lasso is the soft threshold of the least-squares fit."""
    rng = np.random.default_rng(1)
    Q, _ = np.linalg.qr(rng.normal(size=(50, 4)))
    X = Q * np.sqrt(50)
    X -= X.mean(0)
    Q2, _ = np.linalg.qr(X)
    X = Q2 * np.sqrt(50)  # centred and orthogonal: XᵀX / n = I
    y = X @ np.array([2.0, -1.0, 0.3, 0.0]) + 0.1 * rng.normal(size=50)
    ols = X.T @ (y - y.mean()) / 50
    for alpha in (0.05, 0.5, 1.5):
        expected = np.sign(ols) * np.maximum(np.abs(ols) - alpha, 0)
        np.testing.assert_allclose(reg.coefficient_path(X, y, "l1", [alpha]).coefs[0], expected, atol=1e-8)
        ridge = ols * 50 / (50 + alpha)
        np.testing.assert_allclose(reg.coefficient_path(X, y, "l2", [alpha]).coefs[0], ridge, atol=1e-10)


def test_lasso_zeros_grow_and_ridge_has_none(data):
    l1 = reg.coefficient_path(data.X, data.y, "l1", ALPHAS)
    l2 = reg.coefficient_path(data.X, data.y, "l2", ALPHAS)
    assert l1.n_zero[0] == 0 and l1.n_zero[-1] == 8
    assert np.all(l2.n_zero == 0)
    assert np.all(l2.n_iter == 0) and np.all(l1.n_iter[:4] >= 1)


def test_sparse_regression_has_the_stated_coefficients():
    data = reg.sparse_regression(5000, 6, 3, 0.5, 0.0, random_state=2)
    np.testing.assert_allclose(data.true_coef, [3.0, -2.5, 2.0, 0, 0, 0])
    fit = np.linalg.lstsq(np.c_[data.X, np.ones(5000)], data.y, rcond=None)[0][:6]
    np.testing.assert_allclose(fit, data.true_coef, atol=0.05)
    corr = np.corrcoef(reg.sparse_regression(5000, 3, 1, 1.0, 0.6, random_state=0).X.T)
    assert corr[0, 1] == pytest.approx(0.6, abs=0.03)


@pytest.mark.parametrize("penalty", ["l1", "l2"])
def test_constraint_picture_the_contour_touches_the_region_at_the_solution(data, penalty):
    X, y = data.X[:, :2], data.y
    pic = reg.constraint_picture(X, y, penalty, 0.3 if penalty == "l1" else 30.0)
    H = pic.hessian
    level = (pic.coef - pic.ols) @ H @ (pic.coef - pic.ols)
    on_contour = np.einsum("ij,jk,ik->i", pic.contour - pic.ols, H, pic.contour - pic.ols)
    np.testing.assert_allclose(on_contour, level, rtol=1e-9)
    # every contour point is outside (or on) the region: the solution is the region's closest point in loss
    norms = np.abs(pic.contour).sum(1) if penalty == "l1" else np.linalg.norm(pic.contour, axis=1)
    assert norms.min() >= pic.budget - 1e-6
    ref = (Lasso(alpha=0.3, tol=1e-12, max_iter=100_000) if penalty == "l1" else Ridge(alpha=30.0 * len(X))).fit(X, y)
    np.testing.assert_allclose(pic.coef, ref.coef_, atol=1e-8)
    Xc = X - X.mean(0)
    np.testing.assert_allclose(pic.ols, np.linalg.lstsq(Xc, y - y.mean(), rcond=None)[0])


@pytest.mark.parametrize("kwargs, match", [
    (dict(penalty="l3"), "penalty"), (dict(alphas=[0.0]), "alpha"), (dict(alphas=[]), "alphas"),
    (dict(l1_ratio=1.5, penalty="elasticnet"), "l1_ratio"), (dict(y=np.zeros(3)), "y"),
])
def test_bad_inputs_raise(data, kwargs, match):
    args = dict(X=data.X, y=data.y, penalty="l1", alphas=[0.1]) | kwargs
    with pytest.raises(ValueError, match=match):
        reg.coefficient_path(**args)


def test_bad_data_settings_raise():
    with pytest.raises(ValueError, match="correlation"):
        reg.sparse_regression(correlation=1.0)
    with pytest.raises(ValueError, match="n_informative"):
        reg.sparse_regression(d=3, n_informative=4)
    with pytest.raises(ValueError, match="2 features"):
        reg.constraint_picture(np.zeros((5, 3)), np.zeros(5), "l1", 0.1)
