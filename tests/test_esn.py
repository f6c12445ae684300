import pickle
import subprocess
import sys
from functools import partial

import numpy as np
import pandas as pd
import pytest
from naive import esn_states
from sklearn.base import clone
from sklearn.linear_model import Lasso, Ridge, RidgeClassifier
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import reservoir._reservoir as reservoir_module
from reservoir import (
    ESNClassifier,
    ESNForecaster,
    ESNRegressor,
    ReservoirTransformer,
    RNNRegressor,
)
from reservoir.datasets import mackey_glass, narma, to_forecasting
from reservoir.metrics import nrmse


@pytest.fixture(scope="module")
def mg():
    X, y = to_forecasting(mackey_glass(1200), horizon=1)
    return X, y.ravel()


def _states_oracle(est, U, x0=None):
    leak = est.reservoir_.leak.astype(np.float64)
    return esn_states(U, est.W_, est.W_in_, est.bias_, leak, est.activation, x0)


@pytest.mark.parametrize("activation", ["tanh", "identity", "relu", "sigmoid"])
@pytest.mark.parametrize("topology", ["random", "orthogonal"])
def test_transform_matches_numpy_oracle(activation, topology):
    rng = np.random.default_rng(0)
    U = rng.uniform(-1, 1, (60, 3))
    leak = np.linspace(0.2, 1.0, 25)
    est = ReservoirTransformer(
        25,
        topology=topology,
        leak_rate=leak,
        activation=activation,
        spectral_radius=0.8,
        random_state=1,
    ).fit(U)
    np.testing.assert_allclose(
        est.transform(U), _states_oracle(est, U), rtol=0, atol=1e-12
    )


def test_ridge_readout_equals_sklearn_ridge_on_the_same_features(mg):
    X, y = mg
    esn = ESNRegressor(80, leak_rate=0.6, washout=50, alpha=1e-4, random_state=0).fit(
        X, y
    )
    feats = ReservoirTransformer(
        80, leak_rate=0.6, include_input=True, random_state=0
    ).fit_transform(X)
    ref = Ridge(alpha=1e-4).fit(feats[50:], y[50:])
    np.testing.assert_allclose(esn.coef_, ref.coef_, rtol=1e-8, atol=1e-8)
    assert esn.intercept_ == pytest.approx(ref.intercept_, rel=1e-8, abs=1e-10)
    np.testing.assert_allclose(esn.predict(X), ref.predict(feats), atol=1e-8)


def test_multi_output_and_include_input_false(mg):
    X, y = mg
    Y = np.column_stack([y, -2 * y + 1])
    esn = ESNRegressor(50, include_input=False, random_state=0).fit(X, Y)
    assert esn.coef_.shape == (2, 50)
    pred = esn.predict(X)
    assert pred.shape == Y.shape
    np.testing.assert_allclose(pred[:, 1], -2 * pred[:, 0] + 1, atol=1e-8)


def test_one_step_mackey_glass_accuracy(mg):
    X, y = mg
    esn = ESNRegressor(200, leak_rate=0.5, washout=100, alpha=1e-8, random_state=0).fit(
        X[:900], y[:900]
    )
    # score the tail of one run, so the test block starts from a warm state
    assert nrmse(y[900:], esn.predict(X)[900:]) < 5e-3


def test_narma10_accuracy():
    u, y = narma(3200, order=10, random_state=0)
    esn = ESNRegressor(
        200,
        spectral_radius=0.9,
        input_scaling=0.2,
        washout=200,
        alpha=1e-7,
        random_state=0,
    ).fit(u[:2200], y[:2200])
    # PROTOCOLS.md §2: plain ESN N=200 reaches NRMSE ~0.18; allow some slack
    assert nrmse(y[2200:], esn.predict(u)[2200:]) < 0.3


def test_predict_is_a_function_of_its_input(mg):
    X, y = mg
    esn = ESNRegressor(40, random_state=0).fit(X, y)
    assert np.array_equal(esn.predict(X[:300]), esn.predict(X[:300]))


def test_continuing_from_a_state_equals_one_long_run(mg):
    X, y = mg
    esn = ESNRegressor(40, random_state=0).fit(X, y)
    first, state = esn.predict(X[:500], return_state=True)
    second = esn.predict(X[500:], initial_state=state)
    np.testing.assert_allclose(
        np.concatenate([first, second]), esn.predict(X), rtol=0, atol=1e-12
    )
    with pytest.raises(ValueError, match="initial_state"):
        esn.predict(X, initial_state=np.zeros(3))


def test_several_sequences_lists_and_3d(mg):
    X, y = mg
    lengths = [200, 150, 200, 90, 200]
    starts = np.cumsum([0, *lengths[:-1]])
    Xs = [X[s : s + n] for s, n in zip(starts, lengths, strict=True)]
    ys = [y[s : s + n] for s, n in zip(starts, lengths, strict=True)]
    esn = ESNRegressor(60, washout=20, alpha=1e-2, random_state=0).fit(Xs, ys)
    assert esn.n_features_in_ == 1
    preds = esn.predict(Xs)
    assert isinstance(preds, list)
    # each sequence starts from the zero state: same as predicting it alone,
    # whether it went through the batched kernel (equal lengths) or not
    for Xi, pi in zip(Xs, preds, strict=True):
        np.testing.assert_allclose(pi, esn.predict(Xi), rtol=0, atol=1e-12)
    # the readout saw exactly the post-washout steps of every sequence
    feats = ReservoirTransformer(60, include_input=True, random_state=0).fit(Xs)
    Z = np.vstack([f[20:] for f in feats.transform(Xs)])
    ref = Ridge(alpha=esn.alpha).fit(Z, np.concatenate([t[20:] for t in ys]))
    np.testing.assert_allclose(esn.coef_, ref.coef_, rtol=1e-7, atol=1e-8)
    X3 = np.stack([Xs[0], Xs[2], Xs[4]])
    out3 = esn.predict(X3)
    assert out3.shape == (3, 200)
    np.testing.assert_allclose(out3[1], preds[2], atol=1e-12)


def test_chunked_harvesting_equals_whole(mg, monkeypatch):
    X, y = mg
    whole = ESNRegressor(30, washout=10, alpha=1e-2, random_state=0).fit(X, y)
    monkeypatch.setattr(reservoir_module, "CHUNK_VALUES", 30 * 7)
    chunked = ESNRegressor(30, washout=10, alpha=1e-2, random_state=0).fit(X, y)
    np.testing.assert_allclose(chunked.coef_, whole.coef_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(chunked.predict(X), whole.predict(X), atol=1e-12)


def test_n_jobs_does_not_change_results(mg):
    X, y = mg
    Xs = [X[i * 100 : (i + 1) * 100] for i in range(10)]
    ys = [y[i * 100 : (i + 1) * 100] for i in range(10)]
    one = ESNRegressor(50, random_state=0, n_jobs=1).fit(Xs, ys)
    two = ESNRegressor(50, random_state=0, n_jobs=2).fit(Xs, ys)
    assert np.array_equal(one.coef_, two.coef_)
    for a, b in zip(one.predict(Xs), two.predict(Xs), strict=True):
        assert np.array_equal(a, b)


def test_float32_agrees_with_float64(mg):
    X, y = mg
    f64 = ESNRegressor(100, leak_rate=0.5, random_state=0).fit(X, y)
    f32 = ESNRegressor(100, leak_rate=0.5, dtype="float32", random_state=0).fit(X, y)
    assert f32.reservoir_.dtype is np.float32
    # documented tolerance: float32 states, float64 readout
    assert nrmse(f64.predict(X), f32.predict(X)) < 1e-3


def test_readout_any_regressor_is_cloned(mg):
    X, y = mg
    lasso = Lasso(alpha=1e-4, max_iter=5000)
    esn = ESNRegressor(30, washout=10, readout=lasso, random_state=0).fit(X, y)
    assert not hasattr(lasso, "coef_")
    assert isinstance(esn.readout_, Lasso) and esn.readout_ is not lasso
    assert esn.predict(X).shape == y.shape
    assert not hasattr(esn, "coef_")
    assert esn.score(X, y) > 0.9


def test_pipeline_clone_and_grid_search(mg):
    X, y = mg
    pipe = make_pipeline(StandardScaler(), ESNRegressor(40, washout=20, random_state=0))
    pipe.fit(X[:800], y[:800])
    assert r2_score(y[800:], pipe.predict(X)[800:]) > 0.99
    cloned = clone(pipe)
    assert not hasattr(cloned[-1], "coef_")
    search = GridSearchCV(
        pipe,
        {
            "esnregressor__spectral_radius": [0.5, 0.9],
            "esnregressor__leak_rate": [0.3, 1.0],
            "esnregressor__alpha": [1e-6, 1e-2],
        },
        cv=TimeSeriesSplit(n_splits=3),
    )
    search.fit(X, y)
    assert set(search.best_params_) == {
        "esnregressor__spectral_radius",
        "esnregressor__leak_rate",
        "esnregressor__alpha",
    }
    assert np.isfinite(search.best_score_)
    # the best candidate refitted on the whole series is reproducible
    best = clone(search.best_estimator_).fit(X, y)
    np.testing.assert_array_equal(best.predict(X), search.best_estimator_.predict(X))


def test_pipeline_with_reservoir_transformer(mg):
    X, y = mg
    pipe = make_pipeline(ReservoirTransformer(60, random_state=0), Ridge(1e-6))
    assert pipe.fit(X, y).score(X, y) > 0.99


def test_pandas_dataframe_input(mg):
    X, y = mg
    df = pd.DataFrame({"signal": X[:, 0]})
    esn = ESNRegressor(30, random_state=0).fit(df, pd.Series(y))
    assert list(esn.feature_names_in_) == ["signal"]
    with pytest.warns(UserWarning, match="feature names"):
        from_array = esn.predict(X)
    np.testing.assert_array_equal(esn.predict(df), from_array)
    t = ReservoirTransformer(10, random_state=0).set_output(transform="pandas")
    out = t.fit_transform(df)
    assert list(out.columns) == [f"reservoirtransformer{i}" for i in range(10)]


def test_fit_does_not_change_hyperparameters(mg):
    X, y = mg
    leak = np.full(20, 0.5)
    esn = ESNRegressor(20, leak_rate=leak, input_scaling=[0.5], random_state=0)
    before = esn.get_params()
    esn.fit(X, y)
    after = esn.get_params()
    assert before.keys() == after.keys()
    for key, value in before.items():
        assert after[key] is value


def test_pickle_round_trip_predicts_identically(mg):
    X, y = mg
    for params in ({"density": 0.05}, {"density": 0.9}):
        esn = ESNRegressor(120, random_state=0, **params).fit(X, y)
        loaded = pickle.loads(pickle.dumps(esn))
        assert np.array_equal(loaded.predict(X), esn.predict(X))


_DETERMINISM_SCRIPT = """
import numpy as np
from reservoir import ESNRegressor
from reservoir.datasets import mackey_glass, to_forecasting
X, y = to_forecasting(mackey_glass(800), horizon=1)
p = ESNRegressor(150, leak_rate=0.4, washout=50, random_state=7).fit(X, y).predict(X)
print(p.tobytes().hex()[:20000])
"""


def test_same_random_state_same_bits_across_processes():
    runs = [
        subprocess.run(
            [sys.executable, "-c", _DETERMINISM_SCRIPT],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for _ in range(2)
    ]
    assert runs[0] == runs[1] and len(runs[0]) > 1000


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"spectral_radius": -1.0}, "spectral_radius"),
        ({"density": 0.0}, "density"),
        ({"density": 1.2}, "density"),
        ({"leak_rate": 0.0}, "leak_rate"),
        ({"leak_rate": 1.5}, "leak_rate"),
        ({"leak_rate": [0.5, 0.5]}, "leak_rate"),
        ({"activation": "softsign"}, "activation"),
        ({"distribution": "laplace"}, "distribution"),
        ({"topology": "torus"}, "topology"),
        ({"n_units": 0}, "n_units"),
        ({"washout": -1}, "washout"),
        ({"alpha": -1.0}, "alpha"),
        ({"input_scaling": -0.5}, "input_scaling"),
        ({"bias_scaling": -0.5}, "bias_scaling"),
        ({"dtype": "float16"}, "dtype"),
        ({"n_jobs": 0}, "n_jobs"),
        ({"readout": "ridge"}, "readout"),
        ({"include_input": "yes"}, "include_input"),
    ],
)
def test_impossible_hyperparameters_are_named(mg, params, match):
    X, y = mg
    with pytest.raises((ValueError, TypeError), match=match):
        ESNRegressor(**{"n_units": 10, "random_state": 0, **params}).fit(X[:50], y[:50])


def test_bad_data_errors_name_the_problem(mg):
    X, y = mg
    esn = ESNRegressor(10, washout=100)
    with pytest.raises(ValueError, match="washout"):
        esn.fit(X[:100], y[:100])
    with pytest.raises(ValueError, match="washout"):
        esn.fit([X[:300], X[:50]], [y[:300], y[:50]])
    bad = X[:200].copy()
    bad[5] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        ESNRegressor(10).fit(bad, y[:200])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        ESNRegressor(10).fit(X[:200], y[:150])
    with pytest.raises(ValueError, match="2D array"):
        ESNRegressor(10).fit(X[:200, 0], y[:200])
    with pytest.raises(ValueError, match="y holds"):
        ESNRegressor(10).fit([X[:50], X[:50]], [y[:50]])
    with pytest.raises(ValueError, match=r"y\[1\]"):
        ESNRegressor(10).fit([X[:50], X[:50]], [y[:50], y[:40]])
    with pytest.raises(ValueError, match="same number of features"):
        ESNRegressor(10).fit([X[:50], np.hstack([X[:50], X[:50]])], [y[:50]] * 2)
    with pytest.raises(ValueError, match=r"X\[1\]"):
        ESNRegressor(10).fit([X[:50], bad[:50]], [y[:50]] * 2)
    with pytest.raises(ValueError, match="0 sample"):
        ESNRegressor(10).fit(np.empty((0, 1)), np.empty(0))
    fitted = ESNRegressor(10, random_state=0).fit(X[:100], y[:100])
    with pytest.raises(ValueError, match="features"):
        fitted.predict(np.hstack([X[:20], X[:20]]))


# issue 15, item 8: a per-unit leak_rate array was kept by reference, so
# changing the caller's array after fit changed later predictions
@pytest.mark.parametrize(
    "name",
    [
        "ESNRegressor",
        "ESNClassifier",
        "ESNForecaster",
        "RNNRegressor",
        "ReservoirTransformer",
    ],
)
def test_fitted_state_does_not_alias_a_leak_rate_array(name):
    X = np.random.default_rng(0).standard_normal((120, 2))
    leak = np.full(10, 0.5)
    kwargs = dict(leak_rate=leak, random_state=0)
    if name == "ESNForecaster":
        est = ESNForecaster(10, washout=20, **kwargs).fit(np.sin(np.arange(300) / 10))
        run = partial(est.forecast, 5)
    elif name == "ReservoirTransformer":
        est = ReservoirTransformer(10, **kwargs).fit(X)
        run = partial(est.transform, X)
    elif name == "ESNClassifier":
        est = ESNClassifier(10, **kwargs).fit(X, (X[:, 0] > 0).astype(int))
        run = partial(est.decision_function, X)
    elif name == "RNNRegressor":
        est = RNNRegressor(10, max_epochs=2, **kwargs).fit(X, X[:, 0])
        run = partial(est.predict, X)
    else:
        est = ESNRegressor(10, **kwargs).fit(X, X[:, 0])
        run = partial(est.predict, X)
    before = np.array(run(), copy=True)
    leak[:] = 0.01
    np.testing.assert_array_equal(run(), before)
    assert est.get_params()["leak_rate"] is leak  # the parameter itself is kept


# issue 15, "Also": string values in input_scaling gave NumPy's "could not
# convert string to float"
@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"input_scaling": ["a", "b"]}, "input_scaling must hold real numbers"),
        ({"input_scaling": np.array(["1", "2"])}, "input_scaling must hold real"),
        ({"leak_rate": ["fast"] * 10}, "leak_rate must hold real numbers"),
        ({"input_scaling": "a"}, "input_scaling must be a real number"),
    ],
)
def test_string_hyperparameters_name_the_argument(params, match):
    X = np.random.default_rng(0).standard_normal((50, 2))
    with pytest.raises(TypeError, match=match):
        ESNRegressor(10, random_state=0, **params).fit(X, X[:, 0])


# found by tests/test_properties.py: values whose squares overflow float64
# gave NaN readouts with only NumPy's overflow warnings, a float32 reservoir
# turned inputs beyond 3.4e38 into NaN states, and states that overflow in
# predict/transform came back as NaN without a warning
@pytest.mark.filterwarnings("ignore::scipy.linalg.LinAlgWarning")
def test_readout_statistics_that_overflow_are_refused():
    X = np.random.default_rng(0).standard_normal((200, 2))
    with pytest.raises(ValueError, match=r"X has values up to 3.77e\+200.*Scale X"):
        ESNRegressor(20, random_state=0).fit(X * 1e200, X[:, 0] * 1e200)
    with pytest.raises(ValueError, match=r"sums of squares overflowed"):
        ESNClassifier(20, random_state=0).fit(X * 1e200, X[:, 0] > 0)
    # 1e150 still fits, and well
    esn = ESNRegressor(20, random_state=0).fit(X * 1e150, X[:, 0] * 1e150)
    assert np.all(np.isfinite(esn.predict(X * 1e150)))


@pytest.mark.parametrize("est", [ESNRegressor(5), ReservoirTransformer(5),
                                 ESNClassifier(5)])  # fmt: skip
def test_float32_reservoir_refuses_inputs_beyond_float32(est):
    X = np.random.default_rng(0).standard_normal((50, 2))
    est.set_params(dtype="float32", random_state=0)
    with pytest.raises(ValueError, match=r"beyond the range of float32.*float64"):
        est.fit(X * 1e100, (X[:, 0] > 0).astype(int))
    est.fit(X, (X[:, 0] > 0).astype(int))
    with pytest.raises(ValueError, match=r"X has values up to 2.33e\+100"):
        est.predict(X * 1e100) if hasattr(est, "predict") else est.transform(X * 1e100)


@pytest.mark.filterwarnings("ignore::scipy.linalg.LinAlgWarning")
def test_states_that_overflow_warn():
    X = np.random.default_rng(0).uniform(0.5, 1, (100, 1))
    kw = dict(activation="identity", spectral_radius=1.5, random_state=0)
    esn = ESNRegressor(5, **kw).fit(X, X[:, 0])
    long = np.ones((3000, 1))
    with pytest.warns(RuntimeWarning, match=r"ESNRegressor.predict produced NaN"):
        esn.predict(long)
    with pytest.warns(RuntimeWarning, match=r"ReservoirTransformer.transform"):
        ReservoirTransformer(5, **kw).fit(X).transform(long)


def test_states_that_overflow_before_a_custom_readout_are_named():
    X = np.random.default_rng(0).uniform(0.5, 1, (2000, 1))
    kw = dict(activation="identity", spectral_radius=1.5, random_state=0)
    with pytest.raises(ValueError, match=r"the reservoir states overflowed"):
        ESNRegressor(5, readout=Ridge(), **kw).fit(X, X[:, 0])
    with pytest.raises(ValueError, match=r"the reservoir states overflowed"):
        ESNClassifier(5, readout=RidgeClassifier(), **kw).fit(X, X[:, 0] > 0.7)
