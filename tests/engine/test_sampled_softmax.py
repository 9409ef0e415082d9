"""engine.sampled_softmax against torch's cross_entropy, a torch re-computation of the sampled loss, and known
values (the loss tends to the full loss as S grows; the proposal's closed form)."""
import numpy as np
import pytest
import torch

from engine.sampled_softmax import (estimate_spread, full_softmax_loss, proposal_probs, sampled_softmax_loss,
                                    softmax_cost, zipf_batch)


def test_full_softmax_loss_equals_torch_cross_entropy():
    rng = np.random.default_rng(0)
    logits, target = 5 * rng.normal(size=(7, 50)), rng.integers(0, 50, 7)
    expected = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(target)).item()
    assert full_softmax_loss(logits, target) == pytest.approx(expected, rel=1e-12)
    assert full_softmax_loss(np.zeros((3, 10)), np.array([0, 1, 2])) == pytest.approx(np.log(10))  # known value


def test_sampled_loss_equals_torch_on_the_same_samples():
    batch = zipf_batch(vocab=300, n=5, random_state=1)
    result = sampled_softmax_loss(batch.logits, batch.target, 40, proposal="log_uniform", random_state=3)
    o = torch.tensor(batch.logits)
    t = torch.tensor(batch.target)
    q = torch.tensor(proposal_probs(300, "log_uniform"))
    s = torch.tensor(result.samples)
    corrected = o[:, s] - torch.log(40 * q[s])
    corrected = corrected.masked_fill(s[None, :] == t[:, None], float("-inf"))
    true = o[torch.arange(5), t]
    expected = torch.logsumexp(torch.cat([true[:, None], corrected], 1), 1) - true
    np.testing.assert_allclose(result.per_example, expected.numpy(), rtol=1e-12)
    np.testing.assert_allclose(result.expected_counts, 40 * q[s].numpy())


def test_without_the_log_q_correction_the_loss_measures_the_sample_size_not_the_full_loss():
    # Known values: equal logits over V classes, uniform proposal. The full loss is log V. Each corrected term
    # is e⁰/(S·1/V) = V/S, so with no accidental hit the corrected loss is log(1 + V) ≈ log V; uncorrected,
    # it is log(1 + S), whatever V.
    V, S = 1000, 10
    logits, target = np.zeros((1, V)), np.array([999])
    corrected = sampled_softmax_loss(logits, target, S, proposal="uniform", random_state=0)
    raw = sampled_softmax_loss(logits, target, S, proposal="uniform", random_state=0, correct=False)
    assert not np.any(raw.samples == 999)
    assert corrected.loss == pytest.approx(np.log(1 + V)) and raw.loss == pytest.approx(np.log(1 + S))
    np.testing.assert_array_equal(raw.samples, corrected.samples)
    # torch on the same samples, logits used as they are
    batch = zipf_batch(vocab=300, n=5, random_state=1)
    result = sampled_softmax_loss(batch.logits, batch.target, 40, random_state=3, correct=False)
    o, t, s = torch.tensor(batch.logits), torch.tensor(batch.target), torch.tensor(result.samples)
    sampled = o[:, s].masked_fill(s[None, :] == t[:, None], float("-inf"))
    true = o[torch.arange(5), t]
    expected = torch.logsumexp(torch.cat([true[:, None], sampled], 1), 1) - true
    np.testing.assert_allclose(result.per_example, expected.numpy(), rtol=1e-12)
    # over many draws the uncorrected loss keeps growing with S, past the full loss
    est = estimate_spread(batch.logits, batch.target, [2, 2000, 20000], trials=10)
    assert est.uncorrected[0] < est.full < est.uncorrected[2] and np.all(np.diff(est.uncorrected) > 0)


def test_log_uniform_proposal_is_tensorflows_closed_form_and_sums_to_one():
    q = proposal_probs(1000, "log_uniform")
    assert q.sum() == pytest.approx(1.0)
    assert q[0] == pytest.approx(np.log(2) / np.log(1001)) and np.all(np.diff(q) < 0)
    np.testing.assert_allclose(proposal_probs(8, "uniform"), 1 / 8)


@pytest.mark.parametrize("proposal", ["log_uniform", "uniform"])
def test_sampled_loss_tends_to_the_full_loss_and_is_biased_low_for_few_samples(proposal):
    batch = zipf_batch(vocab=2000, n=16, zipf=1.0, random_state=0)
    est = estimate_spread(batch.logits, batch.target, [2, 20000], trials=30)
    assert est.full == pytest.approx(full_softmax_loss(batch.logits, batch.target))
    assert est.bias[proposal][0] < 0  # log of an unbiased estimate of the sum: Jensen
    assert abs(est.bias[proposal][1]) < 0.01 * est.full
    assert est.std[proposal][1] < est.std[proposal][0]


def test_cost_counts_one_dot_product_per_scored_class():
    cost = softmax_cost(50_000, 512, 99)
    assert (cost.full, cost.sampled) == (50_000 * 512, 100 * 512) and cost.ratio == pytest.approx(500)


def test_zipf_batch_targets_follow_the_skew():
    batch = zipf_batch(vocab=1000, n=400, zipf=1.5, random_state=2)
    assert np.mean(batch.target < 10) > 0.5 and batch.frequency.sum() == pytest.approx(1.0)
    flat = zipf_batch(vocab=1000, n=400, zipf=0.0, random_state=2)
    assert np.mean(flat.target < 10) < 0.05


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="target"):
        full_softmax_loss(np.zeros((2, 5)), np.array([0, 5]))
    with pytest.raises(ValueError, match="logits"):
        full_softmax_loss(np.zeros(5), np.array([0]))
    with pytest.raises(ValueError, match="n_samples"):
        sampled_softmax_loss(np.zeros((2, 5)), np.array([0, 1]), 0)
    with pytest.raises(ValueError, match="proposal"):
        sampled_softmax_loss(np.zeros((2, 5)), np.array([0, 1]), 3, proposal="zipf")
