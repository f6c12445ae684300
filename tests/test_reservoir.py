"""The sequence runners (single, deep, bidirectional) against the NumPy oracle."""

import numpy as np
import pytest
from naive import esn_states

from reservoir import bias_vector, input_matrix, recurrent_matrix
from reservoir._reservoir import (
    BidirectionalReservoir,
    DeepReservoir,
    Reservoir,
    length_buckets,
)


def _layer(n_features, n_units, seed, *, density=0.2, activation="tanh"):
    W = recurrent_matrix(
        n_units, spectral_radius=0.9, density=density, random_state=seed
    )
    W_in = input_matrix(n_features, n_units, random_state=seed + 1)
    bias = bias_vector(n_units, bias_scaling=0.2, random_state=seed + 2)
    leak = np.linspace(0.3, 1.0, n_units)
    return Reservoir(W, W_in, bias, leak, activation), (W, W_in, bias, leak)


def _oracle(U, weights, activation="tanh", x0=None):
    W, W_in, bias, leak = weights
    return esn_states(U, W, W_in, bias, leak, activation, x0)


@pytest.fixture
def inputs():
    rng = np.random.default_rng(0)
    return [rng.uniform(-1, 1, (n, 2)) for n in (100, 90, 85, 60, 50, 10, 100, 1)]


def test_length_buckets_are_deterministic_and_bounded():
    lengths = [100, 90, 85, 60, 50, 10, 100, 1]
    buckets = length_buckets(lengths)
    assert sorted(i for b in buckets for i in b) == list(range(8))
    for bucket in buckets:
        longest = lengths[bucket[0]]
        assert all(lengths[i] * 1.25 >= longest for i in bucket)
    assert buckets == length_buckets(lengths)
    assert buckets[0] == [0, 6, 1, 2]


@pytest.mark.parametrize("density", [0.2, 0.9])
@pytest.mark.parametrize("chunk_steps", [None, 7])
def test_padded_batches_and_chunks_are_exact(inputs, density, chunk_steps):
    res, weights = _layer(2, 30, 0, density=density)
    x0 = res.initial_states(len(inputs))
    seen = {i: [] for i in range(len(inputs))}
    for i, start, states in res.iter_states(inputs, x0, chunk_steps=chunk_steps):
        seen[i].append((start, states.copy()))
    for i, U in enumerate(inputs):
        got = np.concatenate([s for _, s in sorted(seen[i], key=lambda p: p[0])])
        np.testing.assert_allclose(got, _oracle(U, weights), rtol=0, atol=1e-12)


def test_initial_states_per_sequence(inputs):
    res, weights = _layer(2, 20, 3)
    x0 = np.random.default_rng(1).uniform(-0.5, 0.5, (len(inputs), 20))
    for U, start, states in zip(inputs, x0, res.run(inputs, x0), strict=True):
        np.testing.assert_allclose(states, _oracle(U, weights, x0=start), atol=1e-12)


def test_deep_reservoir_feeds_each_layer_the_states_below(inputs):
    first, w1 = _layer(2, 25, 0)
    second, w2 = _layer(25, 15, 10, activation="relu")
    deep = DeepReservoir([first, second])
    assert deep.n_units == 40
    states = deep.run(inputs, deep.initial_states(len(inputs)))
    for U, got in zip(inputs, states, strict=True):
        s1 = _oracle(U, w1)
        s2 = _oracle(s1, w2, activation="relu")
        np.testing.assert_allclose(got, np.hstack([s1, s2]), atol=1e-12)


def test_bidirectional_runs_the_reversed_sequence(inputs):
    fwd, wf = _layer(2, 12, 0)
    bwd, wb = _layer(2, 8, 20)
    bi = BidirectionalReservoir(fwd, bwd)
    states = bi.run(inputs, bi.initial_states(len(inputs)))
    for U, got in zip(inputs, states, strict=True):
        expected_bwd = _oracle(U[::-1], wb)[::-1]
        np.testing.assert_allclose(
            got, np.hstack([_oracle(U, wf), expected_bwd]), atol=1e-12
        )


def test_float32_runner_agrees_with_float64(inputs):
    W, W_in, bias, leak = _layer(2, 40, 0)[1]
    f32 = Reservoir(W, W_in, bias, leak, "tanh", dtype=np.float32)
    states = f32.run(inputs, f32.initial_states(len(inputs)))
    assert states[0].dtype == np.float32
    for U, got in zip(inputs, states, strict=True):
        np.testing.assert_allclose(got, _oracle(U, (W, W_in, bias, leak)), atol=1e-5)
