import numpy as np
import pytest
import torch

from engine.gradients import (ACTIVATIONS, INITS, clip_by_global_norm, clip_by_value, cosine, depth_sweep, global_norm,
                              layer_gradient_norms, layer_gradients)


def start(depth, width, seed):
    """The batch, target and torch-default layers the engine builds for this seed, as numpy."""
    torch.manual_seed(seed)
    x = torch.randn(64, width, dtype=torch.float64).numpy()
    t = torch.randn(64, width, dtype=torch.float64).numpy()
    layers = [torch.nn.Linear(width, width).double() for _ in range(depth)]
    return x, t, [(l.weight.detach().numpy(), l.bias.detach().numpy()) for l in layers]


def test_one_layer_gradient_is_the_closed_form():
    x, t, [(W, b)] = start(1, 5, 3)
    residual = x @ W.T + b - t
    expected = 2 * residual.T @ x / residual.size  # ∂ mean((xWᵀ + b − t)²) / ∂W
    np.testing.assert_allclose(layer_gradients(1, 5, "relu", random_state=3)[0], expected, rtol=1e-10)


def test_two_layer_relu_gradients_by_the_chain_rule():
    x, t, [(W1, b1), (W2, b2)] = start(2, 4, 1)
    z1 = x @ W1.T + b1
    h1 = np.maximum(z1, 0)
    residual = h1 @ W2.T + b2 - t
    d_out = 2 * residual / residual.size
    g2 = d_out.T @ h1
    g1 = ((d_out @ W2) * (z1 > 0)).T @ x
    got = layer_gradients(2, 4, "relu", random_state=1)
    np.testing.assert_allclose(got[1], g2, rtol=1e-10)
    np.testing.assert_allclose(got[0], g1, rtol=1e-10)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("init", INITS)
def test_norms_shape_and_gain_scaling(activation, init):
    norms = layer_gradient_norms(6, 8, activation, init)
    assert norms.shape == (6,) and np.all(norms > 0)


def test_sigmoid_vanishes_and_he_relu_does_not():
    sigmoid = layer_gradient_norms(20, 32, "sigmoid", "default")
    relu_he = layer_gradient_norms(20, 32, "relu", "he")
    assert sigmoid[0] / sigmoid[-1] < 1e-8
    assert 0.1 < relu_he[0] / relu_he[-1] < 10
    big = layer_gradient_norms(20, 32, "relu", "he", gain=2.0)
    assert big[0] > 1e6 * relu_he[0]  # large weights explode
    np.testing.assert_allclose(depth_sweep([1, 20], 32, "relu", "he"), [1.0, relu_he[0] / relu_he[-1]])


def test_clipping_matches_torch():
    rng = np.random.default_rng(0)
    grads = [rng.normal(0, 5, (3, 4)), rng.normal(0, 5, 7)]
    for max_norm in (0.5, 3.0, 1e3):
        params = [torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64)) for g in grads]
        for p, g in zip(params, grads):
            p.grad = torch.tensor(g)
        total = torch.nn.utils.clip_grad_norm_(params, max_norm)
        assert float(total) == pytest.approx(global_norm(grads))
        for mine, p in zip(clip_by_global_norm(grads, max_norm), params):
            np.testing.assert_allclose(mine, p.grad.numpy(), rtol=1e-12)
    params = [torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64)) for g in grads]
    for p, g in zip(params, grads):
        p.grad = torch.tensor(g)
    torch.nn.utils.clip_grad_value_(params, 1.0)
    for mine, p in zip(clip_by_value(grads, 1.0), params):
        np.testing.assert_allclose(mine, p.grad.numpy())


def test_global_clipping_keeps_direction_and_value_clipping_bends_it():
    rng = np.random.default_rng(1)
    grads = [rng.normal(0, 1, (4, 4)) * np.array([1, 10, 100, 1000.0])]
    clipped = clip_by_global_norm(grads, 1.0)
    assert global_norm(clipped) == pytest.approx(1.0, rel=1e-5)
    assert cosine(grads, clipped) == pytest.approx(1.0)
    assert cosine(grads, clip_by_value(grads, 1.0)) < 0.9
    assert global_norm([np.array([3.0, 4.0])]) == 5.0


@pytest.mark.parametrize("call, name", [(lambda: layer_gradients(0), "depth"), (lambda: layer_gradients(3, init="lecun"), "init"),
                                        (lambda: layer_gradients(3, activation="gelu"), "activation"),
                                        (lambda: layer_gradients(3, gain=0), "gain"),
                                        (lambda: clip_by_global_norm([np.ones(2)], 0), "max_norm"),
                                        (lambda: clip_by_global_norm([], 1), "grads"),
                                        (lambda: clip_by_value([np.array([np.nan])], 1), "grads")])
def test_bad_inputs_raise(call, name):
    with pytest.raises(ValueError, match=name):
        call()
