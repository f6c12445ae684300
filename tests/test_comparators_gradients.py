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
):
    rng = np.random.RandomState(seed)
    params = init_params(
        rng,
        cell=cell,
        init="glorot",
        n_layers=n_layers,
        n_units=N,
        n_features=D,
        n_outputs=K,
        include_input=include_input,
        learn_initial_state=learn_initial_state,
        spectral_radius=0.9,
        density=None,
        input_scaling=1.0,
        bias_scaling=1.0,
        output_bias=np.zeros(K),
    )
    for key in params:  # move away from the symmetric initial values
        params[key] = params[key] + 0.3 * rng.standard_normal(params[key].shape)
    net = Network(
        cell,
        n_layers,
        N,
        params,
        activation=activation,
        leak=leak,
        include_input=include_input,
        task=task,
        learn_initial_state=learn_initial_state,
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


def _check(net, params, X, Y, M, states=None):
    first = states is None

    def start():
        return net.initial_states(B) if first else states

    loss, grads, _ = net.loss_grad(X, Y, M, start(), first=first)
    assert np.isfinite(loss)
    assert set(grads) == set(params)
    for key, value in params.items():
        fd = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            old = value[idx]
            value[idx] = old + EPS
            plus = net.loss(net.forward(X, start())[0], Y, M)[0]
            value[idx] = old - EPS
            minus = net.loss(net.forward(X, start())[0], Y, M)[0]
            value[idx] = old
            fd[idx] = (plus - minus) / (2 * EPS)
        scale = np.linalg.norm(fd) + np.linalg.norm(grads[key])
        if scale == 0.0:  # e.g. a learned state outside the first window
            continue
        rel = np.linalg.norm(fd - grads[key]) / scale
        assert rel < 1e-6, f"{key}: relative error {rel:.2e}"


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
