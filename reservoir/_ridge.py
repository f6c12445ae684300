"""Ridge regression from streamed, centred Gram matrices.

``GramAccumulator`` keeps the sufficient statistics of ridge regression with
an unpenalised intercept: the number of rows, the means of the features ``Z``
and targets ``Y``, and the centred co-moments ``Zc.T @ Zc``, ``Zc.T @ Yc`` and
``Yc.T @ Yc``. Chunks are merged with the pairwise update of Chan, Golub &
LeVeque (1979), which is numerically stable and associative, so accumulators
built on different chunks, processes or machines add up to the same result.
Solving ``(Czz + alpha I) coef = Czy`` is exactly what
``sklearn.linear_model.Ridge(fit_intercept=True)`` does.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

__all__: list[str] = []


class GramAccumulator:
    """Streaming sufficient statistics for ridge regression.

    Parameters
    ----------
    n_features : int
        Number of feature columns of ``Z``.
    n_targets : int
        Number of target columns of ``Y``.
    """

    def __init__(self, n_features: int, n_targets: int):
        self.n_samples = 0
        self.mean_z = np.zeros(n_features)
        self.mean_y = np.zeros(n_targets)
        self.czz = np.zeros((n_features, n_features))
        self.czy = np.zeros((n_features, n_targets))
        self.cyy = np.zeros((n_targets, n_targets))

    def _merge(self, n, mean_z, mean_y, czz, czy, cyy) -> None:
        if n == 0:
            return
        if self.n_samples == 0:
            self.n_samples = n
            self.mean_z, self.mean_y = mean_z.copy(), mean_y.copy()
            self.czz, self.czy, self.cyy = czz.copy(), czy.copy(), cyy.copy()
            return
        total = self.n_samples + n
        weight = self.n_samples * n / total
        dz = mean_z - self.mean_z
        dy = mean_y - self.mean_y
        self.czz += czz + weight * np.outer(dz, dz)
        self.czy += czy + weight * np.outer(dz, dy)
        self.cyy += cyy + weight * np.outer(dy, dy)
        self.mean_z += dz * (n / total)
        self.mean_y += dy * (n / total)
        self.n_samples = total

    def update(self, Z: np.ndarray, Y: np.ndarray) -> None:
        """Add the rows of a chunk: ``Z`` (n, n_features), ``Y`` (n, n_targets)."""
        n = Z.shape[0]
        if n == 0:
            return
        Z = np.asarray(Z, dtype=np.float64)
        Y = np.asarray(Y, dtype=np.float64)
        mean_z = Z.mean(axis=0)
        mean_y = Y.mean(axis=0)
        Zc = Z - mean_z
        Yc = Y - mean_y
        self._merge(n, mean_z, mean_y, Zc.T @ Zc, Zc.T @ Yc, Yc.T @ Yc)

    def merge(self, other: GramAccumulator) -> GramAccumulator:
        """Add another accumulator's rows into this one; return self."""
        self._merge(
            other.n_samples, other.mean_z, other.mean_y, other.czz, other.czy, other.cyy
        )
        return self

    def solve(self, alpha: float) -> tuple[np.ndarray, np.ndarray]:
        """Ridge coefficients ``(n_features, n_targets)`` and intercept."""
        if self.n_samples == 0:
            raise ValueError("no training rows were accumulated.")
        A = self.czz.copy()
        A.flat[:: A.shape[0] + 1] += alpha
        try:
            coef = scipy.linalg.solve(A, self.czy, assume_a="pos", check_finite=False)
        except (np.linalg.LinAlgError, scipy.linalg.LinAlgError):
            coef = scipy.linalg.lstsq(A, self.czy, check_finite=False)[0]
        intercept = self.mean_y - self.mean_z @ coef
        return coef, intercept
