"""Streaming fits: partial_fit, continuing a long series, merging Gram chunks."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge

from reservoir import ESNRegressor, RLSRegressor
from reservoir.datasets import mackey_glass, to_forecasting
from reservoir.model_selection import merge_partial_fits

TOL = dict(rtol=1e-10, atol=1e-10)


@pytest.fixture(scope="module")
def mg():
    X, y = to_forecasting(mackey_glass(1300), horizon=1)
    return X, y.ravel()


def _sequences(n=5, seed=0):
    rng = np.random.default_rng(seed)
    X = [rng.uniform(-1, 1, (int(rng.integers(150, 260)), 2)) for _ in range(n)]
    Y = [np.column_stack([x[:, 0] * x[:, 1], np.cumsum(x[:, 0]) * 0.1]) for x in X]
    return X, Y


def _assert_same_readout(a, b):
    np.testing.assert_allclose(a.coef_, b.coef_, **TOL)
    np.testing.assert_allclose(a.intercept_, b.intercept_, **TOL)


@pytest.mark.parametrize("include_input", [True, False])
def test_partial_fit_over_calls_equals_one_fit(include_input):
    X, Y = _sequences()
    kw = dict(washout=20, alpha=1e-2, include_input=include_input, random_state=0)
    whole = ESNRegressor(40, **kw).fit(X, Y)
    streamed = ESNRegressor(40, **kw)
    for part in ([0, 1], [2], [3, 4]):
        streamed.partial_fit([X[i] for i in part], [Y[i] for i in part])
    _assert_same_readout(streamed, whole)
    np.testing.assert_array_equal(streamed.W_in_, whole.W_in_)
    np.testing.assert_allclose(streamed.predict(X[0]), whole.predict(X[0]), **TOL)


def test_one_long_series_in_chunks_equals_fit_on_the_whole(mg):
    X, y = mg
    kw = dict(leak_rate=0.4, washout=150, alpha=1e-2, random_state=3)
    whole = ESNRegressor(60, **kw).fit(X, y)
    streamed = ESNRegressor(60, **kw)
    # the first chunk lies entirely inside the washout
    with pytest.warns(UserWarning, match="inside washout=150"):
        streamed.partial_fit(X[:100], y[:100], continue_state=True)
    for start, stop in [(100, 437), (437, 1000), (1000, len(X))]:
        streamed.partial_fit(X[start:stop], y[start:stop], continue_state=True)
    _assert_same_readout(streamed, whole)
    assert streamed._gram.n_samples == len(X) - 150


def test_fit_then_partial_fit_continues_the_series(mg):
    X, y = mg
    kw = dict(washout=50, alpha=1e-2, random_state=0)
    whole = ESNRegressor(30, **kw).fit(X, y)
    est = ESNRegressor(30, **kw).fit(X[:700], y[:700])
    est.partial_fit(X[700:], y[700:], continue_state=True)
    _assert_same_readout(est, whole)


@pytest.mark.parametrize("readout", [None, RLSRegressor()])
def test_partial_fit_inside_the_washout_warns_and_is_not_fitted(mg, readout):
    # issue 15, item 9: a chunk entirely inside the washout used to give a
    # "fitted" model that predicted zeros, without a warning
    X, y = mg
    est = ESNRegressor(20, washout=100, alpha=1e-2, readout=readout, random_state=0)
    with pytest.warns(UserWarning, match=r"inside washout=100.*lower washout"):
        est.partial_fit(X[:50], y[:50], continue_state=True)
    assert not hasattr(est, "coef_")
    with pytest.raises(NotFittedError, match=r"no training row.*washout=100"):
        est.predict(X[:5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est.partial_fit(X[50:300], y[50:300], continue_state=True)
    if readout is None:
        assert est._gram.n_samples == 200
    assert np.all(np.isfinite(est.predict(X[:5])))


def test_partial_fit_with_an_alpha_path_uses_gcv_on_everything_seen(mg):
    X, y = mg
    kw = dict(washout=50, alpha=[1e-2, 1e-1, 1.0], random_state=0)
    whole = ESNRegressor(30, **kw).fit(X, y)
    est = ESNRegressor(30, **kw)
    est.partial_fit(X[:600], y[:600], continue_state=True)
    est.partial_fit(X[600:], y[600:], continue_state=True)
    assert est.alpha_ == whole.alpha_
    np.testing.assert_allclose(est.alpha_scores_, whole.alpha_scores_, rtol=1e-8)
    _assert_same_readout(est, whole)


def test_fit_after_partial_fit_starts_from_scratch(mg):
    X, y = mg
    est = ESNRegressor(20, alpha=1e-2, random_state=0)
    est.partial_fit(X[:500], y[:500]).partial_fit(X[500:], y[500:])
    est.fit(X[:300], y[:300])
    ref = ESNRegressor(20, alpha=1e-2, random_state=0).fit(X[:300], y[:300])
    _assert_same_readout(est, ref)
    assert est._gram.n_samples == 300


def test_pickled_midway_stream_continues_identically(mg):
    X, y = mg
    est = ESNRegressor(20, washout=10, alpha=1e-2, random_state=0)
    est.partial_fit(X[:400], y[:400], continue_state=True)
    copy = pickle.loads(pickle.dumps(est))
    est.partial_fit(X[400:], y[400:], continue_state=True)
    copy.partial_fit(X[400:], y[400:], continue_state=True)
    np.testing.assert_array_equal(est.coef_, copy.coef_)


def test_partial_fit_is_deterministic(mg):
    X, y = mg
    a = ESNRegressor(20, alpha=1e-2, random_state=7).partial_fit(X, y)
    b = ESNRegressor(20, alpha=1e-2, random_state=7).partial_fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)


def test_partial_fit_errors_name_the_problem(mg):
    X, y = mg
    est = ESNRegressor(20, alpha=1e-2, random_state=0).partial_fit(X[:300], y[:300])
    with pytest.raises(ValueError, match="features"):
        est.partial_fit(np.hstack([X[:300], X[:300]]), y[:300])
    with pytest.raises(ValueError, match="target"):
        est.partial_fit(X[:300], np.column_stack([y[:300], y[:300]]))
    with pytest.raises(ValueError, match="continue_state=True continues the 1"):
        est.partial_fit(
            [X[:100], X[100:200]], [y[:100], y[100:200]], continue_state=True
        )
    with pytest.raises(TypeError, match="continue_state"):
        est.partial_fit(X[:300], y[:300], continue_state="yes")
    with pytest.raises(ValueError, match="cv is not supported"):
        ESNRegressor(20, cv=3).partial_fit(X, y)
    with pytest.raises(ValueError, match="built-in ridge"):
        ESNRegressor(20, readout=Ridge()).partial_fit(X, y)
    with pytest.raises(ValueError, match="washout"):
        ESNRegressor(20, washout=50).partial_fit(X[:40], y[:40])


def test_merge_partial_fits_equals_a_single_fit():
    X, Y = _sequences(n=6, seed=1)
    esn = ESNRegressor(40, washout=15, alpha=1e-2, random_state=0)
    parts = [
        clone(esn).fit(X[:2], Y[:2]),
        clone(esn).partial_fit(X[2:3], Y[2:3]),
        clone(esn).fit(X[3:], Y[3:]),
    ]
    before = [p.coef_.copy() for p in parts]
    merged = merge_partial_fits(parts)
    _assert_same_readout(merged, clone(esn).fit(X, Y))
    for p, c in zip(parts, before, strict=True):  # inputs untouched
        np.testing.assert_array_equal(p.coef_, c)
    # continuing all six sequences goes on from their final states
    merged.partial_fit([x[:5] for x in X], [y[:5] for y in Y], continue_state=True)


def test_merge_partial_fits_refuses_different_reservoirs():
    X, Y = _sequences(n=2)
    a = ESNRegressor(20, random_state=0).fit(X[:1], Y[:1])
    b = ESNRegressor(20, random_state=1).fit(X[1:], Y[1:])
    with pytest.raises(ValueError, match="different reservoir"):
        merge_partial_fits([a, b])
    with pytest.raises(TypeError, match="estimators\\[1\\]"):
        merge_partial_fits([a, ESNRegressor(20)])
    with pytest.raises(ValueError, match="empty"):
        merge_partial_fits([])
