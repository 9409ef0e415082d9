"""engine.graphs against torch itself (eager modules, torch.fx.symbolic_trace, torch.jit.trace) and a model
whose output is worked out by hand."""
import warnings

import numpy as np
import pytest
import torch
import torch.fx as fx

from engine import graphs
from engine.graphs import (MODELS, capture_graph, output_sweep, run_as_sequential, run_eager, toy_input, toy_weights,
                           trace_with_example)

torch.set_num_threads(1)


def reference_module(model, weights):
    """The same three models written here from scratch, with the engine's weights loaded."""
    nn = torch.nn
    l1, l2, l3 = (nn.Linear(i, o, dtype=torch.float64) for o, i in ((4, 4), (4, 4), (2, 4)))
    for name, layer in (("l1", l1), ("l2", l2), ("l3", l3)):
        layer.weight.data = torch.from_numpy(weights[f"{name}.weight"].copy())
        layer.bias.data = torch.from_numpy(weights[f"{name}.bias"].copy())
    if model == "chain":
        return nn.Sequential(l1, nn.ReLU(), l2, nn.ReLU(), l3)

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.l1, self.l2, self.l3 = l1, l2, l3

        def forward(self, x):
            h = self.l2(torch.relu(self.l1(x)))
            if model == "skip":
                return self.l3(torch.relu(h + x))
            return self.l3(torch.relu(h) if x.sum() > 0 else torch.tanh(h))

    return Model()


def torch_out(module, x):
    with torch.no_grad():
        return module(torch.from_numpy(np.asarray(x, float))).numpy()


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("shift", [-1.3, 0.0, 0.7])
def test_eager_output_and_last_intermediate_equal_torch(model, shift):
    weights = toy_weights(3)
    x = toy_input(shift)
    run = run_eager(x, model=model, random_state=3)
    np.testing.assert_allclose(run.output, torch_out(reference_module(model, weights), x), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(run.values[-1], run.output)
    np.testing.assert_array_equal(run.values[0], x)
    assert run.names[0] == "x" and len(run.names) == len(run.values)


def test_eager_intermediates_are_each_operation_in_turn():
    weights = toy_weights(0)
    x = toy_input(0.4)
    run = dict(zip(*(lambda r: (r.names, r.values))(run_eager(x, model="skip"))))
    l1 = weights["l1.weight"] @ x + weights["l1.bias"]
    l2 = weights["l2.weight"] @ np.maximum(l1, 0) + weights["l2.bias"]
    np.testing.assert_allclose(run["l1"], l1)
    np.testing.assert_allclose(run["relu"], np.maximum(l1, 0))
    np.testing.assert_allclose(run["l2"], l2)
    np.testing.assert_allclose(run["add"], l2 + x)
    np.testing.assert_allclose(run["relu_1"], np.maximum(l2 + x, 0))


@pytest.mark.parametrize("model", ["chain", "skip"])
def test_captured_nodes_are_symbolic_traces_and_the_graph_computes_the_eager_output(model):
    weights = toy_weights(5)
    x = toy_input(-0.6)
    captured = capture_graph(x, model=model, random_state=5)
    reference = fx.symbolic_trace(reference_module(model, weights))
    gm = fx.symbolic_trace(graphs._build(model, weights))
    assert [(n.name, n.op, n.target, n.args) for n in captured.nodes] == \
           [(n.name, n.op, graphs._target(n), tuple(a.name for a in n.all_input_nodes)) for n in gm.graph.nodes]
    assert [n.op for n in captured.nodes] == [n.op for n in reference.graph.nodes]  # same ops, our own modules
    np.testing.assert_allclose(captured.output, torch_out(gm, x), rtol=0, atol=0)
    np.testing.assert_allclose(captured.output, run_eager(x, model=model, random_state=5).output, rtol=1e-12)
    assert captured.decisions == () and "def forward" in captured.code


def test_the_skip_connection_is_an_add_node_with_two_inputs_and_the_chain_has_none():
    x = toy_input(0.2)
    skip = {n.name: n for n in capture_graph(x, model="skip").nodes}
    assert skip["add"].op == "call_function" and skip["add"].target == "add" and skip["add"].args == ("l2", "x")
    chain = capture_graph(x, model="chain").nodes
    assert all(len(n.args) <= 1 for n in chain)
    assert [n.shape for n in chain] == [(4,), (4,), (4,), (4,), (4,), (2,), (2,)]


def test_eager_names_are_the_graphs_node_names():
    for model in ("chain", "skip"):
        x = toy_input(1.0)
        nodes = [n.name for n in capture_graph(x, model=model).nodes]
        assert list(run_eager(x, model=model).names[1:]) == nodes[1:-1]


def test_symbolic_trace_refuses_the_data_dependent_if():
    with pytest.raises(ValueError, match="control flow"):
        capture_graph(toy_input(1.0), model="branch")


@pytest.mark.parametrize("example_shift, shift", [(1.0, -1.0), (-1.0, 1.0), (0.5, 1.5), (-0.5, -1.5)])
def test_tracing_with_an_example_bakes_in_its_branch_as_torch_jit_trace_does(example_shift, shift):
    weights = toy_weights(2)
    module = reference_module("branch", weights)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # jit.trace: deprecated, and warns that the if becomes a constant
        jitted = torch.jit.trace(module, torch.from_numpy(toy_input(example_shift)))
    traced = trace_with_example(toy_input(shift), toy_input(example_shift), model="branch", random_state=2)
    np.testing.assert_allclose(traced.output, torch_out(jitted, toy_input(shift)), rtol=1e-12, atol=1e-12)
    assert traced.decisions == (example_shift > 0,)
    eager = run_eager(toy_input(shift), model="branch", random_state=2).output
    same_side = (shift > 0) == (example_shift > 0)
    assert np.allclose(traced.output, eager) == same_side  # a different branch gives a different output here
    names = [n.name for n in traced.nodes]
    assert ("relu_1" in names) == (example_shift > 0) and ("tanh" in names) != (example_shift > 0)
    assert "sum" not in names and "gt" not in names  # the condition ran once, while tracing


@pytest.mark.parametrize("model", ["chain", "skip"])
def test_without_an_if_tracing_with_an_example_gives_the_symbolic_graph(model):
    x, example = toy_input(-1.7), toy_input(0.9)
    traced = trace_with_example(x, example, model=model)
    captured = capture_graph(x, model=model)
    assert traced.nodes == captured.nodes and traced.decisions == ()
    np.testing.assert_array_equal(traced.output, captured.output)


def test_known_values_of_a_hand_set_model():
    """Identity weights and zero biases: l1 = x, relu, l2 = relu(x), l3 takes the first two entries."""
    eye, zero = np.eye(4), np.zeros(4)
    weights = {"l1.weight": eye, "l1.bias": zero, "l2.weight": eye, "l2.bias": zero,
               "l3.weight": np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0]]), "l3.bias": np.array([0.5, -0.5])}
    x = np.array([2.0, -3.0, 1.0, 0.5])  # sum 0.5 > 0: the branch takes ReLU
    # chain: relu(relu(x)) = (2, 0, 1, 0.5) → (2 + 0.5, 0 − 0.5)
    np.testing.assert_allclose(run_eager(x, model="chain", weights=weights).output, [2.5, -0.5])
    # skip: relu(relu(x) + x) = relu((4, −3, 2, 1)) = (4, 0, 2, 1) → (4.5, −0.5)
    np.testing.assert_allclose(run_eager(x, model="skip", weights=weights).output, [4.5, -0.5])
    np.testing.assert_allclose(capture_graph(x, model="skip", weights=weights).output, [4.5, -0.5])
    # the Sequential stack of the same layers loses the skip: it gives the chain's answer
    np.testing.assert_allclose(run_as_sequential(x, weights=weights), [2.5, -0.5])
    # branch with x = (−2, 3, −1, −0.5), sum −0.5: tanh(relu(x)) = (0, tanh 3, 0, 0) → (0.5, tanh(3) − 0.5)
    y = -x
    np.testing.assert_allclose(run_eager(y, model="branch", weights=weights).output, [0.5, np.tanh(3) - 0.5])
    assert run_eager(y, model="branch", weights=weights).branch == "tanh"
    # traced at x (ReLU baked in) and run on y: relu(relu(y)) = (0, 3, 0, 0) → (0.5, 2.5)
    np.testing.assert_allclose(trace_with_example(y, x, model="branch", weights=weights).output, [0.5, 2.5])


def test_toy_input_sums_to_four_times_the_shift_exactly():
    assert toy_input(0.0).sum() == 0.0
    assert run_eager(toy_input(0.0), model="branch").branch == "tanh"  # `x.sum() > 0` is False at 0
    assert run_eager(toy_input(0.1), model="branch").branch == "relu"
    np.testing.assert_allclose(toy_input(1.25).sum(), 5.0)


def test_sweep_matches_single_runs():
    shifts = np.linspace(-2, 2, 9)
    sweep = output_sweep(shifts, 0.5, model="branch", random_state=4)
    for i, shift in enumerate(shifts):
        x = toy_input(shift)
        np.testing.assert_allclose(sweep.eager[i], run_eager(x, model="branch", random_state=4).output)
        np.testing.assert_allclose(sweep.traced[i],
                                   trace_with_example(x, toy_input(0.5), model="branch", random_state=4).output)
        np.testing.assert_allclose(sweep.sequential[i], run_as_sequential(x, random_state=4))
    assert sweep.symbolic is None
    skip = output_sweep(shifts, 0.5, model="skip", random_state=4)
    for i, shift in enumerate(shifts):
        np.testing.assert_allclose(skip.symbolic[i], capture_graph(toy_input(shift), model="skip", random_state=4).output)


def test_weights_are_reproducible_from_the_seed():
    a, b = toy_weights(7), toy_weights(7)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["l1.weight"], toy_weights(8)["l1.weight"])
    assert a["l3.weight"].shape == (2, 4) and a["l3.bias"].shape == (2,)


def test_bad_inputs_raise_value_errors_naming_the_parameter():
    x = toy_input(0.0)
    with pytest.raises(ValueError, match="model"):
        run_eager(x, model="tree")
    with pytest.raises(ValueError, match="x must have shape"):
        run_eager(np.zeros(3))
    with pytest.raises(ValueError, match="example"):
        trace_with_example(x, np.array([0, np.nan, 0, 0]), model="branch")
    with pytest.raises(ValueError, match="shift"):
        toy_input(float("inf"))
    with pytest.raises(ValueError, match="random_state"):
        toy_weights(-1)
    with pytest.raises(ValueError, match="l2.bias"):
        run_eager(x, weights={k: v for k, v in toy_weights(0).items() if k != "l2.bias"})
    with pytest.raises(ValueError, match="shape"):
        run_eager(x, weights=dict(toy_weights(0), **{"l1.weight": np.zeros((3, 4))}))
    with pytest.raises(ValueError, match="shifts"):
        output_sweep(np.zeros(1000), 0.0)
    with pytest.raises(ValueError, match="shifts"):
        output_sweep(np.array([20.0]), 0.0)
