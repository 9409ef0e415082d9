import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from engine.activations import ACTIVATIONS, chain_gradients, saturation_mask, softmax

TORCH = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": F.relu, "leaky_relu": F.leaky_relu, "elu": F.elu,
         "gelu": F.gelu, "silu": F.silu, "softplus": F.softplus}
X = np.concatenate([np.linspace(-1000, 1000, 2001), np.linspace(-8, 8, 1601), [0.0, -0.0, 1e-12, -1e-12]])


def test_contract_names():
    assert set(ACTIVATIONS) == set(TORCH)


@pytest.mark.parametrize("name", list(TORCH))
def test_value_and_derivative_match_torch_autograd(name):
    x = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    y = TORCH[name](x)
    (grad,) = torch.autograd.grad(y.sum(), x)
    act = ACTIVATIONS[name]
    np.testing.assert_allclose(act.f(X), y.detach().numpy(), rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(act.df(X), grad.numpy(), rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("name", list(TORCH))
def test_finite_and_warning_free_at_extremes(name):
    # Underflow to 0 is the right answer (and silent under NumPy's defaults); anything else is a bug.
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        values = ACTIVATIONS[name].f(X), ACTIVATIONS[name].df(X)
    assert all(np.all(np.isfinite(v)) for v in values)


def test_leaky_relu_default_slope():
    assert ACTIVATIONS["leaky_relu"].f(np.array([-100.0]))[0] == pytest.approx(-1.0)


def test_softmax_matches_torch_with_temperature():
    logits = np.random.default_rng(0).normal(size=(4, 7)) * 10
    for temperature in (0.05, 1.0, 7.0):
        expected = torch.softmax(torch.tensor(logits / temperature), dim=-1).numpy()
        np.testing.assert_allclose(softmax(logits, temperature), expected, rtol=1e-10)


def test_softmax_is_stable_for_huge_logits_and_shift_invariant():
    p = softmax([1000.0, 999.0, -1000.0])
    assert np.all(np.isfinite(p)) and p.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(p, softmax([1.0, 0.0, -1999.0]))


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf"), "hot"])
def test_softmax_temperature_is_validated(bad):
    with pytest.raises(ValueError, match="temperature"):
        softmax([1.0, 2.0], bad)


def test_softmax_rejects_non_finite_logits():
    with pytest.raises(ValueError, match="logits"):
        softmax([1.0, float("nan")])


def test_sigmoid_saturates_in_the_tails_but_relu_only_left():
    x = np.array([-10.0, 0.0, 10.0])
    assert saturation_mask("sigmoid", x).tolist() == [True, False, True]
    assert saturation_mask("relu", x).tolist() == [True, True, False]


@pytest.mark.parametrize("name", list(TORCH))
@pytest.mark.parametrize("weight, bias", [(1.0, 0.0), (2.5, -0.3), (-0.7, 0.4)])
def test_chain_gradients_match_autograd(name, weight, bias):
    depth = 12
    h0 = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    h, expected = h0, []
    for _ in range(depth):
        h = TORCH[name](weight * h + bias)
        (g,) = torch.autograd.grad(h, h0, retain_graph=True)
        expected.append(abs(float(g)))
    np.testing.assert_allclose(chain_gradients(name, depth, weight, bias, 0.5), expected, rtol=1e-9, atol=1e-300)


def test_chain_gradients_validates():
    with pytest.raises(ValueError, match="depth"):
        chain_gradients("relu", 0)
    with pytest.raises(ValueError, match="activation"):
        chain_gradients("step", 3)


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_saturation_input_is_where_the_autograd_derivative_crosses_the_threshold(name):
    from engine.activations import saturation_input
    for threshold in (0.05, 0.1, 0.2):
        z = torch.tensor([saturation_input(name, threshold)], dtype=torch.float64, requires_grad=True)
        (grad,) = torch.autograd.grad(TORCH[name](z).sum(), z)
        assert float(grad) == pytest.approx(threshold, rel=1e-10)
        x = np.array([-1.001, -0.999, 0.999, 1.001]) * z.item()
        assert saturation_mask(name, x, threshold).tolist() == [True, False, False, True]
    assert saturation_input("sigmoid", 0.05) == pytest.approx(2.887, abs=1e-3)  # the zones start near ±2.9, not 0
    with pytest.raises(ValueError, match="threshold"):
        saturation_input(name, 0.0)
    with pytest.raises(ValueError, match="activation"):
        saturation_input("relu")


def test_sigmoid_chain_never_beats_the_bound_and_can_beat_a_quarter_per_layer():
    """|∂h_n/∂h_0| ≤ (|w|/4)^n always; with |w| > 1 near the fixed point h = 1/2 it beats (1/4)^n."""
    for weight, bias in [(1.0, 0.0), (3.0, 0.0), (3.0, -1.5), (-2.0, 1.0), (0.5, 4.0)]:
        grads = chain_gradients("sigmoid", 20, weight, bias, 0.5)
        assert np.all(grads <= (abs(weight) / 4) ** np.arange(1, 21) * (1 + 1e-12))
    assert chain_gradients("sigmoid", 20, 3.0, -1.5, 0.5)[-1] == pytest.approx(0.75 ** 20, rel=1e-9)
    assert chain_gradients("sigmoid", 20, 3.0, 0.0, 0.5)[-1] < chain_gradients("sigmoid", 20, 1.0, 0.0, 0.5)[-1] < 4.0 ** -20 * 200


def test_gelu_and_silu_slopes_turn_negative_where_only_leaky_relu_keeps_a_constant_slope():
    x = np.array([-3.0])
    assert ACTIVATIONS["gelu"].df(x)[0] == pytest.approx(-0.0122, abs=5e-4)
    assert ACTIVATIONS["silu"].df(x)[0] == pytest.approx(-0.0881, abs=5e-4)
    far = np.array([-30.0, -10.0])
    assert ACTIVATIONS["leaky_relu"].df(far).tolist() == [0.01, 0.01]
    for name in ("elu", "gelu", "silu"):
        assert abs(ACTIVATIONS[name].df(far)[0]) < 1e-6


def test_tanh_is_a_rescaled_sigmoid():
    x = np.linspace(-20, 20, 401)
    np.testing.assert_allclose(ACTIVATIONS["tanh"].f(x), 2 * ACTIVATIONS["sigmoid"].f(2 * x) - 1, atol=1e-15)


@pytest.mark.parametrize("name", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("init", ["unit", "xavier", "he"])
def test_init_gradient_norms_match_torch_autograd(name, init):
    from engine.activations import init_gradient_norms
    depth, width, batch = 6, 16, 5
    got = init_gradient_norms(name, init, depth, width, batch, random_state=3)
    rng = np.random.default_rng(3)
    variance = {"unit": 1.0, "xavier": 1.0 / width, "he": 2.0 / width}[init]
    weights = torch.tensor(rng.normal(0.0, np.sqrt(variance), size=(depth, width, width)))
    h = torch.tensor(rng.normal(size=(batch, width)))
    direction = torch.tensor(rng.normal(size=width) / np.sqrt(width))
    layers = [h.requires_grad_()]
    for W in weights:
        layers.append(TORCH[name](layers[-1] @ W.T))
        layers[-1].retain_grad()
    (layers[-1] * direction).sum().backward()
    norms = np.array([float(layer.grad.norm(dim=1).mean()) for layer in layers])
    np.testing.assert_allclose(got, norms / norms[-1], rtol=1e-9)


def test_he_keeps_relu_gradients_near_one_where_xavier_shrinks_them():
    from engine.activations import init_gradient_norms
    he, xavier = init_gradient_norms("relu", "he", 20, 128)[0], init_gradient_norms("relu", "xavier", 20, 128)[0]
    assert 0.3 < he < 3 and xavier < 0.01
    with pytest.raises(ValueError, match="init"):
        init_gradient_norms("relu", "orthogonal")
