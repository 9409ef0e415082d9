"""Recurrent cells: one GRU step written out gate by gate, and gradients through time by autograd."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine._validate import check_choice, check_float, check_int

CELLS = ("rnn", "gru", "lstm")
MAX_STEPS, MAX_HIDDEN = 200, 128


@dataclass(frozen=True)
class GRUStep:
    """One GRU step. Every array has shape (batch, hidden), or (hidden,) for a single unbatched input.

    ``r`` is the reset gate, ``z`` the update gate (the share of the old state kept), ``n`` the candidate
    state and ``h`` the new state ``(1 - z) * n + z * h_old``.
    """

    r: np.ndarray
    z: np.ndarray
    n: np.ndarray
    h: np.ndarray


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # no overflow warnings for large |x|


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh) -> GRUStep:
    """One step of a GRU, in torch's layout (rows of the weights: reset, update, new).

    Parameters
    ----------
    x : array of shape (batch, input) or (input,)
    h : array of shape (batch, hidden) or (hidden,), the previous state
    w_ih : array of shape (3 * hidden, input)
    w_hh : array of shape (3 * hidden, hidden)
    b_ih, b_hh : arrays of shape (3 * hidden,)

    Returns
    -------
    GRUStep with the gates r, z, the candidate n and the new state h, each shaped like ``h``:
    r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
    n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h.
    """
    x, h = np.asarray(x, float), np.asarray(h, float)
    w_ih, w_hh = np.asarray(w_ih, float), np.asarray(w_hh, float)
    b_ih, b_hh = np.asarray(b_ih, float), np.asarray(b_hh, float)
    if h.ndim not in (1, 2) or x.ndim != h.ndim:
        raise ValueError(f"x and h must both be 1-D or both 2-D, got shapes {x.shape} and {h.shape}")
    hidden, inputs = h.shape[-1], x.shape[-1]
    if w_ih.shape != (3 * hidden, inputs):
        raise ValueError(f"w_ih must have shape {(3 * hidden, inputs)}, got {w_ih.shape}")
    if w_hh.shape != (3 * hidden, hidden):
        raise ValueError(f"w_hh must have shape {(3 * hidden, hidden)}, got {w_hh.shape}")
    for name, b in (("b_ih", b_ih), ("b_hh", b_hh)):
        if b.shape != (3 * hidden,):
            raise ValueError(f"{name} must have shape {(3 * hidden,)}, got {b.shape}")
    for name, a in (("x", x), ("h", h), ("w_ih", w_ih), ("w_hh", w_hh), ("b_ih", b_ih), ("b_hh", b_hh)):
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name} must contain only finite values")
    gi = x @ w_ih.T + b_ih
    gh = h @ w_hh.T + b_hh
    i_r, i_z, i_n = np.split(gi, 3, axis=-1)
    h_r, h_z, h_n = np.split(gh, 3, axis=-1)
    r = _sigmoid(i_r + h_r)
    z = _sigmoid(i_z + h_z)
    n = np.tanh(i_n + r * h_n)
    return GRUStep(r=r, z=z, n=n, h=(1.0 - z) * n + z * h)


@dataclass(frozen=True)
class GradientThroughTime:
    """‖∂h_T/∂h_t‖₂ for t = 0 … T (spectral norm of the hidden-to-hidden Jacobian), and the states.

    ``distance[i] = T - t``; ``norm[i]`` the norm for that distance (``norm`` at distance 0 is 1, the
    identity). ``states`` has shape (T + 1, hidden): h_0 … h_T of the one sequence run. ``grad_h0`` is the
    gradient of the scalar Σᵢ h_T,i with respect to the first state (a gradient one could clip).
    """

    cell: str
    distance: np.ndarray
    norm: np.ndarray
    states: np.ndarray
    grad_h0: np.ndarray  # ∂(Σᵢ h_T,i)/∂s_0, shape (hidden,) or (2 * hidden,) for the LSTM


def _make_cell(torch, cell, hidden, gain, gate_bias):
    module = {"rnn": torch.nn.RNNCell, "gru": torch.nn.GRUCell, "lstm": torch.nn.LSTMCell}[cell](hidden, hidden).double()
    blocks = {"rnn": 1, "gru": 3, "lstm": 4}[cell]
    with torch.no_grad():
        for b in range(blocks):  # each gate's recurrent block: gain × a random orthogonal matrix
            torch.nn.init.orthogonal_(module.weight_hh[b * hidden:(b + 1) * hidden], gain=gain)
            torch.nn.init.orthogonal_(module.weight_ih[b * hidden:(b + 1) * hidden], gain=1.0)
        module.bias_ih.zero_()
        module.bias_hh.zero_()
        if cell == "gru":   # rows: reset, update, new; a positive bias on z keeps the old state
            module.bias_ih[hidden:2 * hidden] = gate_bias
        if cell == "lstm":  # rows: input, forget, cell, output; a positive forget bias keeps the cell
            module.bias_ih[hidden:2 * hidden] = gate_bias
    return module


def gradient_through_time(cell, steps=50, hidden=32, random_state=0, gain=1.0, gate_bias=1.0,
                          input_scale=1.0) -> GradientThroughTime:
    """How much the last state depends on each earlier state: ‖∂h_T/∂h_t‖₂ for every t, by autograd.

    A cell of ``hidden`` units (``torch.nn.RNNCell`` with tanh, ``GRUCell`` or ``LSTMCell``) reads ``steps``
    inputs x_t ~ N(0, input_scale²) from h_0 = 0. Each gate's recurrent weight block is ``gain`` times a
    random orthogonal matrix, input weights are orthogonal, biases zero except the GRU's update gate and
    the LSTM's forget gate, which get ``gate_bias`` (positive: keep the old state). For the LSTM the state
    is the pair (h, c) and the Jacobian is taken of h_T with respect to the whole pair.

    Parameters
    ----------
    cell : "rnn", "gru" or "lstm"
    steps : int in [1, 200], T
    hidden : int in [1, 128]
    random_state : int, seeds the weights and the inputs
    gain : float in (0, 10], scale of the recurrent weights
    gate_bias : float in [-10, 10]
    input_scale : float in [0, 10]

    Returns
    -------
    GradientThroughTime with ``distance`` (T + 1,), ``norm`` (T + 1,), ``states`` (T + 1, hidden).
    """
    cell = check_choice("cell", cell, CELLS)
    steps = check_int("steps", steps, 1, MAX_STEPS)
    hidden = check_int("hidden", hidden, 1, MAX_HIDDEN)
    random_state = check_int("random_state", random_state, 0)
    gain = check_float("gain", gain, 0.0, 10.0, low_inclusive=False)
    gate_bias = check_float("gate_bias", gate_bias, -10.0, 10.0)
    input_scale = check_float("input_scale", input_scale, 0.0, 10.0)
    import torch
    torch.set_num_threads(1)
    generator = torch.Generator().manual_seed(random_state)
    with torch.random.fork_rng():
        torch.manual_seed(random_state)
        module = _make_cell(torch, cell, hidden, gain, gate_bias).double()
    inputs = input_scale * torch.randn(steps, hidden, generator=generator, dtype=torch.float64)
    width = 2 * hidden if cell == "lstm" else hidden

    def step(x, state):  # s_t → s_{t+1} for a batch of rows; for the LSTM s_t = (h_t, c_t) side by side
        if cell == "lstm":
            return torch.cat(module(x, (state[:, :hidden], state[:, hidden:])), dim=1)
        return module(x, state)

    with torch.no_grad():
        states = [torch.zeros(1, width, dtype=torch.float64)]
        for t in range(steps):
            states.append(step(inputs[t:t + 1], states[-1]))
    # Each step's Jacobian ∂s_{t+1}/∂s_t by reverse-mode autograd, all steps in one backward pass: every
    # state is copied once per output unit, copy b backpropagates the unit vector e_b, and so receives row b
    # of that step's Jacobian. The chain rule then multiplies them from the end: ∂h_T/∂s_t = [I 0] J_{T-1} … J_t.
    before = torch.cat(states[:-1]).repeat_interleave(width, dim=0).requires_grad_(True)
    after = step(inputs.repeat_interleave(width, dim=0), before)
    units = torch.eye(width, dtype=torch.float64).repeat(steps, 1)
    (rows,) = torch.autograd.grad(after, before, grad_outputs=units)
    steps_jacobian = rows.reshape(steps, width, width).numpy()
    product = np.eye(hidden, width)
    jacobians = [product]
    for t in range(steps - 1, -1, -1):
        product = product @ steps_jacobian[t]
        jacobians.append(product)
    norms = np.linalg.norm(np.array(jacobians[::-1]), ord=2, axis=(1, 2))
    h_states = torch.cat(states).numpy()[:, :hidden]
    return GradientThroughTime(cell=cell, distance=np.arange(steps, -1, -1), norm=norms, states=h_states,
                               grad_h0=np.ones(hidden) @ product)


def clip_by_norm(grad, max_norm) -> np.ndarray:
    """Gradient clipping by norm, as ``torch.nn.utils.clip_grad_norm_`` does to one tensor.

    Parameters
    ----------
    grad : array of any shape
    max_norm : float > 0

    Returns
    -------
    array shaped like ``grad``: ``grad * min(1, max_norm / ‖grad‖₂)`` (torch adds 1e-6 to the norm).
    """
    grad = np.asarray(grad, float)
    max_norm = check_float("max_norm", max_norm, 0.0, low_inclusive=False)
    if not np.all(np.isfinite(grad)):
        raise ValueError("grad must contain only finite values")
    return grad * min(1.0, max_norm / (np.linalg.norm(grad) + 1e-6))


@dataclass(frozen=True)
class GRUMemory:
    """A one-unit GRU with hand-set weights reading (value, write flag) pairs, step by step.

    Arrays of shape (steps,): ``values`` and ``write`` the inputs, ``r``, ``z``, ``n`` the gates and
    candidate at each step, ``h`` the state after it (h before the first step is 0). ``written`` is the
    candidate at the write step, the value the cell is asked to remember.
    """

    values: np.ndarray
    write: np.ndarray
    r: np.ndarray
    z: np.ndarray
    n: np.ndarray
    h: np.ndarray
    written: float
    write_at: int


def gru_memory(keep_bias=4.0, steps=16, write_at=2, random_state=0) -> GRUMemory:
    """Run a one-unit GRU (built from ``gru_cell``) on random values with one write flag.

    Weights (torch's layout, rows reset, update, new): the reset gate is held open (bias 5), the update gate
    is z = σ(keep_bias − 24·write), the candidate n = tanh(2·value). So at the write step z ≈ 0 and the
    state takes the new value; at every other step z = σ(keep_bias) decides how much of the state is kept.

    Parameters
    ----------
    keep_bias : float in [-10, 10]
    steps : int in [2, 100]
    write_at : int in [0, steps - 1]
    random_state : int

    Returns
    -------
    GRUMemory (arrays of shape (steps,)).
    """
    keep_bias = check_float("keep_bias", keep_bias, -10.0, 10.0)
    steps = check_int("steps", steps, 2, 100)
    write_at = check_int("write_at", write_at, 0, steps - 1)
    random_state = check_int("random_state", random_state, 0)
    rng = np.random.default_rng(random_state)
    values = rng.uniform(-1, 1, steps)
    write = (np.arange(steps) == write_at).astype(float)
    w_ih = np.array([[0.0, 0.0], [0.0, -24.0], [2.0, 0.0]])
    w_hh = np.zeros((3, 1))
    b_ih = np.array([5.0, keep_bias, 0.0])
    b_hh = np.zeros(3)
    h = np.zeros(1)
    rows = []
    for t in range(steps):
        out = gru_cell(np.array([values[t], write[t]]), h, w_ih, w_hh, b_ih, b_hh)
        h = out.h
        rows.append((out.r[0], out.z[0], out.n[0], out.h[0]))
    r, z, n, hs = map(np.array, zip(*rows))
    return GRUMemory(values=values, write=write, r=r, z=z, n=n, h=hs, written=float(n[write_at]), write_at=write_at)
