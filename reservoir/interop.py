"""Converters between reservoir's sequence layout and aeon / sktime collections,
and :class:`SktimeESNForecaster`, an ESN as an sktime forecaster.

reservoir stores a collection time-major: a list of ``(n_timesteps, n_features)``
arrays or a 3-D array ``(n_sequences, n_timesteps, n_features)``. aeon
(``np3D``) and sktime (``numpy3D``) store equal-length collections
channel-major, ``(n_cases, n_channels, n_timepoints)``, and unequal-length
ones as a list of ``(n_channels, n_timepoints)`` arrays.

``SktimeESNForecaster`` needs sktime (``pip install "reservoir-esn[sktime]"``);
it is imported on first use, so this module imports without sktime.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from sklearn.utils import check_array

from ._validation import as_float_array

if TYPE_CHECKING:  # imported on first use by __getattr__ (needs sktime)
    from ._sktime import SktimeESNForecaster

__all__ = ["SktimeESNForecaster", "from_aeon", "to_aeon"]


def __getattr__(name: str):
    """``SktimeESNForecaster``, imported on first use (it needs sktime)."""
    if name == "SktimeESNForecaster":
        try:
            from ._sktime import SktimeESNForecaster
        except ImportError as exc:
            if "sktime" not in str(exc):
                raise
            raise ImportError(
                "SktimeESNForecaster needs sktime, an optional dependency: "
                'pip install "reservoir-esn[sktime]" (or pip install sktime).'
            ) from exc
        return SktimeESNForecaster
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _numeric(X, name: str) -> np.ndarray:
    """``X`` as float64, or a TypeError naming ``name`` for non-numeric data."""
    if isinstance(X, np.ndarray) and X.dtype.kind in "biuf":
        return np.asarray(X, dtype=np.float64)
    return as_float_array(X, name)


def _same_width(arrays: list[np.ndarray], axis: int, what: str, fix: str) -> None:
    """Raise a ValueError unless every array has the same size along ``axis``."""
    widths = [a.shape[axis] for a in arrays]
    for i, width in enumerate(widths):
        if width != widths[0]:
            raise ValueError(
                f"every sequence in X must have the same number of {what}; X[0] "
                f"has {widths[0]} and X[{i}] has {width}. {fix}"
            )


def from_aeon(X) -> np.ndarray | list[np.ndarray]:
    """Convert an aeon/sktime collection to reservoir's time-major layout.

    Parameters
    ----------
    X : ndarray of shape (n_cases, n_channels, n_timepoints) or list of \
ndarrays of shape (n_channels, n_timepoints)
        An aeon ``np3D`` / sktime ``numpy3D`` array, or aeon's list of 2-D
        arrays for unequal lengths.

    Returns
    -------
    sequences : ndarray of shape (n_cases, n_timepoints, n_channels) or list \
of ndarrays of shape (n_timepoints_i, n_channels)
        The same data, one row per time step; a 3-D input gives a 3-D
        output, a list a list.

    Raises
    ------
    ValueError
        If ``X`` is neither a 3-D array nor a non-empty list of 2-D arrays,
        or if the cases of a list have different numbers of channels.
    TypeError
        If ``X`` holds values that are not real numbers (such as strings).

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir.interop import from_aeon
    >>> X = np.zeros((5, 2, 30))        # 5 cases, 2 channels, 30 time points
    >>> from_aeon(X).shape
    (5, 30, 2)
    >>> [x.shape for x in from_aeon([np.zeros((1, 10)), np.zeros((1, 12))])]
    [(10, 1), (12, 1)]
    """
    if isinstance(X, np.ndarray) and X.ndim == 3:
        return np.ascontiguousarray(np.swapaxes(_numeric(X, "X"), 1, 2))
    if isinstance(X, list | tuple) and len(X) > 0:
        out = []
        for i, case in enumerate(X):
            arr = check_array(
                _numeric(case, f"X[{i}]"), dtype=np.float64, input_name=f"X[{i}]"
            )
            out.append(np.ascontiguousarray(arr.T))
        _same_width(
            out,
            1,
            "channels",
            "An aeon collection holds one (n_channels, n_timepoints) array per "
            "case, with the same channels in every case.",
        )
        return out
    raise ValueError(
        "X must be a 3-D array (n_cases, n_channels, n_timepoints) or a non-empty "
        f"list of 2-D (n_channels, n_timepoints) arrays; got {type(X).__name__}"
        + (f" with shape {X.shape}" if hasattr(X, "shape") else "")
        + "."
    )


def to_aeon(X) -> np.ndarray | list[np.ndarray]:
    """Convert reservoir sequences to an aeon/sktime collection.

    Parameters
    ----------
    X : ndarray of shape (n_sequences, n_timesteps, n_features) or list of \
ndarrays of shape (n_timesteps_i, n_features)
        Sequences in reservoir's time-major layout.

    Returns
    -------
    collection : ndarray of shape (n_sequences, n_features, n_timesteps) or \
list of ndarrays of shape (n_features, n_timesteps_i)
        aeon ``np3D`` / sktime ``numpy3D`` for a 3-D input, aeon's list of 2-D
        arrays for a list.

    Raises
    ------
    ValueError
        If ``X`` is neither a 3-D array nor a non-empty list of 2-D arrays,
        or if the sequences of a list have different numbers of features.
    TypeError
        If ``X`` holds values that are not real numbers (such as strings).

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir.interop import from_aeon, to_aeon
    >>> X = np.arange(24.0).reshape(2, 3, 4)
    >>> bool(np.array_equal(to_aeon(from_aeon(X)), X))
    True
    """
    if isinstance(X, np.ndarray) and X.ndim == 3:
        return np.ascontiguousarray(np.swapaxes(_numeric(X, "X"), 1, 2))
    if isinstance(X, list | tuple) and len(X) > 0:
        out = [
            np.ascontiguousarray(
                check_array(
                    _numeric(seq, f"X[{i}]"), dtype=np.float64, input_name=f"X[{i}]"
                ).T
            )
            for i, seq in enumerate(X)
        ]
        _same_width(
            out,
            0,
            "features",
            "aeon collections need the same channels in every case; pad or "
            "select the features so that every sequence has the same columns.",
        )
        return out
    raise ValueError(
        "X must be a 3-D array (n_sequences, n_timesteps, n_features) or a "
        f"non-empty list of 2-D (n_timesteps, n_features) arrays; got "
        f"{type(X).__name__}."
    )
