"""ESNForecaster and scikit-learn: the API checks that apply, and model selection.

``ESNForecaster.fit(y, X=None)`` takes the series first (as sktime does), so
scikit-learn's checks, which call ``fit(X, y)`` with features and targets,
read their feature matrix as the series and their targets as exogenous
inputs. The checks that rely on that feature/target reading are declared
below, each with its reason, and their property is tested here with
series-first calls instead. Every other check passes.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score
from sklearn.utils._testing import create_memmap_backed_data
from sklearn.utils.estimator_checks import parametrize_with_checks

from reservoir.datasets import mackey_glass
from reservoir.forecast import ESNForecaster

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
    "check_estimators_dtypes": _EXOG.format("dtypes"),
    "check_dtype_object": _EXOG.format("dtypes"),
    "check_estimators_pickle": _EXOG.format("pickle_and_readonly_memmap"),
    "check_f_contiguous_array_estimator": _EXOG.format("f_contiguous"),
    "check_methods_sample_order_invariance": "rows are time steps; order matters",
    "check_methods_subset_invariance": "a prediction depends on the earlier rows",
    "check_fit2d_1sample": (
        "the error says the series is too short for the washout; series-first "
        "version: test_too_short_series"
    ),
    "check_dict_unchanged": _EXOG.format("dict_unchanged"),
    "check_fit_idempotent": _EXOG.format("fit_idempotent"),
    "check_fit1d": "a 1-D array is a univariate series, which fit accepts",
    "check_fit2d_predict1d": "a 1-D array is a univariate series",
}


def _expected_failed_checks(estimator):
    return _EXPECTED_FAILED if isinstance(estimator, ESNForecaster) else {}


@parametrize_with_checks(
    [
        ESNForecaster(20, washout=0, random_state=0),
        ESNForecaster([12, 8], n_layers=2, washout=0, random_state=0),
        ESNForecaster(20, washout=0, readout_features="squared", random_state=0),
    ],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_api(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def series():
    return np.tanh(mackey_glass(700).ravel() - 1.0)


def _small(**kw):
    return ESNForecaster(
        40,
        washout=20,
        feedback_scaling=0.5,
        alpha=1e-8,
        standardize=False,
        random_state=0,
        **kw,
    )


def test_dtypes(series):
    ref = _small().fit(series[:300]).predict(series[300:400])
    for dtype in (np.float32, np.int64, object):
        y = series.astype(dtype) if dtype is not np.int64 else np.round(series * 100)
        model = _small().fit(y[:300])
        assert model.predict(y[300:400]).dtype == np.float64
    np.testing.assert_allclose(
        _small().fit(series[:300].astype(object)).predict(series[300:400]), ref
    )


def test_pickle_and_readonly_memmap(series):
    import pickle

    model = _small().fit(series[:300])
    loaded = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(model.forecast(20), loaded.forecast(20))
    y_mm = create_memmap_backed_data(series)
    mm = _small().fit(y_mm[:300])
    np.testing.assert_array_equal(
        mm.forecast(20, y_mm[300:400]), model.forecast(20, series[300:400])
    )


def test_f_contiguous(series):
    Y = np.asfortranarray(np.c_[series, series[::-1]])
    model = _small().fit(Y[:300])
    ref = _small().fit(np.ascontiguousarray(Y[:300]))
    np.testing.assert_array_equal(model.forecast(10), ref.forecast(10))


def test_dict_unchanged(series):
    model = _small().fit(series[:300])
    before = {
        k: (v.copy() if isinstance(v, np.ndarray) else v)
        for k, v in vars(model).items()
    }
    model.predict(series[300:400])
    model.forecast(30)
    model.forecast(30, context=series[100:200])
    model.score(series[300:400])
    for key, value in vars(model).items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(value, before[key])
        else:
            assert value is before[key] or value == before[key], key


def test_fit_idempotent(series):
    model = _small()
    first = model.fit(series[:300]).forecast(30)
    model.fit(series[100:400])
    second = model.fit(series[:300]).forecast(30)
    np.testing.assert_array_equal(first, second)


def test_n_features_in_after_fitting(series):
    Y = np.c_[series, series]
    model = _small().fit(Y[:300])
    assert model.n_features_in_ == 2
    with pytest.raises(ValueError, match="y has 3 column"):
        model.predict(np.c_[Y, series][300:400])
    with pytest.raises(ValueError, match="context has 1 column"):
        model.forecast(5, context=Y[:100, :1])


def test_too_short_series(series):
    with pytest.raises(ValueError, match="too short for washout=20"):
        _small().fit(series[:20])


def test_dataframe_feature_names(series):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"a": series, "b": series[::-1]})
    model = _small().fit(df.iloc[:300])
    assert list(model.feature_names_in_) == ["a", "b"]
    assert model.predict(df.iloc[300:400]).shape == (100, 2)


def test_clone_and_params():
    model = _small(noise_level=1e-3, strategy="direct", horizon=5)
    assert clone(model).get_params() == model.get_params()
    model.set_params(spectral_radius=0.5, leak_rate=0.3)
    assert model.spectral_radius == 0.5 and model.leak_rate == 0.3


def test_grid_search_with_time_series_split(series):
    search = GridSearchCV(
        _small(),
        {"spectral_radius": [0.5, 0.9], "leak_rate": [0.3, 1.0], "alpha": [1e-8, 1e-4]},
        cv=TimeSeriesSplit(n_splits=3, test_size=100),
    )
    search.fit(series)
    assert set(search.best_params_) == {"spectral_radius", "leak_rate", "alpha"}
    assert search.cv_results_["mean_test_score"].shape == (8,)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert search.best_score_ > 0.9
    # the refitted best model forecasts
    assert search.best_estimator_.forecast(10).shape == (10,)


def test_grid_search_with_exogenous_inputs(series):
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, (len(series), 1))
    y = series + 0.05 * X[:, 0]
    search = GridSearchCV(
        _small(input_scaling=0.5),
        {"alpha": [1e-8, 1e-2]},
        cv=TimeSeriesSplit(n_splits=2, test_size=100),
    )
    search.fit(y, X)
    assert search.best_params_ == {"alpha": 1e-8}
    assert search.best_estimator_.n_exog_features_ == 1


def test_closed_loop_scorer(series):
    """A callable scorer selects on the free-running forecast instead."""

    def closed_loop_score(estimator, y_test, _=None):
        y_test = np.asarray(y_test)
        return -float(np.sqrt(np.mean((estimator.forecast(len(y_test)) - y_test) ** 2)))

    scores = cross_val_score(
        _small(),
        series,
        cv=TimeSeriesSplit(n_splits=3, test_size=50),
        scoring=closed_loop_score,
    )
    assert scores.shape == (3,) and np.all(scores > -0.2)
