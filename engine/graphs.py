"""Eager execution against a captured graph: one tiny network run op by op, and recorded with ``torch.fx``.

Three versions of the same small network (4 inputs → 4 → 4 → 2 outputs, float64):

- ``"chain"``: a ``torch.nn.Sequential`` of layers, each feeding only the next (Keras' Sequential API);
- ``"skip"``: the same layers with a skip connection, the input added back before the second ReLU, which
  only a model written with its own ``forward`` can wire (Keras' functional API);
- ``"branch"``: the chain, but a Python ``if`` on the *data* picks the second activation: ReLU when the
  input's entries sum above 0, tanh otherwise.

Eager execution runs each operation at once and hands back numbers, so every intermediate can be looked at
(``run_eager``). ``torch.fx.symbolic_trace`` instead runs ``forward`` on stand-in values and records the
operations as a graph of nodes (``capture_graph``): it cannot see data, so it refuses the ``if`` of
``"branch"``. Tracing with one example input (``trace_with_example``, as ``torch.jit.trace`` does) decides
such an ``if`` once, for that example, and bakes the branch it took into the graph.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine._validate import check_choice, check_float, check_int

MODELS = ("chain", "skip", "branch")
N_IN, N_HIDDEN, N_OUT = 4, 4, 2
# The input x = shift + PATTERN: the pattern sums to exactly 0 (binary fractions), so x sums to 4 · shift and
# the branch model's `if x.sum() > 0` takes ReLU for shift > 0 and tanh for shift ≤ 0.
PATTERN = (0.5, -1.0, 0.75, -0.25)
LAYERS = (("l1", N_HIDDEN, N_IN), ("l2", N_HIDDEN, N_HIDDEN), ("l3", N_OUT, N_HIDDEN))
MAX_SHIFT = 10.0
MAX_SWEEP = 401


@dataclass(frozen=True)
class EagerRun:
    """Every intermediate of one eager forward pass, in the order it was computed.

    ``names`` and ``values`` pair up: ``values[i]`` is a float array of shape (4,) or (2,) for the output.
    ``output`` is the last value, shape (2,). ``branch`` is the activation the ``"branch"`` model's ``if``
    chose ("relu" or "tanh"), None for the other models.
    """

    names: tuple[str, ...]
    values: tuple[np.ndarray, ...]
    output: np.ndarray
    branch: str | None


@dataclass(frozen=True)
class GraphNode:
    """One node of a ``torch.fx`` graph: its ``name``, ``op`` (placeholder, call_module, call_function,
    call_method, get_attr or output), ``target`` as text (a submodule's name, a function's name), the names of
    the nodes it reads (``args``), and the ``shape`` of its value on the input the graph was run on."""

    name: str
    op: str
    target: str
    args: tuple[str, ...]
    shape: tuple[int, ...] | None


@dataclass(frozen=True)
class CapturedGraph:
    """A captured graph: its ``nodes`` in execution order, ``output`` (shape (2,)) of the graph run on the
    input given, the Python ``code`` fx generates for it, and ``decisions``: the value of every Python ``if``
    on a tensor that was decided while tracing (empty for symbolic tracing, which cannot decide one)."""

    nodes: tuple[GraphNode, ...]
    output: np.ndarray
    code: str
    decisions: tuple[bool, ...]


@dataclass(frozen=True)
class OutputSweep:
    """Outputs over a range of inputs x = shift + PATTERN, each of shape (n_shifts, 2): ``eager`` the model
    itself, ``traced`` the graph traced once at ``example_shift``, ``sequential`` the model's layers stacked
    in a ``torch.nn.Sequential``, and ``symbolic`` the GraphModule of ``torch.fx.symbolic_trace`` (None for
    the branch model, which it cannot capture)."""

    shifts: np.ndarray
    eager: np.ndarray
    traced: np.ndarray
    sequential: np.ndarray
    symbolic: np.ndarray | None


def toy_input(shift) -> np.ndarray:
    """The page's input x = shift + (0.5, −1, 0.75, −0.25), shape (4,); it sums to 4 · shift."""
    shift = check_float("shift", shift, -MAX_SHIFT, MAX_SHIFT)
    return shift + np.array(PATTERN)


def toy_weights(random_state=0) -> dict[str, np.ndarray]:
    """Weights of the three linear layers, drawn from ``np.random.default_rng(random_state)``.

    For l1, l2, l3 in turn: the weight (n_out, n_in) from N(0, 0.7²), then the bias (n_out,) from N(0, 0.3²).
    Returns a dict with the keys of ``state_dict``: "l1.weight", "l1.bias", …, "l3.bias".
    """
    random_state = check_int("random_state", random_state, 0, 2**32 - 1)
    rng = np.random.default_rng(random_state)
    weights = {}
    for name, n_out, n_in in LAYERS:
        weights[f"{name}.weight"] = rng.normal(0.0, 0.7, (n_out, n_in))
        weights[f"{name}.bias"] = rng.normal(0.0, 0.3, n_out)
    return weights


def _check_weights(weights, random_state) -> dict[str, np.ndarray]:
    if weights is None:
        return toy_weights(random_state)
    if not isinstance(weights, dict):
        raise ValueError("weights must be a dict of arrays keyed like toy_weights' result")
    checked = {}
    for name, n_out, n_in in LAYERS:
        for key, shape in ((f"{name}.weight", (n_out, n_in)), (f"{name}.bias", (n_out,))):
            if key not in weights:
                raise ValueError(f"weights is missing {key!r}")
            value = np.asarray(weights[key], dtype=float)
            if value.shape != shape:
                raise ValueError(f"weights[{key!r}] must have shape {shape}, got {value.shape}")
            if not np.all(np.isfinite(value)):
                raise ValueError(f"weights[{key!r}] must contain only finite values")
            checked[key] = value
    return checked


def _check_x(name, x) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.shape != (N_IN,):
        raise ValueError(f"{name} must have shape ({N_IN},), got {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must contain only finite values")
    return x


def _torch():
    import torch
    torch.set_num_threads(1)
    return torch


def _build(model, weights):
    """The torch module for ``model`` with ``weights`` loaded (float64)."""
    torch = _torch()
    nn = torch.nn
    layers = {name: nn.Linear(n_in, n_out, dtype=torch.float64) for name, n_out, n_in in LAYERS}

    if model == "chain":
        module = nn.Sequential()  # Keras' Sequential: a list of layers, each one feeding the next
        for name, layer in (("l1", layers["l1"]), ("relu1", nn.ReLU()), ("l2", layers["l2"]),
                            ("relu2", nn.ReLU()), ("l3", layers["l3"])):
            module.add_module(name, layer)
    else:
        module = _FUNCTIONAL[model]()
        for name, layer in layers.items():
            module.add_module(name, layer)
    module.load_state_dict({key: torch.from_numpy(value) for key, value in weights.items()})
    return module.eval()


def _functional_models():
    """The skip and branch models, defined once torch is imported. Each writes its computation once, in
    ``steps(x, keep)``; ``keep(name, value)`` returns ``value`` (forward) or also records it (run_eager).
    The names are those fx gives the same operations' nodes."""
    torch = _torch()

    class Skip(torch.nn.Module):
        def steps(self, x, keep):
            h = keep("relu", torch.relu(keep("l1", self.l1(x))))
            h = keep("l2", self.l2(h))
            h = keep("add", h + x)  # the skip connection: a node with two inputs
            h = keep("relu_1", torch.relu(h))
            return keep("l3", self.l3(h))

        def forward(self, x):
            return self.steps(x, _pass)

    class Branch(torch.nn.Module):
        def steps(self, x, keep):
            h = keep("relu", torch.relu(keep("l1", self.l1(x))))
            h = keep("l2", self.l2(h))
            if x.sum() > 0:  # control flow that depends on the data
                h = keep("relu_1", torch.relu(h))
            else:
                h = keep("tanh", torch.tanh(h))
            return keep("l3", self.l3(h))

        def forward(self, x):
            return self.steps(x, _pass)

    return {"skip": Skip, "branch": Branch}


def _pass(name, value):
    return value


class _LazyModels(dict):
    def __missing__(self, key):
        self.update(_functional_models())
        return self[key]


_FUNCTIONAL = _LazyModels()


def _numpy(tensor) -> np.ndarray:
    return tensor.detach().numpy().copy()


def run_eager(x, *, model="chain", weights=None, random_state=0) -> EagerRun:
    """Run ``model`` eagerly on one input, keeping every intermediate, as ``print`` in eager mode would.

    Parameters
    ----------
    x : array of shape (4,)
    model : "chain", "skip" or "branch"
    weights : dict of arrays keyed like ``toy_weights``' result, or None for ``toy_weights(random_state)``
    random_state : int, seeds the weights when ``weights`` is None

    Returns
    -------
    EagerRun: the input and every layer's and activation's value by name, in the order computed.
    """
    check_choice("model", model, MODELS)
    x = _check_x("x", x)
    module = _build(model, _check_weights(weights, random_state))
    torch = _torch()
    names, values = ["x"], [x.copy()]

    def keep(name, value):
        names.append(name)
        values.append(_numpy(value))
        return value

    with torch.no_grad():
        h = torch.from_numpy(x)
        if model == "chain":
            for name, layer in module.named_children():  # eager: a plain Python loop, any value printable
                h = keep(name, layer(h))
        else:
            h = module.steps(h, keep)
    branch = None
    if model == "branch":
        branch = "tanh" if "tanh" in names else "relu"
    return EagerRun(tuple(names), tuple(values), values[-1], branch)


def _target(node) -> str:
    target = node.target
    if isinstance(target, str):
        return target
    return getattr(target, "__name__", str(target))


def _describe(gm, x, decisions) -> CapturedGraph:
    """Run the GraphModule on ``x``, annotating every node's shape (fx's ShapeProp), and describe it."""
    torch = _torch()
    from torch.fx.passes.shape_prop import ShapeProp
    with torch.no_grad():
        inputs = torch.from_numpy(x)
        ShapeProp(gm).propagate(inputs)
        output = gm(inputs)
    nodes = []
    for node in gm.graph.nodes:
        meta = node.meta.get("tensor_meta")
        shape = tuple(int(n) for n in meta.shape) if meta is not None and hasattr(meta, "shape") else None
        if node.op == "output":
            shape = tuple(output.shape)
        nodes.append(GraphNode(node.name, node.op, _target(node), tuple(a.name for a in node.all_input_nodes), shape))
    return CapturedGraph(tuple(nodes), _numpy(output), gm.code.strip(), tuple(decisions))


def capture_graph(x, *, model="chain", weights=None, random_state=0) -> CapturedGraph:
    """Capture ``model`` with ``torch.fx.symbolic_trace`` and run the graph on ``x``.

    Symbolic tracing runs ``forward`` once on a stand-in (a Proxy) that records every operation applied to it;
    it never sees numbers, so a Python ``if`` on a tensor's value cannot be traced.

    Parameters
    ----------
    x : array of shape (4,), the input the captured graph is run on
    model : "chain" or "skip" ("branch" raises: its ``if`` depends on the data)
    weights, random_state : as in ``run_eager``

    Returns
    -------
    CapturedGraph with the nodes of ``symbolic_trace(module).graph``, and the graph's output on ``x``.
    """
    check_choice("model", model, MODELS)
    x = _check_x("x", x)
    module = _build(model, _check_weights(weights, random_state))
    torch = _torch()
    try:
        gm = torch.fx.symbolic_trace(module)
    except torch.fx.proxy.TraceError as error:
        raise ValueError(f"model={model!r} cannot be captured by torch.fx.symbolic_trace: {error}") from None
    return _describe(gm, x, ())


def trace_with_example(x, example, *, model="chain", weights=None, random_state=0) -> CapturedGraph:
    """Trace ``model`` while running it on one ``example`` input, then run the graph on ``x``.

    Like ``torch.jit.trace``: each Python ``if`` on a tensor is decided by the example's value, once, and only
    the branch it took is recorded, so the graph goes that way for every later input. Written as a
    ``torch.fx.Tracer`` whose documented ``to_bool`` hook answers with the example's value (every node is
    also run on the example as it is recorded), so the graph is an fx graph like ``capture_graph``'s
    (``torch.jit.trace`` does the same but is deprecated, and ``torch.fx.experimental.proxy_tensor.make_fx``
    and ``torch.export`` refuse such an ``if``).

    Parameters
    ----------
    x : array of shape (4,), the input the traced graph is run on
    example : array of shape (4,), the input used while tracing
    model, weights, random_state : as in ``run_eager``

    Returns
    -------
    CapturedGraph; ``decisions`` holds each ``if`` as the example decided it.
    """
    check_choice("model", model, MODELS)
    x, example = _check_x("x", x), _check_x("example", example)
    module = _build(model, _check_weights(weights, random_state))
    gm, decisions = _trace_by_example(module, example)
    return _describe(gm, x, decisions)


def run_as_sequential(x, *, weights=None, random_state=0) -> np.ndarray:
    """The model's layers stacked in a ``torch.nn.Sequential`` (l1, ReLU, l2, ReLU, l3), run on ``x``: what a
    Sequential model of the same layers computes. Returns the output, shape (2,)."""
    x = _check_x("x", x)
    module = _build("chain", _check_weights(weights, random_state))
    torch = _torch()
    with torch.no_grad():
        return _numpy(module(torch.from_numpy(x)))


def output_sweep(shifts, example_shift, *, model="chain", weights=None, random_state=0) -> OutputSweep:
    """Outputs of the eager model, of the graph traced once at ``example_shift``, of the Sequential stack and
    of ``torch.fx.symbolic_trace``'s GraphModule, for every input x = shift + PATTERN.

    Parameters
    ----------
    shifts : array of shape (n,), 1 ≤ n ≤ 401, each in [−10, 10]
    example_shift : float in [−10, 10], the input traced is ``toy_input(example_shift)``
    model, weights, random_state : as in ``run_eager``
    """
    check_choice("model", model, MODELS)
    shifts = np.asarray(shifts, dtype=float)
    if shifts.ndim != 1 or not 1 <= len(shifts) <= MAX_SWEEP:
        raise ValueError(f"shifts must be a 1-D array of 1 to {MAX_SWEEP} values, got shape {shifts.shape}")
    if not np.all(np.isfinite(shifts)) or np.abs(shifts).max() > MAX_SHIFT:
        raise ValueError(f"shifts must be finite and within ±{MAX_SHIFT:g}")
    weights = _check_weights(weights, random_state)
    example = toy_input(example_shift)
    torch = _torch()
    module, chain = _build(model, weights), _build("chain", weights)
    traced, _ = _trace_by_example(module, example)
    symbolic = None if model == "branch" else torch.fx.symbolic_trace(module)
    eager, graph, sequential, replayed = [], [], [], []
    with torch.no_grad():
        for shift in shifts:
            inputs = torch.from_numpy(shift + np.array(PATTERN))
            eager.append(_numpy(module(inputs)))
            graph.append(_numpy(traced(inputs)))
            sequential.append(_numpy(chain(inputs)))
            if symbolic is not None:
                replayed.append(_numpy(symbolic(inputs)))
    return OutputSweep(shifts.copy(), np.array(eager), np.array(graph), np.array(sequential),
                       np.array(replayed) if symbolic is not None else None)


def _trace_by_example(module, example):
    """Trace ``module`` while running it on ``example`` (shape (4,)): the GraphModule and each ``if`` decided.

    A ``torch.fx.Tracer`` that also runs every node on the example as it records it, so its documented
    ``to_bool`` hook can answer a Python ``if`` on a traced tensor with the example's value."""
    torch = _torch()
    fx = torch.fx
    values, decisions = {}, []

    class ExampleTracer(fx.Tracer):
        evaluating = False  # True while a node runs on the example: module calls and attributes are then real

        def create_node(self, kind, target, args, kwargs, name=None, type_expr=None):
            node = super().create_node(kind, target, args, kwargs, name, type_expr)
            real_args = fx.node.map_arg(args, values.__getitem__)
            real_kwargs = fx.node.map_arg(kwargs, values.__getitem__)
            self.evaluating = True
            try:
                if kind == "placeholder":
                    values[node] = torch.from_numpy(example)
                elif kind == "get_attr":
                    values[node] = module.get_parameter(target)
                elif kind == "call_module":
                    values[node] = module.get_submodule(target)(*real_args, **real_kwargs)
                elif kind == "call_function":
                    values[node] = target(*real_args, **real_kwargs)
                elif kind == "call_method":
                    values[node] = getattr(real_args[0], target)(*real_args[1:], **real_kwargs)
            finally:
                self.evaluating = False
            return node

        # While tracing, fx routes every module call and module attribute through these two methods.
        def call_module(self, m, forward, args, kwargs):
            return forward(*args, **kwargs) if self.evaluating else super().call_module(m, forward, args, kwargs)

        def getattr(self, attr, attr_val, parameter_proxy_cache):
            return attr_val if self.evaluating else super().getattr(attr, attr_val, parameter_proxy_cache)

        def to_bool(self, obj):
            decision = bool(values[obj.node])
            decisions.append(decision)
            return decision

    with torch.no_grad():
        graph = ExampleTracer().trace(module)
    gm = fx.GraphModule(module, graph)
    gm.graph.eliminate_dead_code()  # the condition's nodes: computed once while tracing, read by nothing after
    gm.recompile()
    return gm, decisions
