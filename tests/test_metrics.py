"""Tests for reservoir.metrics."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import mean_squared_error, r2_score

from reservoir.metrics import nmse, nrmse


def test_nrmse_hand_computed():
    y_true = [1.0, 2.0, 3.0, 4.0]
    y_pred = [1.0, 2.0, 3.0, 5.0]
    # RMSE = sqrt(1/4) = 0.5; population std = sqrt(1.25); range = 3
    assert nrmse(y_true, y_pred) == pytest.approx(0.5 / np.sqrt(1.25), rel=1e-14)
    assert nrmse(y_true, y_pred, normalization="range") == pytest.approx(
        0.5 / 3.0, rel=1e-14
    )
    assert nmse(y_true, y_pred) == pytest.approx(0.25 / 1.25, rel=1e-14)
    assert nrmse(y_true, y_true) == 0.0
    assert isinstance(nrmse(y_true, y_pred), float)
    assert isinstance(nmse(y_true, y_pred), float)


def test_against_sklearn_multioutput():
    rng = np.random.RandomState(0)
    y_true = rng.standard_normal((50, 3)) * [1.0, 5.0, 0.1]
    y_pred = y_true + 0.3 * rng.standard_normal((50, 3))
    mse = mean_squared_error(y_true, y_pred, multioutput="raw_values")
    std = y_true.std(axis=0)
    rng_ = y_true.max(axis=0) - y_true.min(axis=0)
    raw = nrmse(y_true, y_pred, multioutput="raw_values")
    assert raw.shape == (3,) and raw.dtype == np.float64
    np.testing.assert_allclose(raw, np.sqrt(mse) / std, rtol=1e-12)
    np.testing.assert_allclose(
        nrmse(y_true, y_pred, normalization="range", multioutput="raw_values"),
        np.sqrt(mse) / rng_,
        rtol=1e-12,
    )
    assert nrmse(y_true, y_pred) == pytest.approx(np.mean(np.sqrt(mse) / std))
    np.testing.assert_allclose(
        nmse(y_true, y_pred, multioutput="raw_values"), mse / std**2, rtol=1e-12
    )
    # NMSE = NRMSE(std)**2 = 1 - R^2 per column
    np.testing.assert_allclose(
        nmse(y_true, y_pred, multioutput="raw_values"), raw**2, rtol=1e-12
    )
    np.testing.assert_allclose(
        nmse(y_true, y_pred, multioutput="raw_values"),
        1 - r2_score(y_true, y_pred, multioutput="raw_values"),
        rtol=1e-10,
    )
    assert nmse(y_true, y_pred) == pytest.approx(np.mean(mse / std**2))


def test_one_dimensional_equals_column():
    y_true = np.array([0.0, 1.0, 4.0, 2.0])
    y_pred = np.array([0.5, 1.0, 3.0, 2.5])
    expected = nrmse(y_true, y_pred)
    assert nrmse(y_true[:, None], y_pred[:, None]) == expected
    assert nrmse(y_true, y_pred[:, None]) == expected
    np.testing.assert_array_equal(
        nrmse(y_true, y_pred, multioutput="raw_values"), [expected]
    )
    assert expected == pytest.approx(
        np.sqrt(mean_squared_error(y_true, y_pred)) / np.std(y_true)
    )


def test_mean_prediction_scores_one():
    y_true = np.array([1.0, 3.0, 2.0, 8.0])
    y_pred = np.full(4, y_true.mean())
    assert nrmse(y_true, y_pred) == pytest.approx(1.0)
    assert nmse(y_true, y_pred) == pytest.approx(1.0)


@pytest.mark.parametrize("metric", [nrmse, nmse])
@pytest.mark.parametrize(
    ("y_true", "y_pred", "match"),
    [
        ([1.0, 2.0, 3.0], [1.0, 2.0], "same shape"),
        (np.ones((3, 2)), np.ones((3, 1)), "same shape"),
        ([1.0, np.nan, 3.0], [1.0, 2.0, 3.0], "y_true"),
        ([1.0, 2.0, 3.0], [1.0, np.inf, 3.0], "y_pred"),
        (np.ones((2, 2, 2)), np.ones((2, 2, 2)), "y_true"),
        ([1.0, 2.0, 3.0], np.ones((3, 1, 1)), "y_pred"),
        ([], [], "y_true"),
        ([2.0, 2.0, 2.0], [1.0, 2.0, 3.0], "zero"),
        (np.array([[1.0, 2.0], [1.0, 3.0]]), np.zeros((2, 2)), r"column\(s\) \[0\]"),
    ],
)
def test_validation(metric, y_true, y_pred, match):
    with pytest.raises(ValueError, match=match):
        metric(y_true, y_pred)


@pytest.mark.parametrize("metric", [nrmse, nmse])
def test_bad_multioutput(metric):
    with pytest.raises(ValueError, match="multioutput"):
        metric([1.0, 2.0], [1.0, 2.0], multioutput="variance_weighted")


def test_bad_normalization():
    with pytest.raises(ValueError, match="normalization"):
        nrmse([1.0, 2.0], [1.0, 2.0], normalization="mean")
    with pytest.raises(ValueError, match="range"):
        nrmse([1.0, 1.0], [1.0, 2.0], normalization="range")
