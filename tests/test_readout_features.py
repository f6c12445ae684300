"""Stronger readout features of ESNRegressor (lagged inputs, squared states)
and CommitteeRegressor, against NumPy references."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from search_scores import scores_by_params
from sklearn.linear_model import LinearRegression

from reservoir import CommitteeRegressor, ESNForecaster, ESNRegressor
from reservoir.datasets import mackey_glass, narma

WASHOUT = 50


def _data(n=600, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, (n, 2))
    y = np.column_stack([np.roll(X[:, 0], 2) * X[:, 1], np.sin(3 * X[:, 1])])
    return X, y


def _reference_rows(model, X, n_lags, squared):
    """[u_t, ..., u_(t-n_lags+1), x_t, x_t^2] built by hand from the states
    (``squared='even'``: [u..., x~_t], units 2, 4, ... (1-based) squared)."""
    states = model.reservoir_.run([X], model.reservoir_.initial_states(1))[0]
    if squared == "even":
        states = np.array(
            [[v**2 if j % 2 == 1 else v for j, v in enumerate(row)] for row in states]
        )
        squared = False
    cols = []
    for lag in range(n_lags):
        shifted = np.vstack([np.repeat(X[:1], lag, axis=0), X[: X.shape[0] - lag]])
        cols.append(shifted)
    cols.append(states)
    if squared:
        cols.append(states**2)
    return np.hstack(cols)


def _ridge_reference(Z, Y, alpha):
    """Ridge with an unpenalised intercept (centred normal equations)."""
    zm, ym = Z.mean(axis=0), Y.mean(axis=0)
    Zc, Yc = Z - zm, Y - ym
    coef = np.linalg.solve(Zc.T @ Zc + alpha * np.eye(Z.shape[1]), Zc.T @ Yc)
    return coef, ym - zm @ coef


@pytest.mark.parametrize(
    ("n_lags", "features"),
    [(1, "squared"), (3, "linear"), (4, "squared"), (2, "even_squared")],
)
def test_readout_matches_a_numpy_reference(n_lags, features):
    X, y = _data()
    model = ESNRegressor(
        40,
        washout=WASHOUT,
        alpha=1e-4,
        n_lags=n_lags,
        readout_features=features,
        random_state=0,
    ).fit(X, y)
    kind = {"squared": True, "linear": False, "even_squared": "even"}[features]
    Z = _reference_rows(model, X, n_lags, kind)
    coef, intercept = _ridge_reference(Z[WASHOUT:], y[WASHOUT:], 1e-4)
    assert model.coef_.shape == (2, Z.shape[1])
    np.testing.assert_allclose(model.coef_, coef.T, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(model.intercept_, intercept, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(
        model.predict(X), Z @ coef + intercept, rtol=1e-6, atol=1e-8
    )


def test_plugged_readout_sees_the_same_features():
    X, y = _data()
    model = ESNRegressor(
        30,
        washout=WASHOUT,
        n_lags=2,
        readout_features="squared",
        readout=LinearRegression(),
        random_state=1,
    ).fit(X, y)
    Z = _reference_rows(model, X, 2, True)
    ref = LinearRegression().fit(Z[WASHOUT:], y[WASHOUT:])
    np.testing.assert_allclose(model.predict(X), ref.predict(Z), atol=1e-8)


def test_partial_fit_in_chunks_continues_the_lags():
    X, y = _data(900)
    params = dict(washout=WASHOUT, alpha=1e-6, n_lags=3, readout_features="squared")
    whole = ESNRegressor(30, random_state=2, **params).fit(X, y)
    chunked = ESNRegressor(30, random_state=2, **params)
    for start in range(0, 900, 250):  # chunks of 250 (the last 150)
        rows = slice(start, start + 250)
        chunked.partial_fit(X[rows], y[rows], continue_state=True)
    np.testing.assert_allclose(chunked.coef_, whole.coef_, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(chunked.predict(X), whole.predict(X), atol=1e-9)


def test_several_sequences_and_seeds_bit_for_bit_and_pickle():
    X, y = _data(400)
    seqs, targets = [X[:250], X[250:]], [y[:250], y[250:]]
    params = dict(washout=20, n_lags=2, readout_features="squared", random_state=3)
    a = ESNRegressor(25, **params).fit(seqs, targets)
    b = ESNRegressor(25, **params).fit(seqs, targets)
    pa, pb = a.predict(seqs), b.predict(seqs)
    assert all(np.array_equal(p, q) for p, q in zip(pa, pb, strict=True))
    loaded = pickle.loads(pickle.dumps(a))
    assert all(
        np.array_equal(p, q) for p, q in zip(loaded.predict(seqs), pa, strict=True)
    )
    # each sequence restarts its lags: the list equals the sequences one by one
    one = a.predict(seqs[1])
    np.testing.assert_array_equal(one, pa[1])


def test_default_features_are_unchanged():
    X, y = _data()
    a = ESNRegressor(30, washout=WASHOUT, random_state=0).fit(X, y)
    b = ESNRegressor(
        30, washout=WASHOUT, n_lags=1, readout_features="linear", random_state=0
    ).fit(X, y)
    assert np.array_equal(a.coef_, b.coef_)
    assert a.coef_.shape == (2, 32)


def test_feature_validation():
    X, y = _data(100)
    with pytest.raises(ValueError, match="n_lags must be an integer >= 1"):
        ESNRegressor(10, n_lags=0).fit(X, y)
    with pytest.raises(ValueError, match="include_input=False removes"):
        ESNRegressor(10, n_lags=2, include_input=False).fit(X, y)
    with pytest.raises(ValueError, match="readout_features"):
        ESNRegressor(10, readout_features="cubic").fit(X, y)
    with pytest.raises(TypeError, match="n_lags"):
        ESNRegressor(10, n_lags=1.5).fit(X, y)


def test_squared_states_and_lags_help_on_narma10():
    u, y = narma(3200, random_state=0)
    alphas = list(10.0 ** np.arange(-12, -1))  # GCV picks one per model
    base = dict(
        spectral_radius=0.9,
        input_scaling=0.2,
        washout=200,
        alpha=alphas,
        random_state=0,
    )
    scores = {}
    for name, extra in {
        "plain": {},
        "strong": dict(n_lags=10, readout_features="squared"),
    }.items():
        model = ESNRegressor(100, **base, **extra).fit(u[:2200], y[:2200])
        pred = model.predict(u)[2200:]
        scores[name] = np.sqrt(np.mean((pred - y[2200:]) ** 2) / y[2200:].var())
    # measured 0.214 vs 0.326 (seed 0)
    assert scores["strong"] < 0.8 * scores["plain"]


# --------------------------------------------------------------------------
# committee
# --------------------------------------------------------------------------


def test_committee_averages_its_members():
    X, y = _data(400)
    committee = CommitteeRegressor(
        ESNRegressor(20, washout=60), n_members=3, random_state=0
    ).fit(X, y)
    assert len(committee.estimators_) == 3
    assert len(set(committee.member_seeds_.tolist())) == 3
    expected = np.mean([m.predict(X) for m in committee.estimators_], axis=0)
    np.testing.assert_array_equal(committee.predict(X), expected)
    # a member is the estimator fitted with its seed
    solo = ESNRegressor(20, washout=60, random_state=int(committee.member_seeds_[1]))
    np.testing.assert_array_equal(
        solo.fit(X, y).predict(X), committee.estimators_[1].predict(X)
    )
    again = CommitteeRegressor(
        ESNRegressor(20, washout=60), n_members=3, random_state=0
    ).fit(X, y)
    assert np.array_equal(again.predict(X), committee.predict(X))
    loaded = pickle.loads(pickle.dumps(committee))
    assert np.array_equal(loaded.predict(X), committee.predict(X))
    # lists of sequences are averaged sequence by sequence
    out = committee.predict([X[:100], X[100:]])
    assert isinstance(out, list) and out[1].shape == (300, 2)


def test_committee_of_forecasters_averages_forecasts():
    series = mackey_glass(1500).ravel()
    committee = CommitteeRegressor(
        ESNForecaster(50, washout=100, alpha=1e-8), n_members=2, random_state=0
    ).fit(series[:1200])
    out = committee.forecast(20, context=series[1000:1200])
    members = [m.forecast(20, context=series[1000:1200]) for m in committee.estimators_]
    np.testing.assert_array_equal(out, np.mean(members, axis=0))


def test_committee_validation():
    X, y = _data(100)
    with pytest.raises(ValueError, match="n_members"):
        CommitteeRegressor(n_members=0).fit(X, y)
    with pytest.raises(TypeError, match="random_state parameter"):
        CommitteeRegressor(LinearRegression()).fit(X, y)
    fitted = CommitteeRegressor(ESNRegressor(10), n_members=1).fit(X, y)
    with pytest.raises(AttributeError, match="no forecast method"):
        fitted.forecast(3)


def test_esn_search_cv_searches_the_new_features():
    from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

    from reservoir.model_selection import ESNSearchCV

    X, y = _data(600)
    grid = {
        "readout_features": ["linear", "squared"],
        "n_lags": [1, 3],
        "alpha": [1e-6, 1e-3],
    }
    base = ESNRegressor(20, washout=20, random_state=0)
    fast = ESNSearchCV(base, grid, cv=TimeSeriesSplit(3)).fit(X, y)
    slow = GridSearchCV(base, grid, cv=TimeSeriesSplit(3)).fit(X, y)

    fast_scores = scores_by_params(fast.cv_results_)
    slow_scores = scores_by_params(slow.cv_results_)
    assert fast_scores.keys() == slow_scores.keys()
    for key, score in slow_scores.items():
        assert fast_scores[key] == pytest.approx(score, rel=1e-6)


def test_online_readout_in_chunks_continues_the_lags():
    from reservoir import RLSRegressor

    X, y = _data(600)
    params = dict(washout=WASHOUT, n_lags=3, readout_features="squared")
    whole = ESNRegressor(20, readout=RLSRegressor(), random_state=4, **params)
    whole.partial_fit(X, y)
    chunked = ESNRegressor(20, readout=RLSRegressor(), random_state=4, **params)
    for start in range(0, 600, 200):
        rows = slice(start, start + 200)
        chunked.partial_fit(X[rows], y[rows], continue_state=True)
    np.testing.assert_allclose(chunked.predict(X), whole.predict(X), atol=1e-10)


# the backward reservoir runs from the end, so its washout check can fire
@pytest.mark.filterwarnings("ignore::reservoir.exceptions.WashoutWarning")
def test_squared_states_with_deep_and_bidirectional_reservoirs():
    X, y = _data(300)
    model = ESNRegressor(
        [15, 10],
        n_layers=2,
        bidirectional=True,
        spectral_radius=0.5,
        washout=60,
        n_lags=2,
        readout_features="squared",
        random_state=0,
    ).fit(X, y)
    # inputs (2 lags x 2 features) + 50 states + 50 squares
    assert model.coef_.shape == (2, 4 + 2 * 50)
    assert model.predict(X).shape == y.shape
