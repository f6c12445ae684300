"""Normalised error metrics for time-series prediction.

Both metrics are computed per output column (time steps are rows) and then
either returned per column or averaged with equal weights, like
``sklearn.metrics`` regression metrics.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from sklearn.utils import check_array

from ._validation import check_option, check_real

__all__ = ["nmse", "nrmse", "nrmse_by_horizon", "valid_prediction_time"]

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


def _check_scale_vector(scale, n_outputs: int) -> np.ndarray:
    """Per-output normalisers: positive and finite, one per output column."""
    arr = np.asarray(scale, dtype=np.float64)
    if arr.ndim == 0:
        arr = np.full(n_outputs, float(arr))
    if arr.shape != (n_outputs,):
        raise ValueError(
            f"scale must be a scalar or have one value per output column "
            f"({n_outputs}); got shape {arr.shape}."
        )
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(f"scale must contain finite positive values; got {arr}.")
    return arr


def _step_errors(y_true: ArrayLike, y_pred: ArrayLike, scale=None) -> np.ndarray:
    """Normalised error ``e_t`` of every step, as in :func:`valid_prediction_time`.

    Validates its arguments as that function does; ``scale`` None uses the
    standard deviation of each column of ``y_true``.
    """
    true, pred = _check_targets(y_true, y_pred)
    if scale is None:
        norm = np.std(true, axis=0)
        _check_normaliser(norm, "standard deviation")
    else:
        norm = _check_scale_vector(scale, true.shape[1])
    return np.sqrt(np.mean(((true - pred) / norm) ** 2, axis=1))


def valid_prediction_time(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    threshold: float = 0.4,
    scale: ArrayLike | None = None,
    lyapunov_exponent: float | None = None,
    dt: float = 1.0,
) -> int | float:
    r"""Valid prediction time of a free-running forecast.

    The normalised error of step ``t`` is the root mean square over the
    output columns of the errors divided by each column's scale,

    .. math::

        e_t = \sqrt{\frac{1}{K}\sum_{j=1}^{K}
        \left(\frac{y_{tj} - \hat y_{tj}}{s_j}\right)^2},

    and the valid prediction time is the number of steps before ``e_t``
    first exceeds ``threshold`` (all steps if it never does). Given the
    largest Lyapunov exponent ``lambda`` of the system, it is returned in
    Lyapunov times, ``steps * dt * lambda``.

    Parameters
    ----------
    y_true : array-like of shape (n_steps,) or (n_steps, n_outputs)
        True continuation; finite.
    y_pred : array-like of shape (n_steps,) or (n_steps, n_outputs)
        Forecast; finite, same shape.
    threshold : float, default=0.4
        Error level (> 0) at which the forecast stops being valid.
    scale : float or array-like of shape (n_outputs,), default=None
        Normaliser of each column (> 0), for example the standard deviation
        of the attractor measured on training data. None uses the standard
        deviation (``ddof=0``) of each column of ``y_true``.
    lyapunov_exponent : float, default=None
        Largest Lyapunov exponent (> 0) per time unit; None returns steps.
    dt : float, default=1.0
        Time between steps (> 0); used only with ``lyapunov_exponent``.

    Returns
    -------
    vpt : int or float
        Number of valid steps (an int), or Lyapunov times (a float) when
        ``lyapunov_exponent`` is given.

    Raises
    ------
    ValueError
        If the shapes differ, an input is not finite, a parameter is out of
        range, or a column of ``y_true`` is constant and no ``scale`` is given.

    References
    ----------
    Pathak, J., Hunt, B., Girvan, M., Lu, Z. and Ott, E. (2018). Model-free
    prediction of large spatiotemporally chaotic systems from data: a
    reservoir computing approach. Phys. Rev. Lett. 120, 024102.

    Vlachas, P. R. et al. (2020). Backpropagation algorithms and reservoir
    computing in recurrent neural networks for the forecasting of complex
    spatiotemporal dynamics. Neural Networks 126, 191-217.

    Examples
    --------
    >>> from reservoir.metrics import valid_prediction_time
    >>> y_true = [0.0, 1.0, 0.0, -1.0, 0.0, 1.0]
    >>> y_pred = [0.0, 1.1, 0.2, -0.5, 1.0, 1.0]
    >>> valid_prediction_time(y_true, y_pred, scale=1.0, threshold=0.4)
    3
    >>> round(valid_prediction_time(y_true, y_pred, scale=1.0,
    ...                             lyapunov_exponent=0.9, dt=0.02), 6)
    0.054
    """
    threshold = check_real(threshold, "threshold", low=0.0, low_inclusive=False)
    err = _step_errors(y_true, y_pred, scale)
    over = np.flatnonzero(err > threshold)
    steps = int(over[0]) if over.size else int(err.size)
    if lyapunov_exponent is None:
        return steps
    lam = check_real(
        lyapunov_exponent, "lyapunov_exponent", low=0.0, low_inclusive=False
    )
    dt = check_real(dt, "dt", low=0.0, low_inclusive=False)
    return steps * dt * lam


def nrmse_by_horizon(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    scale: ArrayLike | None = None,
    multioutput: str = "uniform_average",
) -> np.ndarray:
    r"""NRMSE at each step of a forecast horizon, over many forecasts.

    For ``n_trials`` forecasts of ``n_steps`` steps, the error at horizon
    ``h`` of output column ``j`` is

    .. math::

        \mathrm{NRMSE}_{hj} = \frac{1}{s_j}\sqrt{\frac{1}{n_\mathrm{trials}}
        \sum_{i=1}^{n_\mathrm{trials}} (y_{ihj} - \hat y_{ihj})^2}

    With ``scale`` set to the standard deviation of the signal, entry 83 is
    Jaeger's NRMSE84 for the Mackey-Glass 84-step protocol.

    Parameters
    ----------
    y_true : array-like of shape (n_trials, n_steps, n_outputs)
        True continuations of every trial; a 1-D ``(n_steps,)`` or 2-D
        ``(n_steps, n_outputs)`` array is one trial. Finite.
    y_pred : array-like of the same shape
        Forecasts; finite.
    scale : float or array-like of shape (n_outputs,), default=None
        Normaliser of each column (> 0). None uses the standard deviation
        (``ddof=0``) of ``y_true`` over all trials and steps.
    multioutput : {'uniform_average', 'raw_values'}, default='uniform_average'
        Average the columns with equal weights, or return one value per
        column.

    Returns
    -------
    scores : ndarray of shape (n_steps,) or (n_steps, n_outputs)
        The NRMSE at horizons ``1 .. n_steps`` (index ``h - 1``).

    Raises
    ------
    ValueError
        If the shapes differ or have the wrong number of dimensions, an input
        is not finite, ``scale`` is not positive, or a column of ``y_true`` is
        constant and no ``scale`` is given.

    References
    ----------
    Jaeger, H. (2001). The "echo state" approach to analysing and training
    recurrent neural networks. GMD Report 148.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir.metrics import nrmse_by_horizon
    >>> y_true = np.zeros((2, 3, 1))
    >>> y_pred = np.array([[[0.1], [0.2], [0.3]], [[-0.1], [0.2], [0.4]]])
    >>> nrmse_by_horizon(y_true, y_pred, scale=0.5).round(4)
    array([0.2   , 0.4   , 0.7071])
    """
    check_option(multioutput, "multioutput", MULTIOUTPUT_OPTIONS)
    arrays = []
    for value, name in ((y_true, "y_true"), (y_pred, "y_pred")):
        if np.ndim(value) not in (1, 2, 3):
            raise ValueError(
                f"{name} must be 3-D (n_trials, n_steps, n_outputs), or 1-D/2-D "
                f"for one trial; got {np.ndim(value)} dimensions."
            )
        if np.size(value) == 0:
            raise ValueError(f"{name} is empty; pass at least one forecast step.")
        arr = np.asarray(value, dtype=np.float64)
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} contains NaN or infinity.")
        if arr.ndim == 1:
            arr = arr.reshape(1, -1, 1)
        elif arr.ndim == 2:
            arr = arr[None]
        arrays.append(arr)
    true, pred = arrays
    if true.shape != pred.shape:
        raise ValueError(
            "y_true and y_pred must have the same shape; got y_true "
            f"{true.shape} and y_pred {pred.shape} (after reading 1-D and 2-D "
            "inputs as one trial)."
        )
    n_outputs = true.shape[2]
    if scale is None:
        norm = np.std(true.reshape(-1, n_outputs), axis=0)
        _check_normaliser(norm, "standard deviation")
    else:
        norm = _check_scale_vector(scale, n_outputs)
    scores = np.sqrt(np.mean((true - pred) ** 2, axis=0)) / norm
    if multioutput == "raw_values":
        return scores
    return scores.mean(axis=1)
