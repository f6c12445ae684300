"""The ridge alpha path: eigendecomposition, GCV and blocked time-series CV."""

import numpy as np
import pytest
import scipy.linalg
from sklearn.linear_model import Ridge, RidgeCV
from sklearn.model_selection import KFold, TimeSeriesSplit

from reservoir import ESNRegressor, ReservoirTransformer
from reservoir._ridge import GramAccumulator, RidgePath
from reservoir.datasets import mackey_glass, to_forecasting

ALPHAS = np.array([0.0, 1e-6, 1e-3, 1e-1, 1.0, 10.0, 1e3])


def _data(n=80, p=6, k=2, seed=0):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, p)) * rng.uniform(0.1, 3, p) + 2.0
    Y = Z @ rng.standard_normal((p, k)) + 0.5 * rng.standard_normal((n, k)) - 1.0
    return Z, Y


def _gram(Z, Y):
    acc = GramAccumulator(Z.shape[1], Y.shape[1])
    acc.update(Z, Y)
    return acc


def _hat(Z, alpha):
    """Explicit hat matrix of ridge with an unpenalised intercept."""
    n = Z.shape[0]
    Zc = Z - Z.mean(axis=0)
    A = Zc.T @ Zc + alpha * np.eye(Z.shape[1])
    return np.full((n, n), 1.0 / n) + Zc @ np.linalg.solve(A, Zc.T)


@pytest.fixture(scope="module")
def mg():
    X, y = to_forecasting(mackey_glass(900), horizon=1)
    return X, y.ravel()


def test_path_coefficients_equal_direct_solves_and_sklearn_ridge():
    Z, Y = _data()
    acc = _gram(Z, Y)
    coefs, intercepts = acc.path().coefs(ALPHAS)
    for a, coef, intercept in zip(ALPHAS, coefs, intercepts, strict=True):
        ref_coef, ref_intercept = acc.solve(a)
        np.testing.assert_allclose(coef, ref_coef, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(intercept, ref_intercept, rtol=1e-10, atol=1e-12)
        ref = Ridge(alpha=a, solver="svd").fit(Z, Y)
        np.testing.assert_allclose(coef.T, ref.coef_, rtol=1e-9, atol=1e-12)


def test_gcv_and_training_residuals_equal_the_explicit_hat_matrix():
    Z, Y = _data()
    path = _gram(Z, Y).path()
    n = Z.shape[0]
    gcv, sse, df = (
        path.gcv(ALPHAS),
        path.training_sse(ALPHAS),
        path.degrees_of_freedom(ALPHAS),
    )
    for i, a in enumerate(ALPHAS):
        H = _hat(Z, a)
        R = Y - H @ Y
        np.testing.assert_allclose(df[i], np.trace(H), rtol=1e-12)
        np.testing.assert_allclose(sse[i], (R**2).sum(axis=0), rtol=1e-9)
        brute = np.mean((R**2).sum(axis=0) / n / (1 - np.trace(H) / n) ** 2)
        np.testing.assert_allclose(gcv[i], brute, rtol=1e-9)


def test_gcv_is_infinite_when_the_fit_interpolates():
    Z, Y = _data(n=6, p=8)
    path = _gram(Z, Y).path()
    assert np.isinf(path.gcv([0.0])[0])
    assert np.isfinite(path.gcv([1.0])[0])


def test_validation_sse_and_predictions_equal_brute_force():
    Z, Y = _data(seed=1)
    Zt, Yt = _data(n=37, seed=2)
    Zt += 0.7  # a held-out block with other means
    path = _gram(Z, Y).path()
    coefs, intercepts = path.coefs(ALPHAS)
    sse = path.validation_sse(ALPHAS, _gram(Zt, Yt))
    preds = path.predict(Zt, ALPHAS)
    for i in range(len(ALPHAS)):
        brute = Zt @ coefs[i] + intercepts[i]
        np.testing.assert_allclose(preds[i], brute, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(sse[i], ((Yt - brute) ** 2).sum(axis=0), rtol=1e-9)


def test_gcv_equals_sklearn_ridgecv_leave_one_out_when_leverages_are_equal():
    # sklearn's RidgeCV(gcv_mode='eigen') computes the exact leave-one-out
    # error, which needs every row's leverage H_ii: not available from Gram
    # statistics. GCV replaces H_ii by their mean trace(H)/n, so the two agree
    # exactly when all leverages are equal: an orthogonal, centred +-1 design
    # (columns of a Hadamard matrix) with the intercept.
    Z = scipy.linalg.hadamard(32)[:, 1:6].astype(float)
    rng = np.random.default_rng(0)
    y = Z @ rng.standard_normal(5) + 0.3 * rng.standard_normal(32) + 4.0
    alphas = np.array([1e-3, 0.1, 1.0, 10.0, 100.0])
    ref = RidgeCV(alphas=alphas, gcv_mode="eigen", store_cv_results=True).fit(Z, y)
    loo_mse = ref.cv_results_.mean(axis=0)
    gcv = _gram(Z, y[:, None]).path().gcv(alphas)
    np.testing.assert_allclose(gcv, loo_mse, rtol=1e-10)
    assert alphas[np.argmin(gcv)] == ref.alpha_


def test_esn_alpha_sequence_chooses_by_gcv_on_the_harvested_features(mg):
    X, y = mg
    alphas = [1e-8, 1e-6, 1e-4, 1e-2, 1.0]
    esn = ESNRegressor(60, leak_rate=0.5, washout=40, alpha=alphas, random_state=0)
    esn.fit(X, y)
    assert esn.alpha == alphas  # the hyperparameter is untouched
    feats = ReservoirTransformer(
        60, leak_rate=0.5, include_input=True, random_state=0
    ).fit_transform(X)[40:]
    brute = []
    for a in alphas:
        H = _hat(feats, a)
        r = y[40:] - H @ y[40:]
        n = r.size
        brute.append(-(r @ r) / n / (1 - np.trace(H) / n) ** 2)
    np.testing.assert_allclose(esn.alpha_scores_, brute, rtol=1e-6)
    assert esn.alpha_ == alphas[int(np.argmax(brute))]
    single = ESNRegressor(
        60, leak_rate=0.5, washout=40, alpha=esn.alpha_, random_state=0
    ).fit(X, y)
    np.testing.assert_allclose(esn.coef_, single.coef_, rtol=1e-10, atol=1e-12)
    assert esn.intercept_ == pytest.approx(single.intercept_, rel=1e-10)
    assert single.alpha_ == esn.alpha_
    assert not hasattr(single, "alpha_scores_")


def _blocked_cv_brute_force(feats, Y, splitter, alphas):
    scores = np.empty((splitter.get_n_splits(), len(alphas)))
    for k, (train, test) in enumerate(splitter.split(feats)):
        for j, a in enumerate(alphas):
            ref = Ridge(alpha=a, solver="svd").fit(feats[train], Y[train])
            scores[k, j] = -np.mean((Y[test] - ref.predict(feats[test])) ** 2)
    return scores


@pytest.mark.parametrize(
    "cv", [3, TimeSeriesSplit(4, gap=7), TimeSeriesSplit(3, test_size=90)]
)
def test_blocked_cv_equals_refitting_each_fold(mg, cv):
    X, y = mg
    Y = np.column_stack([y, np.roll(y, 3)])
    alphas = [1e-6, 1e-3, 1e-1, 10.0]
    esn = ESNRegressor(40, washout=30, alpha=alphas, cv=cv, random_state=1).fit(X, Y)
    feats = ReservoirTransformer(40, include_input=True, random_state=1).fit_transform(
        X
    )[30:]
    splitter = TimeSeriesSplit(cv) if isinstance(cv, int) else cv
    brute = _blocked_cv_brute_force(feats, Y[30:], splitter, alphas)
    np.testing.assert_allclose(esn.alpha_fold_scores_, brute, rtol=1e-7)
    np.testing.assert_allclose(esn.alpha_scores_, brute.mean(axis=0), rtol=1e-7)
    assert esn.alpha_ == alphas[int(np.argmax(brute.mean(axis=0)))]
    assert esn.cv is cv


def test_blocked_cv_over_several_sequences_numbers_rows_in_order(mg):
    X, y = mg
    Xs, ys = [X[:400], X[400:], X[200:600]], [y[:400], y[400:], y[200:600]]
    alphas = [1e-5, 1e-2, 1.0]
    esn = ESNRegressor(30, washout=20, alpha=alphas, cv=3, random_state=0).fit(Xs, ys)
    tr = ReservoirTransformer(30, include_input=True, random_state=0).fit(X)
    feats = np.vstack([tr.transform(u)[20:] for u in Xs])
    Y = np.concatenate([t[20:] for t in ys])
    brute = _blocked_cv_brute_force(feats, Y, TimeSeriesSplit(3), alphas)
    np.testing.assert_allclose(esn.alpha_fold_scores_, brute, rtol=1e-7)


def test_scalar_alpha_with_cv_reports_its_score_and_fits_as_usual(mg):
    X, y = mg
    plain = ESNRegressor(30, alpha=1e-3, random_state=0).fit(X, y)
    scored = ESNRegressor(30, alpha=1e-3, cv=2, random_state=0).fit(X, y)
    assert scored.alpha_scores_.shape == (1,)
    assert scored.alpha_fold_scores_.shape == (2, 1)
    np.testing.assert_allclose(scored.coef_, plain.coef_, rtol=1e-7, atol=1e-10)


def test_refit_drops_scores_of_an_earlier_fit(mg):
    X, y = mg
    esn = ESNRegressor(20, alpha=[1e-3, 1.0], cv=2, random_state=0).fit(X, y)
    esn.set_params(alpha=1e-2, cv=None).fit(X, y)
    assert not hasattr(esn, "alpha_scores_")
    assert not hasattr(esn, "alpha_fold_scores_")
    assert esn.alpha_ == 1e-2


def test_same_random_state_same_choice(mg):
    X, y = mg
    kw = dict(alpha=np.logspace(-8, 1, 10), cv=3, random_state=5)
    a = ESNRegressor(30, **kw).fit(X, y)
    b = ESNRegressor(30, **kw).fit(X, y)
    np.testing.assert_array_equal(a.alpha_scores_, b.alpha_scores_)
    np.testing.assert_array_equal(a.coef_, b.coef_)


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"alpha": []}, ValueError, "alpha is an empty sequence"),
        ({"alpha": [1e-3, -1.0]}, ValueError, "every value of alpha"),
        ({"alpha": [[1e-3]]}, ValueError, "alpha must be"),
        ({"alpha": [1e-3, np.nan]}, ValueError, "alpha"),
        ({"alpha": "1e-3"}, TypeError, "alpha"),
        ({"cv": 1}, ValueError, "cv must be an integer >= 2"),
        ({"cv": "ts"}, TypeError, "cv must be None"),
        ({"cv": KFold(5, shuffle=True, random_state=0)}, ValueError, "blocks"),
        ({"alpha": [1e-3, 1.0], "readout": Ridge()}, ValueError, "readout"),
        ({"cv": 3, "readout": Ridge()}, ValueError, "readout"),
    ],
)
def test_bad_alpha_and_cv_are_named(mg, params, error, match):
    X, y = mg
    with pytest.raises(error, match=match):
        ESNRegressor(20, random_state=0, **params).fit(X, y)


def test_ridge_path_refuses_empty_statistics():
    with pytest.raises(ValueError, match="no training rows"):
        RidgePath(GramAccumulator(3, 1))
