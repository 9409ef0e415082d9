"""Activation functions and their derivatives in numpy, finite for |x| up to 1000 and beyond.

Each matches ``torch.nn.functional`` and its autograd derivative (tests/engine/test_activations.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.special import expit, ndtr

from engine._validate import check_choice, check_float, check_int

_SQRT_2PI = np.sqrt(2.0 * np.pi)
LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """An activation: value ``f``, derivative ``df``, its formula and output range for the page."""

    name: str
    label: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]
    latex: str
    output_range: str


def _relu(x):
    return np.maximum(x, 0.0)


def _elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def _gelu(x):
    return x * ndtr(x)


def _gelu_df(x):
    return ndtr(x) + x * np.exp(-0.5 * np.square(np.clip(x, -60, 60))) / _SQRT_2PI


def _silu_df(x):
    s = expit(x)
    return s * (1.0 + x * (1.0 - s))


def _as_array(fn):
    def wrapped(x):
        return fn(np.asarray(x, dtype=float))
    return wrapped


ACTIVATIONS: dict[str, Activation] = {a.name: a for a in [
    Activation("sigmoid", "Sigmoid", _as_array(expit), _as_array(lambda x: expit(x) * (1 - expit(x))),
               r"\sigma(x)=\frac{1}{1+e^{-x}}", "(0, 1)"),
    Activation("tanh", "Tanh", _as_array(np.tanh), _as_array(lambda x: 1 - np.tanh(x) ** 2),
               r"\tanh(x)=\frac{e^{x}-e^{-x}}{e^{x}+e^{-x}}", "(−1, 1)"),
    Activation("relu", "ReLU", _as_array(_relu), _as_array(lambda x: (x > 0).astype(float)),
               r"\mathrm{ReLU}(x)=\max(0,x)", "[0, ∞)"),
    Activation("leaky_relu", "Leaky ReLU", _as_array(lambda x: np.where(x > 0, x, LEAKY_SLOPE * x)),
               _as_array(lambda x: np.where(x > 0, 1.0, LEAKY_SLOPE)),
               r"\mathrm{LeakyReLU}(x)=\max(0.01x,\,x)", "(−∞, ∞)"),
    Activation("elu", "ELU", _as_array(_elu), _as_array(lambda x: np.where(x > 0, 1.0, np.exp(np.minimum(x, 0.0)))),
               r"\mathrm{ELU}(x)=\begin{cases}x & x>0\\ e^{x}-1 & x\le 0\end{cases}", "(−1, ∞)"),
    Activation("gelu", "GELU", _as_array(_gelu), _as_array(_gelu_df),
               r"\mathrm{GELU}(x)=x\,\Phi(x)", "(≈−0.17, ∞)"),
    Activation("silu", "SiLU / Swish", _as_array(lambda x: x * expit(x)), _as_array(_silu_df),
               r"\mathrm{SiLU}(x)=x\,\sigma(x)", "(≈−0.28, ∞)"),
    Activation("softplus", "Softplus", _as_array(lambda x: np.logaddexp(0.0, x)), _as_array(expit),
               r"\mathrm{softplus}(x)=\ln(1+e^{x})", "(0, ∞)"),
]}


def softmax(logits, temperature=1.0) -> np.ndarray:
    """Softmax over the last axis of ``logits / temperature``, stable for any finite logits."""
    temperature = check_float("temperature", temperature, low=0.0, low_inclusive=False)
    z = np.asarray(logits, dtype=float)
    if z.size == 0:
        raise ValueError("logits must not be empty")
    if not np.all(np.isfinite(z)):
        raise ValueError("logits must be finite numbers")
    z = z / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def saturation_mask(name: str, x, threshold: float = 0.05) -> np.ndarray:
    """True where |f'(x)| < ``threshold``: the zones where almost no gradient flows back."""
    check_choice("activation", name, tuple(ACTIVATIONS))
    return np.abs(ACTIVATIONS[name].df(x)) < threshold


def chain_gradients(name: str, depth: int, weight: float = 1.0, bias: float = 0.0, x0: float = 0.5) -> np.ndarray:
    """|d h_l / d h_0| for l = 1..depth through the scalar chain h_l = f(weight·h_{l-1} + bias).

    By the chain rule it is the running product of ``weight · f'(z_l)``: the gradient that survives
    ``l`` layers. Returns an array of shape (depth,).
    """
    check_choice("activation", name, tuple(ACTIVATIONS))
    depth = check_int("depth", depth, low=1, high=500)
    weight = check_float("weight", weight)
    bias = check_float("bias", bias)
    x0 = check_float("x0", x0)
    act = ACTIVATIONS[name]
    h, grad = x0, 1.0
    out = np.empty(depth)
    with np.errstate(over="ignore", under="ignore"):
        for layer in range(depth):
            z = weight * h + bias
            grad = grad * weight * float(act.df(z))
            h = float(act.f(z))
            out[layer] = abs(grad)
    return out


def saturation_input(name: str, threshold: float = 0.05) -> float:
    """The |z| beyond which the sigmoid's or tanh's derivative falls below ``threshold`` (closed form).

    σ′(z) = σ(1 − σ) = t at σ = (1 + √(1 − 4t))/2, so |z| = logit of that (≈ 2.89 for t = 0.05); tanh′(z) =
    1 − tanh² = t at |z| = atanh(√(1 − t)) (≈ 2.18). A neuron f(w·x + b) therefore saturates for x beyond
    (±|z| − b)/w, not at −b/w.
    """
    check_choice("activation", name, ("sigmoid", "tanh"))
    high = 0.25 if name == "sigmoid" else 1.0
    threshold = check_float("threshold", threshold, low=0.0, high=high, low_inclusive=False)
    if name == "sigmoid":
        s = (1.0 + np.sqrt(1.0 - 4.0 * threshold)) / 2.0
        return float(np.log(s / (1.0 - s)))
    return float(np.arctanh(np.sqrt(1.0 - threshold)))


INITS = ("unit", "xavier", "he")
INIT_LABELS = {"unit": "N(0, 1), unscaled", "xavier": "Xavier/Glorot: N(0, 2/(n_in + n_out))", "he": "He: N(0, 2/n_in)"}


def init_gradient_norms(name: str, init: str = "xavier", depth: int = 20, width: int = 128, batch: int = 32,
                        random_state=0) -> np.ndarray:
    """Backpropagated gradient norms through a random square MLP h_l = f(W_l h_(l−1)), no biases.

    Weights are drawn N(0, σ²) with σ² = 1 ("unit", unscaled), 2/(n_in + n_out) ("xavier"; 1/n for square
    layers, the scale Glorot & Bengio chose so that tanh's per-layer factor stays near 1) or 2/n_in ("he", for
    ReLU, which zeroes half its inputs and so needs twice the variance). Inputs are standard normal, shape (batch, width); the loss is the sum of the last layer times a
    fixed random direction. Returns an array of shape (depth + 1,): the mean over the batch of ‖∂loss/∂h_l‖
    for l = 0..depth, divided by its value at l = depth, so index 0 is the gradient that reaches the input.
    """
    check_choice("activation", name, tuple(ACTIVATIONS))
    check_choice("init", init, INITS)
    depth = check_int("depth", depth, low=1, high=100)
    width = check_int("width", width, low=2, high=1024)
    batch = check_int("batch", batch, low=1, high=512)
    rng = np.random.default_rng(random_state)
    variance = {"unit": 1.0, "xavier": 2.0 / (width + width), "he": 2.0 / width}[init]
    weights = rng.normal(0.0, np.sqrt(variance), size=(depth, width, width))
    act = ACTIVATIONS[name]
    h = rng.normal(size=(batch, width))
    slopes = []
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        for W in weights:
            z = h @ W.T
            slopes.append(act.df(z))
            h = act.f(z)
        grad = np.broadcast_to(rng.normal(size=width) / np.sqrt(width), h.shape)
        norms = [np.linalg.norm(grad, axis=1).mean()]
        for W, slope in zip(weights[::-1], slopes[::-1]):
            grad = (grad * slope) @ W
            norms.append(np.linalg.norm(grad, axis=1).mean())
    norms = np.array(norms[::-1])
    return norms / norms[-1]
