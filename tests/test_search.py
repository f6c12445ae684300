"""Searches: ESNSearchCV against GridSearchCV, n_jobs, Pipeline memory, spaces."""

import importlib.util
from pathlib import Path

import numba
import numpy as np
import pytest
import scipy.stats
from joblib import parallel_backend
from sklearn.linear_model import Ridge
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    RandomizedSearchCV,
    TimeSeriesSplit,
)
from sklearn.pipeline import Pipeline

from reservoir import ESNRegressor, ReservoirTransformer
from reservoir.datasets import mackey_glass, to_forecasting
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


def _by_params(results):
    return {
        tuple(sorted(p.items())): s
        for p, s in zip(results["params"], results["mean_test_score"], strict=True)
    }


@pytest.fixture(scope="module")
def reference(mg):
    X, y = mg
    est = ESNRegressor(40, washout=30, random_state=0)
    return GridSearchCV(est, GRID, cv=TimeSeriesSplit(3)).fit(X, y)


@pytest.mark.parametrize("n_jobs", [None, 2])
def test_alpha_path_search_equals_grid_search_refitting_each_alpha(
    mg, reference, n_jobs
):
    X, y = mg
    est = ESNRegressor(40, washout=30, random_state=0)
    ours = ESNSearchCV(est, GRID, cv=TimeSeriesSplit(3), n_jobs=n_jobs).fit(X, y)
    assert ours.best_params_ == reference.best_params_
    assert ours.best_score_ == pytest.approx(reference.best_score_, rel=1e-9)
    mine, ref = _by_params(ours.cv_results_), _by_params(reference.cv_results_)
    assert mine.keys() == ref.keys()
    for key, score in ref.items():
        assert mine[key] == pytest.approx(score, rel=1e-7, abs=1e-9)
    for k in range(3):
        col = f"split{k}_test_score"
        order = [
            ours.cv_results_["params"].index(p) for p in reference.cv_results_["params"]
        ]
        np.testing.assert_allclose(
            ours.cv_results_[col][order], reference.cv_results_[col], rtol=1e-7
        )
    np.testing.assert_array_equal(
        ours.cv_results_["rank_test_score"][order],
        reference.cv_results_["rank_test_score"],
    )
    np.testing.assert_allclose(
        ours.predict(X), reference.best_estimator_.predict(X), rtol=1e-10, atol=1e-12
    )
    assert ours.score(X, y) == pytest.approx(reference.score(X, y), rel=1e-10)


@pytest.mark.parametrize("two_targets", [False, True])
def test_every_scoring_equals_grid_search_and_a_callable_works(mg, two_targets):
    X, y = mg
    if two_targets:
        y = np.column_stack([y, 3 * np.roll(y, 5) + 1])
    est = ESNRegressor(30, washout=30, random_state=0)
    grid = {"leak_rate": [0.5], "alpha": [1e-3, 1.0]}
    cv = TimeSeriesSplit(2)
    for scoring in (
        "r2",
        "neg_mean_squared_error",
        "neg_root_mean_squared_error",
        "neg_mean_absolute_error",
    ):
        ours = ESNSearchCV(est, grid, cv=cv, scoring=scoring, refit=False).fit(X, y)
        ref = GridSearchCV(est, grid, cv=cv, scoring=scoring, refit=False).fit(X, y)
        np.testing.assert_allclose(
            ours.cv_results_["mean_test_score"],
            ref.cv_results_["mean_test_score"],
            rtol=1e-8,
        )
        assert not hasattr(ours, "best_estimator_")
    ours = ESNSearchCV(
        est, grid, cv=cv, scoring=lambda t, p: -np.max(np.abs(t - p))
    ).fit(X, y)
    assert np.all(ours.cv_results_["mean_test_score"] < 0)


def test_r2_of_a_constant_target_follows_sklearn():
    from sklearn.metrics import r2_score

    from reservoir.model_selection import _r2

    y_true = np.column_stack([np.ones(5), np.arange(5.0)])
    preds = np.stack([y_true, y_true + 0.5])
    expected = [r2_score(y_true, p) for p in preds]
    np.testing.assert_allclose(_r2(y_true, preds), expected, rtol=1e-12)


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
        ({"estimator": Ridge()}, TypeError, "ESNRegressor"),
        ({"estimator": ESNRegressor(readout=Ridge())}, ValueError, "built-in ridge"),
        ({"param_grid": {"alpha": 1.0}}, ValueError, "list of penalties"),
        ({"param_grid": {"alpha": [-1.0]}}, ValueError, "alpha"),
        ({"param_grid": "spectral_radius"}, TypeError, "param_grid"),
        ({"cv": 1}, ValueError, "cv"),
        ({"cv": "x"}, TypeError, "cv"),
        ({"scoring": "accuracy"}, ValueError, "scoring"),
        ({"scoring": 3}, TypeError, "scoring"),
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
