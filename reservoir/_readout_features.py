"""Readout feature construction beyond ``[u_t, x_t]``: lagged inputs and
squared states (building block; plain NumPy, no validation)."""

from __future__ import annotations

import numpy as np

#: Accepted values of ``readout_features``.
READOUT_FEATURES = ("linear", "squared")


def lag_rows(U: np.ndarray, n_lags: int, before: np.ndarray | None = None):
    """Rows ``[u_t, u_(t-1), ..., u_(t-n_lags+1)]`` (lag-major) for every row
    of ``U``. ``before`` holds the rows preceding ``U`` (a continued
    sequence); steps before the first row available repeat that row (the
    convention of the forecaster's lags). ``n_lags == 1`` returns ``U``."""
    if n_lags == 1:
        return U
    full = U if before is None else np.vstack([before, U])
    offset = full.shape[0] - U.shape[0]
    index = offset + np.arange(U.shape[0])[:, None] - np.arange(n_lags)[None, :]
    return full[np.maximum(index, 0)].reshape(U.shape[0], -1)


def lag_tail(U: np.ndarray, n_lags: int, before: np.ndarray | None = None):
    """The ``n_lags - 1`` rows a continuation of ``U`` needs as ``before``
    (padded with the first row like :func:`lag_rows`)."""
    full = U if before is None else np.vstack([before, U])
    index = np.maximum(full.shape[0] - (n_lags - 1) + np.arange(n_lags - 1), 0)
    return full[index]


def readout_rows(
    inputs: np.ndarray, states: np.ndarray, include_input: bool, squared: bool
) -> np.ndarray:
    """Readout rows ``[inputs, x_t, x_t ** 2]`` as float64 (``inputs`` only
    with ``include_input``, the squares only with ``squared``)."""
    states = states.astype(np.float64, copy=False)
    parts = [inputs] if include_input else []
    parts.append(states)
    if squared:
        parts.append(states * states)
    return np.hstack(parts) if len(parts) > 1 else states
