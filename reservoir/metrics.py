"""Normalised error metrics for time-series prediction.

Both metrics are computed per output column (time steps are rows) and then
either returned per column or averaged with equal weights, like
``sklearn.metrics`` regression metrics.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from sklearn.utils import check_array

from ._validation import check_option

__all__ = ["nmse", "nrmse"]

MULTIOUTPUT_OPTIONS = ("uniform_average", "raw_values")
NORMALIZATION_OPTIONS = ("std", "range")


def _check_targets(
    y_true: ArrayLike, y_pred: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Validate a pair of targets and return them as 2-D float64 arrays.

    1-D inputs are one output column. After that reshape the shapes must be
    equal; values must be finite.
    """
    arrays = []
    for value, name in ((y_true, "y_true"), (y_pred, "y_pred")):
        if np.ndim(value) not in (1, 2):
            raise ValueError(
                f"{name} must be 1-D (n_samples,) or 2-D (n_samples, n_outputs); "
                f"got {np.ndim(value)} dimensions."
            )
        if np.size(value) == 0:
            raise ValueError(f"{name} is empty; pass at least one sample.")
        arr = check_array(
            value,
            dtype=np.float64,
            ensure_2d=False,
            ensure_all_finite=True,
            input_name=name,
        )
        arrays.append(arr.reshape(-1, 1) if arr.ndim == 1 else arr)
    true, pred = arrays
    if true.shape != pred.shape:
        raise ValueError(
            "y_true and y_pred must have the same shape; got y_true "
            f"{true.shape} and y_pred {pred.shape} (1-D inputs count as one "
            "column)."
        )
    return true, pred


def _aggregate(values: np.ndarray, multioutput: str) -> float | np.ndarray:
    if multioutput == "raw_values":
        return values
    return float(np.mean(values))


def _check_normaliser(norm: np.ndarray, what: str) -> None:
    zero = np.flatnonzero(norm == 0)
    if zero.size:
        raise ValueError(
            f"y_true has zero {what} in output column(s) {zero.tolist()}, so the "
            "normalised error is undefined (division by zero). Constant targets "
            "cannot be scored with this metric; use mean_squared_error instead."
        )


def nrmse(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    normalization: str = "std",
    multioutput: str = "uniform_average",
) -> float | np.ndarray:
    r"""Normalised root mean squared error.

    For each output column ``j``:

    .. math::

        \mathrm{NRMSE}_j = \frac{\sqrt{\frac{1}{T}\sum_{t=1}^{T}
        (y_{tj} - \hat y_{tj})^2}}{s_j}

    where ``s_j`` is the population standard deviation (``ddof=0``) of
    ``y_true[:, j]`` for ``normalization="std"``, or its range
    ``max - min`` for ``normalization="range"``.

    The std-normalised version is the one of Jaeger's echo state network
    papers (a value of 1 is the error of always predicting the mean).
    ReservoirPy's ``nrmse`` defaults to range ("minmax") normalisation, so
    use ``normalization="range"`` to compare with its numbers.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Ground truth; finite, and no column may be constant.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Predictions; finite, same shape as ``y_true`` (a 1-D array and an
        ``(n_samples, 1)`` array are treated as the same shape).
    normalization : {'std', 'range'}, default='std'
        Divide the RMSE by the standard deviation or the range of ``y_true``.
    multioutput : {'uniform_average', 'raw_values'}, default='uniform_average'
        ``'raw_values'`` returns one NRMSE per output column;
        ``'uniform_average'`` returns their mean.

    Returns
    -------
    score : float or ndarray of shape (n_outputs,)
        A float for ``'uniform_average'``, a float64 array for
        ``'raw_values'``. 0 is a perfect prediction.

    Raises
    ------
    ValueError
        If the shapes differ, an input has NaN or infinity or more than 2
        dimensions, ``normalization`` or ``multioutput`` is unknown, or a
        column of ``y_true`` is constant (zero normaliser).

    References
    ----------
    Jaeger, H. and Haas, H. (2004). Harnessing nonlinearity: predicting
    chaotic systems and saving energy in wireless communication. Science
    304(5667), 78-80.

    Examples
    --------
    >>> from reservoir.metrics import nrmse
    >>> y_true = [1.0, 2.0, 3.0, 4.0]
    >>> y_pred = [1.0, 2.0, 3.0, 5.0]
    >>> round(nrmse(y_true, y_pred), 6)  # RMSE 0.5, std sqrt(1.25)
    0.447214
    >>> round(nrmse(y_true, y_pred, normalization="range"), 6)  # range 3
    0.166667
    >>> nrmse([[0.0, 0.0], [2.0, 4.0]], [[1.0, 0.0], [2.0, 4.0]],
    ...       multioutput="raw_values")
    array([0.70710678, 0.        ])
    """
    check_option(normalization, "normalization", NORMALIZATION_OPTIONS)
    check_option(multioutput, "multioutput", MULTIOUTPUT_OPTIONS)
    true, pred = _check_targets(y_true, y_pred)
    if normalization == "std":
        norm = np.std(true, axis=0)
    else:
        norm = np.ptp(true, axis=0)
    _check_normaliser(norm, "standard deviation" if normalization == "std" else "range")
    rmse = np.sqrt(np.mean((true - pred) ** 2, axis=0))
    return _aggregate(rmse / norm, multioutput)


def nmse(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    multioutput: str = "uniform_average",
) -> float | np.ndarray:
    r"""Normalised mean squared error.

    For each output column ``j``:

    .. math::

        \mathrm{NMSE}_j = \frac{\frac{1}{T}\sum_{t=1}^{T}
        (y_{tj} - \hat y_{tj})^2}{\sigma_j^2}

    with ``sigma_j^2`` the population variance (``ddof=0``) of
    ``y_true[:, j]``; per column this is the square of
    ``nrmse(..., normalization="std")`` (and ``1 - r2_score``).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Ground truth; finite, and no column may be constant.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Predictions; finite, same shape as ``y_true``.
    multioutput : {'uniform_average', 'raw_values'}, default='uniform_average'
        ``'raw_values'`` returns one NMSE per output column;
        ``'uniform_average'`` returns their mean.

    Returns
    -------
    score : float or ndarray of shape (n_outputs,)
        A float for ``'uniform_average'``, a float64 array for
        ``'raw_values'``. 0 is a perfect prediction, 1 the error of predicting
        the mean of ``y_true``.

    Raises
    ------
    ValueError
        If the shapes differ, an input has NaN or infinity or more than 2
        dimensions, ``multioutput`` is unknown, or a column of ``y_true`` is
        constant (zero variance).

    References
    ----------
    Jaeger, H. (2001). The "echo state" approach to analysing and training
    recurrent neural networks. GMD Report 148, German National Research
    Center for Information Technology.

    Examples
    --------
    >>> from reservoir.metrics import nmse
    >>> round(nmse([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 5.0]), 6)  # 0.25 / 1.25
    0.2
    >>> nmse([[0.0, 0.0], [2.0, 4.0]], [[1.0, 0.0], [2.0, 4.0]],
    ...      multioutput="raw_values")
    array([0.5, 0. ])
    """
    check_option(multioutput, "multioutput", MULTIOUTPUT_OPTIONS)
    true, pred = _check_targets(y_true, y_pred)
    var = np.var(true, axis=0)
    _check_normaliser(var, "variance")
    mse = np.mean((true - pred) ** 2, axis=0)
    return _aggregate(mse / var, multioutput)
