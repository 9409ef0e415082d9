import numpy as np
import pytest
import torch

from engine.architectures import densenet_channels, gradient_flow, inception_params


def _numel(*modules):
    return sum(p.numel() for m in modules for p in m.parameters())


def test_inception_naive_matches_torch_and_googlenet_3a():
    nn = torch.nn
    naive = inception_params(192, 64, 128, 32, 32)
    assert naive.params == _numel(nn.Conv2d(192, 64, 1), nn.Conv2d(192, 128, 3), nn.Conv2d(192, 32, 5))
    assert naive.out_channels == 64 + 128 + 32 + 192          # the pooling branch passes 192 channels through
    # GoogLeNet's inception (3a): 192 → 64, 96→128, 16→32, pool 32; 256 channels out.
    bott = inception_params(192, 64, 128, 32, 32, c3_reduce=96, c5_reduce=16)
    assert bott.params == _numel(nn.Conv2d(192, 64, 1), nn.Conv2d(192, 96, 1), nn.Conv2d(96, 128, 3),
                                 nn.Conv2d(192, 16, 1), nn.Conv2d(16, 32, 5), nn.Conv2d(192, 32, 1))
    assert bott.out_channels == 256
    assert bott.mult_adds == 192 * 64 + 192 * 96 + 96 * 128 * 9 + 192 * 16 + 16 * 32 * 25 + 192 * 32
    assert bott.params < naive.params and bott.mult_adds < naive.mult_adds


def test_mult_adds_match_torch_flop_counter():
    from torch.utils.flop_counter import FlopCounterMode
    nn = torch.nn
    x = torch.zeros(1, 64, 8, 8)
    mods = [nn.Conv2d(64, 16, 1), nn.Conv2d(64, 24, 3, padding=1), nn.Conv2d(64, 8, 5, padding=2)]
    with FlopCounterMode(display=False) as counter:
        for m in mods:
            m(x)
    assert inception_params(64, 16, 24, 8, 4).mult_adds * 64 == counter.get_total_flops() // 2


def test_densenet_channels_known_values():
    np.testing.assert_array_equal(densenet_channels(64, 32, 6), [64, 96, 128, 160, 192, 224])  # DenseNet-121 block 1
    assert densenet_channels(64, 32, 6)[-1] + 32 == 256


def test_gradient_flow_matches_manual_torch():
    torch.manual_seed(3)
    layers = [torch.nn.Linear(8, 8, dtype=torch.float64) for _ in range(4)]
    h = torch.randn(64, 8, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    for layer in layers:
        h = h + torch.tanh(layer(h))
    (0.5 * (h ** 2).mean()).backward()
    expected = [float(layer.weight.grad.norm()) for layer in layers]
    np.testing.assert_allclose(gradient_flow(4, True, "tanh", 8, 3), expected, rtol=1e-12)


def test_gradient_flow_known_one_layer_value():
    # one linear layer with identity-free tanh: dL/dW = (1/(64·w))·((h ⊙ (1 − h²))ᵀ x), checked by hand.
    torch.manual_seed(0)
    layer = torch.nn.Linear(4, 4, dtype=torch.float64)
    x = torch.randn(64, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        h = torch.tanh(layer(x))
        grad = ((h * (1 - h ** 2)) / h.numel()).T @ x
    assert gradient_flow(1, False, "tanh", 4, 0)[0] == pytest.approx(float(grad.norm()), rel=1e-12)


@pytest.mark.parametrize("activation,floor", [("tanh", 0.1), ("sigmoid", 1e-2), ("relu", 0.1)])
def test_residual_keeps_gradients_where_plain_vanishes(activation, floor):
    plain, res = gradient_flow(30, False, activation), gradient_flow(30, True, activation)
    assert plain[0] / plain[-1] < 1e-6
    assert res[0] / res[-1] > floor


@pytest.mark.parametrize("call", [
    lambda: gradient_flow(0, True), lambda: gradient_flow(3, True, "gelu"), lambda: gradient_flow(3, True, width=0),
    lambda: inception_params(0, 1, 1, 1, 1), lambda: inception_params(8, 1, 1, 1, 1, c3_reduce=4),
    lambda: densenet_channels(8, 0, 3), lambda: densenet_channels(8, 4, 1.5),
])
def test_bad_inputs_raise(call):
    with pytest.raises(ValueError):
        call()
