import numpy as np
import pytest
import torch

from engine.architectures import densenet_channels, global_average_pool, gradient_flow, head_params, inception_params


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


@pytest.mark.parametrize("shape", [(3, 5, 7), (2, 4, 1, 1), (1, 6, 9, 2)])
def test_global_average_pool_matches_torch_and_the_spatial_mean(shape):
    x = np.random.default_rng(1).normal(size=shape)
    expected = torch.nn.functional.adaptive_avg_pool2d(torch.tensor(x), 1).numpy()
    np.testing.assert_allclose(global_average_pool(x), expected.reshape(expected.shape[:-2]), rtol=1e-12)
    np.testing.assert_allclose(global_average_pool(x), x.reshape(*shape[:-2], -1).mean(axis=-1), rtol=1e-12)


def test_global_average_pool_known_values_and_any_size():
    x = np.stack([np.full((4, 6), 2.0), np.arange(24.0).reshape(4, 6)])  # a constant map and 0..23
    np.testing.assert_array_equal(global_average_pool(x), [2.0, 11.5])
    for side in (1, 3, 7, 12):                                          # the output is C long for any H × W
        assert global_average_pool(np.ones((5, side, side + 1))).shape == (5,)


@pytest.mark.parametrize("c,h,w,k", [(512, 7, 7, 1000), (2048, 7, 7, 1000), (64, 3, 5, 10), (16, 1, 1, 4)])
def test_head_params_match_torch_linear(c, h, w, k):
    nn = torch.nn
    heads = head_params(c, h, w, k)
    flatten = nn.Sequential(nn.Flatten(), nn.Linear(c * h * w, k))
    gap = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, k))
    assert heads.flatten == _numel(flatten) and heads.gap == _numel(gap)
    assert (heads.flatten_inputs, heads.gap_inputs) == (c * h * w, c)
    x = torch.zeros(2, c, h, w)
    assert flatten(x).shape == gap(x).shape == (2, k)


def test_head_params_known_values():
    # ResNet-18's head: 512 channels of 7×7 → 1000 classes: GAP + fc = 513,000; flattening would need 25,089,000.
    heads = head_params(512, 7, 7, 1000)
    assert heads.gap == 513_000 and heads.flatten == 25_089_000
    assert head_params(16, 1, 1, 4).flatten == head_params(16, 1, 1, 4).gap   # a 1×1 map: nothing to save


def test_gap_head_takes_any_input_size_flatten_head_does_not():
    nn = torch.nn
    torch.manual_seed(0)
    gap = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 3))
    flatten = nn.Sequential(nn.Flatten(), nn.Linear(8 * 7 * 7, 3))
    for side in (5, 7, 9):
        assert gap(torch.zeros(1, 8, side, side)).shape == (1, 3)
    with pytest.raises(RuntimeError):
        flatten(torch.zeros(1, 8, 9, 9))


@pytest.mark.parametrize("call", [
    lambda: gradient_flow(0, True), lambda: gradient_flow(3, True, "gelu"), lambda: gradient_flow(3, True, width=0),
    lambda: inception_params(0, 1, 1, 1, 1), lambda: inception_params(8, 1, 1, 1, 1, c3_reduce=4),
    lambda: densenet_channels(8, 0, 3), lambda: densenet_channels(8, 4, 1.5),
    lambda: global_average_pool(np.ones((3, 3))), lambda: global_average_pool(np.full((2, 3, 3), np.nan)),
    lambda: global_average_pool(np.ones((2, 0, 3))), lambda: head_params(0, 7, 7, 10),
    lambda: head_params(64, 7, 7, 0), lambda: head_params(64, 7, 2.5, 10),
])
def test_bad_inputs_raise(call):
    with pytest.raises(ValueError):
        call()
