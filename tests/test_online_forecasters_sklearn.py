"""NVARForecaster and FORCEForecaster and scikit-learn's checks.

Both take the series first, ``fit(y, X=None)``, like
:class:`~reservoir.ESNForecaster`; the checks that read ``fit(X, y)`` as
features and targets are declared exactly as in
``tests/test_forecast_sklearn.py`` (same reasons), and their properties are
tested here with series-first calls.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

from reservoir import FORCEForecaster, NVARForecaster

_EXOG = (
    "the check calls fit(X, y), which reads y as exogenous inputs, then calls "
    "predict(X) without them; series-first version: test_{}"
)
_EXPECTED_FAILED = {
    "check_fit_score_takes_y": "fit(y, X=None) takes the series first, like sktime",
    "check_n_features_in_after_fitting": (
        "the column-count error names y (the series), not X; series-first "
        "version: test_n_features_in_after_fitting"
    ),
    "check_estimators_dtypes": _EXOG.format("dtypes_and_pickle"),
    "check_dtype_object": _EXOG.format("dtypes_and_pickle"),
    "check_estimators_pickle": _EXOG.format("dtypes_and_pickle"),
    "check_f_contiguous_array_estimator": _EXOG.format("dtypes_and_pickle"),
    "check_methods_sample_order_invariance": "rows are time steps; order matters",
    "check_methods_subset_invariance": "a prediction depends on the earlier rows",
    "check_dict_unchanged": _EXOG.format("refit_and_dict_unchanged"),
    "check_fit_idempotent": _EXOG.format("refit_and_dict_unchanged"),
    "check_fit1d": "a 1-D array is a univariate series, which fit accepts",
    "check_fit2d_predict1d": "a 1-D array is a univariate series",
}


def _expected_failed_checks(estimator):
    failures = dict(_EXPECTED_FAILED)
    if isinstance(estimator, NVARForecaster):
        failures["check_fit2d_1sample"] = (
            "the error says the series is too short for the delay window; "
            "series-first version: test_too_short_series"
        )
    return failures


ESTIMATORS = [
    NVARForecaster(n_delays=2, stride=1),
    NVARForecaster(n_delays=3, stride=2, degree=(2, 2), include_bias=False),
    FORCEForecaster(20, random_state=0),
]


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_api(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def series():
    t = np.arange(400) * 0.1
    return np.column_stack([np.sin(t), np.cos(1.3 * t)])


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_dtypes_and_pickle(estimator, series):
    X = np.round(series[:, :1] * 10)  # integer exogenous input
    ref = clone(estimator).fit(series[:300], X[:300])
    for dtype in (np.float32, object):
        model = clone(estimator).fit(series[:300].astype(dtype), X[:300].astype(dtype))
        np.testing.assert_allclose(
            model.forecast(5, X_future=X[300:305]),
            ref.forecast(5, X_future=X[300:305]),
            rtol=1e-5,
            atol=1e-6,
        )
    F = np.asfortranarray(series[:300])
    np.testing.assert_array_equal(
        clone(estimator).fit(F, X[:300]).predict(series[300:320], X[300:320]),
        ref.predict(series[300:320], X[300:320]),
    )
    loaded = pickle.loads(pickle.dumps(ref))
    np.testing.assert_array_equal(
        loaded.forecast(7, X_future=X[300:307]), ref.forecast(7, X_future=X[300:307])
    )


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_refit_and_dict_unchanged(estimator, series):
    model = clone(estimator).fit(series[:300])
    first = model.forecast(10)
    before = dict(vars(model))
    copies = {k: v.copy() for k, v in before.items() if isinstance(v, np.ndarray)}
    model.predict(series[300:320])
    model.forecast(3)
    assert vars(model).keys() == before.keys()
    for key, value in before.items():
        assert vars(model)[key] is value
        if key in copies:
            np.testing.assert_array_equal(value, copies[key])
    np.testing.assert_array_equal(model.fit(series[:300]).forecast(10), first)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_n_features_in_after_fitting(estimator, series):
    model = clone(estimator).fit(series[:300])
    assert model.n_features_in_ == 2
    with pytest.raises(ValueError, match="was fitted on a series with 2"):
        model.predict(series[300:320, :1])


def test_too_short_series():
    with pytest.raises(ValueError, match="need at least 4"):
        NVARForecaster(n_delays=3, stride=1).fit(np.ones(3))
