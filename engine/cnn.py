"""Output sizes, parameter counts and receptive fields of convolution and pooling stacks.

Sizes follow PyTorch's floor formula: out = floor((W + 2P - D(K-1) - 1) / S) + 1.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine._validate import check_choice, check_int

LAYER_TYPES = ("conv", "maxpool", "avgpool")


@dataclass(frozen=True)
class SizeBreakdown:
    """Every number in the output-size formula, so a page can show it substituted."""

    size: int
    kernel: int
    padding: int
    stride: int
    dilation: int
    span: int          # cells the dilated kernel covers: D(K-1)+1
    padded: int        # W + 2P
    numerator: int     # W + 2P - span
    remainder: int     # numerator mod S: cells at the far edge that no window reaches
    output: int


def conv_breakdown(size, kernel, padding=0, stride=1, dilation=1) -> SizeBreakdown:
    """Validate a 1-D convolution and return every intermediate of the size formula."""
    size = check_int("size", size, low=1)
    kernel = check_int("kernel", kernel, low=1)
    padding = check_int("padding", padding, low=0)
    stride = check_int("stride", stride, low=1)
    dilation = check_int("dilation", dilation, low=1)
    span = dilation * (kernel - 1) + 1
    padded = size + 2 * padding
    numerator = padded - span
    if numerator < 0:
        raise ValueError(
            f"kernel: the kernel spans {span} cells (dilation {dilation} × (kernel {kernel} − 1) + 1) "
            f"but the padded input has only {padded}; no output fits — lower the kernel or dilation, "
            f"or add padding")
    return SizeBreakdown(size, kernel, padding, stride, dilation, span, padded, numerator,
                         numerator % stride, numerator // stride + 1)


def conv_output_size(size, kernel, padding=0, stride=1, dilation=1) -> int:
    """Output length of a convolution along one axis (PyTorch's floor formula).

    Raises ``ValueError`` naming the parameter for a non-positive size/kernel/stride/dilation,
    a negative padding, or when the dilated kernel does not fit in the padded input.
    """
    return conv_breakdown(size, kernel, padding, stride, dilation).output


def pool_output_size(size, kernel, stride=None, padding=0, dilation=1) -> int:
    """Output length of max/avg pooling along one axis; ``stride`` defaults to ``kernel`` as in PyTorch.

    PyTorch also requires ``padding <= kernel // 2``; the same check is made here.
    """
    kernel = check_int("kernel", kernel, low=1)
    stride = kernel if stride is None else stride
    padding = check_int("padding", padding, low=0)
    if padding > kernel // 2:
        raise ValueError(f"padding must be at most half the kernel ({kernel // 2}) for pooling, got {padding}")
    return conv_output_size(size, kernel, padding, stride, dilation)


@dataclass(frozen=True)
class LayerShape:
    """One layer of a stack: its input and output shapes (C, H, W), parameters and receptive field."""

    index: int
    type: str
    in_shape: tuple
    out_shape: tuple
    params: int
    receptive_field: int   # input pixels (per side) that one output cell sees
    jump: int              # input pixels between neighbouring output cells
    uneven: bool           # True when the stride leaves cells at the edge unused

    @property
    def label(self) -> str:
        return f"{self.index + 1}. {self.type}"


def stack_shapes(input_shape, layers) -> list[LayerShape]:
    """Shapes through a stack of square conv / pooling layers.

    Parameters
    ----------
    input_shape : (C, H, W)
    layers : list of dict
        Each has ``type`` in {"conv", "maxpool", "avgpool"}, ``kernel``, and optional ``stride``,
        ``padding``; conv layers also ``out_channels``, optional ``dilation`` and ``bias`` (True).

    Returns
    -------
    list of LayerShape, one per layer. ``params`` equals the matching ``torch.nn`` layer's count.
    """
    if len(input_shape) != 3:
        raise ValueError(f"input_shape must be (C, H, W), got {input_shape!r}")
    shape = (check_int("channels", input_shape[0], low=1), check_int("height", input_shape[1], low=1),
             check_int("width", input_shape[2], low=1))
    receptive, jump = 1, 1
    result = []
    for index, layer in enumerate(layers):
        where = f"layer {index + 1}"
        kind = check_choice(f"{where} type", layer.get("type"), LAYER_TYPES)
        kernel = check_int(f"{where} kernel", layer.get("kernel"), low=1)
        padding = check_int(f"{where} padding", layer.get("padding", 0), low=0)
        channels, height, width = shape
        try:
            if kind == "conv":
                stride = check_int(f"{where} stride", layer.get("stride", 1), low=1)
                dilation = check_int(f"{where} dilation", layer.get("dilation", 1), low=1)
                out_channels = check_int(f"{where} out_channels", layer.get("out_channels"), low=1)
                hb = conv_breakdown(height, kernel, padding, stride, dilation)
                wb = conv_breakdown(width, kernel, padding, stride, dilation)
                params = out_channels * channels * kernel * kernel + (out_channels if layer.get("bias", True) else 0)
            else:
                stride = check_int(f"{where} stride", layer.get("stride") or kernel, low=1)
                dilation = 1
                out_channels = channels
                pool_output_size(height, kernel, stride, padding)  # pooling's own padding rule
                hb = conv_breakdown(height, kernel, padding, stride)
                wb = conv_breakdown(width, kernel, padding, stride)
                params = 0
        except ValueError as error:
            raise ValueError(f"{where}: {error}") from None
        receptive += (dilation * (kernel - 1)) * jump
        jump *= stride
        out_shape = (out_channels, hb.output, wb.output)
        result.append(LayerShape(index, kind, shape, out_shape, params, receptive, jump,
                                 bool(hb.remainder or wb.remainder)))
        shape = out_shape
    return result


PRESETS: dict[str, tuple[tuple, list[dict]]] = {
    "LeNet-5": ((1, 32, 32), [
        {"type": "conv", "out_channels": 6, "kernel": 5, "stride": 1, "padding": 0},
        {"type": "avgpool", "kernel": 2, "stride": 2, "padding": 0},
        {"type": "conv", "out_channels": 16, "kernel": 5, "stride": 1, "padding": 0},
        {"type": "avgpool", "kernel": 2, "stride": 2, "padding": 0},
        {"type": "conv", "out_channels": 120, "kernel": 5, "stride": 1, "padding": 0},
    ]),
    "AlexNet (first layers)": ((3, 227, 227), [
        {"type": "conv", "out_channels": 96, "kernel": 11, "stride": 4, "padding": 0},
        {"type": "maxpool", "kernel": 3, "stride": 2, "padding": 0},
        {"type": "conv", "out_channels": 256, "kernel": 5, "stride": 1, "padding": 2},
        {"type": "maxpool", "kernel": 3, "stride": 2, "padding": 0},
    ]),
    "VGG block": ((64, 112, 112), [
        {"type": "conv", "out_channels": 128, "kernel": 3, "stride": 1, "padding": 1},
        {"type": "conv", "out_channels": 128, "kernel": 3, "stride": 1, "padding": 1},
        {"type": "maxpool", "kernel": 2, "stride": 2, "padding": 0},
    ]),
    "ResNet stem": ((3, 224, 224), [
        {"type": "conv", "out_channels": 64, "kernel": 7, "stride": 2, "padding": 3, "bias": False},
        {"type": "maxpool", "kernel": 3, "stride": 2, "padding": 1},
    ]),
}
