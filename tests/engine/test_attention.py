"""engine.attention against torch's scaled_dot_product_attention, scipy's entropy, and known values."""
import numpy as np
import pytest
import torch
from scipy.stats import entropy

from engine.attention import attention, parse_sentence, row_entropy, scaling_entropy, toy_embeddings

torch.set_num_threads(1)


@pytest.mark.parametrize("scale", [True, False])
@pytest.mark.parametrize("masked", [False, True])
def test_attention_equals_torch_sdpa(scale, masked):
    rng = np.random.default_rng(0)
    Q, K, V = rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 6, 4)), rng.normal(size=(2, 6, 3))
    mask = np.tril(np.ones((5, 6), bool)) if masked else None
    result = attention(Q, K, V, mask=mask, scale=scale)
    expected = torch.nn.functional.scaled_dot_product_attention(
        *(torch.tensor(a) for a in (Q, K, V)), attn_mask=None if mask is None else torch.tensor(mask),
        scale=None if scale else 1.0)
    np.testing.assert_allclose(result.output, expected.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(result.weights.sum(-1), 1.0)
    if masked:
        assert np.all(result.weights[..., ~mask] == 0)


def test_output_is_weights_times_V_not_V_transposed():
    """Known value: one key gets all the weight, so the output row is exactly that key's value row."""
    K = np.array([[10.0, 0.0], [0.0, 0.0], [-10.0, 0.0]])
    V = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])  # V has d_v = 3 ≠ d_k = 2
    result = attention(np.array([[100.0, 0.0]]), K, V)
    np.testing.assert_allclose(result.output, [[1.0, 2.0, 3.0]])
    equal = attention(np.zeros((1, 2)), K, V)  # all scores equal: the plain mean of V's rows
    np.testing.assert_allclose(equal.output, [V.mean(axis=0)])


def test_attention_rejects_bad_inputs():
    with pytest.raises(ValueError, match="d_k"):
        attention(np.zeros((2, 3)), np.zeros((2, 4)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="V"):
        attention(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="mask"):
        attention(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((2, 3)), mask=np.array([[True, True], [False, False]]))
    with pytest.raises(ValueError, match="mask must be boolean"):
        attention(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((2, 3)), mask=np.ones((2, 2)))


def test_row_entropy_equals_scipy_and_uniform_rows_reach_log_n():
    rng = np.random.default_rng(1)
    p = rng.dirichlet(np.ones(6), size=4)
    np.testing.assert_allclose(row_entropy(p), entropy(p, axis=-1))
    assert row_entropy(np.full(8, 1 / 8)) == pytest.approx(np.log(8))
    assert row_entropy(np.array([1.0, 0.0, 0.0])) == 0.0


def test_scaling_keeps_entropy_while_unscaled_softmax_saturates():
    """Known value at d = 1 scale makes no difference; scaled logits have variance 1 at every d."""
    result = scaling_entropy([1, 4, 64, 512], n_keys=8, n_queries=2000)
    assert result.entropy_scaled[0] == pytest.approx(result.entropy_unscaled[0])
    assert np.ptp(result.entropy_scaled[1:]) < 0.05 * result.uniform
    assert result.entropy_unscaled[-1] < 0.15 and result.max_unscaled[-1] > 0.95
    assert np.all(np.diff(result.entropy_unscaled) < 0)
    with pytest.raises(ValueError, match="dims"):
        scaling_entropy([0])


def test_toy_embeddings_are_deterministic_and_group_related_words():
    words = ["the", "cat", "sat", "on", "the", "mat"]
    E = toy_embeddings(words, d=256)
    np.testing.assert_array_equal(E, toy_embeddings(words, d=256))
    np.testing.assert_array_equal(E[0], E[4])  # the same word, the same vector
    assert E.shape == (6, 256) and abs(E.var() - 1) < 0.15
    cat, dog, mat = toy_embeddings(["cat", "dog", "mat"], d=512)
    assert cat @ dog / 512 > 0.5 > abs(cat @ mat / 512)
    with pytest.raises(ValueError, match="d"):
        toy_embeddings(words, d=0)


def test_parse_sentence_bounds_and_cleans_the_text():
    assert parse_sentence("The cat, sat!") == ["the", "cat", "sat"]
    for bad in ["one", "a " * 13, "<> 1 2 !", "x" * 25 + " y"]:
        with pytest.raises(ValueError, match="sentence"):
            parse_sentence(bad)
