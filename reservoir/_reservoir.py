"""Fixed reservoir weights and the code that runs sequences through them.

Three runners share one interface (``n_units``, ``dtype``, ``advance``,
``initial_states``, ``iter_states``, ``run``):

* ``Reservoir``: one reservoir, weights in the layout the kernels want;
* ``DeepReservoir``: reservoirs stacked, each driven by the states of the one
  below; the state is all layers side by side;
* ``BidirectionalReservoir``: a forward runner and a second one over the
  reversed sequence, states side by side.

``iter_states`` runs one or many sequences, in time chunks when asked, so
that no caller needs the whole (T x N) state matrix in memory. Sequences are
bucketed by length: similar lengths advance together through the batched
kernel, padded at the end (padding after the last step cannot change earlier
steps, so every state is exact).
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
#: Sequences whose lengths differ by at most this factor share a padded batch.
BUCKET_LENGTH_RATIO = 1.25


def length_buckets(lengths: Sequence[int]) -> list[list[int]]:
    """Group sequence indices into batches of similar length.

    Indices are sorted by length (longest first, ties in input order) and a new
    batch starts whenever a length falls below ``longest / BUCKET_LENGTH_RATIO``
    of the current batch. Deterministic: depends on the lengths only.
    """
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    buckets: list[list[int]] = []
    for i in order:
        if buckets and lengths[i] * BUCKET_LENGTH_RATIO >= lengths[buckets[-1][0]]:
            buckets[-1].append(i)
        else:
            buckets.append([i])
    return buckets


class _Runner:
    """Chunked iteration over sequences for any runner with ``advance``."""

    n_units: int
    dtype: type

    def advance(self, inputs: np.ndarray, state: np.ndarray) -> np.ndarray:
        """Run ``inputs`` (k, steps, D) from ``state`` (k, N), updated in place."""
        raise NotImplementedError

    def initial_states(self, n_sequences: int, initial_state=None) -> np.ndarray:
        """Zero states, or ``initial_state`` (one row, or one row per sequence)."""
        if initial_state is None:
            return np.zeros((n_sequences, self.n_units), dtype=self.dtype)
        x0 = np.asarray(initial_state, dtype=self.dtype)
        if x0.ndim == 1:
            x0 = np.broadcast_to(x0, (n_sequences, self.n_units))
        return np.ascontiguousarray(x0)

    #: whether ``advance`` may be called on successive time chunks
    chunkable = True

    def iter_states(
        self,
        sequences: Sequence[np.ndarray],
        x0: np.ndarray,
        chunk_steps: int | None = None,
    ) -> Iterator[tuple[int, int, np.ndarray]]:
        """Yield ``(sequence index, first step, states)`` chunk by chunk.

        Parameters
        ----------
        sequences : list of ndarray of shape (T_i, D)
            Validated inputs.
        x0 : ndarray of shape (n_sequences, N)
            Initial state of each sequence.
        chunk_steps : int, optional
            Steps per chunk; by default as many as fit in ``CHUNK_VALUES``.
            The yielded array is only valid until the next one.
        """
        lengths = [seq.shape[0] for seq in sequences]
        n_features = sequences[0].shape[1]
        for members in length_buckets(lengths):
            longest = lengths[members[0]]
            per_chunk = longest
            if self.chunkable:
                per_chunk = chunk_steps or max(
                    1, CHUNK_VALUES // (self.n_units * len(members))
                )
            state = np.ascontiguousarray(x0[members], dtype=self.dtype)
            for start in range(0, longest, per_chunk):
                stop = min(start + per_chunk, longest)
                block = np.zeros((len(members), stop - start, n_features))
                for k, i in enumerate(members):
                    part = sequences[i][start:stop]
                    block[k, : part.shape[0]] = part
                out = self.advance(block, state)
                for k, i in enumerate(members):
                    rows = min(stop, lengths[i]) - start
                    if rows > 0:
                        yield i, start, out[k, :rows]

    def run(self, sequences: Sequence[np.ndarray], x0: np.ndarray) -> list[np.ndarray]:
        """States of every sequence, each ``(T_i, N)``."""
        states = [
            np.empty((seq.shape[0], self.n_units), dtype=self.dtype)
            for seq in sequences
        ]
        for i, start, chunk in self.iter_states(sequences, x0):
            states[i][start : start + chunk.shape[0]] = chunk
        return states


class Reservoir(_Runner):
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

    def _parallel_step(self) -> bool:
        return (
            numba.get_num_threads() > 1 and self.n_units >= _kernels.PARALLEL_MIN_UNITS
        )

    def advance(self, inputs: np.ndarray, state: np.ndarray) -> np.ndarray:
        # in place on the projection: the kernels read each step's inputs first
        out = self.run_projected(self.project(inputs), state)
        state[:] = out[:, -1]
        return out

    def run_projected(
        self, pre: np.ndarray, state: np.ndarray, out: np.ndarray | None = None
    ) -> np.ndarray:
        """Run projected inputs ``pre`` (k, steps, N) from ``state`` (k, N).

        The states go into ``out`` (``pre`` itself by default: in place).
        One sequence runs with the single-sequence kernel (split over threads
        for large reservoirs), several with the batched one.
        """
        out = pre if out is None else out
        if pre.shape[0] == 1:
            x0 = state[0]
            if self.sparse:
                kernel = (
                    _kernels.run_csr_parallel
                    if self._parallel_step()
                    else _kernels.run_csr
                )
                kernel(
                    pre[0],
                    self._indptr,
                    self._indices,
                    self._data,
                    self.leak,
                    self._code,
                    x0,
                    out[0],
                )
            else:
                kernel = (
                    _kernels.run_dense_parallel
                    if self._parallel_step()
                    else _kernels.run_dense
                )
                kernel(pre[0], self._W, self.leak, self._code, x0, out[0])
        elif self.sparse:
            _kernels.run_csr_batch(
                pre,
                self._indptr,
                self._indices,
                self._data,
                self.leak,
                self._code,
                state,
                out,
            )
        else:
            _kernels.run_dense_batch(pre, self._W, self.leak, self._code, state, out)
        return out


class DeepReservoir(_Runner):
    """Reservoirs stacked: layer ``l`` is driven by the states of layer ``l-1``.

    The state is the layers' states side by side, ``[x^1, ..., x^L]``.
    """

    def __init__(self, layers: Sequence[Reservoir]):
        self.layers = list(layers)
        self.dtype = self.layers[0].dtype
        self._bounds = np.cumsum([0] + [layer.n_units for layer in self.layers])

    @property
    def n_units(self) -> int:
        return int(self._bounds[-1])

    def advance(self, inputs: np.ndarray, state: np.ndarray) -> np.ndarray:
        outputs = []
        layer_input = inputs
        for layer, lo, hi in zip(
            self.layers, self._bounds[:-1], self._bounds[1:], strict=True
        ):
            layer_state = np.ascontiguousarray(state[:, lo:hi])
            layer_input = layer.advance(layer_input, layer_state)
            state[:, lo:hi] = layer_state
            outputs.append(layer_input)
        return np.concatenate(outputs, axis=2)


class BidirectionalReservoir(_Runner):
    """A forward runner and a backward runner over the reversed sequence.

    The state is ``[forward, backward]``; the backward half at step ``t`` has
    seen steps ``T-1`` down to ``t``. A sequence is run whole (not in time
    chunks), since the backward pass starts at its end; the initial state's
    backward half is the state before the last step.
    """

    chunkable = False

    def __init__(self, forward: _Runner, backward: _Runner):
        self.forward, self.backward = forward, backward
        self.dtype = forward.dtype

    @property
    def n_units(self) -> int:
        return self.forward.n_units + self.backward.n_units

    def iter_states(self, sequences, x0, chunk_steps=None):
        # padding sits at the end, where the backward pass starts, so run
        # every sequence on its own length
        for i, seq in enumerate(sequences):
            state = np.ascontiguousarray(x0[i : i + 1])
            yield i, 0, self.advance(seq[None], state)[0]

    def advance(self, inputs: np.ndarray, state: np.ndarray) -> np.ndarray:
        split = self.forward.n_units
        fwd_state = np.ascontiguousarray(state[:, :split])
        bwd_state = np.ascontiguousarray(state[:, split:])
        fwd = self.forward.advance(inputs, fwd_state)
        bwd = self.backward.advance(np.ascontiguousarray(inputs[:, ::-1]), bwd_state)
        state[:, :split], state[:, split:] = fwd_state, bwd_state
        return np.concatenate([fwd, bwd[:, ::-1]], axis=2)
