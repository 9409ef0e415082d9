"""ResNet, Inception and DenseNet in numbers: gradient norms through a plain and a residual stack (torch autograd),
the parameters and multiply-adds of Inception's naive module against its 1×1-bottleneck version, DenseNet's
channel growth, and the classifier head: global average pooling against flattening before the one dense layer."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine._validate import check_choice, check_int

ACTIVATIONS = ("tanh", "sigmoid", "relu")


def gradient_flow(depth, residual, activation="tanh", width=32, random_state=0) -> np.ndarray:
    """The norm of ∂loss/∂W for each block's weight matrix, first block first, by torch autograd.

    Each block is a ``width`` × ``width`` linear layer (torch's default initialisation) followed by ``activation``:
    h ← act(W h + b) in a plain stack, h ← h + act(W h + b) in a residual one. The input is 64 standard-normal
    rows; the loss is the mean of the last block's output squared (halved).

    Returns
    -------
    array (depth,)
    """
    import torch

    depth = check_int("depth", depth, low=1, high=200)
    width = check_int("width", width, low=1, high=256)
    random_state = check_int("random_state", random_state, low=0)
    activation = check_choice("activation", activation, ACTIVATIONS)
    torch.set_num_threads(1)
    torch.manual_seed(random_state)
    layers = [torch.nn.Linear(width, width, dtype=torch.float64) for _ in range(depth)]
    act = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu}[activation]
    h = torch.randn(64, width, dtype=torch.float64, generator=torch.Generator().manual_seed(random_state))
    for layer in layers:
        h = h + act(layer(h)) if residual else act(layer(h))
    loss = 0.5 * (h ** 2).mean()
    grads = torch.autograd.grad(loss, [layer.weight for layer in layers])
    return np.array([float(g.norm()) for g in grads])


@dataclass(frozen=True)
class InceptionCost:
    params: int           # weights + biases of every convolution in the module
    mult_adds: int        # multiply-adds per output pixel position (times H·W for a whole feature map)
    out_channels: int     # channels of the concatenated output
    branches: dict        # branch name → its parameters


def _conv(c_in, c_out, k):
    """(parameters, multiply-adds per pixel) of a k × k convolution with bias, 'same' padding."""
    return c_out * (c_in * k * k + 1), c_out * c_in * k * k


def inception_params(in_channels, c1, c3, c5, pool_proj, c3_reduce=None, c5_reduce=None) -> InceptionCost:
    """Cost of an Inception module on ``in_channels`` input channels, branches 1×1 (``c1``), 3×3 (``c3``), 5×5
    (``c5``) and 3×3 max-pool.

    With no reductions (both None) it is the naive module: the 3×3 and 5×5 convolutions see all input channels and
    the pooling branch passes its ``in_channels`` through (``pool_proj`` is not used). With reductions it is
    GoogLeNet's module: 1×1 convolutions to ``c3_reduce`` / ``c5_reduce`` channels before the 3×3 / 5×5, and a
    1×1 projection to ``pool_proj`` channels after the pooling. Equal to the summed ``numel`` of the matching
    ``torch.nn.Conv2d`` layers.
    """
    in_channels, c1, c3, c5 = (check_int(n, v, low=1, high=4096) for n, v in
                               (("in_channels", in_channels), ("c1", c1), ("c3", c3), ("c5", c5)))
    naive = c3_reduce is None and c5_reduce is None
    if not naive and (c3_reduce is None or c5_reduce is None):
        raise ValueError("c3_reduce and c5_reduce must both be given (bottleneck module) or both be None (naive)")
    branches = {"1×1": _conv(in_channels, c1, 1)}
    if naive:
        branches["3×3"] = _conv(in_channels, c3, 3)
        branches["5×5"] = _conv(in_channels, c5, 5)
        out = c1 + c3 + c5 + in_channels
    else:
        c3_reduce = check_int("c3_reduce", c3_reduce, low=1, high=4096)
        c5_reduce = check_int("c5_reduce", c5_reduce, low=1, high=4096)
        pool_proj = check_int("pool_proj", pool_proj, low=1, high=4096)
        for name, (red, c, k) in (("3×3", (c3_reduce, c3, 3)), ("5×5", (c5_reduce, c5, 5))):
            a, b = _conv(in_channels, red, 1), _conv(red, c, k)
            branches[name] = (a[0] + b[0], a[1] + b[1])
        branches["pool"] = _conv(in_channels, pool_proj, 1)
        out = c1 + c3 + c5 + pool_proj
    return InceptionCost(params=sum(p for p, _ in branches.values()), mult_adds=sum(m for _, m in branches.values()),
                         out_channels=out, branches={k: v[0] for k, v in branches.items()})


def densenet_channels(c0, growth, n_layers) -> np.ndarray:
    """Input channels of each layer of a dense block: layer i sees the block's input and every earlier layer's
    ``growth`` new maps, c0 + i·growth. Returns an int array (n_layers,)."""
    c0 = check_int("c0", c0, low=1, high=100_000)
    growth = check_int("growth", growth, low=1, high=10_000)
    n_layers = check_int("n_layers", n_layers, low=1, high=1_000)
    return c0 + growth * np.arange(n_layers)


def global_average_pool(feature_maps) -> np.ndarray:
    """Global average pooling: the mean of every channel over its H × W positions.

    Parameters
    ----------
    feature_maps : array (C, H, W) or (N, C, H, W)

    Returns
    -------
    array (C,) or (N, C), equal to ``torch.nn.functional.adaptive_avg_pool2d(x, 1)`` without its 1 × 1 axes. The
    output's length is C whatever H and W are, which is why one dense layer after it takes inputs of any size.
    """
    x = np.asarray(feature_maps, dtype=float)
    if x.ndim not in (3, 4) or min(x.shape) < 1:
        raise ValueError(f"feature_maps must have shape (C, H, W) or (N, C, H, W), got {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("feature_maps must contain only finite values")
    return x.mean(axis=(-2, -1))


@dataclass(frozen=True)
class HeadParams:
    flatten: int  # the dense layer on the flattened map: (C·H·W)·k weights + k biases
    gap: int      # the dense layer after global average pooling: C·k weights + k biases
    flatten_inputs: int  # C·H·W: what the flatten head's dense layer must be built for
    gap_inputs: int      # C, for every H × W


def head_params(channels, height, width, n_classes) -> HeadParams:
    """Parameters of a classifier head on a C × H × W feature map with ``n_classes`` outputs: one dense layer on the
    flattened map against global average pooling then one dense layer, as ``torch.nn.Linear`` counts them
    (pooling has no parameters). The ratio is (C·H·W + 1)/(C + 1): no saving at all when H = W = 1."""
    channels = check_int("channels", channels, low=1, high=100_000)
    height = check_int("height", height, low=1, high=10_000)
    width = check_int("width", width, low=1, high=10_000)
    n_classes = check_int("n_classes", n_classes, low=1, high=100_000)
    flat = channels * height * width
    return HeadParams(flatten=flat * n_classes + n_classes, gap=channels * n_classes + n_classes,
                      flatten_inputs=flat, gap_inputs=channels)
