"""Deep and bidirectional reservoirs, per-layer values, several time scales."""

import pickle

import numpy as np
import pytest
import scipy.stats
from naive import esn_states

from reservoir import ESNClassifier, ESNRegressor, ReservoirTransformer
from reservoir.datasets import make_sequence_classification


@pytest.fixture(scope="module")
def U():
    return np.random.default_rng(0).uniform(-1, 1, (80, 2))


def _oracle_stack(est, U, layers, first=0):
    """States of ``layers`` consecutive layers from the estimator's weights."""
    out, inp = [], U
    for k in range(first, first + layers):
        leak = est._layer_value("leak_rate", k - first, est.n_layers)
        leak = np.broadcast_to(np.asarray(leak, dtype=float), est.W_in_[k].shape[1:])
        act = est._layer_value("activation", k - first, est.n_layers)
        inp = esn_states(inp, est.W_[k], est.W_in_[k], est.bias_[k], leak, act)
        out.append(inp)
    return np.hstack(out)


def test_deep_transformer_matches_stacked_oracle(U):
    est = ReservoirTransformer(
        [30, 20, 10],
        n_layers=3,
        spectral_radius=[0.9, 0.5, 1.1],
        leak_rate=[1.0, 0.5, 0.3],
        activation=["tanh", "relu", "tanh"],
        input_scaling=[1.0, 0.3, 0.3],
        random_state=0,
    ).fit(U)
    assert [w.shape[0] for w in est.W_] == [30, 20, 10]
    assert [w.shape for w in est.W_in_] == [(2, 30), (30, 20), (20, 10)]
    np.testing.assert_allclose(est.transform(U), _oracle_stack(est, U, 3), atol=1e-12)


def test_bidirectional_transformer_matches_oracle(U):
    est = ReservoirTransformer(15, n_layers=2, bidirectional=True, random_state=0).fit(
        U
    )
    assert len(est.W_) == 4
    forward = _oracle_stack(est, U, 2)
    backward = _oracle_stack(est, U[::-1], 2, first=2)[::-1]
    np.testing.assert_allclose(
        est.transform(U), np.hstack([forward, backward]), atol=1e-12
    )


def test_deep_regressor_readout_sees_every_layer(U):
    y = np.sin(np.cumsum(U[:, 0]))
    esn = ESNRegressor(20, n_layers=2, random_state=0).fit(U, y)
    assert esn.coef_.shape == (2 + 40,)
    assert esn.predict(U).shape == y.shape
    loaded = pickle.loads(pickle.dumps(esn))
    np.testing.assert_array_equal(loaded.predict(U), esn.predict(U))


def test_leak_rates_drawn_from_a_distribution(U):
    dist = scipy.stats.loguniform(1e-2, 1.0)
    a = ESNRegressor(50, leak_rate=dist, random_state=3).fit(U, U[:, 0])
    b = ESNRegressor(50, leak_rate=dist, random_state=3).fit(U, U[:, 0])
    leak = a.reservoir_.leak
    assert leak.shape == (50,) and np.all((leak > 0) & (leak <= 1))
    assert np.unique(leak).size == 50
    np.testing.assert_array_equal(leak, b.reservoir_.leak)
    np.testing.assert_array_equal(a.predict(U), b.predict(U))
    with pytest.raises(ValueError, match="leak_rate"):
        ESNRegressor(10, leak_rate=scipy.stats.uniform(0, 2), random_state=0).fit(
            U, U[:, 0]
        )


def test_bidirectional_tagging_uses_the_future():
    # label of step t: the sign of the input three steps later
    rng = np.random.default_rng(0)
    X = [rng.standard_normal((60, 1)) for _ in range(30)]
    y = [np.sign(np.append(x[3:, 0], [1.0, 1.0, 1.0])) for x in X]
    common = {"n_units": 60, "leak_rate": 1.0, "input_scaling": 0.5, "random_state": 0}
    causal = ESNClassifier(**common).fit(X[:20], y[:20])
    bidir = ESNClassifier(bidirectional=True, **common).fit(X[:20], y[:20])

    def accuracy(clf):
        pred = clf.predict(X[20:])
        return np.mean(np.concatenate(pred) == np.concatenate(y[20:]))

    assert accuracy(causal) < 0.7
    assert accuracy(bidir) > 0.9


def test_deep_classifier_on_sequences():
    X, y = make_sequence_classification(200, random_state=0)
    clf = ESNClassifier(
        [60, 40],
        n_layers=2,
        washout=10,
        leak_rate=0.5,
        input_scaling=0.5,
        random_state=0,
    ).fit(X[:150], y[:150])
    assert clf.score(X[150:], y[150:]) > 0.8


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"n_layers": 0}, "n_layers"),
        ({"n_layers": 2, "n_units": [10, 10, 10]}, "one per layer"),
        ({"n_layers": 2, "spectral_radius": [0.9, -1.0]}, "spectral_radius"),
        ({"n_layers": 2, "activation": ["tanh", "cube"]}, "activation"),
        ({"bidirectional": "yes"}, "bidirectional"),
    ],
)
def test_architecture_errors_name_the_argument(U, params, match):
    with pytest.raises((ValueError, TypeError), match=match):
        ESNRegressor(**{"n_units": 10, "random_state": 0, **params}).fit(U, U[:, 0])
