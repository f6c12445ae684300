"""Series-first forecasters: shared input handling, ``score`` and tags.

``fit(y, X=None)`` takes the series first (as sktime does) and optional
exogenous inputs ``X``; ``predict(y, X=None)`` gives one-step-ahead
predictions of an observed continuation, scored by ``score`` (R²).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from sklearn.metrics import r2_score
from sklearn.utils import check_array
from sklearn.utils.validation import validate_data

__all__: list[str] = []


def column_array(values, name: str) -> np.ndarray:
    """Finite values as a C-ordered (T, k) float64 array (1-D: one column)."""
    if np.ndim(values) not in (1, 2):
        raise ValueError(
            f"{name} must be 1-D (n_timesteps,) or 2-D (n_timesteps, n_columns); "
            f"got {np.ndim(values)} dimensions."
        )
    arr = check_array(
        values, ensure_2d=False, dtype=np.float64, order="C", input_name=name
    )
    return arr.reshape(-1, 1) if arr.ndim == 1 else arr


class SeriesForecasterMixin:
    """Validation of the series and exogenous inputs, ``score`` and tags.

    The estimator sets ``n_exog_features_`` in ``fit`` and implements
    ``predict(y, X=None)``.
    """

    def _check_series(self, y, name: str, *, reset: bool) -> np.ndarray:
        """A finite series as a (T, K) array; ``reset`` records its shape."""
        if y is None:
            raise ValueError(f"{name} is None; pass a series of shape (n_timesteps,)")
        ndim = np.ndim(y)
        arr = column_array(y, name)
        if reset:
            self._y_ndim = ndim
            validate_data(
                self,
                y if hasattr(y, "columns") else arr,
                reset=True,
                skip_check_array=True,
            )
        else:
            if arr.shape[1] != self.n_features_in_:
                raise ValueError(
                    f"{name} has {arr.shape[1]} column(s), but {type(self).__name__} "
                    f"was fitted on a series with {self.n_features_in_}."
                )
            if hasattr(y, "columns"):
                validate_data(self, y, reset=False, skip_check_array=True)
        return arr

    def _check_fit_exog(self, X, n_steps: int) -> np.ndarray:
        """Exogenous inputs of ``fit``: one row per step, or (n_steps, 0)."""
        if X is None:
            return np.empty((n_steps, 0))
        Xe = column_array(X, "X")
        if Xe.shape[0] != n_steps:
            raise ValueError(
                f"X must have one row per time step of y ({n_steps}); got "
                f"{Xe.shape[0]} rows."
            )
        return Xe

    def _check_exog(self, X, name: str, n_rows: int) -> np.ndarray:
        """Exogenous inputs after ``fit``, as a (n_rows, n_exog_features_) array."""
        n_exog = self.n_exog_features_
        if X is None:
            if n_exog:
                raise ValueError(
                    f"{name} is required: the model was fitted with {n_exog} "
                    f"exogenous input feature(s); pass an array of shape "
                    f"({n_rows}, {n_exog})."
                )
            return np.empty((n_rows, 0))
        if not n_exog:
            raise ValueError(
                f"{name} was given, but the model was fitted without exogenous "
                f"inputs (X=None); leave {name}=None."
            )
        arr = column_array(X, name)
        if arr.shape != (n_rows, n_exog):
            raise ValueError(
                f"{name} must have shape ({n_rows}, {n_exog}); got {arr.shape}."
            )
        return arr

    def _output(self, Y: np.ndarray) -> np.ndarray:
        return Y[:, 0] if self._y_ndim == 1 else Y

    def score(self, y: ArrayLike, X: ArrayLike | None = None) -> float:
        """R² of the one-step-ahead predictions of ``y`` (see ``predict``).

        Parameters
        ----------
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_features)
            Observed continuation of the training series.
        X : array-like of shape (n_timesteps, n_exog_features), default=None
            Its exogenous inputs.

        Returns
        -------
        score : float
            ``sklearn.metrics.r2_score`` averaged uniformly over columns.
        """
        y_pred = self.predict(y, X)
        return float(r2_score(np.asarray(y, dtype=np.float64), y_pred))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = False
        tags.target_tags.required = False
        return tags
