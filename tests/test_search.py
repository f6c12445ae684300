"""Searches: ESNSearchCV row by row against GridSearchCV (regressor, pipeline,
classifier, forecaster, every kind of scorer and refit), n_jobs, Pipeline
memory, spaces."""

import importlib.util
import warnings
from pathlib import Path

import numba
import numpy as np
import pytest
import scipy.stats
from joblib import parallel_backend
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import Ridge
from sklearn.metrics import make_scorer, mean_absolute_error
from sklearn.model_selection import (
    GridSearchCV,
    GroupKFold,
    KFold,
    RandomizedSearchCV,
    TimeSeriesSplit,
)
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from reservoir import ESNClassifier, ESNForecaster, ESNRegressor, ReservoirTransformer
from reservoir.datasets import mackey_glass, to_forecasting
from reservoir.exceptions import DivergenceWarning
from reservoir.metrics import nrmse
from reservoir.model_selection import ESNSearchCV, recommended_search_space

GRID = {
    "spectral_radius": [0.5, 1.1],
    "leak_rate": [0.3, 1.0],
    "alpha": [1e-4, 1e-2, 1.0],
}


@pytest.fixture(scope="module")
def mg():
    X, y = to_forecasting(mackey_glass(1000), horizon=1)
    return X, y.ravel()


@pytest.fixture(scope="module")
def reference(mg):
    X, y = mg
    est = ESNRegressor(40, washout=30, random_state=0)
    return GridSearchCV(est, GRID, cv=TimeSeriesSplit(3)).fit(X, y)


def _assert_same_results(ours, ref, rtol=1e-8):
    """cv_results_ of ESNSearchCV equal GridSearchCV's, key by key, row by row."""
    assert set(ours.cv_results_) == set(ref.cv_results_)
    assert ours.cv_results_["params"] == ref.cv_results_["params"]
    for key, value in ref.cv_results_.items():
        if key == "params" or "time" in key:
            continue
        if key.startswith("param_"):
            assert list(ours.cv_results_[key]) == list(value), key
            assert ours.cv_results_[key].mask.tolist() == value.mask.tolist(), key
        elif key.startswith("rank_"):
            np.testing.assert_array_equal(ours.cv_results_[key], value, err_msg=key)
        else:
            np.testing.assert_allclose(
                ours.cv_results_[key], value, rtol=rtol, atol=1e-12, err_msg=key
            )
    for name in ("best_params_", "best_index_", "best_score_", "multimetric_"):
        assert hasattr(ours, name) == hasattr(ref, name), name
        if hasattr(ref, name):
            if name == "best_score_":
                assert ours.best_score_ == pytest.approx(ref.best_score_, rel=rtol)
            else:
                assert getattr(ours, name) == getattr(ref, name), name
    assert hasattr(ours, "best_estimator_") == hasattr(ref, "best_estimator_")


def _compare(est, grid, X, y, cv, **kwargs):
    ours = ESNSearchCV(est, grid, cv=cv, **kwargs).fit(X, y)
    ref = GridSearchCV(est, grid, cv=cv, **kwargs).fit(X, y)
    _assert_same_results(ours, ref)
    return ours, ref


@pytest.mark.parametrize("n_jobs", [None, 2])
def test_alpha_path_search_equals_grid_search_refitting_each_alpha(
    mg, reference, n_jobs
):
    X, y = mg
    est = ESNRegressor(40, washout=30, random_state=0)
    ours = ESNSearchCV(est, GRID, cv=TimeSeriesSplit(3), n_jobs=n_jobs).fit(X, y)
    # "alpha" sorts first: its rows are not grouped by configuration
    assert ours.cv_results_["params"][:2] == [
        {"alpha": 1e-4, "leak_rate": 0.3, "spectral_radius": 0.5},
        {"alpha": 1e-4, "leak_rate": 0.3, "spectral_radius": 1.1},
    ]
    _assert_same_results(ours, reference)
    np.testing.assert_allclose(
        ours.predict(X), reference.best_estimator_.predict(X), rtol=1e-10, atol=1e-12
    )
    assert ours.score(X, y) == pytest.approx(reference.score(X, y), rel=1e-10)


def test_more_alphas_than_factorisations_use_one_eigendecomposition(mg):
    from reservoir._search_paths import MAX_FACTORISED_ALPHAS

    X, y = mg
    alphas = np.logspace(-6, 1, MAX_FACTORISED_ALPHAS + 2).tolist()
    grid = {"leak_rate": [0.5], "alpha": alphas}
    est = ESNRegressor(20, washout=20, random_state=0)
    ours = ESNSearchCV(est, grid, cv=TimeSeriesSplit(2)).fit(X, y)
    ref = GridSearchCV(est, grid, cv=TimeSeriesSplit(2)).fit(X, y)
    # equal to round-off of the eigendecomposition against Cholesky
    np.testing.assert_allclose(
        ours.cv_results_["mean_test_score"], ref.cv_results_["mean_test_score"],
        rtol=1e-7,
    )  # fmt: skip
    assert ours.best_params_ == ref.best_params_


def test_pipeline_preprocessing_is_fitted_per_fold_as_in_grid_search(mg):
    X, y = mg
    X = np.column_stack([50 * X[:, 0] + 7, np.linspace(0, 300, X.shape[0])])
    pipe = make_pipeline(StandardScaler(), ESNRegressor(30, washout=30, random_state=0))
    grid = {
        "esnregressor__leak_rate": [0.3, 1.0],
        "esnregressor__alpha": [1e-4, 1e-2, 1.0],
        "standardscaler__with_mean": [True, False],
    }
    ours, _ = _compare(pipe, grid, X, y, TimeSeriesSplit(3))
    assert isinstance(ours.best_estimator_, Pipeline)
    # scaling with the statistics of all the rows gives other scores: the
    # trend column's mean and scale differ from fold to fold
    leaky = ESNSearchCV(
        ESNRegressor(30, washout=30, random_state=0),
        {"leak_rate": [0.3, 1.0], "alpha": [1e-4, 1e-2, 1.0]},
        cv=TimeSeriesSplit(3),
        refit=False,
    ).fit(StandardScaler().fit_transform(X), y)
    per_fold = [
        score
        for p, score in zip(
            ours.cv_results_["params"], ours.cv_results_["mean_test_score"], strict=True
        )
        if p["standardscaler__with_mean"]
    ]
    assert not np.allclose(per_fold, leaky.cv_results_["mean_test_score"], rtol=1e-3)


def _tagged_series(n=900, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    u = np.sin(t * 0.07)[:, None] + 0.4 * rng.standard_normal((n, 1))
    labels = np.array(["low", "mid", "high"])[
        np.digitize(np.sin(t * 0.07 - 0.5), [-0.4, 0.4])
    ]
    return u, labels


def test_classifier_per_step_equals_grid_search_with_two_metrics():
    X, y = _tagged_series()
    est = ESNClassifier(30, washout=10, random_state=0)
    grid = {"leak_rate": [0.3, 1.0], "alpha": [1e-4, 1e-1, 10.0, 1e3]}
    ours, _ = _compare(
        est, grid, X, y, TimeSeriesSplit(3),
        scoring=["accuracy", "f1_macro"], refit="f1_macro",
    )  # fmt: skip
    # the alphas matter: the scores differ
    assert np.ptp(ours.cv_results_["mean_test_f1_macro"]) > 0.01
    # the default (the classifier's score, accuracy) is computed for all
    # alphas at once
    _compare(est, grid, X, y, TimeSeriesSplit(3))
    assert ours.score(X, y) == pytest.approx(
        ours.scorer_["f1_macro"](ours.best_estimator_, X, y)
    )


def test_sequence_classifier_equals_grid_search():
    rng = np.random.default_rng(1)
    t = np.arange(40)[:, None]
    X = [
        np.sin(t * f + rng.uniform(0, 6)) + 0.5 * rng.standard_normal((40, 1))
        for f in [0.1, 0.2, 0.4] * 12
    ]
    y = np.array(["a", "b", "c"] * 12)
    grid = {"leak_rate": [0.3, 1.0], "alpha": [1e-3, 1.0, 1e2]}
    for aggregation, scoring in (("mean", "accuracy"), ("vote", "f1_macro")):
        est = ESNClassifier(20, washout=5, aggregation=aggregation, random_state=0)
        ours, _ = _compare(est, grid, X, y, KFold(3), scoring=scoring)
        assert ours.predict(X[:4]).shape == (4,)


def test_binary_classifier_decision_function_scorers():
    X, y = _tagged_series(600, seed=2)
    y = (y == "high").astype(int)
    est = ESNClassifier(20, washout=10, random_state=0)
    grid = {"alpha": [1e-3, 1.0, 1e2]}
    _compare(est, grid, X, y, TimeSeriesSplit(2), scoring=["roc_auc", "accuracy"],
             refit="roc_auc")  # fmt: skip


def _free_run_nrmse(estimator, y_test, _=None):
    return -nrmse(y_test, estimator.forecast(len(y_test)))


def test_forecaster_equals_grid_search_of_one_step_predictions():
    series = mackey_glass(900)
    est = ESNForecaster(30, washout=50, random_state=0)
    grid = {"leak_rate": [0.3, 1.0], "alpha": [1e-6, 1e-3, 1.0]}
    ours, ref = _compare(est, grid, series, None, TimeSeriesSplit(3))
    assert ours.best_estimator_.forecast(5).shape[0] == 5
    assert ours.score(series[-100:]) == pytest.approx(ref.score(series[-100:]))
    # every alpha gets a forecaster of its own: free-run scorers work too
    with warnings.catch_warnings():  # small alphas run away in free run
        warnings.simplefilter("ignore", DivergenceWarning)
        free, _ = _compare(
            est, grid, series, None, TimeSeriesSplit(3), scoring=_free_run_nrmse
        )
    assert np.isfinite(free.best_score_)
    with pytest.raises(ValueError, match="always continues"):
        ESNSearchCV(est, grid, cv=2, test_state="continue").fit(series)


def _max_abs_error(estimator, X, y):
    """A scorer with scikit-learn's signature (estimator, X, y)."""
    return -float(np.max(np.abs(y - estimator.predict(X))))


def _two_numbers(estimator, X, y):
    pred = estimator.predict(X)
    return {"mse": -float(np.mean((y - pred) ** 2)), "worst": -np.abs(y - pred).max()}


@pytest.mark.parametrize("two_targets", [False, True])
def test_every_kind_of_scorer_equals_grid_search(mg, two_targets):
    X, y = mg
    if two_targets:
        y = np.column_stack([y, 3 * np.roll(y, 5) + 1])
    est = ESNRegressor(30, washout=30, random_state=0)
    grid = {"leak_rate": [0.5, 1.0], "alpha": [1e-3, 1.0]}
    cv = TimeSeriesSplit(2)
    for scoring in (
        "r2",
        "neg_mean_squared_error",
        "neg_root_mean_squared_error",
        "neg_mean_absolute_error",
        "explained_variance",
        "neg_median_absolute_error",
        make_scorer(mean_absolute_error, greater_is_better=False),
        _max_abs_error,
    ):
        ours, _ = _compare(est, grid, X, y, cv, scoring=scoring, refit=False)
        assert not hasattr(ours, "best_estimator_")
    # several metrics: a list, a dict, a callable returning a dict
    _compare(est, grid, X, y, cv, scoring=["r2", "neg_mean_absolute_percentage_error"],
             refit="neg_mean_absolute_percentage_error",
             return_train_score=True)  # fmt: skip
    _compare(
        est, grid, X, y, cv, refit="mae",
        scoring={"mae": make_scorer(mean_absolute_error, greater_is_better=False),
                 "custom": _max_abs_error},
    )  # fmt: skip
    ours, _ = _compare(est, grid, X, y, cv, scoring=_two_numbers, refit="worst")
    assert ours.multimetric_ and "mean_test_worst" in ours.cv_results_


def test_vectorised_scorers_equal_sklearn_scorers_on_constant_targets():
    from sklearn.metrics import get_scorer

    from reservoir._search_paths import VECTORISED_SCORERS

    y_true = np.column_stack([np.ones(5), np.arange(5.0)])
    preds = np.stack([y_true, y_true + 0.5, y_true * [[1.0, -2.0]]])
    for name, (metric, sign) in VECTORISED_SCORERS.items():
        scorer = get_scorer(name)
        expected = [scorer._sign * scorer._score_func(y_true, p) for p in preds]
        np.testing.assert_allclose(
            sign * metric(y_true, preds), expected, rtol=1e-12, err_msg=name
        )


def test_groups_reach_the_splitter_and_scorers_must_predict_the_rows_given(mg):
    X, y = mg
    X, y = X[:600], y[:600]
    groups = np.repeat(np.arange(3), 200)
    est = ESNRegressor(20, washout=20, random_state=0)
    grid = {"alpha": [1e-3, 1.0]}
    ours = ESNSearchCV(est, grid, cv=GroupKFold(3)).fit(X, y, groups=groups)
    ref = GridSearchCV(est, grid, cv=GroupKFold(3)).fit(X, y, groups=groups)
    _assert_same_results(ours, ref)

    def on_fewer_rows(estimator, X, y):
        return -np.mean((y[10:] - estimator.predict(X[10:])) ** 2)

    with pytest.raises(ValueError, match="must call predict with the X it receives"):
        ESNSearchCV(est, grid, cv=2, scoring=on_fewer_rows, error_score="raise").fit(
            X, y
        )


def test_refit_variants_follow_grid_search(mg):
    X, y = mg
    est = ESNRegressor(20, washout=20, random_state=0)
    grid = {"leak_rate": [0.5, 1.0], "alpha": [1e-3, 1.0]}
    cv = TimeSeriesSplit(2)
    two = ["r2", "neg_mean_absolute_error"]
    ours, _ = _compare(est, grid, X, y, cv, scoring=two, refit=False)
    assert not hasattr(ours, "best_index_")

    def last_row(results):
        return len(results["params"]) - 1

    ours, _ = _compare(est, grid, X, y, cv, scoring=two, refit=last_row)
    assert ours.best_index_ == 3 and not hasattr(ours, "best_score_")
    ours, _ = _compare(est, grid, X, y, cv, refit=True, return_train_score=True)
    assert "split1_train_score" in ours.cv_results_
    for search in (ESNSearchCV, GridSearchCV):
        with pytest.raises(ValueError, match="refit must be set to a scorer key"):
            search(est, grid, cv=cv, scoring=two, refit=True).fit(X, y)


def test_a_failing_fit_gets_error_score_as_in_grid_search(mg):
    X, y = mg
    est = ESNRegressor(20, washout=20, random_state=0)
    grid = {"washout": [20, 5000], "alpha": [1e-3, 1.0]}
    with pytest.warns(FitFailedWarning, match="4 fits failed out of a total of 8"):
        ours, _ = _compare(est, grid, X, y, TimeSeriesSplit(2), error_score=-1.0)
    np.testing.assert_array_equal(ours.cv_results_["mean_test_score"][1::2], -1.0)
    assert ours.best_params_["washout"] == 20
    with pytest.raises(ValueError, match="washout"):
        ESNSearchCV(est, grid, cv=2, error_score="raise").fit(X, y)


def test_verbose_prints_every_configuration_with_score_and_time(mg, capsys):
    X, y = mg
    est = ESNRegressor(20, washout=20, random_state=0)
    ESNSearchCV(est, GRID, cv=2, verbose=1, refit=False).fit(X, y)
    out = capsys.readouterr().out.splitlines()
    assert "4 reservoir configurations (12 candidates" in out[0]
    assert len(out) == 5
    for line in out[1:]:
        assert "spectral_radius=" in line and "leak_rate=" in line
        assert "best alpha=" in line and "mean score=" in line and line.endswith("s)")
    ESNSearchCV(est, GRID, cv=2, verbose=2, refit=False).fit(X, y)
    out = capsys.readouterr().out
    assert out.count("fold 2/2") == 4 and out.count("     alpha=0.01 mean score=") == 4


def test_random_configurations_with_the_recommended_space(mg):
    X, y = mg
    est = ESNRegressor(20, washout=20, random_state=0)
    space = {**recommended_search_space(alpha=False), "alpha": [1e-6, 1e-3, 1.0]}
    a = ESNSearchCV(est, space, n_iter=4, cv=2, random_state=0, refit=False)
    b = ESNSearchCV(est, space, n_iter=4, cv=2, random_state=0, refit=False)
    a.fit(X, y)
    b.fit(X, y)
    assert len(a.cv_results_["params"]) == 12
    assert a.cv_results_["params"] == b.cv_results_["params"]
    np.testing.assert_array_equal(
        a.cv_results_["mean_test_score"], b.cv_results_["mean_test_score"]
    )


def test_recommended_space_ranges_and_randomized_search(mg):
    space = recommended_search_space("esn__")
    assert sorted(space) == [
        "esn__alpha",
        "esn__input_scaling",
        "esn__leak_rate",
        "esn__spectral_radius",
    ]
    bounds = {
        "esn__spectral_radius": (1e-2, 10.0),
        "esn__leak_rate": (1e-3, 1.0),
        "esn__alpha": (1e-8, 10.0),
    }
    for name, (lo, hi) in bounds.items():
        assert space[name].support() == pytest.approx((lo, hi))
        draws = space[name].rvs(2000, random_state=0)
        # log-uniform: the log of the draws is uniform
        assert (
            scipy.stats.kstest(
                np.log(draws), scipy.stats.uniform(np.log(lo), np.log(hi / lo)).cdf
            ).pvalue
            > 1e-3
        )
    X, y = mg
    search = RandomizedSearchCV(
        ESNRegressor(20, washout=20, random_state=0),
        recommended_search_space(),
        n_iter=3,
        cv=TimeSeriesSplit(2),
        n_jobs=2,
        random_state=0,
    ).fit(X, y)
    assert 0 < search.best_params_["leak_rate"] <= 1


def test_grid_search_with_n_jobs_equals_serial(mg):
    X, y = mg
    grid = {
        "spectral_radius": [0.5, 1.2],
        "leak_rate": [0.5, 1.0],
        "input_scaling": [0.5, 1.0],
        "density": [0.1, 0.5],
        "n_units": [20, 30],
        "alpha": [1e-3, 1.0],
    }
    est = ESNRegressor(20, washout=20, random_state=0)
    cv = TimeSeriesSplit(2)
    serial = GridSearchCV(est, grid, cv=cv).fit(X, y)
    parallel = GridSearchCV(est, grid, cv=cv, n_jobs=2).fit(X, y)
    assert serial.best_params_ == parallel.best_params_
    # workers may run BLAS with fewer threads: equal up to summation order
    np.testing.assert_allclose(
        serial.cv_results_["mean_test_score"],
        parallel.cv_results_["mean_test_score"],
        rtol=1e-9,
    )


def test_pipeline_memory_caches_reservoir_states_across_readouts(
    mg, tmp_path, monkeypatch
):
    X, y = mg
    fits = []
    original = ReservoirTransformer.fit

    def counting_fit(self, X, y=None):
        fits.append(1)
        return original(self, X, y)

    monkeypatch.setattr(ReservoirTransformer, "fit", counting_fit)
    grid = {"ridge__alpha": [1e-6, 1e-4, 1e-2, 1.0]}
    cv = TimeSeriesSplit(3)
    scores = {}
    for memory in (None, str(tmp_path / "cache")):
        fits.clear()
        pipe = Pipeline(
            [("states", ReservoirTransformer(50, random_state=0)), ("ridge", Ridge())],
            memory=memory,
        )
        search = GridSearchCV(pipe, grid, cv=cv).fit(X, y)
        scores[memory is None] = search.cv_results_["mean_test_score"]
        # every (fold, alpha) fit plus the refit, or once per fold plus the refit
        assert len(fits) == (4 * 3 + 1 if memory is None else 3 + 1)
    np.testing.assert_allclose(scores[True], scores[False], rtol=1e-12)


def test_collection_of_sequences_is_split_by_sequence(mg):
    X, y = mg
    Xs = [X[i : i + 200] for i in range(0, 800, 100)]
    ys = [y[i : i + 200] for i in range(0, 800, 100)]
    search = ESNSearchCV(
        ESNRegressor(20, washout=20, random_state=0),
        {"leak_rate": [0.3, 1.0], "alpha": [1e-4, 1e-1]},
        cv=3,
        scoring="neg_mean_squared_error",
    ).fit(Xs, ys)
    assert search.n_splits_ == 3
    assert search.best_estimator_.n_features_in_ == 1
    assert len(search.predict(Xs[:2])) == 2


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"estimator": Ridge()}, TypeError, "ESNRegressor, ESNClassifier or ESNF"),
        (
            {"estimator": make_pipeline(StandardScaler(), Ridge())},
            TypeError,
            "Pipeline whose last step 'ridge' is Ridge",
        ),
        ({"estimator": ESNRegressor(readout=Ridge())}, ValueError, "built-in ridge"),
        ({"param_grid": {"alpha": 1.0}}, ValueError, "list of penalties"),
        ({"param_grid": {"alpha": [-1.0]}}, ValueError, "alpha"),
        ({"param_grid": "spectral_radius"}, TypeError, "param_grid"),
        ({"cv": 1}, ValueError, "cv"),
        ({"cv": "x"}, TypeError, "cv"),
        ({"scoring": "no_such_metric"}, ValueError, "scoring"),
        ({"scoring": 3}, ValueError, "scoring"),
        ({"error_score": "warn"}, ValueError, "error_score"),
        ({"n_iter": 0}, ValueError, "n_iter"),
    ],
)
def test_bad_search_arguments_are_named(mg, kwargs, error, match):
    X, y = mg
    args = {"estimator": ESNRegressor(10), "param_grid": {"alpha": [1e-3]}, **kwargs}
    est, grid = args.pop("estimator"), args.pop("param_grid")
    with pytest.raises(error, match=match):
        ESNSearchCV(est, grid, **args).fit(X[:200], y[:200])


def test_continuing_test_folds_equal_predicting_on_from_the_training_state(mg):
    X, y = mg
    est = ESNRegressor(30, washout=30, random_state=0)
    grid = {"leak_rate": [0.3, 1.0], "alpha": [1e-4, 1e-1]}
    cv = TimeSeriesSplit(3, gap=5)
    ours = ESNSearchCV(
        est, grid, cv=cv, test_state="continue", scoring="neg_mean_squared_error"
    ).fit(X, y)
    for i, params in enumerate(ours.cv_results_["params"]):
        for k, (train, test) in enumerate(cv.split(X)):
            ref = ESNRegressor(30, washout=30, random_state=0, **params)
            ref.fit(X[train], y[train])
            _, state = ref.predict(X[train], return_state=True)
            ahead = ref.predict(X[train[-1] + 1 : test[-1] + 1], initial_state=state)
            mse = np.mean((y[test] - ahead[-len(test) :]) ** 2)
            assert ours.cv_results_[f"split{k}_test_score"][i] == pytest.approx(
                -mse, rel=1e-7
            )
    zero = ESNSearchCV(est, grid, cv=cv, scoring="neg_mean_squared_error").fit(X, y)
    assert ours.best_score_ > zero.best_score_  # no transient in the test folds
    # in a pipeline the gap and test rows go through the preprocessing first
    piped = ESNSearchCV(
        make_pipeline(FunctionTransformer(lambda Z: 2 * Z), est),
        {f"esnregressor__{k}": v for k, v in grid.items()},
        cv=cv,
        test_state="continue",
        scoring="neg_mean_squared_error",
    ).fit(X / 2, y)
    np.testing.assert_allclose(
        piped.cv_results_["mean_test_score"],
        ours.cv_results_["mean_test_score"],
        rtol=1e-12,
    )


def test_continuing_test_folds_need_one_series_and_ordered_folds(mg):
    X, y = mg
    est = ESNRegressor(10, random_state=0)
    grid = {"alpha": [1e-3]}
    with pytest.raises(ValueError, match="one series"):
        ESNSearchCV(est, grid, cv=2, test_state="continue").fit([X, X], [y, y])
    with pytest.raises(ValueError, match="contiguous"):
        ESNSearchCV(est, grid, cv=KFold(3), test_state="continue").fit(X, y)
    with pytest.raises(ValueError, match="test_state"):
        ESNSearchCV(est, grid, cv=2, test_state="warm").fit(X, y)


def test_example_runs_at_ci_size():
    example = Path(__file__).resolve().parents[1] / "examples" / "grid_search.py"
    spec = importlib.util.spec_from_file_location("grid_search_example", example)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.main(["--small"])
    assert set(result["best_params"]) == {
        "alpha",
        "input_scaling",
        "leak_rate",
        "spectral_radius",
    }
    assert result["test_nrmse"] < 0.5


_THREADS_SEEN: list[int] = []


class _NumbaThreadProbe(Ridge):
    """A readout that records how many Numba threads the ESN's fit runs with."""

    def fit(self, X, y, sample_weight=None):
        _THREADS_SEEN.append(numba.get_num_threads())
        return super().fit(X, y, sample_weight)


def test_search_workers_run_numba_single_threaded(mg):
    X, y = mg
    _THREADS_SEEN.clear()
    est = ESNRegressor(20, readout=_NumbaThreadProbe(), random_state=0)
    grid = {"spectral_radius": [0.5, 0.9], "leak_rate": [0.5, 1.0]}
    with parallel_backend("threading"):  # shares the probe's list
        GridSearchCV(est, grid, cv=TimeSeriesSplit(2), n_jobs=2).fit(X, y)
    assert len(_THREADS_SEEN) == 4 * 2 + 1
    assert set(_THREADS_SEEN) == {1}
