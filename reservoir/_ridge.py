"""Ridge regression from streamed, centred Gram matrices.

``GramAccumulator`` keeps the sufficient statistics of ridge regression with
an unpenalised intercept: the number of rows, the means of the features ``Z``
and targets ``Y``, and the centred co-moments ``Zc.T @ Zc``, ``Zc.T @ Yc`` and
``Yc.T @ Yc``. Chunks are merged with the pairwise update of Chan, Golub &
LeVeque (1979), which is numerically stable and associative, so accumulators
built on different chunks, processes or machines add up to the same result.
Solving ``(Czz + alpha I) coef = Czy`` is exactly what
``sklearn.linear_model.Ridge(fit_intercept=True)`` does.

``RidgePath`` solves many alphas from one eigendecomposition of ``Czz`` and
scores them by generalised cross-validation or on another block's statistics
(blocked time-series cross-validation), see ``docs/model_selection.rst``.
"""

from __future__ import annotations

import functools

import numpy as np
import scipy.linalg
import scipy.linalg.blas

from ._ridge_kernels import shift_columns, syrk_lower
from ._threading import (
    SMALL_SOLVE_FEATURES,
    blas_threads,
    current_blas_threads,
    small_linalg,
    threads_for_free_cores,
)

__all__: list[str] = []

#: Values per block of rows that ``GramAccumulator.update`` centres at once
#: (1 MiB: the rows and their centred copy stay in a core's cache).
ROW_BLOCK_VALUES = 128 * 1024
#: Fewest rows per block (wide rows: ``syrk`` needs enough of them).
MIN_BLOCK_ROWS = 512

_dsyrk = scipy.linalg.blas.dsyrk
_dger = scipy.linalg.blas.dger


class SplitRows:
    """Rows ``[A | B | ...]`` kept as their column blocks, never copied side
    by side: ``GramAccumulator.update`` centres them straight into its
    scratch block (the harvest hands it the inputs and the states this way).

    Parameters
    ----------
    parts : tuple of ndarray of shape (n, F_i)
        float64 column blocks with the same rows; together at least two
        columns.
    """

    def __init__(self, *parts: np.ndarray):
        self.parts = parts
        self.shape = (parts[0].shape[0], sum(p.shape[1] for p in parts))

    def __getitem__(self, rows: slice) -> SplitRows:
        return SplitRows(*(p[rows] for p in self.parts))

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        return np.hstack(self.parts).astype(dtype or np.float64, copy=False)

    def mean(self) -> np.ndarray:
        """``np.asarray(self).mean(axis=0)``, bit for bit, without the copy.

        That mean adds each column's rows one after the other (the reduced
        axis is not the contiguous one): so does ``sum(axis=0)`` on a block
        of several columns, and ``cumsum`` on one of a single column (whose
        ``sum`` would add pairwise).
        """
        n = self.shape[0]
        sums = [
            np.cumsum(p, axis=0)[-1] if p.shape[1] == 1 else p.sum(axis=0)
            for p in self.parts
        ]
        return np.concatenate(sums) / n

    def centred(self, start: int, stop: int, mean: np.ndarray, out: np.ndarray):
        """Rows ``start:stop`` less ``mean``, written into ``out``."""
        col = 0
        for p in self.parts:
            width = p.shape[1]
            shift_columns(p[start:stop], mean[col : col + width], out, col)
            col += width
        return out


def _mirror_lower(a: np.ndarray) -> None:
    """Copy the lower triangle of the square C-ordered ``a`` onto its upper."""
    n = a.shape[0]
    upper = _upper_mask(n)
    np.copyto(a, a.T, where=upper)


@functools.lru_cache(maxsize=8)
def _upper_mask(n: int) -> np.ndarray:
    """Boolean mask of the strict upper triangle of an ``(n, n)`` matrix."""
    mask = np.triu(np.ones((n, n), dtype=bool), 1)
    mask.flags.writeable = False
    return mask


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

    @staticmethod
    def block_rows(n_features: int) -> int:
        """Rows per block of ``update`` for rows of ``n_features`` columns.

        ``update`` cuts its rows into blocks from its first row on, and a
        block's work depends only on its rows and the statistics before it:
        consecutive calls whose sizes (but the last) are multiples of this
        give the bits of one call with all the rows.
        """
        return max(MIN_BLOCK_ROWS, ROW_BLOCK_VALUES // max(n_features, 1))

    def update(self, Z: np.ndarray, Y: np.ndarray) -> None:
        """Add the rows of a chunk: ``Z`` (n, n_features), ``Y`` (n, n_targets).

        ``Z`` may be a ``SplitRows`` (the same numbers, bit for bit).

        The rows go in blocks of about ``ROW_BLOCK_VALUES`` values, each
        shifted by the running means (the first block of an empty
        accumulator by its own means) into one scratch block while it is in
        cache, then merged with the pairwise update of Chan, Golub & LeVeque
        (the block's own means are its shifted rows' column sums, which the
        same product as its co-moments with the targets gives): one read of
        every row from memory. The co-moments are added in place (BLAS
        ``syrk`` and ``ger`` into ``czz``): no ``(n_features, n_features)``
        temporary.
        """
        n = Z.shape[0]
        if n == 0:
            return
        split = isinstance(Z, SplitRows)
        if not split:
            Z = np.asarray(Z, dtype=np.float64)
        Y = np.asarray(Y, dtype=np.float64)
        n_targets = Y.shape[1]
        step = self.block_rows(Z.shape[1])
        # one scratch block for the shifted rows of every block, the targets
        # with a column of ones beside them (for the column sums)
        Zc_all = np.empty((min(step, n), Z.shape[1]))
        Yc_all = np.empty((min(step, n), n_targets + 1))
        Yc_all[:, n_targets] = 1.0
        with small_linalg(Z.shape[1]):
            for start in range(0, n, step):
                rows = min(step, n - start)
                Zb, Yb = Z[start : start + rows], Y[start : start + rows]
                if self.n_samples == 0:
                    shift_z = Zb.mean() if split else Zb.mean(axis=0)
                    shift_y = Yb.mean(axis=0)
                else:
                    shift_z, shift_y = self.mean_z.copy(), self.mean_y.copy()
                if split:
                    Zc = Zb.centred(0, rows, shift_z, Zc_all[:rows])
                else:
                    Zc = Zc_all[:rows]
                    shift_columns(Zb, shift_z, Zc, 0)
                Yc = Yc_all[:rows]
                np.subtract(Yb, shift_y, out=Yc[:, :n_targets])
                self._add_gram(Zc)
                # GEMMs with one or two columns: memory-bound, and their bits
                # depend on the threads
                with blas_threads(1):
                    zy = Zc.T @ Yc
                    yy = Yc[:, :n_targets].T @ Yc
                self.czy += zy[:, :n_targets]
                self.cyy += yy[:, :n_targets]
                self._add_shifted_means(
                    rows, shift_z, shift_y, zy[:, n_targets] / rows,
                    yy[:, n_targets] / rows,
                )  # fmt: skip
        if self._in_place():
            _mirror_lower(self.czz)  # syrk updated the lower triangle only

    def update_streamed(self, Z, Y, ready, min_rows: int = 2048) -> None:
        """``update(Z, Y)`` for rows still being written, bit for bit.

        ``ready(n)`` returns once the first ``n`` rows of ``Z`` are written.
        The rows go in calls of whole row blocks (``block_rows``), at least
        ``min_rows`` rows each, each as soon as its rows are written: the
        same blocks as one call, so the same bits.
        """
        n = Z.shape[0]
        block = self.block_rows(Z.shape[1])
        step = block * -(-min_rows // block)  # whole blocks, >= min_rows
        for start in range(0, n, step):
            stop = min(start + step, n)
            ready(stop)
            self.update(Z[start:stop], Y[start:stop])

    def _add_shifted_means(self, n, shift_z, shift_y, dz, dy) -> None:
        """Merge ``n`` rows whose co-moments about ``shift`` were added.

        ``dz``, ``dy``: their means less the shifts. About its own means a
        block's co-moments are ``n dz dz.T`` smaller; the pairwise update
        adds ``w (m - mean)(m - mean).T`` with ``w = n_old n / total``. The
        shift is the running mean (then ``m - mean = dz``: one rank-one term
        ``(w - n) dz dz.T``) or, for the first rows, their own mean.
        """
        total = self.n_samples + n
        weight = (self.n_samples * n / total) - n
        self._add_outer(weight, dz)
        self.czy += weight * np.outer(dz, dy)
        self.cyy += weight * np.outer(dy, dy)
        if self.n_samples == 0:
            self.mean_z, self.mean_y = shift_z + dz, shift_y + dy
        else:
            self.mean_z += dz * (n / total)
            self.mean_y += dy * (n / total)
        self.n_samples = total

    def _in_place(self) -> bool:
        czz = self.czz
        return (
            czz.dtype == np.float64 and czz.flags.c_contiguous and czz.flags.writeable
        )

    def _add_gram(self, Zc: np.ndarray) -> None:
        """``czz += Zc.T @ Zc`` without a temporary (czz is symmetric).

        In place (``_in_place``), BLAS ``syrk`` updates the lower triangle
        only (half the work of ``gemm``): the caller mirrors it once its
        updates are done (``czz`` is then exactly symmetric).
        """
        if self._in_place() and Zc.shape[1] > 0:
            # czz.T is a Fortran-ordered view that BLAS updates in place; its
            # upper triangle is czz's lower one. syrk's bits do not depend on
            # the thread count: fewer threads while other processes keep the
            # cores busy
            n_threads = threads_for_free_cores(current_blas_threads())
            with blas_threads(n_threads):
                # with the GIL released where the layout allows (a kernel
                # running ahead in another thread goes on meanwhile)
                if syrk_lower(Zc, self.czz):
                    return
                out = _dsyrk(1.0, Zc.T, beta=1.0, c=self.czz.T, overwrite_c=1)
            if not np.shares_memory(out, self.czz):
                self.czz[...] = out.T
            return
        self.czz += Zc.T @ Zc

    def _add_outer(self, weight: float, d: np.ndarray) -> None:
        """``czz += weight * outer(d, d)`` without a temporary."""
        if self._in_place() and d.shape[0] > 0:
            # memory-bound, and the same bits on any number of BLAS threads
            with blas_threads(1):
                out = _dger(weight, d, d, a=self.czz.T, overwrite_a=1)
            if np.shares_memory(out, self.czz):
                return
            self.czz[...] = out.T
            return
        self.czz += weight * np.outer(d, d)

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
        # a Cholesky solve is small next to the harvest that built czz: one
        # BLAS thread up to SMALL_SOLVE_FEATURES (a second one was slower on a
        # busy machine by orders of magnitude)
        with small_linalg(self.czz.shape[0], SMALL_SOLVE_FEATURES):
            return self._solve(alpha)

    def _solve(self, alpha: float) -> tuple[np.ndarray, np.ndarray]:
        A = self.czz.copy()
        A.flat[:: A.shape[0] + 1] += alpha
        try:
            # A is symmetric: its transpose is the Fortran-ordered view LAPACK
            # factorises in place, without another (n_features^2) copy
            coef = scipy.linalg.solve(
                A.T, self.czy, assume_a="pos", check_finite=False, overwrite_a=True
            )
        except (np.linalg.LinAlgError, scipy.linalg.LinAlgError):
            A = self.czz.copy()  # the failed factorisation overwrote A
            A.flat[:: A.shape[0] + 1] += alpha
            coef = scipy.linalg.lstsq(A, self.czy, check_finite=False)[0]
        intercept = self.mean_y - self.mean_z @ coef
        return coef, intercept

    def solve_uncentred(self, alpha: float) -> np.ndarray:
        """Ridge coefficients ``(n_features, n_targets)`` without an intercept.

        Solves ``(Z.T Z + alpha I) W = Z.T Y`` on the raw (uncentred)
        products, rebuilt as ``Czz + n mz mz.T`` and ``Czy + n mz my.T``:
        every weight is penalised, a constant feature included (the NG-RC
        readout, and the solution RLS converges to).
        """
        if self.n_samples == 0:
            raise ValueError("no training rows were accumulated.")
        n = self.n_samples
        A = self.czz + n * np.outer(self.mean_z, self.mean_z)
        B = self.czy + n * np.outer(self.mean_z, self.mean_y)
        A.flat[:: A.shape[0] + 1] += alpha
        try:
            return scipy.linalg.solve(A, B, assume_a="pos", check_finite=False)
        except (np.linalg.LinAlgError, scipy.linalg.LinAlgError):
            return scipy.linalg.lstsq(A, B, check_finite=False)[0]

    def copy(self) -> GramAccumulator:
        """An independent copy of the statistics."""
        new = GramAccumulator(self.mean_z.shape[0], self.mean_y.shape[0])
        new._merge(
            self.n_samples, self.mean_z, self.mean_y, self.czz, self.czy, self.cyy
        )
        return new

    @classmethod
    def sum(cls, accumulators) -> GramAccumulator:
        """A new accumulator holding the rows of all ``accumulators``."""
        accumulators = list(accumulators)
        total = cls(accumulators[0].mean_z.shape[0], accumulators[0].mean_y.shape[0])
        for acc in accumulators:
            total.merge(acc)
        return total

    def path(self) -> RidgePath:
        """Eigendecomposition of ``Czz`` that solves every alpha at once."""
        return RidgePath(self)


class RidgePath:
    """Ridge solutions for many alphas from one eigendecomposition.

    With ``Czz = V diag(s) V.T`` and ``Q = V.T Czy``, the coefficients for a
    penalty ``alpha`` are ``W(alpha) = V diag(1 / (s + alpha)) Q`` and the
    intercept is ``mean_y - mean_z W(alpha)``. Everything below (training
    residuals, generalised cross-validation, validation errors on another
    block's statistics, predictions) follows from ``s``, ``V`` and ``Q``
    without touching the rows again.

    Parameters
    ----------
    gram : GramAccumulator
        Training statistics (at least one row).
    """

    def __init__(self, gram: GramAccumulator):
        if gram.n_samples == 0:
            raise ValueError("no training rows were accumulated.")
        self.gram = gram
        with small_linalg(gram.czz.shape[0]):
            s, V = scipy.linalg.eigh(gram.czz.T, check_finite=False, driver="evd")
            self.Q = V.T @ gram.czy
        # Czz is positive semi-definite: negative eigenvalues are round-off
        self.s = np.clip(s, 0.0, None)
        self.V = V
        # eigenvalues below this count as zero (alpha = 0 gives a pseudo-inverse)
        self._tiny = max(self.s[-1], 1.0) * s.shape[0] * np.finfo(np.float64).eps

    def _inverse(self, alphas: np.ndarray) -> np.ndarray:
        """``1 / (s + alpha)`` for every alpha, shape (n_alphas, n_features)."""
        d = self.s[None, :] + np.asarray(alphas, dtype=np.float64)[:, None]
        out = np.zeros_like(d)
        np.divide(1.0, d, out=out, where=d > self._tiny)
        return out

    def _eigen_coefs(self, alphas) -> np.ndarray:
        """Coefficients in the eigenbasis, shape (n_alphas, n_features, n_targets)."""
        return self._inverse(alphas)[:, :, None] * self.Q[None]

    def coefs(self, alphas) -> tuple[np.ndarray, np.ndarray]:
        """Coefficients ``(n_alphas, n_features, n_targets)`` and intercepts."""
        coefs = np.einsum("ij,ajk->aik", self.V, self._eigen_coefs(alphas))
        intercepts = self.gram.mean_y[None] - np.einsum(
            "j,ajk->ak", self.gram.mean_z, coefs
        )
        return coefs, intercepts

    def training_sse(self, alphas) -> np.ndarray:
        """Training residual sum of squares per alpha and target, (n_alphas, K).

        ``SSE = Cyy - 2 W.T Czy + W.T Czz W = Cyy - sum_i Q_i^2 (s_i + 2 a)
        / (s_i + a)^2`` (the intercept makes the residuals' mean zero).
        """
        inv = self._inverse(alphas)
        shrink = inv * (2.0 - self.s[None, :] * inv)  # (s + 2a) / (s + a)^2
        sse = np.diag(self.gram.cyy)[None, :] - shrink @ (self.Q**2)
        return np.clip(sse, 0.0, None)

    def degrees_of_freedom(self, alphas) -> np.ndarray:
        """Trace of the hat matrix per alpha: ``1 + sum_i s_i / (s_i + a)``."""
        return 1.0 + (self.s[None, :] * self._inverse(alphas)).sum(axis=1)

    def gcv(self, alphas) -> np.ndarray:
        """Generalised cross-validation error per alpha, averaged over targets.

        ``GCV(a) = (SSE(a) / n) / (1 - df(a) / n)^2`` (Golub, Heath & Wahba,
        1979), with ``df`` the trace of the hat matrix including the
        intercept. Infinite where ``df >= n``.
        """
        n = self.gram.n_samples
        mse = self.training_sse(alphas).mean(axis=1) / n
        denom = (1.0 - self.degrees_of_freedom(alphas) / n) ** 2
        out = np.full(mse.shape, np.inf)
        np.divide(mse, denom, out=out, where=denom > 1e-12)
        return out

    def validation_sse(self, alphas, test: GramAccumulator) -> np.ndarray:
        """Sum of squared errors on rows summarised by ``test``, (n_alphas, K).

        With residual ``r = y - z W - b`` the sum over the test rows is
        ``Cyy' - 2 W.T Czy' + W.T Czz' W + n' d d.T`` on the diagonal, where the
        primes are the test block's centred statistics and ``d`` the mean
        residual ``mean_y' - mean_z' W - b``.
        """
        coefs, intercepts = self.coefs(alphas)  # (A, N, K): O(N^2 A K), no N^3
        if test.n_samples == 0:
            return np.zeros((coefs.shape[0], coefs.shape[2]))
        cross = np.einsum("ajk,jk->ak", coefs, test.czy)
        quad = np.einsum(
            "ajk,ajk->ak", coefs, np.einsum("ij,ajk->aik", test.czz, coefs)
        )
        d = test.mean_y[None] - np.einsum("j,ajk->ak", test.mean_z, coefs) - intercepts
        sse = np.diag(test.cyy)[None] - 2.0 * cross + quad + test.n_samples * d**2
        return np.clip(sse, 0.0, None)

    def predict(self, Z: np.ndarray, alphas) -> np.ndarray:
        """Predictions ``(n_alphas, n_rows, n_targets)`` for feature rows ``Z``."""
        P = (np.asarray(Z, dtype=np.float64) - self.gram.mean_z) @ self.V
        return np.einsum("ij,ajk->aik", P, self._eigen_coefs(alphas)) + (
            self.gram.mean_y
        )


def _no_wait(rows: int) -> None:
    """A ``ready`` for rows that are all written."""


class RowBuffer:
    """Collect small chunks of readout rows; add them to a GramAccumulator in
    blocks of at least ``min_rows`` (one BLAS update per block, not per chunk).

    Many short sequences yield many small chunks; updating the Gram matrix for
    each would cost a full ``(F, F)`` pass per chunk. Call ``flush`` when done.
    """

    def __init__(self, accumulator: GramAccumulator, min_rows: int = 2048):
        self.accumulator = accumulator
        self.min_rows = min_rows
        # queued rows as (Z, Y, start, stop) ranges
        self._ranges: list[tuple[np.ndarray, np.ndarray, int, int]] = []
        self._rows = 0

    def add(self, Z: np.ndarray, Y: np.ndarray) -> None:
        """Queue the rows of a chunk (copied: the caller may reuse its arrays)."""
        if Z.shape[0] == 0:
            return
        if Z.shape[0] >= self.min_rows and not self._rows:
            self.accumulator.update(Z, Y)
            return
        Z = np.array(Z, dtype=np.float64)
        self._queue(Z, np.array(Y, dtype=np.float64), 0, Z.shape[0])

    def add_pieces(self, Z: np.ndarray, Y: np.ndarray, sizes, ready=None) -> None:
        """``add`` the consecutive row pieces of ``Z``/``Y`` of ``sizes`` rows.

        The same updates as one ``add`` per piece, without a copy per piece:
        ``Z`` and ``Y`` must be float64 arrays the caller does not reuse.
        ``ready(n)``, if given, returns once the first ``n`` rows of ``Z``
        are written: it is called before any of them is read (rows still
        being written by another thread).
        """
        if ready is None:
            ready = _no_wait
        sizes = np.asarray(sizes, dtype=np.int64)
        sizes = sizes[sizes > 0]
        ends = np.cumsum(sizes)
        # one Python step per flush, not per piece: the queued rows reach
        # min_rows at the first piece whose running total does (a run of
        # consecutive pieces is one range, as _queue merges them)
        j, pos = 0, 0
        while j < sizes.shape[0]:
            n = int(sizes[j])
            if n >= self.min_rows and not self._rows:
                ready(pos + n)
                self.accumulator.update(Z[pos : pos + n], Y[pos : pos + n])
                j, pos = j + 1, pos + n
                continue
            # first piece k >= j after which the queue holds min_rows rows
            need = self.min_rows - self._rows + pos
            k = int(np.searchsorted(ends, need, side="left"))
            k = min(max(k, j), sizes.shape[0] - 1)
            stop = int(ends[k])
            ready(stop)
            self._queue(Z, Y, pos, stop)  # flushes when min_rows is reached
            j, pos = k + 1, stop

    def add_streamed(self, Z, Y, ready) -> None:
        """``add_pieces(Z, Y, [len(Z)])`` for rows still being written.

        ``ready(n)`` returns once the first ``n`` rows of ``Z`` are written.
        An update of its own (``Z`` at least ``min_rows`` rows, none queued)
        goes in calls of whole row blocks (``GramAccumulator.block_rows``),
        each as soon as its rows are written: the same blocks, the same
        bits as one call. Rows to queue wait until all are written.
        """
        n = Z.shape[0]
        if n < self.min_rows or self._rows:
            ready(n)
            self.add_pieces(Z, Y, [n])
            return
        self.accumulator.update_streamed(Z, Y, ready, self.min_rows)

    def _queue(self, Z: np.ndarray, Y: np.ndarray, start: int, stop: int) -> None:
        if self._ranges and self._ranges[-1][0] is Z and self._ranges[-1][3] == start:
            self._ranges[-1] = (Z, Y, self._ranges[-1][2], stop)
        else:
            self._ranges.append((Z, Y, start, stop))
        self._rows += stop - start
        if self._rows >= self.min_rows:
            self.flush()

    def detach(self) -> None:
        """Copy the queued rows of any ``SplitRows`` (views of a buffer the
        caller is about to reuse) into arrays of their own (same rows, same
        groups)."""
        self._ranges = [
            (np.asarray(Z[a:b]), np.array(Y[a:b], dtype=np.float64), 0, b - a)
            if isinstance(Z, SplitRows)
            else (Z, Y, a, b)
            for Z, Y, a, b in self._ranges
        ]

    def flush(self) -> GramAccumulator:
        """Add the queued rows; return the accumulator."""
        if len(self._ranges) == 1:
            # one range of one array (consecutive pieces are merged): its
            # rows as they are, no copy (update reads them column-wise and
            # centres them into a new block, so the bits are the same)
            Z, Y, a, b = self._ranges[0]
            self.accumulator.update(Z[a:b], Y[a:b])
            self._ranges, self._rows = [], 0
        elif self._rows:
            self.accumulator.update(
                np.vstack([np.asarray(Z[a:b]) for Z, _, a, b in self._ranges]),
                np.vstack([Y[a:b] for _, Y, a, b in self._ranges]),
            )
            self._ranges, self._rows = [], 0
        return self.accumulator
