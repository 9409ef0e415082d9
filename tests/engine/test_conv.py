import numpy as np
import pytest
import torch
import torch.nn.functional as F

from engine.conv import KERNELS, camera, conv2d, layer_params, pool2d


def _t(a):
    return torch.tensor(np.asarray(a, dtype=float))[None, None]


@pytest.mark.parametrize("stride,padding", [(1, 0), (1, 1), (2, 0), (3, 2)])
def test_conv2d_matches_torch(stride, padding):
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(13, 11)), rng.normal(size=(3, 4))
    expected = F.conv2d(_t(image), _t(kernel), stride=stride, padding=padding)[0, 0].numpy()
    np.testing.assert_allclose(conv2d(image, kernel, stride, padding), expected, atol=1e-12)


def test_conv2d_is_cross_correlation_known_values():
    image = np.arange(9.0).reshape(3, 3)
    kernel = np.array([[1.0, 0.0], [0.0, 0.0]])          # picks the top-left of each window: no flip
    np.testing.assert_array_equal(conv2d(image, kernel), [[0, 1], [3, 4]])
    np.testing.assert_allclose(conv2d(np.ones((4, 4)), KERNELS["blur"]), np.ones((2, 2)))
    np.testing.assert_allclose(conv2d(np.ones((4, 4)), KERNELS["edge"]), np.zeros((2, 2)), atol=1e-12)


@pytest.mark.parametrize("size,stride", [(2, None), (3, None), (3, 1), (2, 3)])
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool2d_matches_torch(size, stride, kind):
    image = np.random.default_rng(1).normal(size=(10, 9))
    fn = F.max_pool2d if kind == "max" else F.avg_pool2d
    expected = fn(_t(image), size, stride)[0, 0].numpy()
    np.testing.assert_allclose(pool2d(image, size, stride, kind), expected, atol=1e-12)


def test_pool2d_known_values():
    image = np.array([[1.0, 2.0, 0.0, 0.0], [3.0, 4.0, 0.0, 8.0]])
    np.testing.assert_array_equal(pool2d(image, 2, kind="max"), [[4, 8]])
    np.testing.assert_array_equal(pool2d(image, 2, kind="avg"), [[2.5, 2]])
    np.testing.assert_array_equal(pool2d(image, 1), image)


@pytest.mark.parametrize("shape,out,k", [((1, 28, 28), 8, 3), ((3, 10, 12), 4, 5), ((2, 5, 5), 3, 5)])
def test_layer_params_match_torch(shape, out, k):
    result = layer_params(shape, out, k)
    conv = torch.nn.Conv2d(shape[0], out, k)
    assert result.conv == sum(p.numel() for p in conv.parameters())
    y = conv(torch.zeros(1, *shape))
    assert result.output_shape == tuple(y.shape[1:])
    dense = torch.nn.Linear(int(np.prod(shape)), y.numel(), device="meta")
    assert result.dense == sum(p.numel() for p in dense.parameters())


def test_layer_params_known_value():
    # 1×28×28 → 8 maps of 26×26 with 3×3 kernels: 8·(9 + 1) = 80 against 784·5408 + 5408.
    result = layer_params((1, 28, 28), 8, 3)
    assert (result.conv, result.dense) == (80, 784 * 5408 + 5408)
    same = layer_params((2, 5, 5), 3, 5)                  # kernel covers the image: the layers coincide
    assert same.conv == same.dense


def test_camera_shift_moves_content_and_conv_is_equivariant():
    base, moved = camera(32, 0), camera(32, 3)
    np.testing.assert_array_equal(moved[:, 3:], base[:, :-3])
    f0, f3 = conv2d(base, KERNELS["edge"]), conv2d(moved, KERNELS["edge"])
    np.testing.assert_allclose(f3[:, 3:], f0[:, :-3], atol=1e-12)


@pytest.mark.parametrize("call", [
    lambda: conv2d(np.ones(3), np.ones((2, 2))),
    lambda: conv2d(np.ones((3, 3)), np.ones((4, 4))),
    lambda: conv2d(np.ones((3, 3)), np.ones((2, 2)), stride=0),
    lambda: conv2d(np.full((3, 3), np.nan), np.ones((2, 2))),
    lambda: pool2d(np.ones((3, 3)), size=4),
    lambda: pool2d(np.ones((3, 3)), kind="min"),
    lambda: layer_params((1, 4, 4), 2, 5),
    lambda: layer_params((4, 4), 2, 3),
    lambda: camera(64, 40),
])
def test_bad_inputs_raise(call):
    with pytest.raises(ValueError):
        call()
