"""issue 16: ``verbose`` progress reports, float32 outputs, dropping the Gram
statistics (``keep_statistics=False``)."""

import io
import pickle
import sys

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from reservoir import ESNClassifier, ESNRegressor
from reservoir.forecast import ESNForecaster


def _regression_data(n=600, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 2))
    y = np.convolve(X[:, 0], [0.5, 0.3, 0.2])[:n] + X[:, 1] ** 2
    return X, y


def _sequences(seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(40)[:, None]
    X = [np.sin(t * f + rng.uniform(0, 6)) for f in [0.1, 0.5] * 10]
    return X, ["slow", "fast"] * 10


def _series(n=500):
    t = np.arange(n)
    return np.sin(2 * np.pi * t / 25) + 0.5 * np.sin(2 * np.pi * t / 7)


def _fits(verbose):
    """One fitted estimator of each kind, with the given verbose."""
    X, y = _regression_data()
    Xs, ys = _sequences()
    return [
        ESNRegressor(50, washout=20, alpha=[1e-6, 1e-3], random_state=0,
                     verbose=verbose).fit(X, y),
        ESNRegressor(50, washout=20, alpha=[1e-6, 1e-3], cv=3, random_state=0,
                     verbose=verbose).fit(X, y),
        ESNClassifier(30, washout=5, random_state=0, verbose=verbose).fit(Xs, ys),
        ESNForecaster(40, washout=20, alpha=[1e-6, 1e-3], horizon=5,
                      random_state=0, verbose=verbose).fit(_series()),
    ]  # fmt: skip


def test_verbose_zero_prints_nothing(capsys):
    models = _fits(0)
    X, y = _regression_data()
    models[0].predict(X)
    ESNRegressor(30, random_state=0).partial_fit(X, y)
    models[3].forecast(10)
    out, err = capsys.readouterr()
    assert out == "" and err == ""


def test_verbose_reports_harvests_and_alpha_paths_on_stderr(capsys):
    _fits(1)
    out, err = capsys.readouterr()
    assert out == ""  # reports go to stderr only
    lines = err.splitlines()
    # not a terminal: plain lines, at most one per tenth of each job
    assert "\r" not in err
    assert "[ESNRegressor] harvest: 100% (600/600 steps" in err
    assert "[ESNClassifier] harvest: 100% (800/800 steps" in err
    assert "[ESNForecaster] harvest: 100% (499/499 steps" in err
    assert sum("[ESNRegressor] harvest:" in line for line in lines) <= 20
    assert "alpha path: 2 alphas scored by GCV; alpha_=" in err
    assert "alpha path (cv folds): 100% (3/3 folds" in err
    assert "alpha path: 2 alphas scored by 3-fold blocked CV" in err
    assert "[ESNForecaster] alpha path (5-step closed-loop forecasts): 100%" in err
    assert (
        "[ESNForecaster] alpha path: 2 alphas scored by 3 rolling-origin folds" in err
    )
    assert "alpha=1e-06: score" not in err  # per-alpha scores only at verbose=2
    _fits(2)
    err = capsys.readouterr().err
    assert "[ESNRegressor] alpha=1e-06: score" in err
    assert "[ESNForecaster] alpha=0.001: score" in err


def test_verbose_does_not_change_the_numbers(capsys):
    quiet, loud = _fits(0), _fits(2)
    capsys.readouterr()
    for a, b in zip(quiet, loud, strict=True):
        np.testing.assert_array_equal(a.coef_, b.coef_)
        np.testing.assert_array_equal(a.intercept_, b.intercept_)
        assert getattr(a, "alpha_", None) == getattr(b, "alpha_", None)


def test_verbose_draws_a_bar_on_a_terminal(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    X, y = _regression_data()
    ESNRegressor(50, washout=20, random_state=0, verbose=1).fit(X, y)
    text = stream.getvalue()
    assert text.startswith("\r[ESNRegressor] harvest |")
    assert "|" + "#" * 30 + "| 600/600 steps" in text
    assert text.endswith("\n") and text.count("\n") == 1  # one line, redrawn
    assert text.count("600/600") == 1  # the finished bar is drawn once


def test_verbose_reports_a_readout_fit_and_partial_fit(capsys):
    Xs, ys = _sequences()
    ESNClassifier(30, readout=LogisticRegression(), random_state=0, verbose=1).fit(
        Xs, ys
    )
    err = capsys.readouterr().err
    assert "fitting the readout LogisticRegression on 20 rows x 31 features" in err
    assert "readout fitted in" in err
    X, y = _regression_data()
    esn = ESNRegressor(30, washout=10, random_state=0, verbose=1)
    esn.partial_fit(X[:300], y[:300]).partial_fit(X[300:], y[300:])
    err = capsys.readouterr().err
    assert err.count("harvest: 100% (300/300 steps") == 2
    ESNForecaster(30, washout=10, alpha=1e-3, verbose=1).partial_fit(_series(200))
    assert "[ESNForecaster] harvest: 100% (199/199 steps" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("verbose", "error", "match"),
    [(-1, ValueError, "verbose must be an integer >= 0"),
     ("yes", TypeError, "verbose must be an integer")],
)  # fmt: skip
def test_bad_verbose_is_refused(verbose, error, match):
    X, y = _regression_data(100)
    Xs, ys = _sequences()
    with pytest.raises(error, match=match):
        ESNRegressor(20, verbose=verbose).fit(X, y)
    with pytest.raises(error, match=match):
        ESNClassifier(20, verbose=verbose).fit(Xs, ys)
    with pytest.raises(error, match=match):
        ESNForecaster(20, washout=10, verbose=verbose).fit(_series(100))


# ---------------------------------------------------------------- float32 out
def test_float32_in_float32_out():
    X, y = _regression_data()
    reg = ESNRegressor(50, washout=20, dtype="float32", random_state=0).fit(X, y)
    y_pred, state = reg.predict(X, return_state=True)
    assert y_pred.dtype == np.float32 and state.dtype == np.float32
    # the readout runs in float64 and only its output is rounded
    ref = ESNRegressor(50, washout=20, dtype="float32", random_state=0).fit(X, y)
    np.testing.assert_array_equal(ref.predict(X), y_pred)
    assert reg.predict([X[:100], X[100:]])[1].dtype == np.float32
    Xs, ys = _sequences()
    clf = ESNClassifier(30, washout=5, dtype="float32", random_state=0).fit(Xs, ys)
    assert clf.decision_function(Xs).dtype == np.float32
    proba = ESNClassifier(30, readout=LogisticRegression(), dtype="float32",
                          random_state=0).fit(Xs, ys).predict_proba(Xs)  # fmt: skip
    assert proba.dtype == np.float32
    y_series = _series()
    fc = ESNForecaster(40, washout=20, dtype="float32", random_state=0)
    fc.fit(y_series[:400])
    assert fc.forecast(10).dtype == np.float32
    assert fc.predict(y_series[400:]).dtype == np.float32
    assert fc.forecast_origins(y_series, [400, 450], 5).dtype == np.float32
    # float64 stays float64, and the two agree to float32 precision
    fc64 = ESNForecaster(40, washout=20, random_state=0).fit(y_series[:400])
    assert fc64.forecast(10).dtype == np.float64
    np.testing.assert_allclose(fc.forecast(10), fc64.forecast(10), atol=1e-3)


# ------------------------------------------------------- keep_statistics=False
def test_dropping_the_statistics_shrinks_pickles_and_keeps_predictions():
    X, y = _regression_data(1000)
    kept = ESNRegressor(300, washout=50, alpha=[1e-6, 1e-3], random_state=0).fit(X, y)
    dropped = ESNRegressor(300, washout=50, alpha=[1e-6, 1e-3], random_state=0,
                           keep_statistics=False).fit(X, y)  # fmt: skip
    np.testing.assert_array_equal(kept.predict(X), dropped.predict(X))
    assert kept.alpha_ == dropped.alpha_
    size_kept, size_dropped = len(pickle.dumps(kept)), len(pickle.dumps(dropped))
    # the (303 x 303) Gram matrix and its eigendecomposition are gone
    assert size_dropped < 0.5 * size_kept
    loaded = pickle.loads(pickle.dumps(dropped))
    np.testing.assert_array_equal(loaded.predict(X), kept.predict(X))
    Xs, ys = _sequences()
    clf_kept = ESNClassifier(200, random_state=0).fit(Xs, ys)
    clf_dropped = ESNClassifier(200, random_state=0, keep_statistics=False).fit(Xs, ys)
    np.testing.assert_array_equal(
        clf_kept.decision_function(Xs), clf_dropped.decision_function(Xs)
    )
    assert len(pickle.dumps(clf_dropped)) < 0.5 * len(pickle.dumps(clf_kept))
    series = _series()
    fc_kept = ESNForecaster(200, washout=20, random_state=0).fit(series)
    fc_dropped = ESNForecaster(200, washout=20, random_state=0,
                               keep_statistics=False).fit(series)  # fmt: skip
    np.testing.assert_array_equal(fc_kept.forecast(20), fc_dropped.forecast(20))
    assert len(pickle.dumps(fc_dropped)) < 0.5 * len(pickle.dumps(fc_kept))


def test_partial_fit_without_statistics_says_how_to_re_enable_them():
    X, y = _regression_data()
    Xs, ys = _sequences()
    estimators = [
        (ESNRegressor(30, keep_statistics=False), (X, y), {}),
        (ESNClassifier(30, keep_statistics=False), (Xs, ys), {"classes": ys[:2]}),
        (ESNForecaster(30, washout=10, keep_statistics=False), (_series(),), {}),
    ]  # fmt: skip
    for est, data, kwargs in estimators:
        est.fit(*data)
        with pytest.raises(ValueError, match=r"keep_statistics=True \(est.set_params"):
            est.partial_fit(*data, **kwargs)
        with pytest.raises(ValueError, match="keep_statistics=False drops"):
            type(est)(30, keep_statistics=False).partial_fit(*data, **kwargs)
        # re-enabled and refitted, partial_fit works again
        est.set_params(keep_statistics=True).fit(*data).partial_fit(*data, **kwargs)
    with pytest.raises(TypeError, match="keep_statistics must be True or False"):
        ESNRegressor(30, keep_statistics="no").fit(X, y)


def test_nvar_forecaster_reports_its_harvest(capsys):
    from reservoir import NVARForecaster

    y = _series()
    quiet = NVARForecaster(n_delays=2, alpha=1e-4).fit(y)
    assert capsys.readouterr().err == ""
    loud = NVARForecaster(n_delays=2, alpha=1e-4, verbose=1).fit(y)
    assert "[NVARForecaster] harvest: 100% (498/498 steps" in capsys.readouterr().err
    np.testing.assert_array_equal(quiet.coef_, loud.coef_)
