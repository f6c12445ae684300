"""Fixed reservoir weights and the code that runs sequences through them.

Three runners share one interface (``n_units``, ``dtype``, ``advance``,
``initial_states``, ``iter_states``, ``run``):

* ``Reservoir``: one reservoir, weights in the layout the kernels want;
* ``DeepReservoir``: reservoirs stacked, each driven by the states of the one
  below; the state is all layers side by side;
* ``BidirectionalReservoir``: a forward runner and a second one over the
  reversed sequence, states side by side.

``iter_states`` runs one or many sequences, in time chunks when asked, so
that no caller needs the whole (T x N) state matrix in memory; ``run`` returns
every state. Sequences are bucketed by length: similar lengths advance
together through the batched kernel, padded at the end (padding after the
last step cannot change earlier steps, so every state is exact).

Every state is written once, where it ends up: ``run`` allocates one buffer
per bucket and returns per-sequence views of it, ``iter_states`` reuses one
chunk buffer per bucket, and the kernels write into them. With one input
feature the input projection ``u * W_in + b`` happens inside the kernels'
time loop (the ``*_inputs`` kernels: each step's projection is written into
its output row, or its block of sequences, just before the step runs on it),
so there is no projected array at all; every projected value is one rounded
product plus the bias, whatever the block. With several features a GEMM
row's bits depend on the rows it is given, so each chunk is projected whole
with one GEMM, written into the destination buffer, and the kernel runs in
place on it (never a projection array copied again). Projections run on one
BLAS thread: small GEMMs whose bits would otherwise depend on the BLAS thread
count. Results are bit for bit those of projecting the whole series first and
running the kernel once.

``iter_chunks_ahead`` lets a caller work on states while the next ones are
computed: the kernels run in a helper thread (they release the GIL), up to
one chunk ahead (a lone sequence piece by piece on the serial kernel, a
batch a chunk at a time), and the caller waits for the states it reads
(``ESNRegressor``'s harvest adds them to its Gram matrix on the other core).
The same chunks, the same bits.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
import scipy.sparse

from . import _kernels
from ._threading import (
    SMALL_GRAM_FEATURES,
    away_from_this_core,
    blas_threads,
    busy_cores,
    own_threads_running,
)

__all__: list[str] = []

#: Largest number of state values one chunk holds (64 MiB of float64).
CHUNK_VALUES = 8 * 1024 * 1024
#: Sequences whose lengths differ by at most this factor share a padded batch.
BUCKET_LENGTH_RATIO = 1.25
#: State values per piece of a lone sequence's chunk run ahead in a helper
#: thread (``iter_chunks_ahead``): the caller waits for pieces, not chunks.
AHEAD_PIECE_VALUES = 256 * 1024
#: A batch's chunk run ahead goes in pieces of whole register blocks of the
#: batched kernels (``_kernels.BLOCK_SIZE`` sequences), of about
#: ``AHEAD_PIECE_VALUES`` values each: the caller adds the first sequences'
#: states while the helper runs the next ones.
AHEAD_BATCH_MULTIPLE = _kernels.BLOCK_SIZE
#: Largest reservoir whose lone sequences run ahead (serial kernel in a helper
#: thread beside the caller's Gram updates) rather than on the lock-step
#: kernel: a fit of one sequence of 20,000 steps on the 2-core machine, Gram
#: updates then kernel vs. side by side: 300 units 146 -> 96 ms, 500 units
#: 305 -> 262 ms, 1000 units 870 -> 887 ms (the lock-step kernel and the
#: two-thread products gain more there).
AHEAD_MAX_UNITS = 768


def _spans(total: int, size: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of consecutive pieces of ``size`` (the last shorter)
    covering ``range(total)``."""
    return [(start, min(start + size, total)) for start in range(0, total, size)]


def _all_ready(step: int | None = None) -> None:
    """``ready`` of a chunk whose states are all written."""


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

    def advance(
        self, inputs: np.ndarray, state: np.ndarray, out: np.ndarray | None = None
    ) -> np.ndarray:
        """Run ``inputs`` (k, steps, D) from ``state`` (k, N), updated in place.

        The states go into ``out`` (k, steps, N) when given (it may be a
        view), else into a new array; returns them.
        """
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

    def lock_step(self, lengths: Sequence[int]) -> bool:
        """Whether running sequences of these lengths uses a lock-step kernel.

        A lone sequence of a large reservoir runs with its units split over
        threads that meet at every step (``Reservoir._parallel_step``), which
        any other busy thread stalls (see ``_threading.gram_threads``).
        """
        return False

    def _projection_is_rowwise(self, n_features: int) -> bool:
        """Whether the input projection's bits are the same for any row block."""
        return False

    def _buckets(self, lengths: Sequence[int]) -> list[list[int]]:
        """Indices of the sequences that run together, longest first."""
        return length_buckets(lengths)

    @staticmethod
    def _padded(sequences, members, start, stop) -> np.ndarray:
        """Steps ``start:stop`` of the member sequences, (k, steps, D), zero-padded."""
        if len(members) == 1:
            return sequences[members[0]][None, start:stop]
        n_features = sequences[members[0]].shape[1]
        block = np.zeros((len(members), stop - start, n_features))
        for k, i in enumerate(members):
            part = sequences[i][start:stop]
            block[k, : part.shape[0]] = part
        return block

    def _chunk_steps(self, n_members: int, longest: int, chunk_steps) -> int:
        """Steps per time chunk of a bucket (``CHUNK_VALUES`` by default)."""
        if not self.chunkable:
            return longest
        per_chunk = chunk_steps or max(1, CHUNK_VALUES // (self.n_units * n_members))
        return min(per_chunk, longest)

    def iter_chunks(
        self,
        sequences: Sequence[np.ndarray],
        x0: np.ndarray,
        chunk_steps: int | None = None,
    ) -> Iterator[tuple[list[int], int, np.ndarray, np.ndarray]]:
        """Yield ``(members, first step, inputs, states)`` chunk by chunk.

        ``members`` are the indices of the sequences run together, ``inputs``
        their zero-padded inputs ``(k, steps, D)`` and ``states`` their states
        ``(k, steps, N)`` (valid only until the next chunk). See
        ``iter_states`` for the parameters.
        """
        for members, start, block, out, _ in self.iter_chunks_ahead(
            sequences, x0, chunk_steps
        ):
            yield members, start, block, out

    def runs_ahead(
        self, lengths: Sequence[int], gram_features: int
    ) -> Callable[[int], bool] | None:
        """Which buckets ``iter_chunks_ahead`` may run in a helper thread.

        For a caller adding the states of sequences of ``lengths`` to a Gram
        matrix of ``gram_features`` columns: a predicate on a bucket's
        number of sequences, or None when none may.
        """
        return None

    def iter_chunks_ahead(
        self,
        sequences: Sequence[np.ndarray],
        x0: np.ndarray,
        chunk_steps: int | None = None,
        ahead: Callable[[int], bool] | None = None,
    ) -> Iterator[tuple[list[int], int, np.ndarray, np.ndarray, Callable]]:
        """``iter_chunks``, each chunk with a fifth item ``ready(step=None)``.

        ``ready(n)`` returns once the chunk's first ``n`` steps of a lone
        sequence, or its first ``n`` sequences of a batch, are written (all
        of them for None). The buckets for which ``ahead`` (from
        ``runs_ahead``; the caller holds ``blas_threads(1)``) is true of
        their number of sequences run in a helper thread, up to one chunk
        ahead of the caller, while the caller works on the states already
        written (its Gram updates on the other core): a lone sequence on
        the serial kernel, piece by piece, a batch a chunk at a time on one
        Numba thread. The caller must call ``ready`` before reading states
        and before asking for the next chunk. The chunks, and every state,
        are the same bits either way.
        """
        lengths = [seq.shape[0] for seq in sequences]
        pool = None
        if ahead is not None:
            pool = ThreadPoolExecutor(1, "reservoir-ahead", away_from_this_core())
        try:
            for members in self._buckets(lengths):
                longest = lengths[members[0]]
                per_chunk = self._chunk_steps(len(members), longest, chunk_steps)
                state = np.array(x0[members], dtype=self.dtype, order="C")
                padded = self._padded(sequences, members, 0, longest)  # small
                starts = range(0, longest, per_chunk)
                if pool is not None and ahead(len(members)):
                    yield from self._chunks_ahead(
                        pool, members, padded, state, starts, per_chunk
                    )
                    continue
                buffer = np.empty(len(members) * per_chunk * self.n_units, self.dtype)
                for start in starts:
                    stop = min(start + per_chunk, longest)
                    block = padded[:, start:stop]
                    shape = (len(members), stop - start, self.n_units)
                    out = buffer[: math.prod(shape)].reshape(shape)  # contiguous
                    self.advance(block, state, out)
                    yield members, start, block, out, _all_ready
        finally:
            if pool is not None:  # the running piece ends; queued ones never start
                pool.shutdown(wait=True, cancel_futures=True)

    def _chunks_ahead(self, pool, members, padded, state, starts, per_chunk):
        """The chunks of one bucket, run ahead by ``pool`` (one thread).

        Chunk ``k + 1`` is queued when chunk ``k`` is handed out (the helper
        runs them in order, so it starts from chunk ``k``'s last state),
        into the other of two buffers: the one of chunk ``k - 1``, which the
        caller is done with.
        """
        longest = padded.shape[1]
        shape = (len(members), per_chunk, self.n_units)
        buffers = [np.empty(shape, self.dtype) for _ in "ab"]

        def queue(k: int):
            start = starts[k]
            stop = min(start + per_chunk, longest)
            block, out = padded[:, start:stop], buffers[k % 2][:, : stop - start]
            pieces = [
                (end, pool.submit(task))
                for end, task in self._piece_tasks(block, state, out)
            ]

            def ready(step: int | None = None) -> None:
                for end, future in pieces:
                    future.result()  # re-raises the helper's error
                    if step is not None and end >= step:
                        return

            return start, block, out, ready

        pending = queue(0)
        for k in range(len(starts)):
            start, block, out, ready = pending
            if k + 1 < len(starts):
                pending = queue(k + 1)
            yield members, start, block, out, ready
        ready()  # the next bucket's kernels must not overlap this one's

    def _piece_tasks(self, inputs, state, out) -> list[tuple[int, Callable]]:
        """Tasks that advance one bucket's chunk, in order (``runs_ahead``)."""
        raise NotImplementedError

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
            The yielded array is only valid until the next one (one buffer
            per bucket of sequences holds every chunk).
        """
        for members, start, _, out in self.iter_chunks(sequences, x0, chunk_steps):
            stop = start + out.shape[1]
            for k, i in enumerate(members):
                rows = min(stop, sequences[i].shape[0]) - start
                if rows > 0:
                    yield i, start, out[k, :rows]

    def run(self, sequences: Sequence[np.ndarray], x0: np.ndarray) -> list[np.ndarray]:
        """States of every sequence, each ``(T_i, N)``.

        Each bucket of sequences runs into one buffer; the states of a
        sequence are a (C-contiguous) view of it. With several input
        features the time chunks are those of ``iter_states`` (a GEMM's bits
        depend on the rows it is given, so the input projection keeps its
        blocks); with one, a bucket runs whole (the projection's bits do not
        depend on the block).
        """
        lengths = [seq.shape[0] for seq in sequences]
        states: list = [None] * len(sequences)
        whole = self._projection_is_rowwise(sequences[0].shape[1])
        for members in self._buckets(lengths):
            longest = lengths[members[0]]
            per_chunk = (
                longest if whole else self._chunk_steps(len(members), longest, None)
            )
            buffer = np.empty((len(members), longest, self.n_units), self.dtype)
            state = np.array(x0[members], dtype=self.dtype, order="C")
            for start in range(0, longest, per_chunk):
                stop = min(start + per_chunk, longest)
                block = self._padded(sequences, members, start, stop)
                self.advance(block, state, buffer[:, start:stop])
            for k, i in enumerate(members):
                states[i] = buffer[k, : lengths[i]]
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

    def project(self, U: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Input projection ``U @ W_in + b`` for every step (one GEMM).

        Parameters
        ----------
        U : ndarray of shape (..., D)
            Inputs.
        out : ndarray of shape (..., N), optional
            Where to write the projection (a new array by default).

        Returns
        -------
        ndarray of shape (..., N)
            ``out``, holding the projection.
        """
        U = U.astype(self.dtype, copy=False)
        if U.shape[-1] == 1:
            # one rounded product per value, as the GEMM computes it, without
            # a GEMM call per sequence of a 3-D block
            pre = np.multiply(U, self.W_in[0], out=out)
        else:
            pre = np.matmul(U, self.W_in, out=out)
        pre += self.bias
        return pre

    def _projection_is_rowwise(self, n_features: int) -> bool:
        # one input: each value is one rounded product plus the bias
        return n_features == 1

    def states_surely_finite(self, input_peak: float, state_peak: float) -> bool:
        """Whether every state is certainly finite, without looking at them.

        True for a bounded activation (tanh, sigmoid: ``|f| <= 1``) when no
        pre-activation can overflow: with inputs ``|u| <= input_peak`` and
        states ``|x| <= max(1, state_peak)`` (a leaky step never leaves that
        bound), every partial sum of ``u W_in + b + x W`` is below
        ``sum |W_in| input_peak + |b| + sum |W| max(1, state_peak)``, kept
        well below the dtype's largest value. Then the states need no
        finiteness pass (a full read of the output).
        """
        if self.activation not in ("tanh", "sigmoid"):
            return False
        if self.sparse:
            rows = np.repeat(np.arange(self.n_units), np.diff(self._indptr))
            column = np.bincount(
                rows, weights=np.abs(self._data), minlength=self.n_units
            )
        else:
            column = np.abs(self._W).sum(axis=0, dtype=np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            bound = (
                np.abs(self.W_in).sum(axis=0, dtype=np.float64) * input_peak
                + np.abs(self.bias)
                + column * max(1.0, state_peak)
            )
            peak = float(np.max(bound, initial=0.0))
        return bool(peak < float(np.finfo(self.dtype).max) * 2.0**-20)

    def lock_step(self, lengths: Sequence[int]) -> bool:
        if not self._parallel_step():
            return False
        # a sequence without a partner of similar length runs on its own
        return len(lengths) == 1 or any(len(b) == 1 for b in self._buckets(lengths))

    def runs_ahead(
        self, lengths: Sequence[int], gram_features: int
    ) -> Callable[[int], bool] | None:
        """Which buckets may run ahead of a caller updating a Gram matrix.

        In ``iter_chunks_ahead`` the kernel runs in a helper thread on one
        core while the caller adds the states already written to its Gram
        matrix on one BLAS thread on the other. That needs two or more
        Numba threads allowed (``n_jobs``), two free cores, and more than
        ``AHEAD_PIECE_VALUES`` state values in all. A lone sequence runs
        ahead up to ``AHEAD_MAX_UNITS`` units (instead of the lock-step
        kernel from ``PARALLEL_MIN_UNITS`` on) while no other thread of
        this process is running (``own_threads_running``); a batch while the Gram
        matrix has at most ``SMALL_GRAM_FEATURES`` columns (its updates
        run on one BLAS thread anyway; the batch kernel's two threads gain
        less than the overlap: fits of 64 sequences of 2,000 steps took
        94 -> 80 ms at 100 units and 1.12 -> 0.86 s at 500 units, best of
        8 interleaved, on the 2-core machine).
        """
        if numba.get_num_threads() < 2 or len(lengths) == 0:
            return None
        if sum(lengths) * self.n_units <= AHEAD_PIECE_VALUES:
            return None
        # a lone sequence's pieces wait on each other often: a thread of this
        # process still spinning on the other core (BLAS workers after a
        # threaded call) slows every hand-over (a fit of one sequence at 100
        # units right after a two-thread GEMV took 37-53 ms running ahead,
        # 33-43 ms not); a batch's chunks still gained (fit of 64 x 2000 at
        # 100 units in the benchmark's rounds: 0.84-0.87 of the reference
        # running ahead, 0.67-0.70 not)
        lone = self.n_units <= AHEAD_MAX_UNITS and not own_threads_running()
        batch = gram_features <= SMALL_GRAM_FEATURES
        sizes = {len(bucket) for bucket in self._buckets(lengths)}
        if not ((lone and 1 in sizes) or (batch and max(sizes) > 1)):
            return None
        busy = busy_cores()
        cores = os.cpu_count() or 1
        if cores < 2 or (busy is not None and cores - busy < 2):
            return None
        return lambda n_members: lone if n_members == 1 else batch

    def _piece_tasks(self, inputs, state, out) -> list[tuple[int, Callable]]:
        """``advance(inputs, state, out)`` as tasks for a helper thread, in order.

        A lone sequence in pieces of about ``AHEAD_PIECE_VALUES`` values on
        the serial kernel (with several input features the first piece
        first projects the whole chunk: the same GEMM as ``advance``).
        A batch on one Numba thread: with one input feature in pieces of
        sequences, whole multiples of ``AHEAD_BATCH_MULTIPLE`` of about
        ``AHEAD_PIECE_VALUES`` values (each sequence's states do not depend
        on the others run with it), with several as one task (the chunk's
        projection is one GEMM). Returns ``(end, task)`` pairs, ``end`` the
        steps (a lone sequence) or sequences (a batch) written once the
        task is done. The same bits as ``advance``.
        """
        n_seq, n_steps = inputs.shape[:2]
        one_input = inputs.shape[2] == 1
        if n_seq > 1:
            group = n_seq
            if one_input:
                group = -(-AHEAD_PIECE_VALUES // max(1, n_steps * self.n_units))
                group = AHEAD_BATCH_MULTIPLE * -(-group // AHEAD_BATCH_MULTIPLE)

            def sequences(first: int, stop: int):
                def run() -> None:
                    numba.set_num_threads(1)  # this thread's own setting
                    self.advance(
                        inputs[first:stop], state[first:stop], out[first:stop],
                        serial=True,
                    )  # fmt: skip

                return run

            return [
                (stop, sequences(first, stop)) for first, stop in _spans(n_seq, group)
            ]
        piece = max(1, AHEAD_PIECE_VALUES // self.n_units)

        def task(start: int, stop: int):
            def run() -> None:
                part = out[:, start:stop]
                if one_input:
                    self.advance(inputs[:, start:stop], state, part, serial=True)
                    return
                if start == 0:
                    self.project(inputs, out=out)
                self.run_projected(part, state, part, serial=True)
                state[:] = out[:, stop - 1]

            return run

        return [(stop, task(start, stop)) for start, stop in _spans(n_steps, piece)]

    def _parallel_step(self) -> bool:
        """Whether one sequence runs with its units split over threads.

        From ``PARALLEL_MIN_UNITS`` units on, with two or more Numba threads,
        and only while the cores those threads need are free: the threads
        advance in lock step, one step at a time, so a thread that loses
        its core stalls the others (5-15x slower than the serial kernel on
        the shared 2-core machine with other jobs running). Same bits either
        way.
        """
        n_threads = numba.get_num_threads()
        if n_threads < 2 or self.n_units < _kernels.PARALLEL_MIN_UNITS:
            return False
        busy = busy_cores()
        cores = os.cpu_count() or 1
        return busy is None or cores - busy >= min(n_threads, cores)

    def _lock_step_threads(self, serial: bool) -> tuple[int, ...]:
        """The ``n_threads`` argument of one sequence's kernel: the Numba
        threads of the lock-step kernel (one unit range per thread and
        step), or none for the serial kernel (``serial``, or not
        ``_parallel_step``)."""
        if serial or not self._parallel_step():
            return ()
        return (numba.get_num_threads(),)

    def advance(
        self,
        inputs: np.ndarray,
        state: np.ndarray,
        out: np.ndarray | None = None,
        serial: bool = False,
    ) -> np.ndarray:
        """``_Runner.advance``; ``serial``: from a helper thread (``_piece_tasks``).

        Then one sequence runs on the serial kernel whatever the cores, and
        the projection runs on the BLAS threads in force (the caller holds
        one: ``iter_chunks_ahead``).
        """
        n_seq, n_steps = inputs.shape[:2]
        if out is None:
            out = np.empty((n_seq, n_steps, self.n_units), dtype=self.dtype)
        if n_steps == 0:
            return out
        if inputs.shape[2] == 1:
            # one input: projected inside the kernels' time loop
            self._run_inputs(inputs, state, out, serial)
            state[:] = out[:, -1]
            return out
        # several features: a GEMM row's bits depend on the block of rows it
        # sits in, so the caller's chunk is projected whole, in place into
        # the destination when it is contiguous
        pre = out if out.flags.c_contiguous else np.empty(out.shape, self.dtype)
        with contextlib.nullcontext() if serial else blas_threads(1):
            self.project(inputs, out=pre)
        self.run_projected(pre, state, out, serial)
        state[:] = out[:, -1]
        return out

    def _run_inputs(
        self,
        inputs: np.ndarray,
        state: np.ndarray,
        out: np.ndarray,
        serial: bool = False,
    ):
        """Run one-feature ``inputs`` (k, steps, 1) with the ``*_inputs`` kernels.

        ``serial``: one sequence on the serial kernel, whatever the cores.
        """
        u = np.ascontiguousarray(inputs[:, :, 0], dtype=self.dtype)
        w_in = self.W_in[0]
        if u.shape[0] == 1:
            threads = self._lock_step_threads(serial)
            if self.sparse:
                kernel = (
                    _kernels.run_csr_parallel_inputs
                    if threads
                    else _kernels.run_csr_inputs
                )
                kernel(
                    u[0], w_in, self.bias, self._indptr, self._indices, self._data,
                    self.leak, self._code, state[0], out[0], *threads,
                )  # fmt: skip
            else:
                kernel = (
                    _kernels.run_dense_parallel_inputs
                    if threads
                    else _kernels.run_dense_inputs
                )
                kernel(
                    u[0], w_in, self.bias, self._W, self.leak, self._code, state[0],
                    out[0], *threads,
                )  # fmt: skip
        elif self.sparse:
            _kernels.run_csr_batch_inputs(
                u, w_in, self.bias, self._indptr, self._indices, self._data,
                self.leak, self._code, state, out,
            )  # fmt: skip
        else:
            _kernels.run_dense_batch_inputs(
                u, w_in, self.bias, self._W, self.leak, self._code, state, out
            )

    def run_projected(
        self,
        pre: np.ndarray,
        state: np.ndarray,
        out: np.ndarray | None = None,
        serial: bool = False,
    ) -> np.ndarray:
        """Run projected inputs ``pre`` (k, steps, N) from ``state`` (k, N).

        The states go into ``out`` (``pre`` itself by default: in place).
        One sequence runs with the single-sequence kernel (split over threads
        for large reservoirs unless ``serial``), several with the batched
        one.
        """
        out = pre if out is None else out
        if pre.shape[0] == 1:
            x0 = state[0]
            threads = self._lock_step_threads(serial)
            if self.sparse:
                kernel = _kernels.run_csr_parallel if threads else _kernels.run_csr
                kernel(
                    pre[0],
                    self._indptr,
                    self._indices,
                    self._data,
                    self.leak,
                    self._code,
                    x0,
                    out[0],
                    *threads,
                )
            else:
                kernel = _kernels.run_dense_parallel if threads else _kernels.run_dense
                kernel(pre[0], self._W, self.leak, self._code, x0, out[0], *threads)
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

    def lock_step(self, lengths: Sequence[int]) -> bool:
        return any(layer.lock_step(lengths) for layer in self.layers)

    def advance(
        self, inputs: np.ndarray, state: np.ndarray, out: np.ndarray | None = None
    ) -> np.ndarray:
        n_seq, n_steps = inputs.shape[:2]
        if out is None:
            out = np.empty((n_seq, n_steps, self.n_units), dtype=self.dtype)
        layer_input = inputs
        for layer, lo, hi in zip(
            self.layers, self._bounds[:-1], self._bounds[1:], strict=True
        ):
            layer_state = np.ascontiguousarray(state[:, lo:hi])
            # each layer's states are the next layer's (contiguous) input
            layer_input = layer.advance(layer_input, layer_state)
            state[:, lo:hi] = layer_state
            out[:, :, lo:hi] = layer_input
        return out


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

    def lock_step(self, lengths: Sequence[int]) -> bool:
        # every sequence runs on its own
        return self.forward.lock_step([0]) or self.backward.lock_step([0])

    def _buckets(self, lengths):
        # padding would sit at the end, where the backward pass starts: run
        # every sequence on its own length
        return [[i] for i in range(len(lengths))]

    def advance(
        self, inputs: np.ndarray, state: np.ndarray, out: np.ndarray | None = None
    ) -> np.ndarray:
        n_seq, n_steps = inputs.shape[:2]
        if out is None:
            out = np.empty((n_seq, n_steps, self.n_units), dtype=self.dtype)
        split = self.forward.n_units
        fwd_state = np.ascontiguousarray(state[:, :split])
        bwd_state = np.ascontiguousarray(state[:, split:])
        fwd = self.forward.advance(inputs, fwd_state)
        bwd = self.backward.advance(np.ascontiguousarray(inputs[:, ::-1]), bwd_state)
        state[:, :split], state[:, split:] = fwd_state, bwd_state
        out[:, :, :split] = fwd
        out[:, :, split:] = bwd[:, ::-1]
        return out
