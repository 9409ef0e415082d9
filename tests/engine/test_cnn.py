import pytest
import torch
from hypothesis import given, settings, strategies as st

from engine.cnn import (PRESET_NOTES, PRESETS, conv_breakdown, conv_output_size, conv_transpose_output_size,
                        pool_output_size, stack_shapes)


@settings(max_examples=150, deadline=None)
@given(size=st.integers(1, 40), kernel=st.integers(1, 9), padding=st.integers(0, 4), stride=st.integers(1, 5),
       dilation=st.integers(1, 3))
def test_conv_output_size_matches_torch(size, kernel, padding, stride, dilation):
    fits = size + 2 * padding - dilation * (kernel - 1) - 1 >= 0
    if not fits:
        with pytest.raises(ValueError, match="kernel"):
            conv_output_size(size, kernel, padding, stride, dilation)
        return
    conv = torch.nn.Conv1d(1, 1, kernel, stride=stride, padding=padding, dilation=dilation)
    expected = conv(torch.zeros(1, 1, size)).shape[-1]
    assert conv_output_size(size, kernel, padding, stride, dilation) == expected


@settings(max_examples=100, deadline=None)
@given(size=st.integers(1, 40), kernel=st.integers(1, 6), stride=st.integers(1, 4), padding=st.integers(0, 3))
def test_pool_output_size_matches_torch(size, kernel, stride, padding):
    if padding > kernel // 2 or size + 2 * padding < kernel:
        with pytest.raises(ValueError):
            pool_output_size(size, kernel, stride, padding)
        return
    pool = torch.nn.MaxPool1d(kernel, stride=stride, padding=padding)
    assert pool_output_size(size, kernel, stride, padding) == pool(torch.zeros(1, 1, size)).shape[-1]


def test_pool_stride_defaults_to_kernel():
    assert pool_output_size(32, 2) == 16


def test_breakdown_reports_uneven_stride():
    b = conv_breakdown(8, 3, 0, 2)
    assert (b.numerator, b.remainder, b.output) == (5, 1, 3)


@pytest.mark.parametrize("kwargs, name", [
    (dict(size=0, kernel=3), "size"), (dict(size=5, kernel=0), "kernel"), (dict(size=5, kernel=3, stride=0), "stride"),
    (dict(size=5, kernel=3, dilation=0), "dilation"), (dict(size=5, kernel=3, padding=-1), "padding"),
    (dict(size=2, kernel=5), "kernel"), (dict(size=2.5, kernel=1), "size"), (dict(size=5, kernel=True), "kernel"),
])
def test_bad_inputs_name_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=name):
        conv_output_size(**kwargs)


def torch_layer(layer, in_channels):
    if layer["type"] == "conv":
        return torch.nn.Conv2d(in_channels, layer["out_channels"], layer["kernel"], stride=layer.get("stride", 1),
                               padding=layer.get("padding", 0), dilation=layer.get("dilation", 1),
                               groups=layer.get("groups", 1), bias=layer.get("bias", True))
    cls = torch.nn.MaxPool2d if layer["type"] == "maxpool" else torch.nn.AvgPool2d
    return cls(layer["kernel"], stride=layer.get("stride"), padding=layer.get("padding", 0))


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_match_torch_shapes_and_params(name):
    input_shape, layers = PRESETS[name]
    shapes = stack_shapes(input_shape, layers)
    x = torch.zeros(1, *input_shape)
    channels = input_shape[0]
    for layer, shape in zip(layers, shapes):
        module = torch_layer(layer, channels)
        x = module(x)
        assert shape.out_shape == tuple(x.shape[1:])
        assert shape.params == sum(p.numel() for p in module.parameters())
        channels = x.shape[1]


def test_alexnet_first_layer_is_the_textbook_answer():
    first = stack_shapes(*PRESETS["AlexNet (first layers)"])[0]
    assert first.out_shape == (96, 55, 55) and first.params == 34_944


def measured_receptive_field(layers, input_shape):
    """Receptive field by autograd: which input pixels move the centre output cell."""
    x = torch.zeros(1, *input_shape, requires_grad=True)
    channels, h = input_shape[0], x
    for layer in layers:
        layer = dict(layer, type="avgpool" if layer["type"] == "maxpool" else layer["type"])
        module = torch_layer(layer, channels)
        for p in module.parameters():
            torch.nn.init.constant_(p, 1.0)
        h = module(h)
        channels = h.shape[1]
    h[0, 0, h.shape[2] // 2, h.shape[3] // 2].backward()
    rows = torch.nonzero(x.grad[0].abs().sum(dim=(0, 2)))
    return int(rows.max() - rows.min() + 1)


@pytest.mark.parametrize("layers", [
    [{"type": "conv", "kernel": 3, "out_channels": 2}] * 2,
    [{"type": "conv", "kernel": 3, "out_channels": 2, "stride": 2}, {"type": "conv", "kernel": 3, "out_channels": 2}],
    [{"type": "conv", "kernel": 3, "out_channels": 2, "dilation": 2}, {"type": "maxpool", "kernel": 2, "stride": 2},
     {"type": "conv", "kernel": 5, "out_channels": 1}],
])
def test_receptive_field_matches_autograd(layers):
    shapes = stack_shapes((1, 64, 64), layers)
    assert shapes[-1].receptive_field == measured_receptive_field(layers, (1, 64, 64))


def test_stack_errors_name_the_layer():
    with pytest.raises(ValueError, match="layer 2"):
        stack_shapes((3, 8, 8), [{"type": "conv", "kernel": 3, "out_channels": 4}, {"type": "conv", "kernel": 9, "out_channels": 4}])
    with pytest.raises(ValueError, match="layer 1 type"):
        stack_shapes((3, 8, 8), [{"type": "dense", "kernel": 3}])
    with pytest.raises(ValueError, match="input_shape"):
        stack_shapes((8, 8), [])


def torch_macs(module, x):
    """Multiply–adds by torch's own FLOP counter (2 FLOPs per multiply–add; bias additions not counted)."""
    from torch.utils.flop_counter import FlopCounterMode
    with FlopCounterMode(display=False) as counter:
        module(x)
    return counter.get_total_flops() // 2


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_multiply_adds_match_torch_flop_counter(name):
    input_shape, layers = PRESETS[name]
    x = torch.zeros(1, *input_shape)
    channels = input_shape[0]
    for layer, shape in zip(layers, stack_shapes(input_shape, layers)):
        module = torch_layer(layer, channels)
        if layer["type"] == "conv":
            assert shape.macs == torch_macs(module, x)
        else:
            assert shape.macs == 0
        x = module(x)
        channels = x.shape[1]


@pytest.mark.parametrize("groups, c_in, c_out", [(1, 4, 6), (2, 4, 6), (4, 4, 8), (3, 6, 3)])
def test_groups_match_torch_parameters_shapes_and_macs(groups, c_in, c_out):
    layer = {"type": "conv", "kernel": 3, "out_channels": c_out, "groups": groups, "stride": 2, "padding": 1}
    shape = stack_shapes((c_in, 11, 9), [layer])[0]
    module = torch_layer(layer, c_in)
    x = torch.zeros(1, c_in, 11, 9)
    assert shape.params == sum(p.numel() for p in module.parameters()) == c_out * (c_in // groups * 9 + 1)
    assert shape.out_shape == tuple(module(x).shape[1:])
    assert shape.macs == torch_macs(module, x) == shape.out_shape[1] * shape.out_shape[2] * c_out * (c_in // groups) * 9


def test_alexnet_conv2_counts_the_papers_two_groups_and_lenet_says_where_it_differs():
    shapes = stack_shapes(*PRESETS["AlexNet (first layers)"])
    assert shapes[2].params == 307_456 and shapes[2].groups == 2
    assert "1,516" in PRESET_NOTES["LeNet-5"] and "227" in PRESET_NOTES["AlexNet (first layers)"]
    assert stack_shapes(*PRESETS["LeNet-5"])[2].params == 2_416
    assert conv_output_size(224, 11, 0, 4) == 54 and conv_output_size(227, 11, 0, 4) == 55


def test_groups_must_divide_the_channels():
    with pytest.raises(ValueError, match="layer 1.*groups"):
        stack_shapes((3, 8, 8), [{"type": "conv", "kernel": 3, "out_channels": 4, "groups": 2}])


def unread_by_autograd(size, kernel, padding, stride, dilation):
    x = torch.ones(1, 1, size, requires_grad=True)
    conv = torch.nn.Conv1d(1, 1, kernel, stride=stride, padding=padding, dilation=dilation, bias=False)
    torch.nn.init.constant_(conv.weight, 1.0)
    conv(x).sum().backward()
    return tuple(int(i) + padding for i in torch.nonzero(x.grad[0, 0] == 0).flatten())


@settings(max_examples=120, deadline=None)
@given(size=st.integers(1, 30), kernel=st.integers(1, 6), padding=st.integers(0, 3), stride=st.integers(1, 6),
       dilation=st.integers(1, 3))
def test_unread_input_cells_are_those_autograd_never_touches(size, kernel, padding, stride, dilation):
    if size + 2 * padding - dilation * (kernel - 1) - 1 < 0:
        return
    b = conv_breakdown(size, kernel, padding, stride, dilation)
    assert b.unread_input == unread_by_autograd(size, kernel, padding, stride, dilation)


def test_resnet_stem_drops_no_input_and_a_long_stride_skips_cells_between_windows():
    stem = stack_shapes(*PRESETS["ResNet stem"])
    assert stem[0].uneven and stem[0].unread == 0  # the cell the floor leaves over is padding
    b = conv_breakdown(10, 2, 0, 3)  # S = 3 > D(K − 1) + 1 = 2
    assert b.gaps and b.unread_input == (2, 5, 8, 9)
    assert not conv_breakdown(8, 3, 0, 2).gaps and conv_breakdown(8, 3, 0, 2).unread_input == (7,)


@settings(max_examples=150, deadline=None)
@given(size=st.integers(1, 20), kernel=st.integers(1, 7), padding=st.integers(0, 4), stride=st.integers(1, 4),
       dilation=st.integers(1, 3), output_padding=st.integers(0, 3))
def test_conv_transpose_output_size_matches_torch(size, kernel, padding, stride, dilation, output_padding):
    expected_out = (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1
    if output_padding >= max(stride, dilation) or expected_out < 1:
        with pytest.raises(ValueError, match="output_padding|padding"):
            conv_transpose_output_size(size, kernel, padding, stride, dilation, output_padding)
        return
    layer = torch.nn.ConvTranspose2d(1, 1, kernel, stride=stride, padding=padding, dilation=dilation,
                                     output_padding=output_padding)
    assert conv_transpose_output_size(size, kernel, padding, stride, dilation, output_padding) == \
        layer(torch.zeros(1, 1, size, size)).shape[-1]


def test_transposed_convolution_undoes_the_size_of_a_convolution():
    for size, kernel, padding, stride in [(8, 3, 0, 2), (7, 3, 1, 2), (224, 7, 3, 2)]:
        b = conv_breakdown(size, kernel, padding, stride)
        assert conv_transpose_output_size(b.output, kernel, padding, stride, output_padding=b.remainder) == size
