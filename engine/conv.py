"""Convolution and pooling on one channel as deep learning uses them (cross-correlation, no kernel flip), and the
parameter counts of a convolutional layer against the dense layer with the same input and output sizes."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from engine._validate import check_choice, check_int

MAX_SIDE = 2048


def _image(name, image) -> np.ndarray:
    image = np.asarray(image, dtype=float)
    if image.ndim != 2 or min(image.shape) < 1:
        raise ValueError(f"{name} must be a 2-D array (height, width), got shape {image.shape}")
    if max(image.shape) > MAX_SIDE:
        raise ValueError(f"{name} must be at most {MAX_SIDE} pixels a side, got shape {image.shape}")
    if not np.all(np.isfinite(image)):
        raise ValueError(f"{name} must contain only finite values")
    return image


def conv2d(image, kernel, stride=1, padding=0) -> np.ndarray:
    """One-channel 2-D cross-correlation, as ``torch.nn.functional.conv2d`` computes it.

    Parameters
    ----------
    image : array (H, W)
    kernel : array (kh, kw), not flipped: out[i, j] = Σ kernel[u, v] · padded[i·s + u, j·s + v]
    stride : int ≥ 1
    padding : int ≥ 0, zeros on every side

    Returns
    -------
    array (⌊(H + 2p − kh) / s⌋ + 1, ⌊(W + 2p − kw) / s⌋ + 1)
    """
    image = _image("image", image)
    kernel = _image("kernel", kernel)
    stride = check_int("stride", stride, low=1, high=MAX_SIDE)
    padding = check_int("padding", padding, low=0, high=MAX_SIDE)
    padded = np.pad(image, padding)
    if kernel.shape[0] > padded.shape[0] or kernel.shape[1] > padded.shape[1]:
        raise ValueError(f"kernel {kernel.shape} is larger than the padded image {padded.shape}")
    windows = sliding_window_view(padded, kernel.shape)[::stride, ::stride]
    return np.einsum("ijuv,uv->ij", windows, kernel)


def pool2d(image, size=2, stride=None, kind="max") -> np.ndarray:
    """Max or average pooling over ``size`` × ``size`` windows, as ``torch.nn.functional.max_pool2d`` /
    ``avg_pool2d`` (no padding, windows that do not fit are dropped).

    Parameters
    ----------
    image : array (H, W)
    size : int ≥ 1, the window's side
    stride : int ≥ 1 or None (then ``size``: windows that do not overlap)
    kind : ``"max"`` or ``"avg"``

    Returns
    -------
    array (⌊(H − size) / stride⌋ + 1, ⌊(W − size) / stride⌋ + 1)
    """
    image = _image("image", image)
    size = check_int("size", size, low=1, high=min(image.shape))
    stride = size if stride is None else check_int("stride", stride, low=1, high=MAX_SIDE)
    kind = check_choice("kind", kind, ("max", "avg"))
    windows = sliding_window_view(image, (size, size))[::stride, ::stride]
    return windows.max(axis=(2, 3)) if kind == "max" else windows.mean(axis=(2, 3))


@dataclass(frozen=True)
class LayerParams:
    conv: int          # out_channels · (in_channels · k² + 1)
    dense: int         # (C·H·W) · (out_channels · H_out · W_out) + out_channels · H_out · W_out
    output_shape: tuple  # (out_channels, H_out, W_out): stride 1, no padding


def layer_params(input_shape, out_channels, kernel) -> LayerParams:
    """Parameters (weights and biases) of a ``kernel`` × ``kernel`` convolution (stride 1, no padding) from
    ``input_shape`` = (channels, height, width) to ``out_channels`` maps, and of the dense layer joining the same
    input to an output of the same size, as torch's ``Conv2d`` and ``Linear`` count them."""
    if len(tuple(input_shape)) != 3:
        raise ValueError(f"input_shape must be (channels, height, width), got {input_shape!r}")
    channels, height, width = (check_int(f"input_shape[{i}]", v, low=1, high=100_000)
                               for i, v in enumerate(input_shape))
    out_channels = check_int("out_channels", out_channels, low=1, high=100_000)
    kernel = check_int("kernel", kernel, low=1, high=min(height, width))
    out_h, out_w = height - kernel + 1, width - kernel + 1
    n_in, n_out = channels * height * width, out_channels * out_h * out_w
    return LayerParams(conv=out_channels * (channels * kernel * kernel + 1), dense=n_in * n_out + n_out,
                       output_shape=(out_channels, out_h, out_w))


KERNELS = {
    "edge": np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]),      # Sobel: vertical edges
    "blur": np.full((3, 3), 1.0 / 9.0),
    "sharpen": np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]),
}
MAX_SHIFT = 16


def camera(side=64, shift=0) -> np.ndarray:
    """A ``side`` × ``side`` window of scikit-image's ``camera`` photograph (averaged over 4 × 4 blocks to 128 × 128,
    scaled to [0, 1]) whose content is moved ``shift`` pixels to the right: out[i, j] = small[r0 + i, c0 + j − shift].

    Returns
    -------
    array (side, side)
    """
    from skimage import data

    side = check_int("side", side, low=8, high=96)
    shift = check_int("shift", shift, low=-MAX_SHIFT, high=MAX_SHIFT)
    small = data.camera().astype(float).reshape(128, 4, 128, 4).mean(axis=(1, 3)) / 255.0
    r0, c0 = 8, 24
    if c0 - shift < 0 or c0 - shift + side > 128 or r0 + side > 128:
        raise ValueError(f"shift {shift} with side {side} leaves the photograph")
    return small[r0:r0 + side, c0 - shift:c0 - shift + side].copy()
