"""engine.recurrent against torch: the GRU step, gradients through time, clipping; and known true values."""
import numpy as np
import pytest
import torch

from engine.recurrent import clip_by_norm, gradient_through_time, gru_cell, gru_memory

torch.set_num_threads(1)


@pytest.mark.parametrize("batched", [True, False])
def test_gru_cell_equals_torch_grucell(batched):
    torch.manual_seed(0)
    cell = torch.nn.GRUCell(5, 4).double()
    x = torch.randn(3, 5, dtype=torch.float64) if batched else torch.randn(5, dtype=torch.float64)
    h = torch.randn(3, 4, dtype=torch.float64) if batched else torch.randn(4, dtype=torch.float64)
    expected = cell(x, h).detach().numpy()
    out = gru_cell(x.numpy(), h.numpy(), *(p.detach().numpy() for p in
                                           (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)))
    np.testing.assert_allclose(out.h, expected, rtol=1e-12, atol=1e-12)
    assert out.h.shape == out.z.shape == out.r.shape == out.n.shape == h.shape


def test_gru_update_gate_one_keeps_the_state_and_zero_takes_the_candidate():
    h = np.array([0.3, -0.7])
    zeros = dict(w_ih=np.zeros((6, 1)), w_hh=np.zeros((6, 2)), b_hh=np.zeros(6))
    keep = gru_cell(np.ones(1), h, b_ih=np.r_[0, 0, 40, 40, 0, 0], **zeros)  # z = σ(40) = 1
    np.testing.assert_allclose(keep.h, h)
    take = gru_cell(np.ones(1), h, b_ih=np.r_[0, 0, -40, -40, 0.5, 0.5], **zeros)  # z = 0, n = tanh(0.5)
    np.testing.assert_allclose(take.h, np.tanh(0.5))


def test_gru_cell_rejects_bad_shapes():
    with pytest.raises(ValueError, match="w_ih"):
        gru_cell(np.zeros(2), np.zeros(3), np.zeros((9, 3)), np.zeros((9, 3)), np.zeros(9), np.zeros(9))
    with pytest.raises(ValueError, match="b_hh"):
        gru_cell(np.zeros(2), np.zeros(3), np.zeros((9, 2)), np.zeros((9, 3)), np.zeros(9), np.zeros(8))
    with pytest.raises(ValueError, match="h must contain only finite"):
        gru_cell(np.zeros(2), np.array([0, np.nan, 0]), np.zeros((9, 2)), np.zeros((9, 3)), np.zeros(9), np.zeros(9))


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_gradient_through_time_equals_torch_jacobian_of_the_unrolled_network(cell):
    """Rebuild the same cell and inputs, unroll from a chosen state, and take torch's full Jacobian."""
    from engine.recurrent import _make_cell
    steps, hidden, seed = 7, 5, 3
    result = gradient_through_time(cell, steps=steps, hidden=hidden, random_state=seed, gain=1.3, gate_bias=0.5)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        module = _make_cell(torch, cell, hidden, 1.3, 0.5).double()
    inputs = torch.randn(steps, hidden, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)

    def step(x, s):
        if cell == "lstm":
            return torch.cat(module(x, (s[:hidden], s[hidden:])))
        return module(x, s)

    width = 2 * hidden if cell == "lstm" else hidden
    s = torch.zeros(width, dtype=torch.float64)
    states = [s]
    for t in range(steps):
        states.append(step(inputs[t], states[-1]).detach())
    for t in (0, 3, steps - 1):
        def unrolled(s_t, t=t):
            for k in range(t, steps):
                s_t = step(inputs[k], s_t)
            return s_t[:hidden]
        jac = torch.autograd.functional.jacobian(unrolled, states[t]).numpy()
        assert result.norm[t] == pytest.approx(np.linalg.norm(jac, 2), rel=1e-9)
    assert result.norm[-1] == pytest.approx(1.0) and list(result.distance) == list(range(steps, -1, -1))
    np.testing.assert_allclose(result.states, torch.stack(states).numpy()[:, :hidden], atol=1e-12)


@pytest.mark.parametrize("gain", [0.7, 1.0, 1.4])
def test_rnn_at_the_origin_has_jacobian_gain_to_the_distance(gain):
    """Known value: with no input the tanh RNN stays at h = 0, where tanh' = 1, so ∂h_T/∂h_t = W^(T−t) and
    W = gain × orthogonal has every singular value equal to gain: the norm is gain^(T−t) exactly."""
    result = gradient_through_time("rnn", steps=12, hidden=6, gain=gain, input_scale=0.0)
    np.testing.assert_allclose(result.norm, gain ** result.distance.astype(float), rtol=1e-10)


def test_lstm_with_a_saturated_forget_gate_and_no_input_passes_gradient_to_its_cell_unchanged():
    """Known value: forget gate σ(10) ≈ 1, input 0, h = 0: c_T = f^(T−t) c_t, and h_T depends on c only through
    o·tanh(c) with c = 0, tanh'(0) = 1 and o = σ(0) = ½ — the norm stays near ½·σ(10)^(T−t) for the far steps."""
    result = gradient_through_time("lstm", steps=10, hidden=4, gain=1e-6, gate_bias=10.0, input_scale=0.0)
    f = 1 / (1 + np.exp(-10.0))
    np.testing.assert_allclose(result.norm[:-1], 0.5 * f ** result.distance[:-1].astype(float), rtol=1e-5)


def test_gradient_through_time_rejects_bad_inputs():
    with pytest.raises(ValueError, match="cell"):
        gradient_through_time("transformer")
    with pytest.raises(ValueError, match="steps"):
        gradient_through_time("rnn", steps=0)
    with pytest.raises(ValueError, match="hidden"):
        gradient_through_time("rnn", hidden=10_000)
    with pytest.raises(ValueError, match="gain"):
        gradient_through_time("rnn", gain=0)


def test_clip_by_norm_equals_torch_clip_grad_norm():
    rng = np.random.default_rng(0)
    for scale in (0.1, 10.0, 1e6):
        g = scale * rng.normal(size=7)
        p = torch.nn.Parameter(torch.zeros(7, dtype=torch.float64))
        p.grad = torch.tensor(g)
        torch.nn.utils.clip_grad_norm_([p], max_norm=2.0)
        np.testing.assert_allclose(clip_by_norm(g, 2.0), p.grad.numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match="max_norm"):
        clip_by_norm(np.ones(3), 0.0)


def test_gru_memory_keeps_the_written_value_when_the_update_gate_is_biased_to_keep():
    kept = gru_memory(keep_bias=8.0, steps=20, write_at=2)
    assert kept.h[2] == pytest.approx(kept.written, abs=1e-4)
    z = 1 / (1 + np.exp(-8.0))  # known value: h decays towards the (random) candidates by z per step
    assert abs(kept.h[-1] - kept.written) <= (1 - z ** 17) * 2
    assert abs(kept.h[-1] - kept.written) < 0.02
    forgotten = gru_memory(keep_bias=-4.0, steps=20, write_at=2)
    np.testing.assert_allclose(forgotten.h[3:], forgotten.n[3:], atol=0.05)  # z ≈ 0: the state is the candidate
    with pytest.raises(ValueError, match="write_at"):
        gru_memory(steps=5, write_at=5)
