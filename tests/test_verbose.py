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


# ------------------------------------------- verbose on every other estimator
def _public_estimators():
    """Every estimator class reachable from ``reservoir.__all__`` (top-level
    names and the public names of the exported submodules)."""
    import inspect
    import types

    from sklearn.base import BaseEstimator

    import reservoir

    found = set()
    for name in reservoir.__all__:
        obj = getattr(reservoir, name)
        objs = [obj]
        if isinstance(obj, types.ModuleType):
            names = getattr(obj, "__all__", [n for n in dir(obj) if n[0] != "_"])
            objs = [getattr(obj, n) for n in names]
        for cls in objs:
            if (
                inspect.isclass(cls)
                and issubclass(cls, BaseEstimator)
                and cls.__module__.startswith("reservoir")
            ):
                found.add(cls)
    return sorted(found, key=lambda cls: cls.__name__)


def test_every_public_estimator_has_a_verbose_parameter():
    import inspect

    estimators = _public_estimators()
    names = {cls.__name__ for cls in estimators}
    assert {
        "ReservoirTransformer",
        "RLSRegressor",
        "LMSRegressor",
        "FORCEForecaster",
        "NVARTransformer",
        "CommitteeRegressor",
        "RNNRegressor",
        "EncoderDecoderRegressor",
        "ESNSearchCV",
    } <= names
    for cls in estimators:
        parameter = inspect.signature(cls.__init__).parameters.get("verbose")
        assert parameter is not None, f"{cls.__name__} has no verbose parameter"
        assert parameter.default in (0, False), cls.__name__


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of a few dozen steps, so that a report covers several."""
    import reservoir._reservoir as reservoir_module
    import reservoir.nvar as nvar_module

    monkeypatch.setattr(reservoir_module, "CHUNK_VALUES", 40 * 37)
    monkeypatch.setattr(nvar_module, "CHUNK_ROWS", 37)


def _outputs(verbose):
    """Outputs of the remaining estimators, each with its expected report."""
    from reservoir import (
        CommitteeRegressor,
        FORCEForecaster,
        LMSRegressor,
        NVARTransformer,
        ReservoirTransformer,
        RLSRegressor,
    )

    rng = np.random.default_rng(1)
    one = rng.normal(size=(300, 3))
    ragged = [rng.normal(size=(n, 2)) for n in (120, 110, 60, 200)]
    cube = rng.normal(size=(4, 90, 1))
    X, y = _regression_data(3000)
    series = _series(1500)
    out = []
    for kwargs in [
        {},
        {"n_layers": 2},
        {"bidirectional": True},
        {"dtype": "float32", "density": 0.2},
    ]:
        for data in (one, ragged, cube):
            transformer = ReservoirTransformer(
                40, random_state=0, verbose=verbose, **kwargs
            ).fit(data)
            steps = len(data) if data is one else sum(len(u) for u in data)
            out.append(
                (
                    transformer.transform(data),
                    f"[ReservoirTransformer] transform: 100% ({steps}/{steps} steps",
                )
            )
    Xs, _ = _sequences()
    space = ReservoirTransformer(
        30, aggregation="output_model_space", random_state=0, verbose=verbose
    )
    out.append(
        (
            space.fit_transform(Xs),
            "[ReservoirTransformer] output_model_space of 20 sequences (800 steps)",
        )
    )
    for est in [LMSRegressor(0.5, normalized=True), LMSRegressor(0.01)]:
        est.set_params(verbose=verbose).fit(X, y)
        out.append((est.coef_, "[LMSRegressor] online fit: 100% (3000/3000 rows"))
        out.append((est.partial_fit_predict(X, y), "[LMSRegressor] online fit"))
    rls = RLSRegressor(0.999, verbose=verbose).fit(X, y)
    out.append((rls.coef_, "[RLSRegressor] learned from 3000 rows in"))
    for kwargs in [{"update_every": 3}, {"update_every": 1, "density": 1.0}]:
        force = FORCEForecaster(60, random_state=0, verbose=verbose, **kwargs)
        force.fit(series)
        message = "[FORCEForecaster] training run: 100% (1500/1500 steps"
        out += [
            (force.coef_, message),
            (force.training_output_, message),
            (force.state_, message),
            (force.forecast(30), message),
        ]
    nvar = NVARTransformer(3, 2, degree=3, verbose=verbose).fit(one)
    out.append(
        (nvar.transform(one), "[NVARTransformer] transform: 100% (300/300 steps")
    )
    history = rng.normal(size=(nvar.n_history_, 3))
    features, tail = nvar.transform([one], history=history[None], return_history=True)
    out += [(features[0], "[NVARTransformer] transform"), (tail, "")]
    committee = CommitteeRegressor(
        ESNRegressor(30, washout=20), n_members=3, random_state=0, verbose=verbose
    ).fit(X, y)
    out.append(
        (
            committee.predict(X),
            "[CommitteeRegressor] member 3/3 (ESNRegressor, random_state=",
        )
    )
    return out


def test_other_estimators_verbose_reports_and_same_bits(small_chunks, capsys):
    quiet = _outputs(0)
    out, err = capsys.readouterr()
    assert out == "" and err == ""  # verbose=0 writes nothing
    loud = _outputs(1)
    out, err = capsys.readouterr()
    assert out == ""  # reports go to stderr only
    for (a, _), (b, message) in zip(quiet, loud, strict=True):
        assert message in err
        if isinstance(a, list):
            for part_a, part_b in zip(a, b, strict=True):
                np.testing.assert_array_equal(part_a, part_b, strict=True)
        else:
            np.testing.assert_array_equal(a, b, strict=True)
    # the chunked reports cover several chunks: a few lines per job
    assert err.count("[ReservoirTransformer] transform:  50%") >= 6
    assert err.count("[FORCEForecaster] training run:") >= 10
    assert err.count("[CommitteeRegressor] member") == 3


def test_rnn_verbose_is_silent_at_zero_and_refuses_bad_values(capsys):
    from reservoir import RNNRegressor

    X = np.random.RandomState(0).uniform(-1, 1, (6, 10, 1))
    y = X[:, :, 0]
    fast = dict(n_units=4, max_epochs=2, random_state=0)
    quiet = RNNRegressor(**fast).fit(X, y)
    assert capsys.readouterr() == ("", "")
    loud = RNNRegressor(verbose=1, **fast).fit(X, y)
    out, err = capsys.readouterr()
    assert out == "" and err.count("[RNNRegressor] epoch") == 2
    np.testing.assert_array_equal(quiet.W_out_, loud.W_out_)
    with pytest.raises(ValueError, match="verbose must be an integer >= 0"):
        RNNRegressor(verbose=-1, **fast).fit(X, y)
    from reservoir import EncoderDecoderRegressor

    with pytest.raises(TypeError, match="verbose must be an integer"):
        EncoderDecoderRegressor(verbose="loud", **fast).fit(X, y[:, :3])
    EncoderDecoderRegressor(verbose=True, **fast).fit(X, y[:, :3])
    assert capsys.readouterr().err.count("[EncoderDecoderRegressor] epoch") == 2


def _bad_verbose_fits():
    from reservoir import (
        CommitteeRegressor,
        FORCEForecaster,
        LMSRegressor,
        NVARTransformer,
        ReservoirTransformer,
        RLSRegressor,
    )

    X, y = _regression_data(100)
    return [
        (ReservoirTransformer(10), (X,)),
        (RLSRegressor(), (X, y)),
        (LMSRegressor(), (X, y)),
        (FORCEForecaster(10), (_series(100),)),
        (NVARTransformer(), (X,)),
        (CommitteeRegressor(ESNRegressor(10), n_members=2), (X, y)),
    ]


@pytest.mark.parametrize(
    ("verbose", "error", "match"),
    [
        (-1, ValueError, "verbose must be an integer >= 0"),
        ("yes", TypeError, "verbose must be an integer"),
    ],
)
def test_bad_verbose_is_refused_by_every_other_estimator(verbose, error, match):
    for est, data in _bad_verbose_fits():
        with pytest.raises(error, match=match):
            est.set_params(verbose=verbose).fit(*data)


def test_merge_partial_fits_says_the_statistics_were_dropped():
    from sklearn.base import clone

    from reservoir.model_selection import merge_partial_fits

    X, y = _regression_data()
    esn = ESNRegressor(30, washout=10, random_state=0)
    kept = clone(esn).fit(X[:300], y[:300])
    dropped = clone(esn).set_params(keep_statistics=False).fit(X[300:], y[300:])
    with pytest.raises(
        ValueError,
        match=r"estimators\[1\] was fitted with "
        r"keep_statistics=False.*keep_statistics=True",
    ):
        merge_partial_fits([kept, dropped])
    refitted = dropped.set_params(keep_statistics=True).fit(X[300:], y[300:])
    merge_partial_fits([kept, refitted])  # merges once refitted with them
