"""Searches and Gram sums on a Dask cluster (needs the ``distributed`` extra)."""

import numpy as np
import pytest

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

from joblib import parallel_backend  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit  # noqa: E402

from reservoir import ESNRegressor  # noqa: E402
from reservoir.datasets import mackey_glass, to_forecasting  # noqa: E402
from reservoir.model_selection import ESNSearchCV, merge_partial_fits  # noqa: E402

GRID = {"spectral_radius": [0.5, 1.1], "leak_rate": [0.3, 1.0], "alpha": [1e-4, 1.0]}


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
    )
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


@pytest.fixture(scope="module")
def mg():
    X, y = to_forecasting(mackey_glass(800), horizon=1)
    return X, y.ravel()


@pytest.mark.parametrize("search_cls", [GridSearchCV, ESNSearchCV])
def test_search_on_the_dask_backend_equals_the_serial_search(client, mg, search_cls):
    X, y = mg
    est = ESNRegressor(30, washout=20, random_state=0)
    cv = TimeSeriesSplit(3)
    serial = search_cls(est, GRID, cv=cv).fit(X, y)
    with parallel_backend("dask"):
        remote = search_cls(est, GRID, cv=cv, n_jobs=-1).fit(X, y)
    assert remote.best_params_ == serial.best_params_
    # equal up to BLAS summation order (workers run BLAS with fewer threads)
    assert remote.best_score_ == pytest.approx(serial.best_score_, rel=1e-9)
    np.testing.assert_allclose(
        remote.cv_results_["mean_test_score"],
        serial.cv_results_["mean_test_score"],
        rtol=1e-9,
    )
    assert remote.n_splits_ == serial.n_splits_ == 3


def _fit_chunk(esn, X, y):
    return clone(esn).partial_fit(X, y)


def test_sum_of_per_worker_grams_equals_the_single_process_fit(client, mg):
    X, y = mg
    Xs = [X[i : i + 150] for i in range(0, 750, 75)]
    ys = [y[i : i + 150] for i in range(0, 750, 75)]
    esn = ESNRegressor(40, washout=20, alpha=1e-2, random_state=0)
    chunks = [(Xs[i : i + 3], ys[i : i + 3]) for i in range(0, len(Xs), 3)]
    futures = client.map(
        _fit_chunk, [esn] * len(chunks), *zip(*chunks, strict=True), pure=False
    )
    parts = client.gather(futures)
    merged = merge_partial_fits(parts)
    single = clone(esn).fit(Xs, ys)
    np.testing.assert_allclose(merged.coef_, single.coef_, rtol=1e-10, atol=1e-10)
    assert merged.intercept_ == pytest.approx(single.intercept_, rel=1e-10, abs=1e-10)
    np.testing.assert_allclose(merged.predict(X), single.predict(X), atol=1e-10)
