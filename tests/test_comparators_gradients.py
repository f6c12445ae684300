"""Every gradient of the BPTT comparators against central finite differences.

float64, relative error (per parameter array, in the 2-norm) below 1e-6, for
every cell, several layers, the learned initial state, padded (masked)
minibatches, a truncated-BPTT window with a carried state, and both losses.
"""

import numpy as np
import pytest

from reservoir.comparators._network import Network, init_params
from reservoir.comparators._optim import SGD, Adam, clip_by_global_norm, global_norm

T, B, D, N, K = 6, 3, 2, 4, 3
EPS = 1e-6


def _network(
    cell,
    *,
    activation="tanh",
    leak=None,
    n_layers=2,
    task="regression",
    include_input=True,
    learn_initial_state=True,
    seed=0,
    n_units=N,
    **options,
):
    rng = np.random.RandomState(seed)
    arch = {
        k: options[k]
        for k in ("bidirectional", "readout_layers", "skip")
        if k in options
    }
    params = init_params(
        rng,
        cell=cell,
        init="glorot",
        n_layers=n_layers,
        n_units=n_units,
        n_features=D,
        n_outputs=K,
        include_input=include_input,
        learn_initial_state=learn_initial_state,
        spectral_radius=0.9,
        density=None,
        input_scaling=1.0,
        bias_scaling=1.0,
        output_bias=np.zeros(K),
        **arch,
    )
    for key in params:  # move away from the symmetric initial values
        params[key] = params[key] + 0.3 * rng.standard_normal(params[key].shape)
    net = Network(
        cell,
        n_layers,
        n_units,
        params,
        activation=activation,
        leak=leak,
        include_input=include_input,
        task=task,
        learn_initial_state=learn_initial_state,
        **options,
    )
    X = rng.standard_normal((T, B, D))
    if task == "regression":
        Y = rng.standard_normal((T, B, K))
    else:
        Y = rng.randint(0, K, (T, B)).astype(float)
    M = np.ones((T, B))
    M[T - 2 :, 0] = 0.0  # a padded (shorter) sequence
    M[: T - 1, 1] = 0.0  # a sequence labelled at its last step only
    return net, params, X, Y, M, rng


def finite_differences(value, loss) -> np.ndarray:
    """Central differences of ``loss()`` in every entry of ``value`` (in place)."""
    fd = np.zeros_like(value)
    for idx in np.ndindex(value.shape):
        old = value[idx]
        value[idx] = old + EPS
        plus = loss()
        value[idx] = old - EPS
        minus = loss()
        value[idx] = old
        fd[idx] = (plus - minus) / (2 * EPS)
    return fd


def assert_gradients(grads, params, loss):
    """Every gradient within 1e-6 (relative, 2-norm) of finite differences."""
    for key, value in params.items():
        fd = finite_differences(value, loss)
        scale = np.linalg.norm(fd) + np.linalg.norm(grads[key])
        if scale == 0.0:  # e.g. a learned state outside the first window
            continue
        rel = np.linalg.norm(fd - grads[key]) / scale
        assert rel < 1e-6, f"{key}: relative error {rel:.2e}"


def _check(net, params, X, Y, M, states=None, lengths=None):
    first = states is None

    def start():
        return net.initial_states(B) if first else states

    def loss_of():
        out = net.forward(X, start(), lengths)[0]
        return net.loss(out, *net.readout_targets(Y, M, lengths))[0]

    loss, grads, _ = net.loss_grad(X, Y, M, start(), first=first, lengths=lengths)
    assert np.isfinite(loss)
    assert set(grads) == set(params)
    assert_gradients(grads, params, loss_of)


CELLS = [
    ("elman", "tanh"),
    ("elman", "relu"),
    ("elman", "identity"),
    ("elman", "sigmoid"),
    ("lstm", "tanh"),
    ("gru", "tanh"),
]


@pytest.mark.parametrize(("cell", "activation"), CELLS)
@pytest.mark.parametrize("task", ["regression", "classification"])
def test_whole_sequence_gradients(cell, activation, task):
    net, params, X, Y, M, _ = _network(cell, activation=activation, task=task)
    _check(net, params, X, Y, M)


@pytest.mark.parametrize("cell", ["elman", "lstm", "gru"])
def test_truncated_window_gradients(cell):
    """A later truncation window: incoming state is a constant, h0 gets nothing."""
    net, params, X, Y, M, rng = _network(cell)
    states = [
        tuple(rng.standard_normal((B, N)) for _ in s) for s in net.initial_states(B)
    ]
    _check(net, params, X, Y, M, states)
    _, grads, _ = net.loss_grad(X, Y, M, states, first=False)
    assert not np.any(grads["0.h0"])


@pytest.mark.parametrize("n_layers", [1, 3])
def test_layers_without_learned_state_or_input(n_layers):
    net, params, X, Y, M, _ = _network(
        "gru", n_layers=n_layers, include_input=False, learn_initial_state=False
    )
    assert not any(key.endswith("h0") for key in params)
    _check(net, params, X, Y, M)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_leaky_elman_gradients(activation):
    leak = np.linspace(0.2, 1.0, N)
    net, params, X, Y, M, _ = _network("elman", activation=activation, leak=leak)
    _check(net, params, X, Y, M)


def test_classification_loss_is_cross_entropy():
    net, _, X, Y, M, _ = _network("elman", task="classification")
    out, _, _ = net.forward(X, net.initial_states(B))
    p = np.exp(out) / np.exp(out).sum(axis=2, keepdims=True)
    picked = np.take_along_axis(p, Y.astype(int)[:, :, None], axis=2)[:, :, 0]
    expected = -(np.log(picked) * M).sum() / M.sum()
    assert net.loss(out, Y, M)[0] == pytest.approx(expected, rel=1e-12)


def test_clipping_rescales_to_threshold():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    assert clip_by_global_norm(grads, 10.0) == pytest.approx(5.0)
    assert global_norm(grads) == pytest.approx(5.0)
    assert clip_by_global_norm(grads, 1.0) == pytest.approx(5.0)
    assert global_norm(grads) == pytest.approx(1.0)
    np.testing.assert_allclose(grads["a"], [0.6, 0.0])


def test_optimizer_steps():
    params = {"w": np.array([1.0, -2.0])}
    grad = {"w": np.array([0.5, -0.1])}
    adam = Adam(params, 0.1)
    adam.step(params, grad)  # first Adam step moves each weight by ~lr
    np.testing.assert_allclose(params["w"], [0.9, -1.9], atol=1e-6)
    params = {"w": np.array([1.0])}
    sgd = SGD(params, 0.1, momentum=0.5, nesterov=False)
    sgd.step(params, {"w": np.array([1.0])})
    sgd.step(params, {"w": np.array([1.0])})
    # v1 = -0.1, v2 = -0.05 - 0.1 = -0.15: w = 1 - 0.25
    np.testing.assert_allclose(params["w"], [0.75])
    params = {"w": np.array([1.0])}
    nag = SGD(params, 0.1, momentum=0.5, nesterov=True)
    nag.step(params, {"w": np.array([1.0])})
    # w += mu * v - lr * g = 0.5 * -0.1 - 0.1
    np.testing.assert_allclose(params["w"], [0.85])


#: a padded minibatch: sequences of 6, 4 and 5 steps (masks match)
LENGTHS = np.array([T, T - 2, T - 1])


def _padded(M):
    M = M.copy()
    for b, n in enumerate(LENGTHS):
        M[n:, b] = 0.0
    return M


@pytest.mark.parametrize(("cell", "activation"), CELLS[:2] + CELLS[4:])
@pytest.mark.parametrize("readout_layers", ["top", "all"])
def test_bidirectional_gradients(cell, activation, readout_layers):
    """Reverse layers run each padded sequence backwards within its length."""
    net, params, X, Y, M, _ = _network(
        cell,
        activation=activation,
        bidirectional=True,
        readout_layers=readout_layers,
        n_units=[N, N - 1],
    )
    _check(net, params, X, Y, _padded(M), lengths=LENGTHS)


@pytest.mark.parametrize("cell", ["elman", "lstm", "gru"])
@pytest.mark.parametrize("task", ["regression", "classification"])
def test_bidirectional_sequence_summary_gradients(cell, task):
    """One output per sequence: forward state at its end, reverse at its start."""
    net, params, X, Y, _, _ = _network(
        cell, task=task, bidirectional=True, summary=True, readout_layers="all"
    )
    _check(net, params, X, Y, _padded(np.ones((T, B))), lengths=LENGTHS)


def test_deep_readout_on_all_layers_with_layer_sizes_and_leaks():
    leak = [np.linspace(0.2, 1.0, N), None]
    net, params, X, Y, M, _ = _network(
        "elman",
        activation=["tanh", "relu"],
        leak=leak,
        n_units=[N, N + 2],
        readout_layers="all",
    )
    _check(net, params, X, Y, M)


@pytest.mark.parametrize("skip", [2, 4, 9])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_skip_connection_gradients(skip, activation):
    """skip=9 > T: every skipped-to state is the initial history."""
    net, params, X, Y, M, rng = _network(
        "elman", activation=activation, skip=skip, leak=np.linspace(0.3, 1.0, N)
    )
    _check(net, params, X, Y, M)
    # a later truncation window: the carried history is a constant
    states = [(rng.standard_normal((skip, B, N)),) for _ in range(2)]
    _check(net, params, X, Y, M, states)


def test_skip_connection_bidirectional_gradients():
    net, params, X, Y, M, _ = _network("elman", skip=3, bidirectional=True)
    _check(net, params, X, Y, _padded(M), lengths=LENGTHS)


@pytest.mark.parametrize("cell", ["elman", "lstm", "gru"])
def test_gradient_arriving_at_the_final_state(cell):
    """``dstates`` (as an encoder gets from its decoder) reach every weight."""
    net, params, X, Y, M, rng = _network(cell, n_layers=2)
    finals = net.forward(X, net.initial_states(B))[2]
    probes = [tuple(rng.standard_normal(a.shape) for a in f) for f in finals]

    def total():
        out, _, fin = net.forward(X, net.initial_states(B))
        extra = sum(
            float(np.vdot(p, a))
            for f, q in zip(fin, probes, strict=True)
            for p, a in zip(q, f, strict=True)
        )
        return net.loss(out, Y, M)[0] + extra

    _, grads, _ = net.loss_grad(
        X, Y, M, net.initial_states(B), first=True, dstates=probes
    )
    assert_gradients(grads, params, total)
