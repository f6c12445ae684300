"""Memory capacity, information-processing capacity and the delayed-input task."""

import numpy as np
import pytest
from naive import esn_states
from naive_capacity import basis_capacities, delayed_capacities
from naive_capacity import memory_capacity as naive_memory_capacity

from reservoir import (
    ESNRegressor,
    ReservoirTransformer,
    information_processing_capacity,
    memory_capacity,
)
from reservoir.datasets import delayed_input


def _linear(topology, n_units=30, **params):
    return ESNRegressor(
        n_units,
        topology=topology,
        activation="identity",
        spectral_radius=0.95,
        input_scaling=0.1,
        bias_scaling=0.0,
        random_state=3,
        **params,
    )


def _weights(estimator, u):
    """The estimator's weights as drawn for one input feature."""
    params = {
        k: v
        for k, v in estimator.get_params().items()
        if k in ReservoirTransformer().get_params()
    }
    t = ReservoirTransformer(**params).fit(u[:, None])
    W = t.W_.toarray() if hasattr(t.W_, "toarray") else t.W_
    return W, t.W_in_, t.bias_, t.reservoir_.leak


@pytest.mark.parametrize(
    ("topology", "params"),
    [
        ("ring", None),
        ("orthogonal", None),
        ("cycle_jumps", {"jump_size": 5, "jump_weight": 0.05}),
        ("random", None),
    ],
)
def test_memory_capacity_matches_numpy_reference(topology, params):
    esn = _linear(topology, topology_params=params)
    max_delay, n_train, n_test = 60, 1500, 800
    mc = memory_capacity(
        esn, max_delay=max_delay, n_train=n_train, n_test=n_test, random_state=7
    )
    # the same input sequence: delayed_input with the same seed
    u = delayed_input(max_delay + n_train + n_test, random_state=7)[0][:, 0]
    W, W_in, bias, leak = _weights(esn, u)
    reference = naive_memory_capacity(
        W, W_in, bias, leak, "identity", u, max_delay, max_delay, n_train
    )
    assert mc.delays.tolist() == list(range(1, max_delay + 1))
    assert mc.capacity.shape == (max_delay,)
    assert np.all((mc.capacity >= 0) & (mc.capacity <= 1))
    # documented tolerance: totals within 0.5 (the readouts differ only by
    # the tiny ridge penalty and rounding)
    assert abs(mc.total - reference.sum()) < 0.5
    assert np.max(np.abs(mc.capacity - reference)) < 0.05
    assert mc.total == pytest.approx(mc.capacity.sum())


@pytest.mark.parametrize("topology", ["ring", "orthogonal", "cycle_jumps"])
def test_linear_structured_reservoirs_reach_the_memory_bound(topology):
    # small version of benchmarks/bench_capacity.py: bound 40 for 40 units
    params = (
        {"jump_size": 5, "jump_weight": 0.05} if topology == "cycle_jumps" else None
    )
    esn = _linear(topology, n_units=40, topology_params=params)
    mc = memory_capacity(esn, max_delay=80, n_train=2000, n_test=1000, random_state=0)
    assert 37 <= mc.total <= 40


def test_tanh_memory_is_below_linear_memory():
    linear = memory_capacity(_linear("ring"), max_delay=60, random_state=0)
    tanh = memory_capacity(
        _linear("ring").set_params(activation="tanh", input_scaling=1.0),
        max_delay=60,
        random_state=0,
    )
    assert tanh.total < linear.total


def test_memory_capacity_accepts_a_dict_and_is_reproducible():
    params = {"n_units": 20, "topology": "ring", "activation": "identity",
              "bias_scaling": 0.0, "random_state": 0}  # fmt: skip
    first = memory_capacity(
        params, max_delay=30, n_train=500, n_test=300, random_state=1
    )
    second = memory_capacity(
        ESNRegressor(**params), max_delay=30, n_train=500, n_test=300, random_state=1
    )
    np.testing.assert_array_equal(first.capacity, second.capacity)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"max_delay": 0}, "max_delay"),
        ({"max_delay": 50, "washout": 10}, "washout=10 is smaller than max_delay"),
        ({"n_train": 1}, "n_train"),
        ({"alpha": -1.0}, "alpha"),
    ],
)
def test_memory_capacity_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        memory_capacity(_linear("ring"), **kwargs)


def test_memory_capacity_rejects_unknown_reservoir_parameters():
    with pytest.raises(ValueError, match="unknown reservoir parameters"):
        memory_capacity({"n_units": 10, "alpha": 1.0})
    with pytest.raises(TypeError, match="estimator must be"):
        memory_capacity(42)


def test_ipc_matches_numpy_reference_and_respects_the_bound():
    esn = ESNRegressor(15, spectral_radius=0.8, input_scaling=0.8, bias_scaling=0.3,
                       random_state=0)  # fmt: skip
    washout, n_train, n_test = 20, 2000, 1000
    ipc = information_processing_capacity(
        esn, max_delay={1: 20, 2: 6, 3: 4}, n_train=n_train, n_test=n_test,
        washout=washout, random_state=5,
    )  # fmt: skip
    rng = np.random.RandomState(5)
    u = rng.uniform(-1.0, 1.0, washout + n_train + n_test)
    W, W_in, bias, leak = _weights(esn, u)
    states = esn_states(u[:, None], W, W_in, bias, leak, "tanh")
    # every basis function, computed independently (thresholded as documented)
    reference = basis_capacities(states, u, ipc.basis, washout, n_train)
    reference[reference < ipc.threshold] = 0.0
    np.testing.assert_allclose(ipc.capacity, reference, atol=2e-3)
    # the basis: all products of total degree <= 3 with distinct delays
    assert len(ipc.basis) == 21 + (7 + 21) + (5 + 5 * 4 + 10)
    assert set(ipc.by_degree) == {1, 2, 3}
    assert ipc.by_degree[2] > 0.5 and ipc.by_degree[3] > 0.1  # bias: even terms
    assert ipc.total <= 15 + 0.5
    assert ipc.total == pytest.approx(sum(ipc.by_degree.values()))


def test_ipc_of_a_linear_reservoir_is_linear_memory_only():
    ipc = information_processing_capacity(
        _linear("ring", n_units=15), max_delay={1: 30, 2: 5, 3: 3},
        n_train=1500, n_test=800, washout=30, random_state=0,
    )  # fmt: skip
    assert ipc.by_degree[1] > 14
    assert ipc.by_degree[2] == 0.0 and ipc.by_degree[3] == 0.0


def test_ipc_rejects_bad_arguments():
    with pytest.raises(ValueError, match="max_degree must be 1, 2 or 3"):
        information_processing_capacity(_linear("ring"), max_degree=4)
    with pytest.raises(ValueError, match="no entry for degree"):
        information_processing_capacity(_linear("ring"), max_delay={1: 5})
    with pytest.raises(ValueError, match="washout=5 is smaller"):
        information_processing_capacity(_linear("ring"), max_delay=10, washout=5)


def test_delayed_input_task():
    u, y = delayed_input(50, delays=[0, 3], low=0.0, high=2.0, random_state=0)
    np.testing.assert_array_equal(y[:, 0], u[:, 0])
    np.testing.assert_array_equal(y[3:, 1], u[:-3, 0])
    assert np.all(y[:3, 1] == 0) and u.min() >= 0 and u.max() <= 2
    with pytest.raises(ValueError, match="delays must be >= 0"):
        delayed_input(10, delays=[-1])
    with pytest.raises(ValueError, match="low must be smaller"):
        delayed_input(10, low=1.0, high=1.0)


def test_delayed_capacity_reference_is_exact_for_a_delay_line_memory():
    # sanity check of the oracle itself: states that are the delayed inputs
    u = np.random.default_rng(0).uniform(-1, 1, 500)
    states = np.stack([np.r_[np.zeros(k), u[: u.size - k]] for k in range(5)], axis=1)
    caps = delayed_capacities(states, u, [1, 2, 4, 5], 10, 300)
    np.testing.assert_allclose(caps[:3], 1.0)
    assert caps[3] < 0.05
