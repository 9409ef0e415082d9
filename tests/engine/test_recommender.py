import numpy as np
import pytest
import torch

from engine import recommender


def test_synthetic_ratings_contract():
    r = recommender.synthetic_ratings()
    assert r.observed.shape == r.full.shape == (60, 40)
    assert np.linalg.matrix_rank(r.full) == 3
    assert abs(r.full.mean()) < 0.2 and 0.6 < r.full.std() < 1.4  # zero-centred, no star offset
    known = ~np.isnan(r.observed)
    assert 0.25 < known.mean() < 0.4 and known.any(axis=1).all()
    assert np.std(r.observed[known] - r.full[known]) == pytest.approx(0.1, rel=0.15)


def test_noise_free_full_matrix_of_rank_k_is_fitted_by_k_factors():
    r = recommender.synthetic_ratings(30, 20, rank=2, density=1.0, noise=0.0, random_state=1)
    fit = recommender.factorize(r.observed, 2, lr=0.05, reg=0.0, epochs=300, test_fraction=0.2, random_state=1)
    assert fit.train_rmse[-1] < 0.01 and fit.test_rmse[-1] < 0.05   # the truth is reachable and generalises
    assert np.sqrt(np.mean((fit.prediction - r.full) ** 2)) < 0.05


def test_sgd_step_is_a_gradient_step_computed_by_torch_autograd():
    rng = np.random.default_rng(0)
    P, Q = rng.normal(0, 0.1, (5, 3)), rng.normal(0, 0.1, (4, 3))
    rows, cols = rng.integers(5, size=30), rng.integers(4, size=30)
    values, lr, reg = rng.normal(size=30), 0.1, 0.05
    ours_P, ours_Q = P.tolist(), Q.tolist()
    recommender.sgd_epoch(ours_P, ours_Q, rows.tolist(), cols.tolist(), values.tolist(), lr, reg)
    tP, tQ = torch.tensor(P, requires_grad=True), torch.tensor(Q, requires_grad=True)
    for i, j, r in zip(rows, cols, values):
        loss = 0.5 * (r - tP[i] @ tQ[j]) ** 2 + 0.5 * reg * (tP[i] @ tP[i] + tQ[j] @ tQ[j])
        gP, gQ = torch.autograd.grad(loss, (tP, tQ))
        with torch.no_grad():
            tP -= lr * gP
            tQ -= lr * gQ
    np.testing.assert_allclose(ours_P, tP.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(ours_Q, tQ.detach().numpy(), atol=1e-12)


def test_rmse_is_measured_on_each_split_after_each_epoch():
    r = recommender.synthetic_ratings(random_state=2)
    fit = recommender.factorize(r.observed, 3, lr=0.05, epochs=5, random_state=2)
    assert fit.train_rmse.shape == fit.test_rmse.shape == (5,)
    assert not (fit.train_mask & fit.test_mask).any()
    assert (fit.train_mask | fit.test_mask).sum() == (~np.isnan(r.observed)).sum()
    assert fit.test_mask.sum() == round(0.2 * (~np.isnan(r.observed)).sum())
    last = np.sqrt(np.mean((r.observed[fit.test_mask] - fit.prediction[fit.test_mask]) ** 2))
    assert fit.test_rmse[-1] == pytest.approx(last)
    assert fit.P.shape == (60, 3) and fit.Q.shape == (40, 3)


def test_too_large_a_learning_rate_diverges_and_no_regularisation_overfits():
    r = recommender.synthetic_ratings(density=0.5)
    assert recommender.factorize(r.observed, 3, lr=0.5, reg=0.0, epochs=30).diverged
    loose = recommender.factorize(r.observed, 10, lr=0.05, reg=0.0, epochs=60)
    right = recommender.factorize(r.observed, 3, lr=0.05, reg=0.02, epochs=60)
    assert loose.train_rmse[-1] < right.train_rmse[-1] and loose.test_rmse[-1] > right.test_rmse[-1]


def test_factorize_is_deterministic():
    R = recommender.synthetic_ratings(20, 10, 2).observed
    a, b = (recommender.factorize(R, 2, epochs=3, random_state=4) for _ in range(2))
    np.testing.assert_array_equal(a.P, b.P)


@pytest.mark.parametrize("call, name", [
    (lambda: recommender.synthetic_ratings(rank=0), "rank"),
    (lambda: recommender.synthetic_ratings(density=0), "density"),
    (lambda: recommender.synthetic_ratings(500, 500), "n_users"),
    (lambda: recommender.factorize(np.ones((4, 3)), 4), "k"),
    (lambda: recommender.factorize(np.ones((4, 3)), 2, lr=2), "lr"),
    (lambda: recommender.factorize(np.ones((4, 3)), 2, reg=-1), "reg"),
    (lambda: recommender.factorize(np.ones((4, 3)), 2, epochs=0), "epochs"),
    (lambda: recommender.factorize(np.ones(4), 1), "R"),
    (lambda: recommender.factorize(np.full((4, 3), np.nan), 1), "R"),
])
def test_bad_inputs_raise_value_error_naming_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_latent_map_matches_truncated_svd_and_no_rotation_of_the_factors_changes_it():
    from scipy.stats import special_ortho_group
    from sklearn.decomposition import TruncatedSVD

    Q = np.random.default_rng(0).normal(size=(40, 5)) * [3.0, 1.0, 2.0, 0.5, 0.2]
    view = recommender.latent_map(Q)
    svd = TruncatedSVD(n_components=2, algorithm="arpack").fit(Q)
    np.testing.assert_allclose(np.abs(view.coords), np.abs(svd.transform(Q)), atol=1e-9)  # equal up to sign
    assert view.share == pytest.approx(np.sum(svd.singular_values_ ** 2) / np.sum(Q ** 2))
    rotated = recommender.latent_map(Q @ special_ortho_group.rvs(5, random_state=1))
    np.testing.assert_allclose(rotated.coords, view.coords, atol=1e-9)  # same view, signs included
    assert rotated.share == pytest.approx(view.share)
    # Known case: factors that only use two directions are drawn whole, their distances kept.
    flat = np.column_stack([Q[:, :2], np.zeros(40), np.zeros(40), np.zeros(40)])
    exact = recommender.latent_map(flat @ special_ortho_group.rvs(5, random_state=2))
    assert exact.share == pytest.approx(1.0)
    np.testing.assert_allclose(np.linalg.norm(exact.coords[:, None] - exact.coords[None], axis=-1),
                               np.linalg.norm(Q[:, None, :2] - Q[None, :, :2], axis=-1), atol=1e-9)
    assert (view.coords[np.abs(view.coords).argmax(axis=0), [0, 1]] > 0).all()
    for bad in (np.ones((5, 1)), np.array([[1.0, np.nan], [0.0, 1.0]])):
        with pytest.raises(ValueError, match="Q"):
            recommender.latent_map(bad)
