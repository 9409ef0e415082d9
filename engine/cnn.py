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

    @property
    def read(self) -> frozenset:
        """Indices of the padded input (0 … W+2P−1) that at least one kernel tap reads."""
        return frozenset(i * self.stride + j * self.dilation for i in range(self.output) for j in range(self.kernel))

    @property
    def unread_input(self) -> tuple:
        """Indices of real input cells (padding excluded) that no kernel tap ever reads: the far edge the
        stride does not reach, and, when S > D(K−1)+1 or the dilation leaves holes, cells between taps."""
        read = self.read
        return tuple(i for i in range(self.padding, self.padding + self.size) if i not in read)

    @property
    def gaps(self) -> bool:
        """True when the stride is longer than the kernel's span, so windows skip cells between them."""
        return self.stride > self.span


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


def conv_transpose_output_size(size, kernel, padding=0, stride=1, dilation=1, output_padding=0) -> int:
    """Output length of a transposed convolution along one axis, as ``torch.nn.ConvTranspose2d`` computes it.

    out = (size − 1)·S − 2P + D(K − 1) + output_padding + 1. A convolution with the same K, P, S, D maps every
    input length from out to out + S − 1 onto ``size``; ``output_padding`` (below S or D) picks which one.
    """
    size = check_int("size", size, low=1)
    kernel = check_int("kernel", kernel, low=1)
    padding = check_int("padding", padding, low=0)
    stride = check_int("stride", stride, low=1)
    dilation = check_int("dilation", dilation, low=1)
    output_padding = check_int("output_padding", output_padding, low=0)
    if output_padding >= max(stride, dilation):
        raise ValueError(f"output_padding must be smaller than the stride or the dilation "
                         f"(at most {max(stride, dilation) - 1}), got {output_padding}")
    out = (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1
    if out < 1:
        raise ValueError(f"padding: {padding} removes the whole output ((size − 1)·S + D(K − 1) + 1 = "
                         f"{out + 2 * padding - output_padding} before padding)")
    return out


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
    uneven: bool           # True when the size formula floors (cells left over at the far edge, maybe padding)
    unread: int = 0        # real input rows (or columns) that no window ever reads, padding excluded
    macs: int = 0          # multiply–adds: H_out·W_out·C_out·(C_in/g)·K², bias excluded; 0 for pooling
    groups: int = 1

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
        ``padding``; conv layers also ``out_channels``, optional ``dilation``, ``groups`` (1; it must divide
        both channel counts) and ``bias`` (True).

    Returns
    -------
    list of LayerShape, one per layer. ``params`` equals the matching ``torch.nn`` layer's count,
    C_out·(C_in/g·K² + 1) for a convolution with bias; ``macs`` counts its multiply–adds,
    H_out·W_out·C_out·(C_in/g)·K² (bias additions excluded, pooling counted as 0).
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
                groups = check_int(f"{where} groups", layer.get("groups", 1), low=1)
                if channels % groups or out_channels % groups:
                    raise ValueError(f"groups ({groups}) must divide the input channels ({channels}) and "
                                     f"out_channels ({out_channels})")
                hb = conv_breakdown(height, kernel, padding, stride, dilation)
                wb = conv_breakdown(width, kernel, padding, stride, dilation)
                weights = out_channels * (channels // groups) * kernel * kernel
                params = weights + (out_channels if layer.get("bias", True) else 0)
                macs = hb.output * wb.output * weights
            else:
                stride = check_int(f"{where} stride", layer.get("stride") or kernel, low=1)
                dilation, groups, macs = 1, 1, 0
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
                                 bool(hb.remainder or wb.remainder),
                                 max(len(hb.unread_input), len(wb.unread_input)), macs, groups))
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
        {"type": "conv", "out_channels": 256, "kernel": 5, "stride": 1, "padding": 2, "groups": 2},
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

# Where a preset still counts differently from the paper it is named after.
PRESET_NOTES: dict[str, str] = {
    "LeNet-5": "The paper's C3 (layer 3) connects each of its 16 maps to only some of the 6 input maps, which gives "
               "1,516 parameters; here every map sees all 6 (2,416). Its S2 and S4 subsampling layers also had a "
               "trainable coefficient and bias per map (12 and 32 parameters); here they are plain average pooling.",
    "AlexNet (first layers)": "The paper states a 224×224 input, but (224 − 11)/4 + 1 is not a whole number and gives 54, "
                              "not the 55 it reports: 227 does. conv2 (layer 3) is split into 2 groups, one per GPU as "
                              "in the paper (307,456 parameters; 614,656 without groups).",
    "VGG block": "One block of VGG-16 (conv3-128 ×2 and a max pool), as in the paper.",
    "ResNet stem": "As in torchvision's resnet: a 7×7 stride-2 conv without bias (a batch norm follows) and a 3×3 "
                   "stride-2 max pool; the cells the floor leaves over are padding, so no input is dropped.",
}
