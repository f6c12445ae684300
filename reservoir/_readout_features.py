"""Readout feature construction beyond ``[u_t, x_t]``: lagged inputs and
squared states (building block; plain NumPy, no validation)."""

from __future__ import annotations

import numpy as np

#: Accepted values of ``readout_features``.
READOUT_FEATURES = ("linear", "squared", "even_squared")


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


def n_state_features(n_units: int, mode: str) -> int:
    """Number of readout columns the states give for ``mode``."""
    return 2 * n_units if mode == "squared" else n_units


def readout_rows(
    inputs: np.ndarray, states: np.ndarray, include_input: bool, mode: str
) -> np.ndarray:
    """Readout rows as float64: ``[inputs, x_t]`` (``mode='linear'``),
    ``[inputs, x_t, x_t ** 2]`` (``'squared'``), or ``[inputs, x~_t]`` with
    ``x~_t`` the state whose units 2, 4, 6, ... (1-based) are squared
    (``'even_squared'``, Pathak et al. 2018). ``inputs`` only with
    ``include_input``."""
    states = states.astype(np.float64, copy=False)
    parts = [inputs] if include_input else []
    if mode == "even_squared":
        states = states.copy()
        states[:, 1::2] *= states[:, 1::2]
    parts.append(states)
    if mode == "squared":
        parts.append(states * states)
    return np.hstack(parts) if len(parts) > 1 else states
