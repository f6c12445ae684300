"""Online readouts (RLS, LMS) and FORCE: kernels against NumPy oracles, API."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import scipy.sparse
from naive_online import force, lms, rls
from sklearn.linear_model import Ridge

from reservoir import (
    ESNRegressor,
    FORCEForecaster,
    LMSRegressor,
    ReservoirTransformer,
    RLSRegressor,
)
from reservoir import _online_kernels as kernels
from reservoir._kernels import ACTIVATION_CODES
from reservoir.datasets import mackey_glass, regime_switch, to_forecasting


def _problem(n_rows=101, n_features=6, n_targets=2, seed=0):
    rng = np.random.default_rng(seed)
    Z = rng.normal(size=(n_rows, n_features))
    Y = Z @ rng.normal(size=(n_features, n_targets)) + 0.1 * rng.normal(
        size=(n_rows, n_targets)
    )
    return Z, Y


@pytest.mark.parametrize("n_rows", [0, 1, 2, 7, 100])
@pytest.mark.parametrize("forgetting", [1.0, 0.97])
def test_rls_kernel_matches_numpy_reference(n_rows, forgetting):
    Z, Y = _problem(n_rows)
    W, P = np.zeros((6, 2)), np.eye(6) / 0.5
    pred = np.empty((n_rows, 2))
    kernels.rls_fit(Z, Y, W, P, forgetting, pred)
    W_ref, P_ref, pred_ref = rls(Z, Y, forgetting, 0.5)
    np.testing.assert_allclose(W, W_ref, rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(P, P_ref, rtol=1e-11, atol=1e-12)
    if n_rows:
        np.testing.assert_allclose(pred, pred_ref, rtol=1e-11, atol=1e-12)
    np.testing.assert_array_equal(P, P.T)  # bitwise symmetric


@pytest.mark.parametrize("normalized", [False, True])
def test_lms_kernel_matches_numpy_reference(normalized):
    Z, Y = _problem(57)
    W = np.zeros((6, 2))
    pred = np.empty((57, 2))
    kernels.lms_fit(Z, Y, W, 0.02, normalized, 1e-3, pred)
    W_ref, pred_ref = lms(Z, Y, 0.02, normalized, 1e-3)
    np.testing.assert_allclose(W, W_ref, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(pred, pred_ref, rtol=1e-12, atol=1e-14)


def test_rls_with_forgetting_one_is_ridge():
    """The issue's exactness figure: RLS (lambda = 1) reaches ridge to 1e-8."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(2000, 20))
    y = X @ rng.normal(size=20) + 0.3 + 0.05 * rng.normal(size=2000)
    rls_model = RLSRegressor(1.0, alpha=0.1)
    for start in range(0, 2000, 333):  # chunks of odd length
        rls_model.partial_fit(X[start : start + 333], y[start : start + 333])
    Z = np.hstack([np.ones((2000, 1)), X])
    ridge = Ridge(alpha=0.1, fit_intercept=False, solver="cholesky").fit(Z, y)
    np.testing.assert_allclose(rls_model.coef_, ridge.coef_[1:], rtol=0, atol=1e-8)
    assert abs(rls_model.intercept_ - ridge.coef_[0]) < 1e-8
    assert rls_model.n_samples_seen_ == 2000


def test_rls_with_forgetting_is_weighted_ridge():
    X, y = _problem(300, 4, 1, seed=5)
    lam, alpha = 0.98, 0.5
    model = RLSRegressor(lam, alpha=alpha, fit_intercept=False).fit(X, y)
    weights = lam ** np.arange(299, -1, -1)
    A = (X * weights[:, None]).T @ X + alpha * lam**300 * np.eye(4)
    W = np.linalg.solve(A, (X * weights[:, None]).T @ y)
    np.testing.assert_allclose(model.coef_, W.T, rtol=1e-9)


def test_partial_fit_predict_is_test_then_train():
    X, y = _problem(80, 3, 1, seed=6)
    y = y[:, 0]
    model = RLSRegressor(0.99, alpha=1.0)
    prior = model.partial_fit_predict(X[:40], y[:40])
    assert prior.shape == (40,)
    assert prior[0] == 0.0  # zero weights before the first row
    nxt = model.predict(X[40:41])
    np.testing.assert_allclose(model.partial_fit_predict(X[40:], y[40:])[0], nxt[0])


def test_online_regressor_errors():
    X, y = _problem(20, 3, 1)
    with pytest.raises(ValueError, match=r"forgetting_factor must be in \(0, 1\]"):
        RLSRegressor(1.5).fit(X, y)
    with pytest.raises(ValueError, match="alpha must be in"):
        RLSRegressor(alpha=0.0).fit(X, y)
    with pytest.raises(ValueError, match="learning_rate must be in"):
        LMSRegressor(-1.0).fit(X, y)
    with pytest.raises(TypeError, match="normalized must be True or False"):
        LMSRegressor(normalized="yes").fit(X, y)
    model = RLSRegressor().fit(X, y)
    with pytest.raises(ValueError, match="target shape of the earlier calls"):
        model.partial_fit(X, np.hstack([y, y]))
    with pytest.raises(ValueError, match="expecting 3 features"):
        model.partial_fit(X[:, :2], y)


def test_lms_converges_and_normalised_lms_is_scale_free():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(4000, 3))
    y = X @ [1.0, -2.0, 0.5] + 0.7
    plain = LMSRegressor(0.02).fit(X, y)
    np.testing.assert_allclose(plain.coef_, [1.0, -2.0, 0.5], atol=1e-6)
    a = LMSRegressor(0.5, normalized=True).fit(X, y)
    b = LMSRegressor(0.5, normalized=True, fit_intercept=False).fit(X * 100, y)
    assert np.abs(a.coef_ - [1.0, -2.0, 0.5]).max() < 1e-6
    assert b.predict(X * 100).shape == (4000,)


# --------------------------------------------------------------------------
# ESNRegressor with an online readout
# --------------------------------------------------------------------------


def test_esn_partial_fit_updates_the_readout_step_by_step():
    X, y = to_forecasting(mackey_glass(900), horizon=1)
    params = dict(leak_rate=0.5, washout=50, random_state=0)
    online = ESNRegressor(60, readout=RLSRegressor(alpha=1e-4), **params)
    for start in range(0, 800, 150):
        chunk = slice(start, min(start + 150, 800))
        online.partial_fit(X[chunk], y[chunk], continue_state=True)
    whole = ESNRegressor(60, readout=RLSRegressor(alpha=1e-4), **params).fit(
        X[:800], y[:800]
    )
    np.testing.assert_allclose(
        online.readout_.coef_, whole.readout_.coef_, rtol=1e-9, atol=1e-9
    )
    np.testing.assert_allclose(online.predict(X), whole.predict(X), atol=1e-9)
    # the oracle: RLS on the states of the same reservoir (random input, so
    # that the features are well conditioned)
    rng = np.random.default_rng(9)
    U, target = rng.uniform(-1, 1, (300, 1)), rng.normal(size=300)
    esn = ESNRegressor(20, readout=RLSRegressor(alpha=1e-2), **params)
    esn.partial_fit(U, target)
    states = ReservoirTransformer(20, leak_rate=0.5, random_state=0).fit_transform(U)
    Z = np.hstack([np.ones((250, 1)), U[50:], states[50:]])
    W, _, _ = rls(Z, target[50:, None], 1.0, 1e-2)
    np.testing.assert_allclose(esn.readout_.coef_, W[1:, 0], rtol=1e-9, atol=1e-11)
    pred = online.predict(X)
    assert np.sqrt(np.mean((pred[100:] - y[100:]) ** 2)) < 0.1 * y.std()
    with pytest.raises(ValueError, match="online readout with partial_fit"):
        ESNRegressor(10, readout=Ridge()).partial_fit(X, y)


def test_drift_is_tracked_by_forgetting():
    """Small version of the drift example: after the switch, RLS with
    forgetting is back near its pre-switch error, a pre-switch fit is not."""
    u, y = regime_switch(3000, random_state=0)
    states = ReservoirTransformer(50, leak_rate=1.0, random_state=0).fit_transform(u)
    Z = np.hstack([u, states])
    prior = RLSRegressor(0.99, alpha=1e-2).partial_fit_predict(Z, y[:, 0])
    batch = Ridge(1e-6).fit(Z[100:1500], y[100:1500, 0]).predict(Z)
    before = np.sqrt(np.mean((prior[1000:1500] - y[1000:1500, 0]) ** 2))
    after = np.sqrt(np.mean((prior[2000:] - y[2000:, 0]) ** 2))
    stale = np.sqrt(np.mean((batch[2000:] - y[2000:, 0]) ** 2))
    assert after < 2 * before
    assert stale > 10 * before


# --------------------------------------------------------------------------
# FORCE
# --------------------------------------------------------------------------


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize(
    "mode", [kernels.FORCE_TRAIN, kernels.FORCE_TEACHER, kernels.FORCE_FREE]
)
def test_force_kernel_matches_numpy_reference(sparse, mode):
    rng = np.random.default_rng(8)
    n, k, steps = 12, 2, 25
    W = rng.normal(size=(n, n)) * (rng.random((n, n)) < 0.5) / 2
    W_fb = rng.uniform(-1, 1, (k, n))
    pre = rng.normal(size=(steps, n)) * 0.1
    leak = rng.uniform(0.2, 1.0, n)
    Y = np.sin(np.arange(steps)[:, None] / 3 + np.arange(k))
    W_out = rng.normal(size=(n + 1, k)) * 0.1
    P = np.eye(n + 1) / 0.7
    x0, z0 = rng.normal(size=n) * 0.1, rng.normal(size=k)
    out, x_final = np.empty((steps, k)), np.empty(n)
    W_out_k, P_k = W_out.copy(), P.copy()
    WT = scipy.sparse.csr_array(W.T)
    kernels.force_run(
        pre,
        sparse,
        W if not sparse else np.empty((0, 0)),
        WT.indptr if sparse else np.empty(0, np.int32),
        WT.indices if sparse else np.empty(0, np.int32),
        WT.data if sparse else np.empty(0),
        W_fb,
        leak,
        ACTIVATION_CODES["tanh"],
        x0,
        z0,
        Y,
        W_out_k,
        P_k,
        0.99,
        3,
        mode,
        out,
        x_final,
    )
    ref_out, ref_x, ref_W, ref_P = force(
        pre, W, W_fb, leak, "tanh", x0, z0, Y, W_out, P, 0.99, 3, mode
    )
    np.testing.assert_allclose(out, ref_out, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(x_final, ref_x, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(W_out_k, ref_W, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(P_k, ref_P, rtol=1e-10, atol=1e-12)


def test_force_generates_a_periodic_target():
    # the sum-of-four-sines figure (N = 1000, 40 periods) is in
    # benchmarks/bench_online.py; here a small network and one sine
    y = np.sin(np.arange(2300) * 2 * np.pi / 60)
    model = FORCEForecaster(150, random_state=0).fit(y[:2000])
    generated = model.forecast(300)
    nrmse = np.sqrt(np.mean((generated - y[2000:]) ** 2)) / y.std()
    assert nrmse < 0.1
    clone = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(clone.forecast(300), generated)
    again = FORCEForecaster(150, random_state=0).fit(y[:2000])
    np.testing.assert_array_equal(again.coef_, model.coef_)
    # with a context, the network synchronises on it and continues
    assert model.forecast(5, context=y[:2000]).shape == (5,)
    assert model.score(y[2000:2100]) > 0.99


def test_force_errors():
    y = np.sin(np.arange(100) / 5)
    with pytest.raises(ValueError, match="alpha must be in"):
        FORCEForecaster(10, alpha=0.0).fit(y)
    with pytest.raises(ValueError, match="update_every must be an integer >= 1"):
        FORCEForecaster(10, update_every=0).fit(y)
    model = FORCEForecaster(10, random_state=0).fit(y)
    with pytest.raises(ValueError, match="X_future was given"):
        model.forecast(3, X_future=np.ones((3, 1)))
    with pytest.raises(ValueError, match="has 2 column"):
        model.forecast(3, context=np.ones((5, 2)))


def test_esn_forecaster_with_an_online_readout():
    """Teacher-forced training is ESNRegressor on [y_(t-1)] -> y_t (see the
    forecaster's docs), so the RLS readouts of both must agree."""
    from reservoir import ESNForecaster

    y = mackey_glass(700)
    params = dict(leak_rate=0.5, washout=50, random_state=0)
    forecaster = ESNForecaster(
        80,
        feedback_scaling=0.5,
        standardize=False,
        readout=RLSRegressor(alpha=1e-3),
        **params,
    ).fit(y)
    regressor = ESNRegressor(
        80, input_scaling=0.5, readout=RLSRegressor(alpha=1e-3), **params
    ).fit(y[:-1], y[1:])
    np.testing.assert_allclose(
        forecaster.coef_, regressor.readout_.coef_, rtol=1e-8, atol=1e-10
    )
    np.testing.assert_allclose(
        forecaster.intercept_, regressor.readout_.intercept_, rtol=1e-8
    )
    forecast = forecaster.forecast(50)
    assert forecast.shape == (50, 1) and np.isfinite(forecast).all()
    with pytest.raises(TypeError, match="online regressor with partial_fit"):
        ESNForecaster(20, readout=Ridge()).fit(y)


def test_esn_forecaster_partial_fit_trains_the_online_readout_step_by_step():
    """Chunks through partial_fit = one fit: the readout sees the same rows."""
    from reservoir import ESNForecaster

    y = mackey_glass(900)
    params = dict(
        feedback_scaling=0.5,
        leak_rate=0.5,
        washout=50,
        standardize=False,
        readout=RLSRegressor(alpha=1e-3),
        random_state=0,
    )
    whole = ESNForecaster(60, **params).fit(y)
    chunked = ESNForecaster(60, **params)
    for start in range(0, 900, 300):
        chunked.partial_fit(y[start : start + 300])
    np.testing.assert_allclose(chunked.coef_, whole.coef_, rtol=1e-8, atol=1e-10)
    np.testing.assert_array_equal(chunked.state_, whole.state_)
    with pytest.raises(ValueError, match="online readout"):
        ESNForecaster(20, alpha=[1e-3, 1e-2], readout=RLSRegressor()).fit(y)
