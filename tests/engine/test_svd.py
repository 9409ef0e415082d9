import numpy as np
import pytest
from sklearn.decomposition import TruncatedSVD

from engine import svd


@pytest.mark.parametrize("k", [0, 1, 3, 7, 10])
def test_low_rank_error_is_the_tail_of_the_singular_values(k):
    A = np.random.default_rng(k).normal(size=(12, 10))
    fit = svd.low_rank(A, k)
    s = np.linalg.svd(A, compute_uv=False)
    np.testing.assert_allclose(fit.singular_values, s)
    assert fit.error == pytest.approx(np.sqrt(np.sum(s[k:] ** 2)), abs=1e-10)   # Eckart–Young
    assert fit.error == pytest.approx(svd.tail_energy(s, k), abs=1e-10)
    assert fit.relative_error == pytest.approx(fit.error / np.linalg.norm(A))
    assert fit.stored == k * (12 + 10 + 1)
    assert np.linalg.matrix_rank(fit.approx) == k


@pytest.mark.parametrize("k", [1, 2, 5])
def test_low_rank_matches_sklearn_truncated_svd(k):
    A = np.random.default_rng(1).normal(size=(30, 8))
    ref = TruncatedSVD(k, algorithm="arpack").fit(A)
    np.testing.assert_allclose(svd.low_rank(A, k).approx, ref.inverse_transform(ref.transform(A)), atol=1e-9)
    np.testing.assert_allclose(svd.low_rank(A, k).singular_values[:k], ref.singular_values_, rtol=1e-9)


def test_a_matrix_of_known_rank_is_recovered_exactly():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(20, 3)) @ rng.normal(size=(3, 15))
    assert svd.low_rank(A, 3).error < 1e-10
    assert svd.low_rank(A, 2).error > 0.1
    assert np.all(svd.low_rank(A, 3).singular_values[3:] < 1e-10)


def test_a_diagonal_matrix_keeps_its_largest_entries():
    fit = svd.low_rank(np.diag([1.0, 5.0, 3.0]), 2)
    np.testing.assert_allclose(fit.approx, np.diag([0.0, 5.0, 3.0]), atol=1e-12)
    np.testing.assert_allclose(fit.singular_values, [5, 3, 1])
    assert fit.error == pytest.approx(1.0)


def test_reusing_the_decomposition_gives_the_same_result():
    A = np.random.default_rng(3).normal(size=(9, 9))
    np.testing.assert_allclose(svd.low_rank(A, 4, svd=svd.decompose(A)).approx, svd.low_rank(A, 4).approx)


@pytest.mark.parametrize("name", svd.IMAGES)
def test_images_are_square_in_the_unit_range(name):
    img = svd.image(name, 64)
    assert img.shape == (64, 64) and img.min() >= 0 and img.max() <= 1 and img.std() > 0.05


@pytest.mark.parametrize("call, name", [
    (lambda: svd.low_rank(np.ones((4, 3)), 4), "k"),
    (lambda: svd.low_rank(np.ones((4, 3)), -1), "k"),
    (lambda: svd.low_rank(np.ones(4), 1), "A"),
    (lambda: svd.low_rank([[np.inf, 1.0]], 1), "A"),
    (lambda: svd.image("lena"), "name"),
    (lambda: svd.image("camera", 8), "size"),
])
def test_bad_inputs_raise_value_error_naming_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()
