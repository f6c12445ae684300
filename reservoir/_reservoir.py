"""Fixed reservoir weights and the code that runs sequences through them.

``Reservoir`` is the building block shared by every estimator: it holds the
weights in the layout the kernels want, projects inputs, and runs one or many
sequences, in time chunks when asked, so that no caller needs the whole
(T x N) state matrix in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numba
import numpy as np
import scipy.sparse

from . import _kernels

__all__: list[str] = []

#: Largest number of state values one chunk holds (64 MiB of float64).
CHUNK_VALUES = 8 * 1024 * 1024


class Reservoir:
    """Reservoir weights plus the compiled kernels that run them.

    Parameters
    ----------
    W : ndarray or scipy.sparse array of shape (N, N)
        Recurrent weights (row convention: ``x @ W``).
    W_in : ndarray of shape (D, N)
        Input weights.
    bias : ndarray of shape (N,)
        Bias.
    leak : ndarray of shape (N,)
        Leak rate of each unit.
    activation : str
        One of ``_kernels.ACTIVATION_CODES``.
    dtype : numpy float type
        Precision of the states (the kernels run in this type).
    """

    def __init__(self, W, W_in, bias, leak, activation, dtype=np.float64):
        self.dtype = np.dtype(dtype).type
        self.activation = activation
        self._code = _kernels.ACTIVATION_CODES[activation]
        self.W_in = np.ascontiguousarray(W_in, dtype=self.dtype)
        self.bias = np.ascontiguousarray(bias, dtype=self.dtype)
        self.leak = np.ascontiguousarray(leak, dtype=self.dtype)
        self.sparse = scipy.sparse.issparse(W)
        if self.sparse:
            WT = scipy.sparse.csr_array(W.T)
            WT.sort_indices()
            self._indptr = np.ascontiguousarray(WT.indptr)
            self._indices = np.ascontiguousarray(WT.indices)
            self._data = np.ascontiguousarray(WT.data, dtype=self.dtype)
        else:
            self._W = np.ascontiguousarray(W, dtype=self.dtype)

    @property
    def n_units(self) -> int:
        return self.bias.shape[0]

    def project(self, U: np.ndarray) -> np.ndarray:
        """Input projection ``U @ W_in + b`` for every step (one GEMM)."""
        pre = U.astype(self.dtype, copy=False) @ self.W_in
        pre += self.bias
        return pre

    def _run_single(self, pre, x0, out):
        if self.sparse:
            kernel = _kernels.run_csr
            if numba.get_num_threads() > 1 and self.n_units >= getattr(
                _kernels, "PARALLEL_MIN_UNITS", np.inf
            ):
                kernel = _kernels.run_csr_parallel
            kernel(
                pre,
                self._indptr,
                self._indices,
                self._data,
                self.leak,
                self._code,
                x0,
                out,
            )
        else:
            kernel = _kernels.run_dense
            if (
                numba.get_num_threads() > 1
                and self.n_units >= getattr(_kernels, "PARALLEL_MIN_UNITS", np.inf)
                and hasattr(_kernels, "run_dense_parallel")
            ):
                kernel = _kernels.run_dense_parallel
            kernel(pre, self._W, self.leak, self._code, x0, out)

    def _run_batch(self, pre, x0, out):
        if self.sparse:
            _kernels.run_csr_batch(
                pre,
                self._indptr,
                self._indices,
                self._data,
                self.leak,
                self._code,
                x0,
                out,
            )
        else:
            _kernels.run_dense_batch(pre, self._W, self.leak, self._code, x0, out)

    def initial_states(self, n_sequences: int, initial_state=None) -> np.ndarray:
        """Zero states, or ``initial_state`` (one row, or one row per sequence)."""
        if initial_state is None:
            return np.zeros((n_sequences, self.n_units), dtype=self.dtype)
        x0 = np.asarray(initial_state, dtype=self.dtype)
        if x0.ndim == 1:
            x0 = np.broadcast_to(x0, (n_sequences, self.n_units))
        return np.ascontiguousarray(x0)

    def iter_states(
        self,
        sequences: Sequence[np.ndarray],
        x0: np.ndarray,
        chunk_steps: int | None = None,
    ) -> Iterator[tuple[int, int, np.ndarray]]:
        """Yield ``(sequence index, first step, states)`` chunk by chunk.

        Sequences of equal length (two or more) advance together through the
        batched kernel. The yielded array is only valid until the next one.

        Parameters
        ----------
        sequences : list of ndarray of shape (T_i, D)
            Validated inputs.
        x0 : ndarray of shape (n_sequences, N)
            Initial state of each sequence.
        chunk_steps : int, optional
            Steps per chunk; by default as many as fit in ``CHUNK_VALUES``.
        """
        groups: dict[int, list[int]] = {}
        for i, seq in enumerate(sequences):
            groups.setdefault(seq.shape[0], []).append(i)
        for length, members in groups.items():
            batched = len(members) > 1
            per_chunk = chunk_steps or max(
                1, CHUNK_VALUES // (self.n_units * len(members))
            )
            state = np.ascontiguousarray(x0[members], dtype=self.dtype)
            for start in range(0, length, per_chunk):
                stop = min(start + per_chunk, length)
                if batched:
                    pre = np.stack(
                        [self.project(sequences[i][start:stop]) for i in members]
                    )
                    out = np.empty_like(pre)
                    self._run_batch(pre, state, out)
                    state = np.ascontiguousarray(out[:, -1])
                    for k, i in enumerate(members):
                        yield i, start, out[k]
                else:
                    pre = self.project(sequences[members[0]][start:stop])
                    out = np.empty_like(pre)
                    self._run_single(pre, state[0], out)
                    state = out[-1:].copy()
                    yield members[0], start, out

    def run(self, sequences: Sequence[np.ndarray], x0: np.ndarray) -> list[np.ndarray]:
        """States of every sequence, each ``(T_i, N)``."""
        states = [
            np.empty((seq.shape[0], self.n_units), dtype=self.dtype)
            for seq in sequences
        ]
        for i, start, chunk in self.iter_states(sequences, x0):
            states[i][start : start + chunk.shape[0]] = chunk
        return states
