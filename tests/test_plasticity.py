"""Intrinsic plasticity: kernel vs. NumPy reference, estimators, validation."""

import pickle

import numpy as np
import pytest
from naive_plasticity import adapted_states, intrinsic_plasticity
from sklearn.base import clone

from reservoir import ESNClassifier, ESNRegressor, ReservoirTransformer
from reservoir.datasets import narma


def _data(n=300, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, 1))


@pytest.mark.parametrize(
    ("activation", "mean", "std"), [("tanh", 0.1, 0.3), ("sigmoid", 0.2, None)]
)
def test_kernel_matches_numpy_reference(activation, mean, std):
    X = [_data(150, 0), _data(90, 1)]
    leak = np.linspace(0.3, 1.0, 25)
    t = ReservoirTransformer(
        25, activation=activation, leak_rate=leak, spectral_radius=0.9,
        ip_epochs=2, ip_learning_rate=5e-3, ip_mean=mean, ip_std=std,
        random_state=0,
    ).fit(X)  # fmt: skip
    g, c = intrinsic_plasticity(
        X, t.W_, t.W_in_, t.bias_, leak, activation, 2, 5e-3, mean, std
    )
    np.testing.assert_allclose(t.ip_gain_, g, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(t.ip_shift_, c, rtol=1e-10, atol=1e-12)
    assert np.max(np.abs(g - 1)) > 1e-3  # it did adapt
    # the adapted model runs f(g s + c) (gains folded into the weights)
    states = t.transform(X[0])
    expected = adapted_states(X[0], t.W_, t.W_in_, t.bias_, leak, activation, g, c)
    np.testing.assert_allclose(states, expected, rtol=1e-9, atol=1e-12)


def test_tanh_rule_moves_outputs_towards_the_gaussian_target():
    X = _data(2000)
    kwargs = dict(n_units=50, input_scaling=2.0, spectral_radius=0.9, random_state=0)
    plain = ReservoirTransformer(**kwargs).fit(X).transform(X)
    adapted = ReservoirTransformer(
        **kwargs, ip_epochs=3, ip_learning_rate=1e-3, ip_std=0.2
    ).fit(X).transform(X)  # fmt: skip
    # saturated units spread less: the mean standard deviation gets closer to 0.2
    assert abs(adapted.std(axis=0).mean() - 0.2) < abs(plain.std(axis=0).mean() - 0.2)


def test_plasticity_is_deterministic_and_pickles():
    X, y = _data(200), _data(200, 1)[:, 0]
    esn = ESNRegressor(20, ip_epochs=1, washout=20, random_state=3).fit(X, y)
    again = clone(esn).fit(X, y)
    np.testing.assert_array_equal(esn.ip_gain_, again.ip_gain_)
    np.testing.assert_array_equal(esn.predict(X), again.predict(X))
    loaded = pickle.loads(pickle.dumps(esn))
    np.testing.assert_array_equal(loaded.predict(X), esn.predict(X))
    # a refit without plasticity drops the fitted gains
    assert not hasattr(esn.set_params(ip_epochs=0).fit(X, y), "ip_gain_")


def test_classifier_takes_plasticity():
    X = _data(200)
    y = (X[:, 0] > 0).astype(int)
    clf = ESNClassifier(20, ip_epochs=1, activation="sigmoid", random_state=0)
    assert clf.fit(X, y).ip_gain_.shape == (20,)


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"activation": "relu"}, ValueError, "needs activation='tanh'"),
        ({"ip_learning_rate": 0.0}, ValueError, "ip_learning_rate"),
        ({"ip_mean": 1.5}, ValueError, "ip_mean"),
        ({"activation": "sigmoid", "ip_std": 0.2}, ValueError, "ip_std applies"),
        ({"n_layers": 2}, ValueError, "works on one reservoir"),
        ({"ip_epochs": -1}, ValueError, "ip_epochs"),
        ({"ip_learning_rate": 1.0}, ValueError, "diverged"),
    ],
)
def test_plasticity_rejects_bad_hyperparameters(params, error, match):
    X = _data(100)
    settings = {"ip_epochs": 1, **params}
    with pytest.raises(error, match=match):
        ESNRegressor(10, random_state=0, **settings).fit(X, X[:, 0])


def test_partial_fit_refuses_plasticity():
    X = _data(100)
    with pytest.raises(ValueError, match="not available in partial_fit"):
        ESNRegressor(10, ip_epochs=1, random_state=0).partial_fit(X, X[:, 0])


@pytest.mark.slow
def test_plasticity_helps_a_saturated_reservoir_on_narma():
    # benchmarks/bench_plasticity.py has the table; strong inputs saturate tanh
    u, y = narma(4000, order=10, random_state=0)
    errors = {}
    for epochs in (0, 3):
        esn = ESNRegressor(
            100, input_scaling=5.0, spectral_radius=0.9, washout=200,
            alpha=np.logspace(-10, -2, 9), ip_epochs=epochs,
            ip_learning_rate=5e-4, random_state=3,
        ).fit(u[:3000], y[:3000, 0])  # fmt: skip
        # predict through the training part so that the test starts washed out
        error = esn.predict(u)[3000:] - y[3000:, 0]
        errors[epochs] = np.sqrt(np.mean(error**2)) / np.std(y[3000:])
    assert errors[3] < 0.8 * errors[0]


def test_esn_search_cv_with_plasticity_equals_grid_search():
    """ESNSearchCV fits each configuration per fold, so plasticity adapts on
    the fold's training rows as in GridSearchCV: the same scores."""
    from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

    from reservoir.model_selection import ESNSearchCV

    X = _data(300)
    y = np.roll(X[:, 0], 2)
    estimator = ESNRegressor(10, ip_epochs=1, washout=20, random_state=0)
    grid = {"alpha": [1e-6, 1e-2], "spectral_radius": [0.3, 0.5]}
    ours = ESNSearchCV(estimator, grid, cv=TimeSeriesSplit(2)).fit(X, y)
    theirs = GridSearchCV(estimator, grid, cv=TimeSeriesSplit(2)).fit(X, y)
    np.testing.assert_allclose(
        ours.cv_results_["mean_test_score"],
        theirs.cv_results_["mean_test_score"],
        rtol=1e-8,
    )
    assert np.all(np.isfinite(ours.cv_results_["mean_test_score"]))
    assert ours.best_params_ == theirs.best_params_


def test_forecaster_takes_plasticity_in_its_teacher_forced_inputs():
    from reservoir import ESNForecaster
    from reservoir.datasets import mackey_glass

    series = mackey_glass(1000, random_state=0).ravel()
    kwargs = dict(n_units=25, washout=100, alpha=1e-6, random_state=0)
    plain = ESNForecaster(**kwargs).fit(series[:800])
    ip = dict(ip_epochs=2, ip_learning_rate=5e-3, ip_mean=0.0, ip_std=0.3)
    adapted = ESNForecaster(**kwargs, **ip).fit(series[:800])
    assert not hasattr(plain, "ip_gain_")
    # the same drawn weights; the gains adapt on the fed-back (standardised)
    # series, as the NumPy reference computes them
    np.testing.assert_array_equal(plain.W_.toarray(), adapted.W_.toarray())
    np.testing.assert_array_equal(plain.W_fb_, adapted.W_fb_)
    z = (series[:800] - series[:800].mean()) / series[:800].std()
    U = z[:-1, None]  # row t feeds y_(t-1)
    W_in = np.vstack([adapted.W_in_, adapted.W_fb_])
    g, c = intrinsic_plasticity(
        [U], adapted.W_, W_in, adapted.bias_, 1.0, "tanh", 2, 5e-3, 0.0, 0.3
    )
    np.testing.assert_allclose(adapted.ip_gain_, g, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(adapted.ip_shift_, c, rtol=1e-9, atol=1e-12)
    assert np.max(np.abs(g - 1)) > 1e-3
    runner = adapted.reservoir_
    states = runner.run([U], runner.initial_states(1))[0]
    expected = adapted_states(U, adapted.W_, W_in, adapted.bias_, 1.0, "tanh", g, c)
    np.testing.assert_allclose(states, expected, rtol=1e-9, atol=1e-12)
    # the closed loop runs the adapted reservoir too: its first step is the
    # teacher-forced one-step prediction from the same context
    context = series[600:800]
    first = adapted.forecast(1, context=context)[0]
    one_step = adapted.predict(series[800:801], context=context)[0]
    np.testing.assert_allclose(first, one_step, rtol=1e-10)
    assert not np.allclose(
        adapted.forecast(50, context=context), plain.forecast(50, context=context)
    )
    again = clone(adapted).fit(series[:800])
    np.testing.assert_array_equal(again.forecast(20), adapted.forecast(20))
    loaded = pickle.loads(pickle.dumps(adapted))
    np.testing.assert_array_equal(loaded.forecast(20), adapted.forecast(20))


def test_forecaster_refuses_plasticity_where_it_cannot_apply():
    from reservoir import ESNForecaster

    series = np.sin(np.arange(300) / 5)
    with pytest.raises(ValueError, match="not available in partial_fit"):
        ESNForecaster(10, ip_epochs=1, washout=20).partial_fit(series)
    with pytest.raises(ValueError, match="works on one reservoir"):
        ESNForecaster(10, ip_epochs=1, n_layers=2, washout=20).fit(series)
    with pytest.raises(ValueError, match="ip_learning_rate"):
        ESNForecaster(10, ip_epochs=1, ip_learning_rate=0.0, washout=20).fit(series)
