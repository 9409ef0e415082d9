"""Gradients through a deep MLP by torch autograd: vanishing, exploding, and clipping by global norm.

The network is ``depth`` square linear layers (width × width) with an activation after every layer but the
last, on a fixed random batch; the loss is the mean squared error to a random target. Everything returned is
numpy (no tensors are kept).
"""
from __future__ import annotations

import numpy as np

from engine._validate import check_choice, check_float, check_int

ACTIVATIONS = ("sigmoid", "tanh", "relu")
INITS = ("default", "xavier", "he")
BATCH = 64


def layer_gradients(depth, width=32, activation="sigmoid", init="default", random_state=0, *, gain=1.0) -> list:
    """∂loss/∂W of every linear layer, input layer first: a list of ``depth`` arrays (width, width).

    ``init``: ``"default"`` keeps torch's own initialisation (uniform, variance 1/(3·fan_in)); ``"xavier"`` is
    ``xavier_normal_`` (variance 2/(fan_in + fan_out)); ``"he"`` is ``kaiming_normal_`` for ReLU (variance
    2/fan_in); xavier and he start the biases at 0. ``gain`` (keyword only) multiplies every initial weight,
    so gain > 1 makes gradients explode. Seeded by ``torch.manual_seed(random_state)``.
    """
    import torch
    depth = check_int("depth", depth, low=1, high=100)
    width = check_int("width", width, low=2, high=256)
    check_choice("activation", activation, ACTIVATIONS)
    check_choice("init", init, INITS)
    gain = check_float("gain", gain, low=0.0, low_inclusive=False, high=100.0)
    torch.set_num_threads(1)
    torch.manual_seed(random_state)
    x = torch.randn(BATCH, width, dtype=torch.float64)
    target = torch.randn(BATCH, width, dtype=torch.float64)
    layers = [torch.nn.Linear(width, width).double() for _ in range(depth)]
    with torch.no_grad():
        for layer in layers:
            if init == "xavier":
                torch.nn.init.xavier_normal_(layer.weight)
                torch.nn.init.zeros_(layer.bias)
            elif init == "he":
                torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
                torch.nn.init.zeros_(layer.bias)
            layer.weight.mul_(gain)
    act = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[activation]
    h = x
    for i, layer in enumerate(layers):
        h = layer(h)
        if i < depth - 1:
            h = act(h)
    loss = torch.mean((h - target) ** 2)
    grads = torch.autograd.grad(loss, [layer.weight for layer in layers])
    return [g.numpy().copy() for g in grads]


def layer_gradient_norms(depth, width=32, activation="sigmoid", init="default", random_state=0, *, gain=1.0) -> np.ndarray:
    """The Frobenius norm of ∂loss/∂W for each of the ``depth`` linear layers, input layer first: shape (depth,)."""
    grads = layer_gradients(depth, width, activation, init, random_state, gain=gain)
    return np.array([np.linalg.norm(g) for g in grads])


def depth_sweep(depths, width=32, activation="sigmoid", init="default", random_state=0, *, gain=1.0) -> np.ndarray:
    """‖∂loss/∂W₁‖ / ‖∂loss/∂W_L‖ (first layer over last) for every depth L in ``depths``: shape (len(depths),).

    Each depth is its own network, seeded alike."""
    depths = [check_int("depths", d, low=1, high=100) for d in np.atleast_1d(depths)]
    ratios = np.empty(len(depths))
    for i, depth in enumerate(depths):
        norms = layer_gradient_norms(depth, width, activation, init, random_state, gain=gain)
        ratios[i] = norms[0] / norms[-1] if norms[-1] > 0 else np.nan
    return ratios


def _as_arrays(grads):
    arrays = [np.asarray(g, dtype=float) for g in grads]
    if not arrays:
        raise ValueError("grads must hold at least one gradient array")
    if not all(np.all(np.isfinite(a)) for a in arrays):
        raise ValueError("grads must contain only finite values")
    return arrays


def global_norm(grads) -> float:
    """√(Σ over every array of its squared entries): the norm of all gradients as one long vector."""
    return float(np.sqrt(sum(np.sum(a * a) for a in _as_arrays(grads))))


def clip_by_global_norm(grads, max_norm) -> list:
    """The gradients rescaled as ``torch.nn.utils.clip_grad_norm_`` does: all multiplied by
    min(1, max_norm / (global norm + 1e-6)), so the direction of the whole gradient is kept."""
    arrays = _as_arrays(grads)
    max_norm = check_float("max_norm", max_norm, low=0.0, low_inclusive=False)
    scale = min(1.0, max_norm / (global_norm(arrays) + 1e-6))
    return [a * scale for a in arrays]


def clip_by_value(grads, clip_value) -> list:
    """Every entry clamped to [−clip_value, clip_value], as ``torch.nn.utils.clip_grad_value_``: bends the direction."""
    arrays = _as_arrays(grads)
    clip_value = check_float("clip_value", clip_value, low=0.0, low_inclusive=False)
    return [np.clip(a, -clip_value, clip_value) for a in arrays]


def cosine(grads_a, grads_b) -> float:
    """Cosine of the angle between two lists of gradient arrays, each read as one long vector."""
    a = np.concatenate([g.ravel() for g in _as_arrays(grads_a)])
    b = np.concatenate([g.ravel() for g in _as_arrays(grads_b)])
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
