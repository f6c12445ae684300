"""ESNForecaster's readout_features (squared states) in the compiled closed
loop, teacher-forced prediction and fitting, against NumPy references
(tests/naive_generate.py)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from naive_generate import (
    closed_loop,
    closed_loop_deep,
    forecast,
    model_layers,
    state_features,
    teacher_forced_deep,
)
from search_scores import scores_by_params
from test_forecast_deep import _generate_deep, _oracle_layers, _stack
from test_generate import _problem, _run

from reservoir import ESNForecaster
from reservoir._kernels import ACTIVATION_CODES
from reservoir.datasets import mackey_glass

FEATURES = ["squared", "even_squared"]


@pytest.fixture(scope="module")
def series():
    return np.tanh(mackey_glass(700).ravel() - 1.0)


def _small(**kw):
    params = dict(
        washout=50,
        feedback_scaling=0.5,
        spectral_radius=0.8,
        alpha=1e-6,
        standardize=False,
        random_state=0,
    )
    params.update(kw)
    return ESNForecaster(**params)


# ----------------------------------------------------------------------
# kernels
# ----------------------------------------------------------------------


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("features", ["linear", *FEATURES])
@pytest.mark.parametrize("n_out", [1, 2])
def test_kernel_with_squared_states_matches_oracle(sparse, features, n_out):
    W, pre, ro, W_fb, W_out_x, W_out_y, leak, x0, y0 = _problem(
        30, n_out, 50, sparse=sparse, autonomous=True, seed=3
    )
    rng = np.random.RandomState(4)
    W_out_sq = 0.3 * rng.standard_normal(W_out_x.shape) / np.sqrt(30)
    if features != "squared":  # the kernel must not read it
        W_out_sq = np.full((0, n_out), np.nan)
    code = ACTIVATION_CODES["tanh"]
    out, x_final = _run(
        W, pre, ro, W_fb, W_out_x, W_out_y, leak, code, x0, y0,
        W_out_sq=W_out_sq, features=features,
    )  # fmt: skip
    ref, x_ref = closed_loop(
        pre, ro, W, W_fb, W_out_x, W_out_y, leak, "tanh", x0, y0,
        W_out_sq=W_out_sq, features=features,
    )  # fmt: skip
    np.testing.assert_allclose(out, ref, rtol=0, atol=1e-12)
    np.testing.assert_allclose(x_final, x_ref, rtol=0, atol=1e-12)
    if features != "linear":  # the squares change the outputs
        plain, _ = _run(W, pre, ro, W_fb, W_out_x, W_out_y, leak, code, x0, y0)
        assert not np.allclose(out, plain, atol=1e-6)


@pytest.mark.parametrize("features", FEATURES)
def test_deep_kernel_with_squared_states_matches_oracle(features):
    problem = list(_stack([0.1, 1.0, 0.15], 2, 40, autonomous=True, seed=7))
    layers, W_out_x = problem[0], problem[4]
    rng = np.random.RandomState(8)
    W_out_sq = 0.2 * rng.standard_normal(W_out_x.shape) / np.sqrt(W_out_x.shape[0])
    out, x_final = _generate_deep(*problem, W_out_sq=W_out_sq, features=features)
    ref, x_ref = closed_loop_deep(
        problem[1], problem[2], _oracle_layers(layers), *problem[3:],
        W_out_sq=W_out_sq, features=features,
    )  # fmt: skip
    np.testing.assert_allclose(out, ref, rtol=0, atol=1e-12)
    np.testing.assert_allclose(x_final, x_ref, rtol=0, atol=1e-12)


# ----------------------------------------------------------------------
# the forecaster
# ----------------------------------------------------------------------


def _reference_rows(model, Z, n_lags=1):
    """Readout rows of the teacher-forced series ``Z`` (standardize=False),
    written out by hand: row r consumes Z[r] and sees [Z_r, ..., Z_(r-p+1),
    phi(x_r)]."""
    layers = model_layers(model)
    states = teacher_forced_deep(Z[:-1, None], layers)
    lags = np.column_stack(
        [
            np.concatenate([np.repeat(Z[:1], k), Z[: Z.size - 1 - k]])
            for k in range(n_lags)
        ]
    )
    feats = np.array([state_features(x, model.readout_features) for x in states])
    return np.hstack([lags, feats]) if model.include_input else feats


def _ridge_reference(F, Y, alpha):
    fm, ym = F.mean(axis=0), Y.mean(axis=0)
    Fc, Yc = F - fm, Y - ym
    coef = np.linalg.solve(Fc.T @ Fc + alpha * np.eye(F.shape[1]), Fc.T @ Yc)
    return coef, ym - fm @ coef


@pytest.mark.parametrize("features", ["linear", *FEATURES])
@pytest.mark.parametrize("n_lags", [1, 3])
def test_fit_matches_ridge_on_hand_built_rows(series, features, n_lags):
    Z = series[:400]
    model = _small(
        n_units=25, readout_features=features, n_lags=n_lags, alpha=1e-4
    ).fit(Z)
    F = _reference_rows(model, Z, n_lags)[50:]
    coef, intercept = _ridge_reference(F, Z[51:, None], 1e-4)
    n_states = 50 if features == "squared" else 25
    assert model.coef_.shape == (1, n_lags + n_states)
    np.testing.assert_allclose(model.coef_, coef.T, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(model.intercept_, intercept, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("features", FEATURES)
@pytest.mark.parametrize("n_layers", [1, 2])
@pytest.mark.parametrize("density", [None, 0.2])
def test_forecast_matches_numpy_reference(series, features, n_layers, density):
    units = 30 if n_layers == 1 else [20, 15]
    model = _small(
        n_units=units, n_layers=n_layers, density=density, readout_features=features
    ).fit(series[:500])
    np.testing.assert_allclose(
        model.forecast(60), forecast(model, 60)[:, 0], rtol=0, atol=1e-10
    )
    context = series[500:600]
    np.testing.assert_allclose(
        model.forecast(40, context=context),
        forecast(model, 40, context)[:, 0],
        rtol=0,
        atol=1e-10,
    )


@pytest.mark.parametrize("features", FEATURES)
def test_forecast_with_exogenous_inputs_and_standardisation(features):
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, (700, 2))
    y = np.sin(np.arange(700) / 6) + 0.3 * X[:, 0] + 0.1 * np.roll(X[:, 1], 1)
    model = ESNForecaster(
        30, washout=30, feedback_scaling=0.3, readout_features=features,
        alpha=1e-3, input_scaling=0.3, random_state=2,
    ).fit(y[:500], X[:500])  # fmt: skip
    np.testing.assert_allclose(
        model.forecast(25, X_future=X[500:525]),
        forecast(model, 25, X_future=X[500:525])[:, 0],
        atol=1e-10,
    )


@pytest.mark.parametrize("features", FEATURES)
def test_predict_matches_hand_built_rows(series, features):
    model = _small(n_units=25, readout_features=features, n_lags=2).fit(series[:400])
    # predict continues the training series: rows consume series[399:599]
    pred = model.predict(series[400:600])
    Z = series[:600]
    F = _reference_rows(model, Z, 2)[399:]
    ref = F @ model.coef_.T + model.intercept_
    np.testing.assert_allclose(pred, ref[:, 0], rtol=0, atol=1e-10)
    # from a context, too
    pred_ctx = model.predict(series[600:650], context=series[500:600])
    F = _reference_rows(model, series[500:650], 2)[99:]
    ref = F @ model.coef_.T + model.intercept_
    np.testing.assert_allclose(pred_ctx, ref[:, 0], rtol=0, atol=1e-10)


@pytest.mark.parametrize("features", FEATURES)
def test_direct_strategy_and_forecast_origins(series, features):
    model = _small(
        n_units=25, readout_features=features, strategy="direct", horizon=5
    ).fit(series[:500])
    assert model.coef_.shape[1] == 1 + (50 if features == "squared" else 25)
    many = model.forecast_origins(series, [520, 560], 5)
    np.testing.assert_array_equal(many[1], model.forecast(5, context=series[:560]))
    loop = _small(n_units=25, readout_features=features).fit(series[:500])
    many = loop.forecast_origins(series, [520, 560], 30)
    np.testing.assert_array_equal(many[0], loop.forecast(30, context=series[:520]))


@pytest.mark.parametrize("features", FEATURES)
def test_same_seed_same_bits_and_pickle(series, features):
    params = dict(n_units=40, density=0.2, readout_features=features)
    params.update(noise_level=1e-4, noise_type="both")
    a = _small(**params).fit(series[:500])
    b = _small(**params).fit(series[:500])
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.forecast(50), b.forecast(50))
    c = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(c.forecast(50), a.forecast(50))
    np.testing.assert_array_equal(
        c.forecast(20, context=series[500:600]),
        a.forecast(20, context=series[500:600]),
    )
    np.testing.assert_array_equal(
        c.predict(series[500:600]), a.predict(series[500:600])
    )


def test_default_is_linear(series):
    a = _small(n_units=30).fit(series[:500])
    b = _small(n_units=30, readout_features="linear").fit(series[:500])
    assert a.readout_features == "linear"
    assert a.coef_.shape == (1, 31)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.forecast(40), b.forecast(40))
    np.testing.assert_allclose(a.forecast(40), forecast(a, 40)[:, 0], atol=1e-10)


def test_partial_fit_in_chunks_equals_fit(series):
    params = dict(n_units=25, readout_features="squared", n_lags=2)
    whole = _small(**params).fit(series[:600])
    chunked = _small(**params)
    for start in range(0, 600, 200):
        chunked.partial_fit(series[start : start + 200])
    np.testing.assert_allclose(chunked.coef_, whole.coef_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(chunked.forecast(20), whole.forecast(20), atol=1e-8)


def test_alpha_path_and_online_readout(series):
    from reservoir import RLSRegressor

    model = _small(
        n_units=25, readout_features="squared", alpha=[1e-6, 1e-4, 1e-2], horizon=10
    ).fit(series[:600])
    assert model.alpha_scores_.shape == (3,)
    refit = _small(n_units=25, readout_features="squared", alpha=model.alpha_).fit(
        series[:600]
    )
    # the folds' statistics summed vs one pass: equal to round-off
    np.testing.assert_allclose(model.forecast(30), refit.forecast(30), atol=1e-6)
    online = _small(
        n_units=20, readout_features="even_squared", readout=RLSRegressor()
    ).fit(series[:400])
    assert online.coef_.shape == (1, 21)
    np.testing.assert_allclose(
        online.forecast(10), forecast(online, 10)[:, 0], atol=1e-10
    )


def test_esn_search_cv_searches_readout_features(series):
    from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

    from reservoir.model_selection import ESNSearchCV

    grid = {"readout_features": ["linear", "squared"], "alpha": [1e-8, 1e-4]}
    base = _small(n_units=20, washout=20)
    fast = ESNSearchCV(base, grid, cv=TimeSeriesSplit(3)).fit(series[:600])
    slow = GridSearchCV(base, grid, cv=TimeSeriesSplit(3)).fit(series[:600])

    fast_scores = scores_by_params(fast.cv_results_)
    slow_scores = scores_by_params(slow.cv_results_)
    assert fast_scores.keys() == slow_scores.keys()
    for key, score in slow_scores.items():
        assert fast_scores[key] == pytest.approx(score, rel=1e-6)


def test_readout_features_validation(series):
    with pytest.raises(ValueError, match="readout_features"):
        _small(n_units=10, readout_features="cubic").fit(series[:200])
    with pytest.raises(ValueError, match="readout_features"):
        _small(n_units=10, readout_features=None).partial_fit(series[:200])
