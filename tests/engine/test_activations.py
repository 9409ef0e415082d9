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
