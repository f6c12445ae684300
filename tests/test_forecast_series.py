"""ESNForecaster on a user's series: transforms, lags, alpha grids scored by
rolling-origin CV, forecasts from many origins, runaway detection, the
relative input penalty and streaming (partial_fit)."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
from sklearn.linear_model import Ridge

from reservoir import ESNForecaster
from reservoir._transforms import SeriesTransform
from reservoir.datasets import mackey_glass
from reservoir.exceptions import DivergenceError, DivergenceWarning

SMALL = dict(n_units=40, washout=20, random_state=0)


@pytest.fixture(scope="module")
def seasonal():
    """A positive monthly-like series with trend and growing season."""
    rng = np.random.default_rng(0)
    t = np.arange(240)
    level = 100 + 0.8 * t
    return level * (1 + 0.1 * np.sin(2 * np.pi * t / 12)) + rng.normal(0, 1, t.size)


@pytest.fixture(scope="module")
def mg():
    return mackey_glass(1200)[:, 0]


# ----------------------------------------------------------------------
# transforms
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        dict(),
        dict(log=True),
        dict(difference=1),
        dict(seasonal_difference=12),
        dict(log=True, difference=1, seasonal_difference=12),
        dict(difference=1, standardize=False),
    ],
)
def test_transform_round_trip(seasonal, params):
    """transform then inverse gives the series back; a forecast of the
    transformed series' own continuation gives the series' continuation."""
    y = seasonal[:, None]
    transform = SeriesTransform(
        log=params.get("log", False),
        difference=params.get("difference", 0),
        seasonal_difference=params.get("seasonal_difference", 0),
        standardize=params.get("standardize", True),
    ).fit(y[:200])
    z = transform.transform(y)
    assert z.shape[0] == y.shape[0] - transform.n_lost
    future = transform.inverse_forecast(z[200 - transform.n_lost :], y[:200])
    np.testing.assert_allclose(future, y[200:], rtol=1e-10)


def test_differenced_log_forecast_follows_trend(seasonal):
    y = seasonal
    plain = ESNForecaster(**SMALL, alpha=1e-2).fit(y[:200])
    logdiff = ESNForecaster(
        **SMALL, alpha=1e-2, log=True, difference=1, seasonal_difference=12
    ).fit(y[:200])
    error = {
        name: np.sqrt(np.mean((m.forecast(24) - y[200:224]) ** 2))
        for name, m in (("plain", plain), ("logdiff", logdiff))
    }
    assert error["logdiff"] < 0.5 * error["plain"]
    assert error["logdiff"] < 3.0  # noise is 1.0


def test_log_needs_a_positive_series(mg):
    with pytest.raises(ValueError, match="log"):
        ESNForecaster(**SMALL, log=True).fit(mg - 2.0)


def test_standardize_is_undone(seasonal):
    """Standardisation is invisible in the units of y: a linear AR readout
    (no reservoir weight: huge state penalty) equals ridge on the lags."""
    model = ESNForecaster(**SMALL, alpha=1e-6, standardize=True).fit(seasonal)
    assert model.y_mean_.shape == (1,) and model.y_scale_.shape == (1,)
    np.testing.assert_allclose(model.y_mean_, seasonal.mean(), rtol=1e-12)
    f = model.forecast(5)
    assert np.all(np.abs(f - seasonal[-1]) < 0.3 * np.ptp(seasonal))


# ----------------------------------------------------------------------
# lags and the relative input penalty
# ----------------------------------------------------------------------


def test_lags_make_a_linear_autoregression_a_special_case():
    """With a negligible penalty on the inputs and lags and a prohibitive one
    on the states, the readout is the least-squares AR(p)."""
    rng = np.random.default_rng(3)
    y = np.zeros(600)
    for t in range(3, 600):
        y[t] = 0.5 * y[t - 1] - 0.3 * y[t - 2] + 0.2 * y[t - 3] + rng.normal()
    model = ESNForecaster(
        n_units=20, washout=10, n_lags=3, alpha=1e9, input_penalty=1e-15,
        standardize=False, random_state=0,
    ).fit(y)  # fmt: skip
    # training rows: inputs y_t (t >= washout) predict y_(t+1)
    rows = np.column_stack([y[10 - k : 599 - k] for k in range(3)])
    ar = Ridge(alpha=1e-6).fit(rows, y[11:])
    coef = model.coef_[0, :3]  # weights of [y_t, y_(t-1), y_(t-2)]
    np.testing.assert_allclose(coef, ar.coef_, rtol=1e-6)
    assert np.max(np.abs(model.coef_[0, 3:])) < 1e-3


def test_input_penalty_one_is_plain_ridge(mg):
    a = ESNForecaster(**SMALL, alpha=1e-4).fit(mg)
    b = ESNForecaster(**SMALL, alpha=1e-4, input_penalty=1.0).fit(mg)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    c = ESNForecaster(**SMALL, alpha=1e-4, input_penalty=0.01).fit(mg)
    # a smaller input penalty moves weight onto the inputs
    assert np.abs(c.coef_[0, 0]) > np.abs(a.coef_[0, 0])


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(input_penalty=0.0), "input_penalty"),
        (dict(input_penalty=0.1, include_input=False), "include_input"),
        (dict(n_lags=0), "n_lags"),
        (dict(n_lags=3, include_input=False), "include_input"),
        (dict(seasonal_difference=1), "seasonal_difference"),
        (dict(difference=2), "difference"),
        (dict(divergence="loud"), "divergence"),
    ],
)
def test_bad_parameters_are_named(mg, params, match):
    with pytest.raises(ValueError, match=match):
        ESNForecaster(**SMALL, **params).fit(mg)


# ----------------------------------------------------------------------
# alpha grids: rolling-origin CV on closed-loop forecasts
# ----------------------------------------------------------------------


def test_alpha_grid_is_scored_by_rolling_origin_cv(mg):
    alphas = np.logspace(-10, 0, 6)
    model = ESNForecaster(**SMALL, alpha=alphas, horizon=10).fit(mg)
    assert model.alpha_ in alphas
    assert model.alpha_scores_.shape == (6,)
    assert model.alpha_fold_scores_.shape == (3, 6)  # TimeSeriesSplit(3)
    assert model.alpha_ == alphas[np.argmax(model.alpha_scores_)]
    fixed = ESNForecaster(**SMALL, alpha=model.alpha_).fit(mg)
    np.testing.assert_allclose(model.coef_, fixed.coef_, rtol=1e-6, atol=1e-8)


def test_cv_score_is_minus_normalised_closed_loop_error(mg):
    """One fold by hand: fit on the rows before the block, forecast the
    horizon from the block's origins, normalised mean squared error."""
    from sklearn.model_selection import TimeSeriesSplit

    split = TimeSeriesSplit(2, test_size=200)
    model = ESNForecaster(**SMALL, alpha=[1e-6], cv=split, horizon=5).fit(mg[:700])
    assert np.all(np.isfinite(model.alpha_fold_scores_))
    assert np.all(model.alpha_fold_scores_ <= 0)


def test_alpha_list_is_accepted_and_keeps_its_type(mg):
    model = ESNForecaster(**SMALL, alpha=[1e-8, 1e-4]).fit(mg)
    assert model.get_params()["alpha"] == [1e-8, 1e-4]


def test_diverging_penalties_score_minus_infinity():
    """alpha=0 with about as many units as rows nearly interpolates and runs away in
    closed loop: its score is -inf and a penalised one is chosen."""
    y = mackey_glass(260)[:, 0]
    model = ESNForecaster(
        n_units=100, washout=10, spectral_radius=1.2, feedback_scaling=1,
        leak_rate=1.0, alpha=[0.0, 0.1], horizon=50, random_state=0,
    ).fit(y)  # fmt: skip
    assert model.alpha_ == 0.1
    assert model.alpha_scores_[0] == -np.inf and np.isfinite(model.alpha_scores_[1])


# ----------------------------------------------------------------------
# forecasts from many origins
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "params", [dict(), dict(n_lags=3), dict(difference=1, seasonal_difference=12)]
)
def test_forecast_origins_equals_forecast_with_context(seasonal, params):
    model = ESNForecaster(**SMALL, alpha=1e-3, **params).fit(seasonal[:180])
    origins = np.array([150, 180, 200, 215])
    out = model.forecast_origins(seasonal, origins, 12)
    assert out.shape == (4, 12)
    for i, origin in enumerate(origins):
        np.testing.assert_allclose(
            out[i], model.forecast(12, context=seasonal[:origin]), rtol=1e-10
        )


def test_forecast_origins_rejects_origins_outside_the_series(seasonal):
    model = ESNForecaster(**SMALL).fit(seasonal[:180])
    with pytest.raises(ValueError, match="origins must lie in"):
        model.forecast_origins(seasonal, [5], 3)
    with pytest.raises(ValueError, match="origins must lie in"):
        model.forecast_origins(seasonal, [241], 3)
    with pytest.raises(ValueError, match="origins"):
        model.forecast_origins(seasonal, [1.5], 3)


# ----------------------------------------------------------------------
# runaway forecasts: warn, raise or ignore
# ----------------------------------------------------------------------

DIVERGING = dict(
    n_units=100, washout=50, spectral_radius=1.5, feedback_scaling=2.0,
    leak_rate=1.0, alpha=0.0, random_state=0,
)  # fmt: skip


def test_runaway_forecast_warns_by_default(mg):
    model = ESNForecaster(**DIVERGING).fit(mg[:560])
    with pytest.warns(DivergenceWarning, match="diverged"):
        model.forecast(200)
    with pytest.warns(DivergenceWarning):
        model.forecast_origins(mg, [560, 600], 200)


def test_runaway_forecast_raises_or_is_ignored(mg):
    raising = ESNForecaster(**DIVERGING, divergence="raise").fit(mg[:560])
    with pytest.raises(DivergenceError, match="diverged"):
        raising.forecast(200)
    quiet = ESNForecaster(**DIVERGING, divergence="ignore").fit(mg[:560])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quiet.forecast(200)


def test_a_good_forecast_does_not_warn(mg):
    model = ESNForecaster(n_units=200, washout=20, alpha=1e-6, random_state=0)
    model.fit(mg[:800])
    with warnings.catch_warnings():
        warnings.simplefilter("error", DivergenceWarning)
        model.forecast(300)


def test_divergence_classes_can_be_caught_generically():
    assert issubclass(DivergenceWarning, UserWarning)
    assert issubclass(DivergenceError, RuntimeError)


# ----------------------------------------------------------------------
# streaming and persistence
# ----------------------------------------------------------------------


def test_partial_fit_in_chunks_equals_one_fit(mg):
    """To 1e-10 of the weights' scale with a well-conditioned readout (with
    alpha=1e-6 the Gram matrix's conditioning shows at about 1e-8)."""
    params = dict(SMALL, alpha=1e-2, standardize=False, n_lags=2)
    whole = ESNForecaster(**params).fit(mg)
    parts = ESNForecaster(**params)
    for chunk in np.array_split(mg, 4):
        parts.partial_fit(chunk)
    scale = np.max(np.abs(whole.coef_))
    assert np.max(np.abs(parts.coef_ - whole.coef_)) <= 1e-10 * scale
    np.testing.assert_allclose(parts.forecast(50), whole.forecast(50), atol=1e-10)


def test_partial_fit_refuses_what_it_cannot_stream(mg):
    with pytest.raises(ValueError, match="alpha"):
        ESNForecaster(**SMALL, alpha=[1e-6, 1e-4]).partial_fit(mg)


def test_pickled_forecaster_forecasts_identically(seasonal):
    model = ESNForecaster(
        **SMALL, alpha=[1e-4, 1e-2], log=True, difference=1, n_lags=3
    ).fit(seasonal)
    clone = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(clone.forecast(24), model.forecast(24))
