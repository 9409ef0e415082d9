import numpy as np
import pytest
import torch
import torch.nn.functional as F

from engine.batchnorm import TEST_BATCHES, batch_norm, moons, scale_invariance, train_mlp


@pytest.mark.parametrize("shape", [(2, 1), (16, 5), (64, 3)])
def test_matches_torch_training_mode(shape):
    x = np.random.default_rng(0).normal(3.0, 2.0, size=shape)
    gamma = np.random.default_rng(1).uniform(0.5, 2, shape[1])
    beta = np.random.default_rng(2).normal(size=shape[1])
    expected = F.batch_norm(torch.tensor(x), None, None, torch.tensor(gamma), torch.tensor(beta), training=True,
                            eps=1e-3).numpy()
    np.testing.assert_allclose(batch_norm(x, gamma, beta, eps=1e-3), expected, rtol=1e-10, atol=1e-12)


def test_known_values_zero_mean_unit_biased_variance():
    out = batch_norm(np.array([[1.0], [3.0]]), eps=1e-12)
    np.testing.assert_allclose(out[:, 0], [-1.0, 1.0], rtol=1e-9)  # mean 2, biased variance 1
    y = batch_norm(np.random.default_rng(3).normal(5, 9, (500, 2)), gamma=2.0, beta=-1.0, eps=1e-12)
    np.testing.assert_allclose(y.mean(0), -1.0, atol=1e-12)
    np.testing.assert_allclose(y.std(0), 2.0, rtol=1e-9)


def test_scale_of_the_incoming_weights_cancels():
    rng = np.random.default_rng(4)
    x, w = rng.normal(size=(32, 6)), rng.normal(size=(4, 6))
    assert scale_invariance(x, w, 10.0, eps=1e-12) < 1e-9
    assert scale_invariance(x, w, 10.0, eps=1e-5) < 1e-3


@pytest.mark.parametrize("bad, name", [(np.ones(3), "x"), (np.ones((1, 3)), "x"), (np.full((2, 2), np.nan), "x")])
def test_bad_inputs_raise(bad, name):
    with pytest.raises(ValueError, match=name):
        batch_norm(bad)
    with pytest.raises(ValueError, match="eps"):
        batch_norm(np.ones((3, 2)), eps=0.0)
    with pytest.raises(ValueError, match="gamma"):
        batch_norm(np.ones((3, 2)), gamma=np.ones(3))


def test_training_runs_are_reproducible_and_eval_mode_uses_running_statistics():
    a = train_mlp(0.3, True, depth=2, width=8, epochs=3, activation="relu", random_state=1)
    b = train_mlp(0.3, True, depth=2, width=8, epochs=3, activation="relu", random_state=1)
    np.testing.assert_array_equal(a.loss, b.loss)
    assert a.loss.shape == (4,) and a.pre_activations.shape == (2, 256 * 8)
    assert set(a.train_mode_accuracy) == {(s, o) for s in TEST_BATCHES for o in ("shuffled", "sorted")}
    assert a.loss[-1] < a.loss[0]
    # In training mode a test batch of one class (sorted test set, batches of 64) is normalised by its own
    # statistics, which subtracts exactly what the class has in common: accuracy collapses.
    assert a.train_mode_accuracy[(64, "sorted")] < a.test_accuracy - 0.2
    plain = train_mlp(0.3, False, depth=2, width=8, epochs=3, activation="relu", random_state=1)
    assert plain.train_mode_accuracy == {}


def test_bad_training_settings_raise():
    with pytest.raises(ValueError, match="lr"):
        train_mlp(0.0, True)
    with pytest.raises(ValueError, match="activation"):
        train_mlp(0.1, True, activation="gelu")
    with pytest.raises(ValueError, match="n"):
        moons(3)
