"""Numba kernels for reservoir state harvesting.

Plain arrays in, plain arrays out; no validation here (the public layer does
it). Row-vector convention: one step computes

    s_t = pre_t + x_{t-1} @ W,   x_t = (1 - a) * x_{t-1} + a * f(s_t)

where ``pre = U @ W_in + b`` is projected before the kernel runs those steps
(with several input features the runners project a chunk of steps at a time,
see ``_reservoir``). With one input feature the ``*_inputs`` variants take
``u``, ``w_in`` and ``b`` instead and write each step's projection
``u_t * w_in + b`` (one rounded product, one rounded sum: the same bits)
into its output row just before the step runs on it in place.
The dense kernels take ``W`` itself (C order, rows are source units); the
sparse kernels take the CSR arrays of ``W.T`` (rows are target units), so each
unit gathers its inputs. Activations are integer codes (see ``ACTIVATION_CODES``).
All arrays of one call share one float dtype (float64 or float32). Nothing is
allocated inside a time loop and no input array but ``out`` is written to.
``out`` may be ``pre`` itself: every step reads its projected inputs before
it writes the states over them, so the library runs in place on its
projection buffer (half the memory, and no cache misses to allocate ``out``).

Summation order
---------------
All variants of one storage format add in the same fixed order, so a sequence
gets the same bits whether it runs alone (``run_csr``), in a batch
(``run_csr_batch``) or with its units split over threads
(``run_csr_parallel``), and whatever the number of numba threads. Unit ``j``
starts from ``s = pre_j``; its inputs (the entries of row ``j`` of ``W.T`` in
storage order, or the source units ``0..N-1`` for a dense ``W``) are taken in
groups of eight, then at most one group of four, then one at a time::

    s += ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7))   # groups of 8
    s += (p0 + p1) + (p2 + p3)                               # one group of 4
    s += p0                                                  # the rest

with ``p = w * x``. One running sum per eight products keeps the add latency
off the critical path, and the batched kernels keep it in registers.

Activation
----------
``tanh`` is a branch-free, vectorisable implementation (Cephes-style range
reduction and Pade form of ``exp``; at most 4 ulp from ``np.tanh``) instead of
the libm call, which LLVM cannot vectorise. It is evaluated in float64 for
float32 data too. ``sigmoid`` uses ``np.exp``.

Implementation notes
--------------------
numba runs LLVM without its SLP vectoriser and cannot declare arrays
non-aliasing, so the loop vectoriser guards every short inner loop with
run-time alias checks. The hot inner loops are therefore written as small
LLVM code generators (``numba.extending.intrinsic``): the CSR group product
of ``run_csr`` (``_gather_dot8``), the block row update of the batched kernels
(``_lanes_row``) and the transposes between sequence-major and unit-major
layouts (``_transpose``). They perform the same IEEE operations in the same
order as the scalar expressions, so they change speed, not results (no
fast-math flags; ``_fma`` in ``tanh`` rounds once by definition). With
``NUMBA_DISABLE_JIT=1`` plain-Python versions are used instead. The kernels
use ``error_model='numpy'``: the Python model's division-by-zero checks would
also block vectorisation.
"""

from __future__ import annotations

import math
import os
import platform

import numpy as np
from llvmlite import ir
from numba import config, njit, prange
from numba.core import cgutils, types
from numba.extending import intrinsic

ACTIVATION_CODES = {"tanh": 0, "identity": 1, "relu": 2, "sigmoid": 3}

#: Sequences advanced together by one thread in the batched kernels. Fixed so
#: that the work split does not depend on the number of threads (results do
#: not depend on it either: every sequence is computed independently).
BLOCK_SIZE = 16

#: From this many units on, ``run_csr_parallel`` / ``run_dense_parallel`` on
#: two or more numba threads beat ``run_csr`` / ``run_dense`` on an idle
#: machine (measured with ``benchmarks/bench_harvest.py``: at density 0.1 on
#: 2 threads, 1.1x at 200 units, 1.2-1.6x from 300 on); below it the per-step
#: synchronisation costs more than the split saves.
PARALLEL_MIN_UNITS = 300

#: Most unit ranges ("chunks") per step in the ``*_parallel`` kernels (one
#: per thread they may use, ``_step_chunks``), so the most threads they use.
#: Threads claim chunks one at a time, so a slow or busy thread gets fewer of
#: them. Results do not depend on it.
_N_CHUNKS = 8

#: Slots of the claimed-chunks and done-chunks counters of the ``*_parallel``
#: kernels in their int64 counter array: 128 bytes apart, so the two counters
#: never share a cache line.
_CLAIMED = 0
_DONE = 16

#: Whether the spin-wait hint is the x86 ``pause`` instruction.
_X86 = platform.machine().lower() in ("x86_64", "amd64", "i386", "i686", "x86")

#: Whether libc has ``sched_yield`` (every platform but Windows).
_POSIX = os.name == "posix"

#: Spin-wait hints before a waiting thread of the ``*_parallel`` kernels
#: starts yielding its core (roughly 0.1 ms): far longer than a step's wait on
#: free cores, short enough that a thread waiting for a preempted one hands
#: it the core soon.
_SPINS_BEFORE_YIELD = 4096

#: Sequences per register block in ``_lanes_row`` (4 float64 or 2 float32
#: vectors of 32 bytes).
_LANE_CHUNK = 16

#: ``1.5 * 2**52 + 1023``: adding it rounds to an integer ``n`` and leaves
#: ``n + 1023`` in the low bits (see ``_exp2_shifted``).
_SHIFT = 6755399441055744.0 + 1023.0

_U1 = np.uint64(1)
_U2 = np.uint64(2)
_U3 = np.uint64(3)
_U4 = np.uint64(4)
_U7 = np.uint64(7)
_U8 = np.uint64(8)


# ---------------------------------------------------------------------------
# LLVM code generators (and their plain-Python equivalents)
# ---------------------------------------------------------------------------


def _pairwise_sum(add, terms):
    """``((t0 + t1) + (t2 + t3)) + ((t4 + t5) + (t6 + t7))`` for 1, 2, 4 or 8.

    Parameters
    ----------
    add : callable
        ``add(a, b)``: emits or computes ``a + b``.
    terms : list
        The terms, a power of two of them.

    Returns
    -------
    object
        The sum.
    """
    while len(terms) > 1:
        terms = [add(terms[i], terms[i + 1]) for i in range(0, len(terms), 2)]
    return terms[0]


def _as_i64(builder, value, signed):
    """Extend an integer LLVM value to 64 bits.

    Parameters
    ----------
    builder : llvmlite.ir.IRBuilder
        Where to emit.
    value : llvmlite value
        Integer value.
    signed : bool
        Sign- or zero-extend.

    Returns
    -------
    llvmlite value
        The value as ``i64``.
    """
    i64 = ir.IntType(64)
    if value.type.width == 64:
        return value
    return builder.sext(value, i64) if signed else builder.zext(value, i64)


def _element_pointer(builder, arr, array_type, position):
    """Pointer to element ``position`` of a 1-D numba array of any layout.

    Parameters
    ----------
    builder : llvmlite.ir.IRBuilder
        Where to emit.
    arr : numba array structure
        From ``context.make_array``.
    array_type : numba.types.Array
        Its type.
    position : llvmlite value
        ``i64`` index.

    Returns
    -------
    llvmlite value
        Typed element pointer.
    """
    if array_type.layout == "C":
        return builder.gep(arr.data, [position])
    stride = builder.extract_value(arr.strides, 0)
    raw = builder.bitcast(arr.data, ir.IntType(8).as_pointer())
    return builder.bitcast(
        builder.gep(raw, [builder.mul(position, stride)]), arr.data.type
    )


if config.DISABLE_JIT:  # pragma: no cover - pure-Python fallbacks for coverage

    def _exp2_shifted(t):
        """``2.0 ** n`` for ``t = n + _SHIFT`` (see ``_tanh``).

        Parameters
        ----------
        t : float
            Shifted integer exponent.

        Returns
        -------
        float
            ``2.0 ** (t - _SHIFT)``.
        """
        n = t - _SHIFT
        return math.ldexp(1.0, int(n)) if n == n else n

    def _opaque(value):
        """``value`` itself (see the compiled version).

        Parameters
        ----------
        value : float
            Any float.

        Returns
        -------
        float
            ``value``.
        """
        return value

    def _fma(a, b, c):
        """``a * b + c``.

        Parameters
        ----------
        a, b, c : float
            Operands.

        Returns
        -------
        float
            ``a * b + c`` (rounded twice here, once when compiled).
        """
        return a * b + c

    def _gather_dot8(data, indices, k, x):
        """``((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7))``.

        Parameters
        ----------
        data : ndarray
            Values.
        indices : ndarray of int
            Column indices.
        k : int
            First entry of the group.
        x : ndarray
            Vector gathered from.

        Returns
        -------
        float
            Pairwise sum of ``data[k + q] * x[indices[k + q]]``, ``q < 8``.
        """
        products = [data[k + q] * x[indices[k + q]] for q in range(8)]
        return _pairwise_sum(lambda a, b: a + b, products)

    def _lanes_row(y, X, data, indices, begin, end):
        """``y += X[indices[k]] * data[k]`` over a row, in the fixed order.

        Parameters
        ----------
        y : ndarray of shape (B,)
            Running sums of the block's sequences, updated in place.
        X : ndarray of shape (N, B)
            States of the block.
        data : ndarray
            Weights.
        indices : ndarray of int
            Rows of ``X``.
        begin, end : int
            Range of the row in ``data`` / ``indices``.
        """
        k, end = int(begin), int(end)
        while k + 8 <= end:
            terms = [data[k + q] * X[indices[k + q]] for q in range(8)]
            y += _pairwise_sum(lambda a, b: a + b, terms)
            k += 8
        if k + 4 <= end:
            terms = [data[k + q] * X[indices[k + q]] for q in range(4)]
            y += _pairwise_sum(lambda a, b: a + b, terms)
            k += 4
        for kk in range(k, end):
            y += data[kk] * X[indices[kk]]

    def _transpose(dst, src):
        """``dst[...] = src.T``.

        Parameters
        ----------
        dst : ndarray of shape (R, C)
            Written.
        src : ndarray of shape (C, R)
            Read.
        """
        dst[...] = src.T

    def _atomic_add(counters, slot, value):
        """``counters[slot] += value``; returns the old value.

        Parameters
        ----------
        counters : ndarray of int64
            Counters.
        slot : int
            Which counter.
        value : int
            Increment.

        Returns
        -------
        int
            The counter before the increment.
        """
        old = int(counters[slot])
        counters[slot] = old + value
        return old

    def _atomic_load(counters, slot):
        """``counters[slot]``.

        Parameters
        ----------
        counters : ndarray of int64
            Counters.
        slot : int
            Which counter.

        Returns
        -------
        int
            Its value.
        """
        return int(counters[slot])

    def _spin_wait(spins):
        """Nothing (the compiled version hints the CPU or yields the core).

        Parameters
        ----------
        spins : int
            Checks the caller has made so far.
        """

else:

    def _counter_pointer(context, builder, signature, args):
        """Emit a pointer to ``counters[slot]`` (an int64 array element)."""
        arr = context.make_array(signature.args[0])(context, builder, args[0])
        slot = _as_i64(builder, args[1], signature.args[1].signed)
        return builder.gep(arr.data, [slot])

    def _is_counter_array(counters, slot):
        """Whether the types are a 1-D C int64 array and an integer."""
        return (
            isinstance(counters, types.Array)
            and counters.ndim == 1
            and counters.layout == "C"
            and counters.dtype == types.int64
            and isinstance(slot, types.Integer)
        )

    @intrinsic
    def _atomic_add(typingctx, counters, slot, value):
        """Atomic ``counters[slot] += value`` (sequentially consistent).

        Returns the counter's old value. The increment publishes every write
        the thread made before it (release) and sees every write published
        before it (acquire).

        Parameters
        ----------
        typingctx : numba typing context
            Supplied by numba.
        counters : numba type
            1-D C-contiguous int64 array.
        slot : numba type
            Integer index.
        value : numba type
            Integer increment.

        Returns
        -------
        tuple
            Signature and code generator (None for other types).
        """
        if not (_is_counter_array(counters, slot) and isinstance(value, types.Integer)):
            return None

        def codegen(context, builder, signature, args):
            """Emit an ``atomicrmw add``."""
            ptr = _counter_pointer(context, builder, signature, args)
            value = _as_i64(builder, args[2], signature.args[2].signed)
            return builder.atomic_rmw("add", ptr, value, "seq_cst")

        return types.int64(counters, slot, value), codegen

    @intrinsic
    def _atomic_load(typingctx, counters, slot):
        """Atomic load of ``counters[slot]`` with acquire ordering.

        Every write published before the value was stored (by
        ``_atomic_add``) is visible after the load.

        Parameters
        ----------
        typingctx : numba typing context
            Supplied by numba.
        counters : numba type
            1-D C-contiguous int64 array.
        slot : numba type
            Integer index.

        Returns
        -------
        tuple
            Signature and code generator (None for other types).
        """
        if not _is_counter_array(counters, slot):
            return None

        def codegen(context, builder, signature, args):
            """Emit an atomic ``load acquire``."""
            ptr = _counter_pointer(context, builder, signature, args)
            return builder.load_atomic(ptr, "acquire", 8)

        return types.int64(counters, slot), codegen

    @intrinsic
    def _spin_wait(typingctx, spins):
        """One wait of a spin loop: a CPU hint, or the core given up.

        While ``spins < _SPINS_BEFORE_YIELD``, the CPU's spin-wait hint
        (``pause`` on x86, nothing elsewhere). After that, ``sched_yield``
        (POSIX; the hint on Windows): on an oversubscribed machine the thread
        that is waited for may be the one that needs the core.

        Parameters
        ----------
        typingctx : numba typing context
            Supplied by numba.
        spins : numba type
            Integer, the checks the caller has made so far.

        Returns
        -------
        tuple
            Signature and code generator (None for other types).
        """
        if not isinstance(spins, types.Integer):
            return None

        def codegen(context, builder, signature, args):
            """Emit the hint, or a call to libc's ``sched_yield``."""

            def call(name, return_type):
                """Emit a call to the argument-less function ``name``."""
                fnty = ir.FunctionType(return_type, [])
                builder.call(
                    cgutils.get_or_insert_function(builder.module, fnty, name), []
                )

            def hint():
                """Emit the spin-wait hint (x86 ``pause``; nothing elsewhere)."""
                if _X86:
                    call("llvm.x86.sse2.pause", ir.VoidType())

            count = _as_i64(builder, args[0], signature.args[0].signed)
            spinning = builder.icmp_signed(
                "<", count, ir.Constant(count.type, _SPINS_BEFORE_YIELD)
            )
            with builder.if_else(spinning, likely=True) as (spin, give_up):
                with spin:
                    hint()
                with give_up:
                    if _POSIX:
                        call("sched_yield", ir.IntType(32))
                    else:
                        hint()
            return context.get_dummy_value()

        return types.none(spins), codegen

    @intrinsic
    def _exp2_shifted(typingctx, t):
        """``2.0 ** n`` from ``t = n + _SHIFT`` (``n`` an integer in [-1023, 1024)).

        ``_SHIFT = 1.5 * 2**52 + 1023``, so the low bits of ``t`` hold
        ``n + 1023``: shifted into the exponent field they make ``2.0 ** n``.
        Two vector instructions instead of a libm ``ldexp`` call.

        Parameters
        ----------
        typingctx : numba typing context
            Supplied by numba.
        t : numba type
            float64.

        Returns
        -------
        tuple
            Signature and code generator.
        """
        if t != types.float64:
            return None

        def codegen(context, builder, signature, args):
            """Emit ``2.0 ** n`` from the bits of ``t``."""
            i64 = ir.IntType(64)
            bits = builder.shl(builder.bitcast(args[0], i64), ir.Constant(i64, 52))
            return builder.bitcast(bits, ir.DoubleType())

        return types.float64(types.float64), codegen

    @intrinsic
    def _opaque(typingctx, value):
        """``value``, hidden from the optimiser behind an empty ``asm``.

        For the constants of ``_tanh``: LLVM cannot see through the ``asm``,
        so it hoists each constant out of the vectorised loop once (the call
        is marked ``readnone``) and keeps it in a register or a stack slot
        that the arithmetic reads directly. Left visible, the constants are
        re-broadcast from the constant pool inside the loop (numba's JIT code
        model addresses it absolutely), about a third of the loop's
        instructions. The value and the results are unchanged; only the code
        is (``_tanh`` is about 20 % faster).

        Parameters
        ----------
        typingctx : numba typing context
            Supplied by numba.
        value : numba type
            float64.

        Returns
        -------
        tuple
            Signature and code generator (None for other types).
        """
        if value != types.float64:
            return None

        def codegen(context, builder, signature, args):
            """Emit the value through an empty ``asm`` on its 64 bits."""
            i64 = ir.IntType(64)
            asm = ir.InlineAsm(ir.FunctionType(i64, [i64]), "", "=r,0")
            bits = builder.call(
                asm, [builder.bitcast(args[0], i64)], attrs=("readnone", "nounwind")
            )
            return builder.bitcast(bits, ir.DoubleType())

        return types.float64(value), codegen

    @intrinsic
    def _fma(typingctx, a, b, c):
        """``a * b + c`` rounded once (``llvm.fma``; vectorisable).

        Used in ``_tanh`` only: exactly rounded and deterministic (a libm
        call on CPUs without FMA instructions), not a fast-math licence.

        Parameters
        ----------
        typingctx : numba typing context
            Supplied by numba.
        a, b, c : numba type
            float64 operands.

        Returns
        -------
        tuple
            Signature and code generator (None for other types).
        """
        if not (a == b == c == types.float64):
            return None

        def codegen(context, builder, signature, args):
            """Emit a call to ``llvm.fma.f64``."""
            f64 = ir.DoubleType()
            fn = builder.module.declare_intrinsic(
                "llvm.fma", [f64], ir.FunctionType(f64, [f64, f64, f64])
            )
            return builder.call(fn, args)

        return types.float64(a, b, c), codegen

    @intrinsic
    def _gather_dot8(typingctx, data, indices, k, x):
        """``((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7))``, ``p = w x``.

        ``p_q = data[k + q] * x[indices[k + q]]`` for ``q < 8``: one CSR group
        of ``run_csr``. The products are two 4-wide vector multiplications
        (the eight ``x`` gathered into vectors) and the pairwise sums a
        horizontal add: the bits of the scalar expression with a third fewer
        loads.

        Parameters
        ----------
        typingctx : numba typing context
            Supplied by numba.
        data : numba type
            1-D float array.
        indices : numba type
            1-D integer array (non-negative values).
        k : numba type
            Integer position of the group's first entry.
        x : numba type
            1-D array of ``data``'s dtype.

        Returns
        -------
        tuple
            Signature and code generator (None for unsupported types).
        """
        if not (
            isinstance(data, types.Array)
            and isinstance(indices, types.Array)
            and isinstance(x, types.Array)
            and data.ndim == indices.ndim == x.ndim == 1
            and isinstance(data.dtype, types.Float)
            and data.dtype == x.dtype
            and isinstance(indices.dtype, types.Integer)
            and isinstance(k, types.Integer)
        ):
            return None

        def codegen(context, builder, signature, args):
            """Emit the group's gathers, products and pairwise sum."""
            data_ty, indices_ty, k_ty, x_ty = signature.args
            d = context.make_array(data_ty)(context, builder, args[0])
            ix = context.make_array(indices_ty)(context, builder, args[1])
            xs = context.make_array(x_ty)(context, builder, args[3])
            elem = context.get_value_type(data_ty.dtype)
            itemsize = context.get_abi_sizeof(elem)
            i32 = ir.IntType(32)
            i64 = ir.IntType(64)
            vec = ir.VectorType(elem, 4)
            k0 = _as_i64(builder, args[2], k_ty.signed)

            def products(q0):
                """Emit four products ``data[k + q] * x[indices[k + q]]`` (a vector)."""
                w = ir.Constant(vec, ir.Undefined)
                v = ir.Constant(vec, ir.Undefined)
                for u in range(4):
                    pos = builder.add(k0, ir.Constant(i64, q0 + u))
                    col = builder.load(_element_pointer(builder, ix, indices_ty, pos))
                    col = _as_i64(builder, col, indices_ty.dtype.signed)
                    xv = builder.load(_element_pointer(builder, xs, x_ty, col))
                    v = builder.insert_element(v, xv, ir.Constant(i32, u))
                    if data_ty.layout != "C":
                        dv = builder.load(_element_pointer(builder, d, data_ty, pos))
                        w = builder.insert_element(w, dv, ir.Constant(i32, u))
                if data_ty.layout == "C":
                    pos = builder.add(k0, ir.Constant(i64, q0))
                    ptr = builder.bitcast(builder.gep(d.data, [pos]), vec.as_pointer())
                    w = builder.load(ptr, align=itemsize)
                return builder.fmul(w, v)

            def shuffle(a, b, mask):
                """Emit a ``shufflevector`` with a constant mask."""
                return builder.shuffle_vector(
                    a, b, ir.Constant(ir.VectorType(i32, len(mask)), mask)
                )

            a = products(0)  # p0 p1 p2 p3
            b = products(4)  # p4 p5 p6 p7
            pairs = builder.fadd(
                shuffle(a, b, [0, 4, 2, 6]), shuffle(a, b, [1, 5, 3, 7])
            )  # p0+p1, p4+p5, p2+p3, p6+p7
            quads = builder.fadd(
                shuffle(pairs, pairs, [0, 1]), shuffle(pairs, pairs, [2, 3])
            )
            return builder.fadd(
                builder.extract_element(quads, ir.Constant(i32, 0)),
                builder.extract_element(quads, ir.Constant(i32, 1)),
            )

        return data.dtype(data, indices, k, x), codegen

    @intrinsic
    def _lanes_row(typingctx, y, X, data, indices, begin, end):
        """``y[b] += sum_k data[k] * X[indices[k], b]`` for a block's lanes.

        One row of ``W.T`` (entries ``begin:end``) applied to the states of
        a block of sequences (the columns of ``X``), in the order of the
        module docstring. Each register block of ``_LANE_CHUNK`` sequences
        keeps its running sums in vector registers over the whole row; the
        weights are broadcast, the rows of ``X`` loaded as vectors. ``y``
        must not overlap the rows of ``X`` that are read.

        Parameters
        ----------
        typingctx : numba typing context
            Supplied by numba.
        y : numba type
            1-D C-contiguous float array (the row's sums, one per sequence).
        X : numba type
            2-D C-contiguous array of the same dtype, one row per unit.
        data : numba type
            1-D array of the same dtype (any layout): the weights.
        indices : numba type
            1-D integer array (any layout): rows of ``X``, non-negative.
        begin, end : numba type
            Integers, the range of the row in ``data`` / ``indices``.

        Returns
        -------
        tuple
            Signature and code generator (None for unsupported types).
        """
        if not (
            isinstance(y, types.Array)
            and isinstance(X, types.Array)
            and isinstance(data, types.Array)
            and isinstance(indices, types.Array)
            and y.ndim == data.ndim == indices.ndim == 1
            and X.ndim == 2
            and y.layout == X.layout == "C"
            and isinstance(y.dtype, types.Float)
            and y.dtype == X.dtype == data.dtype
            and isinstance(indices.dtype, types.Integer)
            and isinstance(begin, types.Integer)
            and isinstance(end, types.Integer)
        ):
            return None

        def codegen(context, builder, signature, args):
            """Emit the row update for every lane of ``y``."""
            y_ty, X_ty, d_ty, i_ty, b_ty, e_ty = signature.args
            ya = context.make_array(y_ty)(context, builder, args[0])
            Xa = context.make_array(X_ty)(context, builder, args[1])
            da = context.make_array(d_ty)(context, builder, args[2])
            ia = context.make_array(i_ty)(context, builder, args[3])
            elem = context.get_value_type(y_ty.dtype)
            itemsize = context.get_abi_sizeof(elem)
            width = 32 // itemsize
            i32 = ir.IntType(32)
            i64 = ir.IntType(64)

            def const(value):
                """An ``i64`` constant."""
                return ir.Constant(i64, value)

            begin = _as_i64(builder, args[4], b_ty.signed)
            end = _as_i64(builder, args[5], e_ty.signed)
            n_lanes = builder.extract_value(ya.shape, 0)
            row_bytes = builder.extract_value(Xa.strides, 0)
            x_base = builder.bitcast(Xa.data, ir.IntType(8).as_pointer())
            n_groups = builder.lshr(builder.sub(end, begin), const(3))
            after8 = builder.add(begin, builder.shl(n_groups, const(3)))
            has4 = builder.icmp_signed(">=", builder.sub(end, after8), const(4))
            after4 = builder.select(has4, builder.add(after8, const(4)), after8)

            def weight(pos):
                """Emit the load of weight ``data[pos]``."""
                return builder.load(_element_pointer(builder, da, d_ty, pos))

            def source_row(pos):
                """Emit a pointer to the row of ``X`` named by ``indices[pos]``."""
                row = builder.load(_element_pointer(builder, ia, i_ty, pos))
                row = _as_i64(builder, row, i_ty.dtype.signed)
                ptr = builder.gep(x_base, [builder.mul(row, row_bytes)])
                return builder.bitcast(ptr, elem.as_pointer())

            def emit_lanes(lane0, n_vec, w):
                """Emit the whole row for lanes ``lane0 .. lane0 + n_vec * w``."""
                vty = ir.VectorType(elem, w) if w > 1 else elem

                def splat(value):
                    """Emit ``value`` broadcast to a vector (itself for one lane)."""
                    if w == 1:
                        return value
                    undef = ir.Constant(vty, ir.Undefined)
                    v = builder.insert_element(undef, value, ir.Constant(i32, 0))
                    zeros = ir.Constant(ir.VectorType(i32, w), [0] * w)
                    return builder.shuffle_vector(v, undef, zeros)

                def lane_ptr(ptr, offset):
                    """Emit a (vector) pointer to the lanes at ``offset`` of a row."""
                    p = builder.gep(ptr, [offset])
                    return p if w == 1 else builder.bitcast(p, vty.as_pointer())

                offsets = [builder.add(lane0, const(v * w)) for v in range(n_vec)]
                sums = [cgutils.alloca_once(builder, vty) for _ in range(n_vec)]
                for v in range(n_vec):
                    value = builder.load(lane_ptr(ya.data, offsets[v]), align=itemsize)
                    builder.store(value, sums[v])

                def group(k, size):
                    """Emit one group of ``size`` entries starting at entry ``k``."""
                    ws = [splat(weight(builder.add(k, const(q)))) for q in range(size)]
                    rows = [source_row(builder.add(k, const(q))) for q in range(size)]
                    for v in range(n_vec):
                        prods = [
                            builder.fmul(
                                ws[q],
                                builder.load(
                                    lane_ptr(rows[q], offsets[v]), align=itemsize
                                ),
                            )
                            for q in range(size)
                        ]
                        total = builder.fadd(
                            builder.load(sums[v]), _pairwise_sum(builder.fadd, prods)
                        )
                        builder.store(total, sums[v])

                with cgutils.for_range(builder, n_groups) as loop:
                    group(builder.add(begin, builder.shl(loop.index, const(3))), 8)
                with builder.if_then(has4):
                    group(after8, 4)
                with cgutils.for_range_slice(builder, after4, end, const(1)) as (k, _):
                    group(k, 1)
                for v in range(n_vec):
                    ptr = lane_ptr(ya.data, offsets[v])
                    builder.store(builder.load(sums[v]), ptr, align=itemsize)

            # exactly one register block (a full block of BLOCK_SIZE lanes):
            # constant offsets, no lane loops
            one_chunk = builder.icmp_unsigned("==", n_lanes, const(_LANE_CHUNK))
            with builder.if_else(one_chunk, likely=True) as (full, other):
                with full:
                    emit_lanes(const(0), _LANE_CHUNK // width, width)
                with other:
                    # register blocks of _LANE_CHUNK lanes, then single
                    # vectors, then single lanes
                    n_chunks = builder.udiv(n_lanes, const(_LANE_CHUNK))
                    with cgutils.for_range(builder, n_chunks) as loop:
                        lane0 = builder.mul(loop.index, const(_LANE_CHUNK))
                        emit_lanes(lane0, _LANE_CHUNK // width, width)
                    done = builder.mul(n_chunks, const(_LANE_CHUNK))
                    n_vectors = builder.udiv(builder.sub(n_lanes, done), const(width))
                    with cgutils.for_range(builder, n_vectors) as loop:
                        lane0 = builder.add(done, builder.mul(loop.index, const(width)))
                        emit_lanes(lane0, 1, width)
                    done = builder.add(done, builder.mul(n_vectors, const(width)))
                    lanes_left = cgutils.for_range_slice(
                        builder, done, n_lanes, const(1)
                    )
                    with lanes_left as (b, _):
                        emit_lanes(b, 1, 1)
            return context.get_dummy_value()

        return types.void(y, X, data, indices, begin, end), codegen

    @intrinsic
    def _transpose(typingctx, dst, src):
        """``dst[...] = src.T`` in 4 x 4 tiles of vector loads and shuffles.

        Moves a block's states between the sequence-major arrays (``pre``,
        ``out``) and the unit-major block buffers. Tiles need contiguous
        rows in both arrays (checked at run time; otherwise element by
        element).

        Parameters
        ----------
        typingctx : numba typing context
            Supplied by numba.
        dst : numba type
            2-D float array of shape (R, C), any strides.
        src : numba type
            2-D array of the same dtype and shape (C, R), any strides.

        Returns
        -------
        tuple
            Signature and code generator (None for unsupported types).
        """
        if not (
            isinstance(dst, types.Array)
            and isinstance(src, types.Array)
            and dst.ndim == src.ndim == 2
            and dst.dtype == src.dtype
            and isinstance(dst.dtype, types.Float)
        ):
            return None

        def codegen(context, builder, signature, args):
            """Emit the tiled transpose and the element-wise remainders."""
            d = context.make_array(signature.args[0])(context, builder, args[0])
            s = context.make_array(signature.args[1])(context, builder, args[1])
            elem = context.get_value_type(signature.args[0].dtype)
            itemsize = context.get_abi_sizeof(elem)
            i32 = ir.IntType(32)
            i64 = ir.IntType(64)
            vec = ir.VectorType(elem, 4)
            n_rows = builder.extract_value(d.shape, 0)
            n_cols = builder.extract_value(d.shape, 1)
            d_rs, d_cs = (builder.extract_value(d.strides, a) for a in (0, 1))
            s_rs, s_cs = (builder.extract_value(s.strides, a) for a in (0, 1))
            d_base = builder.bitcast(d.data, ir.IntType(8).as_pointer())
            s_base = builder.bitcast(s.data, ir.IntType(8).as_pointer())

            def const(value):
                """An ``i64`` constant."""
                return ir.Constant(i64, value)

            def at(base, r, c, rs, cs):
                """Emit a pointer to element ``(r, c)`` of a strided 2-D array."""
                offset = builder.add(builder.mul(r, rs), builder.mul(c, cs))
                return builder.bitcast(builder.gep(base, [offset]), elem.as_pointer())

            def shuffle(a, b, mask):
                """Emit a ``shufflevector`` with a constant mask."""
                return builder.shuffle_vector(
                    a, b, ir.Constant(ir.VectorType(i32, 4), mask)
                )

            size = const(itemsize)
            tiles_ok = builder.and_(
                builder.icmp_unsigned("==", d_cs, size),
                builder.icmp_unsigned("==", s_cs, size),
            )
            rows4 = builder.mul(builder.udiv(n_rows, const(4)), const(4))
            rows4 = builder.select(tiles_ok, rows4, const(0))
            cols4 = builder.mul(builder.udiv(n_cols, const(4)), const(4))
            zero, one, four = const(0), const(1), const(4)
            with cgutils.for_range_slice(builder, zero, rows4, four) as (r, _):
                with cgutils.for_range_slice(builder, zero, cols4, four) as (c, _):
                    v = []
                    for q in range(4):
                        p = at(s_base, builder.add(c, const(q)), r, s_rs, s_cs)
                        p = builder.bitcast(p, vec.as_pointer())
                        v.append(builder.load(p, align=itemsize))
                    # in-lane interleaves, then 128-bit halves: the 8-shuffle
                    # AVX transpose (unpcklpd/unpckhpd, vperm2f128)
                    t0 = shuffle(v[0], v[1], [0, 4, 2, 6])
                    t1 = shuffle(v[0], v[1], [1, 5, 3, 7])
                    t2 = shuffle(v[2], v[3], [0, 4, 2, 6])
                    t3 = shuffle(v[2], v[3], [1, 5, 3, 7])
                    tile = [
                        shuffle(t0, t2, [0, 1, 4, 5]),
                        shuffle(t1, t3, [0, 1, 4, 5]),
                        shuffle(t0, t2, [2, 3, 6, 7]),
                        shuffle(t1, t3, [2, 3, 6, 7]),
                    ]
                    for u in range(4):
                        p = at(d_base, builder.add(r, const(u)), c, d_rs, d_cs)
                        p = builder.bitcast(p, vec.as_pointer())
                        builder.store(tile[u], p, align=itemsize)
                with cgutils.for_range_slice(builder, cols4, n_cols, one) as (c, _):
                    for u in range(4):
                        ru = builder.add(r, const(u))
                        value = builder.load(at(s_base, c, ru, s_rs, s_cs))
                        builder.store(value, at(d_base, ru, c, d_rs, d_cs))
            with cgutils.for_range_slice(builder, rows4, n_rows, one) as (r, _):
                with cgutils.for_range_slice(builder, zero, n_cols, one) as (c, _):
                    value = builder.load(at(s_base, c, r, s_rs, s_cs))
                    builder.store(value, at(d_base, r, c, d_rs, d_cs))
            return context.get_dummy_value()

        return types.void(dst, src), codegen


# ---------------------------------------------------------------------------
# activation and leak
# ---------------------------------------------------------------------------


@njit(cache=True, inline="always", error_model="numpy")
def _tanh(v):
    """Vectorisable ``tanh`` in float64, at most 4 ulp from ``np.tanh``.

    ``tanh|x| = m / (m + 2)`` with ``m = expm1(2|x|)``. ``exp`` is reduced as
    ``2|x| = n ln2 + r`` (``|r| <= ln2 / 2``) with the Cephes Pade form
    ``exp(r) = (Q + P) / (Q - P)``, so ``m = ((2^n - 1)(Q + P) + 2P) / (Q - P)``
    is a sum of non-negative terms: no cancellation near 0, one division.
    ``n`` comes from the round-by-adding trick (``_SHIFT``) and ``2^n`` from
    its bits, so the whole function vectorises without calls.

    Parameters
    ----------
    v : float
        Argument (float32 is promoted).

    Returns
    -------
    float64
        ``tanh(v)``; +-1 beyond ``|v| = 20``, NaN for NaN.
    """
    c = _opaque  # constants as hoistable loop invariants (see ``_opaque``)
    x = np.float64(v)
    a = min(abs(x), c(20.0))
    y = a + a
    t = _fma(a, c(2.8853900817779268), c(_SHIFT))  # n + _SHIFT, n = round(y / ln2)
    nf = t - c(_SHIFT)
    r = _fma(-nf, c(6.93145751953125e-1), y)
    r = _fma(-nf, c(1.42860682030941723212e-6), r)
    rr = r * r
    p = _fma(
        r * rr,
        _fma(c(1.26177193074810590878e-4), rr, c(3.02994407707441961300e-2)),
        r,
    )
    q = _fma(
        _fma(_fma(c(3.00198505138664455042e-6), rr, c(2.52448340349684104192e-3)),
             rr, c(2.27265548208155028766e-1)),
        rr,
        c(2.0),
    )  # fmt: skip
    m = _fma(_exp2_shifted(t) - c(1.0), q + p, 2.0 * p)
    return math.copysign(m / _fma(c(2.0), q - p, m), x)


@njit(cache=True, inline="always", error_model="numpy")
def _activate_leak(s, x_prev, leak, activation):
    """In place on 1-D arrays: ``s <- (1 - leak) * x_prev + leak * f(s)``.

    The activation and leak of every kernel, in one pass; ``f`` is rounded
    to the dtype before the leak. The batched kernels pass their blocks
    flattened, with ``leak`` holding every unit's rate once per sequence.
    ``x_prev`` must not alias ``s``.

    Parameters
    ----------
    s : ndarray of shape (n,)
        Pre-activations, overwritten with the new states.
    x_prev : ndarray of shape (n,)
        Previous states.
    leak : ndarray of shape (n,)
        Leak rates, aligned with ``s``.
    activation : int
        Code from ``ACTIVATION_CODES``.
    """
    n = s.shape[0]
    dtype = s.dtype.type
    zero = dtype(0)
    one = dtype(1)
    if activation == 0:
        for i in range(n):
            a = leak[i]
            s[i] = (one - a) * x_prev[i] + a * dtype(_tanh(s[i]))
    elif activation == 1:
        for i in range(n):
            a = leak[i]
            s[i] = (one - a) * x_prev[i] + a * s[i]
    elif activation == 2:
        for i in range(n):
            a = leak[i]
            v = s[i]
            if v < zero:
                v = zero
            s[i] = (one - a) * x_prev[i] + a * v
    else:
        for i in range(n):
            a = leak[i]
            s[i] = (one - a) * x_prev[i] + a * (one / (one + np.exp(-s[i])))


# ---------------------------------------------------------------------------
# one step of one sequence (a range of units)
# ---------------------------------------------------------------------------


@njit(cache=True, inline="always", error_model="numpy")
def _csr_row(begin, end, indices, data, x, s):
    """``s`` plus ``sum(data[k] * x[indices[k]])`` in the fixed group order.

    Groups of eight go through ``_gather_dot8``; elsewhere positions and
    indices are used as unsigned integers, so numba emits no negative-index
    check.

    Parameters
    ----------
    begin, end : uint64
        Range of the row in ``indices`` / ``data``.
    indices : ndarray of int
        Column indices (non-negative).
    data : ndarray
        Values.
    x : ndarray of shape (n,)
        Vector gathered from.
    s : scalar
        Start value (``pre_j``).

    Returns
    -------
    scalar
        ``s`` plus the row's dot product with ``x``, summed as described in
        the module docstring.
    """
    k = begin
    while k + _U7 < end:
        s += _gather_dot8(data, indices, k, x)
        k += _U8
    if k + _U3 < end:
        s += (
            data[k] * x[np.uint64(indices[k])]
            + data[k + _U1] * x[np.uint64(indices[k + _U1])]
        ) + (
            data[k + _U2] * x[np.uint64(indices[k + _U2])]
            + data[k + _U3] * x[np.uint64(indices[k + _U3])]
        )
        k += _U4
    while k < end:
        s += data[k] * x[np.uint64(indices[k])]
        k += _U1
    return s


@njit(cache=True, inline="always", error_model="numpy")
def _csr_row_dot(begin, end, indices, data, x):
    """``sum(data[k] * x[indices[k]])`` for ``k in [begin, end)``.

    The row sum of the harvesting kernels started from zero, for signed
    positions; used by the closed-loop kernels of ``_generate``.

    Parameters
    ----------
    begin, end : int
        Range of the row in ``indices`` / ``data``.
    indices : ndarray of int
        Column indices.
    data : ndarray
        Values.
    x : ndarray of shape (n,)
        Vector gathered from.

    Returns
    -------
    scalar
        The row's dot product with ``x``, in ``x``'s dtype.
    """
    return _csr_row(np.uint64(begin), np.uint64(end), indices, data, x, x.dtype.type(0))


@njit(cache=True, inline="always", error_model="numpy")
def _csr_step(pre_t, indptr, indices, data, x_prev, s, leak, activation, lo, hi):
    """One CSR step for units ``lo:hi``: matvec, activation, leak into ``s``.

    Parameters
    ----------
    pre_t : ndarray of shape (n,)
        Projected input of this step.
    indptr : ndarray of uint64
        CSR row pointers of ``W.T``.
    indices : ndarray of uint32
        CSR column indices of ``W.T``.
    data : ndarray
        CSR values of ``W.T``.
    x_prev : ndarray of shape (n,)
        Previous states.
    s : ndarray of shape (n,)
        Output row; units ``lo:hi`` are written.
    leak : ndarray of shape (n,)
        Leak rates.
    activation : int
        Activation code.
    lo, hi : int
        Unit range.
    """
    for j in range(lo, hi):
        s[j] = _csr_row(indptr[j], indptr[j + 1], indices, data, x_prev, pre_t[j])
    _activate_leak(s[lo:hi], x_prev[lo:hi], leak[lo:hi], activation)


@njit(cache=True, inline="always", error_model="numpy")
def _dense_step(pre_t, W, x_prev, s, leak, activation, lo, hi):
    """One dense step for units ``lo:hi``: matvec, activation, leak into ``s``.

    Vectorised over the units (columns of ``W``), eight source units at a
    time.

    Parameters
    ----------
    pre_t : ndarray of shape (n,)
        Projected input of this step.
    W : ndarray of shape (n, n)
        Recurrent weights, rows are source units.
    x_prev : ndarray of shape (n,)
        Previous states.
    s : ndarray of shape (n,)
        Output row; units ``lo:hi`` are written.
    leak : ndarray of shape (n,)
        Leak rates.
    activation : int
        Activation code.
    lo, hi : int
        Unit range (columns of ``W``).
    """
    n_units = W.shape[0]
    out = s[lo:hi]
    m = hi - lo
    for j in range(m):
        out[j] = pre_t[lo + j]
    i = 0
    while i + 7 < n_units:
        x0 = x_prev[i]
        x1 = x_prev[i + 1]
        x2 = x_prev[i + 2]
        x3 = x_prev[i + 3]
        x4 = x_prev[i + 4]
        x5 = x_prev[i + 5]
        x6 = x_prev[i + 6]
        x7 = x_prev[i + 7]
        w0 = W[i, lo:hi]
        w1 = W[i + 1, lo:hi]
        w2 = W[i + 2, lo:hi]
        w3 = W[i + 3, lo:hi]
        w4 = W[i + 4, lo:hi]
        w5 = W[i + 5, lo:hi]
        w6 = W[i + 6, lo:hi]
        w7 = W[i + 7, lo:hi]
        for j in range(m):
            out[j] += ((w0[j] * x0 + w1[j] * x1) + (w2[j] * x2 + w3[j] * x3)) + (
                (w4[j] * x4 + w5[j] * x5) + (w6[j] * x6 + w7[j] * x7)
            )
        i += 8
    if i + 3 < n_units:
        x0 = x_prev[i]
        x1 = x_prev[i + 1]
        x2 = x_prev[i + 2]
        x3 = x_prev[i + 3]
        w0 = W[i, lo:hi]
        w1 = W[i + 1, lo:hi]
        w2 = W[i + 2, lo:hi]
        w3 = W[i + 3, lo:hi]
        for j in range(m):
            out[j] += (w0[j] * x0 + w1[j] * x1) + (w2[j] * x2 + w3[j] * x3)
        i += 4
    while i < n_units:
        xi = x_prev[i]
        wi = W[i, lo:hi]
        for j in range(m):
            out[j] += wi[j] * xi
        i += 1
    _activate_leak(out, x_prev[lo:hi], leak[lo:hi], activation)


# ---------------------------------------------------------------------------
# one sequence
# ---------------------------------------------------------------------------


@njit(cache=True, nogil=True, error_model="numpy")
def run_dense(pre, W, leak, activation, x0, out):
    """Run one sequence with a dense ``W``; write the states into ``out``.

    Parameters
    ----------
    pre : ndarray of shape (T, N)
        Projected inputs ``U @ W_in + b``.
    W : ndarray of shape (N, N)
        Recurrent weights (C order), rows are source units.
    leak : ndarray of shape (N,)
        Leak rate of each unit.
    activation : int
        Code from ``ACTIVATION_CODES``.
    x0 : ndarray of shape (N,)
        Initial state.
    out : ndarray of shape (T, N)
        Written with the states; must not alias the inputs.
    """
    n_steps, n_units = pre.shape
    for t in range(n_steps):
        x_prev = x0 if t == 0 else out[t - 1]
        _dense_step(pre[t], W, x_prev, out[t], leak, activation, 0, n_units)


@njit(cache=True, nogil=True, error_model="numpy")
def run_csr(pre, indptr, indices, data, leak, activation, x0, out):
    """Run one sequence with a sparse ``W`` given as the CSR arrays of ``W.T``.

    Parameters
    ----------
    pre : ndarray of shape (T, N)
        Projected inputs ``U @ W_in + b``.
    indptr : ndarray of int
        Row pointers of ``W.T`` (row ``j`` lists the inputs of unit ``j``).
    indices : ndarray of int
        Column indices of ``W.T``.
    data : ndarray
        Values of ``W.T``, same dtype as ``pre``.
    leak : ndarray of shape (N,)
        Leak rate of each unit.
    activation : int
        Code from ``ACTIVATION_CODES``.
    x0 : ndarray of shape (N,)
        Initial state.
    out : ndarray of shape (T, N)
        Written with the states; must not alias the inputs.

    Notes
    -----
    The indices are copied to uint32 (and the row pointers to uint64) once,
    before the time loop: 4 instead of 8 bytes per entry to stream per step
    for int64 input, and unsigned indexing without negative-index checks.
    """
    n_steps, n_units = pre.shape
    ptr = indptr.astype(np.uint64)
    idx = indices.astype(np.uint32)
    for t in range(n_steps):
        x_prev = x0 if t == 0 else out[t - 1]
        _csr_step(pre[t], ptr, idx, data, x_prev, out[t], leak, activation, 0, n_units)


@njit(cache=True, inline="always", error_model="numpy")
def _project_row(u_t, w_in, bias, row, lo, hi):
    """One input's projection of one step into ``row[lo:hi]``.

    ``row[j] = u_t * w_in[j] + bias[j]``: one rounded product, then one
    rounded sum, the bits of ``Reservoir.project`` for one input feature.

    Parameters
    ----------
    u_t : scalar
        Input of this step.
    w_in : ndarray of shape (n,)
        Input weights.
    bias : ndarray of shape (n,)
        Bias.
    row : ndarray of shape (n,)
        Written for units ``lo:hi``.
    lo, hi : int
        Unit range.
    """
    for j in range(lo, hi):
        row[j] = u_t * w_in[j] + bias[j]


@njit(cache=True, nogil=True, error_model="numpy")
def run_dense_inputs(u, w_in, bias, W, leak, activation, x0, out):
    """``run_dense`` on one input feature, projected inside the time loop.

    Each step's projection ``u[t] * w_in + bias`` is written into ``out[t]``
    just before the step runs on it in place: no projected array, and the
    same bits as ``run_dense`` on ``Reservoir.project``'s output.

    Parameters
    ----------
    u : ndarray of shape (T,)
        Input of every step (the reservoir's dtype).
    w_in : ndarray of shape (N,)
        Input weights.
    bias : ndarray of shape (N,)
        Bias.
    W, leak, activation, x0
        As in ``run_dense``.
    out : ndarray of shape (T, N)
        Written with the states.
    """
    n_steps, n_units = out.shape
    for t in range(n_steps):
        x_prev = x0 if t == 0 else out[t - 1]
        _project_row(u[t], w_in, bias, out[t], 0, n_units)
        _dense_step(out[t], W, x_prev, out[t], leak, activation, 0, n_units)


@njit(cache=True, nogil=True, error_model="numpy")
def run_csr_inputs(u, w_in, bias, indptr, indices, data, leak, activation, x0, out):
    """``run_csr`` on one input feature, projected inside the time loop.

    Parameters
    ----------
    u : ndarray of shape (T,)
        Input of every step (the reservoir's dtype).
    w_in : ndarray of shape (N,)
        Input weights.
    bias : ndarray of shape (N,)
        Bias.
    indptr, indices, data, leak, activation, x0
        As in ``run_csr``.
    out : ndarray of shape (T, N)
        Written with the states (see ``run_dense_inputs``).
    """
    n_steps, n_units = out.shape
    ptr = indptr.astype(np.uint64)
    idx = indices.astype(np.uint32)
    for t in range(n_steps):
        x_prev = x0 if t == 0 else out[t - 1]
        _project_row(u[t], w_in, bias, out[t], 0, n_units)
        _csr_step(out[t], ptr, idx, data, x_prev, out[t], leak, activation, 0, n_units)


# ---------------------------------------------------------------------------
# one sequence, units split over threads
# ---------------------------------------------------------------------------


@njit(cache=True)
def _aligned_bounds(n_units, n_chunks):
    """Split units ``0..N`` into ``n_chunks`` ranges of about equal size.

    Chunk edges fall on multiples of 8 units, which keeps the vector loops
    of the dense step aligned; chunk ``c`` is ``bounds[c]:bounds[c + 1]``.
    """
    bounds = np.empty(n_chunks + 1, dtype=np.int64)
    for c in range(n_chunks):
        bounds[c] = (n_units * c // n_chunks) // 8 * 8
    bounds[n_chunks] = n_units
    return bounds


@njit(cache=True)
def _balanced_bounds(indptr, n_chunks):
    """Split rows ``0..N`` into ``n_chunks`` ranges with about equal work.

    Parameters
    ----------
    indptr : ndarray of int
        CSR row pointers (``N + 1`` entries).
    n_chunks : int
        Number of ranges.

    Returns
    -------
    bounds : ndarray of int64, shape (n_chunks + 1,)
        Chunk ``c`` is rows ``bounds[c]:bounds[c + 1]``.
    """
    n_rows = indptr.shape[0] - 1
    total = indptr[n_rows] - indptr[0]
    bounds = np.empty(n_chunks + 1, dtype=np.int64)
    bounds[0] = 0
    row = 0
    for c in range(1, n_chunks):
        # a row costs one entry on top of its entries, so empty rows split too
        target = (total + n_rows) * c // n_chunks
        while row < n_rows and (indptr[row] - indptr[0]) + row < target:
            row += 1
        bounds[c] = row
    bounds[n_chunks] = n_rows
    return bounds


@njit(cache=True, inline="always")
def _step_chunks(n_units, n_threads):
    """Unit ranges per step of the ``*_parallel`` kernels: one per thread
    they may use (``n_threads``), at most ``_N_CHUNKS``, of 8 units or more.

    Every range costs two atomic operations on counters that every thread
    reads: at density 0.1 on 2 threads, one sequence of 20,000 steps took
    4.7 -> 3.9 us a step at 300 units with 8 ranges -> 2 (the serial kernel
    4.1 us), 9.2 -> 9.0 us at 500 units and about 27 us at 1000 either way.
    """
    return max(1, min(n_threads, _N_CHUNKS, n_units // 8))


@njit(cache=True, inline="always")
def _claim_chunk(counters, n_chunks, total):
    """Claim the next chunk and wait until the steps before its own are done.

    Chunk ``g`` is chunk ``g % n_chunks`` of step ``g // n_chunks``. Chunks
    are claimed in order, so every chunk the caller waits for has already
    been claimed by a thread that is computing it: the wait always ends,
    however many threads actually run (one thread alone claims them all).
    The wait spins with the CPU's spin-wait hint, then, after
    ``_SPINS_BEFORE_YIELD`` hints, yields the core at every check.

    Parameters
    ----------
    counters : ndarray of int64
        Work counters (``_CLAIMED`` and ``_DONE`` slots, zero at the start).
    n_chunks : int
        Chunks per step.
    total : int
        Chunks of the whole run.

    Returns
    -------
    int
        The claimed chunk, or -1 when every chunk has been claimed.
    """
    g = _atomic_add(counters, _CLAIMED, 1)
    if g >= total:
        return -1
    ready = g - g % n_chunks
    spins = 0
    while _atomic_load(counters, _DONE) < ready:
        _spin_wait(spins)
        spins += 1
    return g


@njit(cache=True, parallel=True, error_model="numpy")
def run_csr_parallel(
    pre, indptr, indices, data, leak, activation, x0, out, n_threads=_N_CHUNKS
):
    """``run_csr`` with the units of every step split over numba threads.

    Same arguments and result (bit for bit) as ``run_csr``. One parallel
    region for the whole run: the threads claim the chunks of units of every
    step in order and wait, spinning, until the previous step is complete
    (see ``_claim_chunk``). A step costs a few atomic operations instead of
    a thread-pool launch, so it pays from a few hundred units on (see
    ``PARALLEL_MIN_UNITS``); it suffers when the cores are oversubscribed.

    Parameters
    ----------
    pre : ndarray of shape (T, N)
        Projected inputs ``U @ W_in + b``.
    indptr : ndarray of int
        Row pointers of ``W.T``.
    indices : ndarray of int
        Column indices of ``W.T``.
    data : ndarray
        Values of ``W.T``.
    leak : ndarray of shape (N,)
        Leak rate of each unit.
    activation : int
        Code from ``ACTIVATION_CODES``.
    x0 : ndarray of shape (N,)
        Initial state.
    out : ndarray of shape (T, N)
        Written with the states.
    n_threads : int, default=_N_CHUNKS
        Threads the run may use (``numba.get_num_threads()`` of the caller):
        one unit range per thread and step (``_step_chunks``).
    """
    n_steps, n_units = pre.shape
    ptr = indptr.astype(np.uint64)
    idx = indices.astype(np.uint32)
    n_chunks = _step_chunks(n_units, n_threads)
    bounds = _balanced_bounds(indptr, n_chunks)
    counters = np.zeros(_DONE + 1, dtype=np.int64)
    total = n_steps * n_chunks
    # one claiming loop per thread (extra iterations find nothing to claim)
    for _ in prange(n_chunks):
        g = _claim_chunk(counters, n_chunks, total)
        while g >= 0:
            t, c = divmod(g, n_chunks)
            x_prev = x0 if t == 0 else out[t - 1]
            _csr_step(
                pre[t], ptr, idx, data, x_prev, out[t], leak, activation,
                bounds[c], bounds[c + 1],
            )  # fmt: skip
            _atomic_add(counters, _DONE, 1)
            g = _claim_chunk(counters, n_chunks, total)


@njit(cache=True, parallel=True, error_model="numpy")
def run_dense_parallel(pre, W, leak, activation, x0, out, n_threads=_N_CHUNKS):
    """``run_dense`` with the units of every step split over numba threads.

    Same arguments and result (bit for bit) as ``run_dense``; scheduled like
    ``run_csr_parallel``.

    Parameters
    ----------
    pre : ndarray of shape (T, N)
        Projected inputs ``U @ W_in + b``.
    W : ndarray of shape (N, N)
        Recurrent weights (C order), rows are source units.
    leak : ndarray of shape (N,)
        Leak rate of each unit.
    activation : int
        Code from ``ACTIVATION_CODES``.
    x0 : ndarray of shape (N,)
        Initial state.
    out : ndarray of shape (T, N)
        Written with the states.
    n_threads : int, default=_N_CHUNKS
        Threads the run may use (see ``run_csr_parallel``).
    """
    n_steps, n_units = pre.shape
    n_chunks = _step_chunks(n_units, n_threads)
    bounds = _aligned_bounds(n_units, n_chunks)
    counters = np.zeros(_DONE + 1, dtype=np.int64)
    total = n_steps * n_chunks
    # one claiming loop per thread (extra iterations find nothing to claim)
    for _ in prange(n_chunks):
        g = _claim_chunk(counters, n_chunks, total)
        while g >= 0:
            t, c = divmod(g, n_chunks)
            x_prev = x0 if t == 0 else out[t - 1]
            _dense_step(
                pre[t], W, x_prev, out[t], leak, activation, bounds[c], bounds[c + 1]
            )
            _atomic_add(counters, _DONE, 1)
            g = _claim_chunk(counters, n_chunks, total)


@njit(cache=True, parallel=True, error_model="numpy")
def run_csr_parallel_inputs(
    u, w_in, bias, indptr, indices, data, leak, activation, x0, out,
    n_threads=_N_CHUNKS,
):  # fmt: skip
    """``run_csr_parallel`` on one input feature, projected in the time loop.

    Each thread projects the units of the chunk it claimed just before it
    runs them (see ``run_csr_inputs``); same bits as ``run_csr``.
    """
    n_steps, n_units = out.shape
    ptr = indptr.astype(np.uint64)
    idx = indices.astype(np.uint32)
    n_chunks = _step_chunks(n_units, n_threads)
    bounds = _balanced_bounds(indptr, n_chunks)
    counters = np.zeros(_DONE + 1, dtype=np.int64)
    total = n_steps * n_chunks
    for _ in prange(n_chunks):
        g = _claim_chunk(counters, n_chunks, total)
        while g >= 0:
            t, c = divmod(g, n_chunks)
            x_prev = x0 if t == 0 else out[t - 1]
            lo, hi = bounds[c], bounds[c + 1]
            _project_row(u[t], w_in, bias, out[t], lo, hi)
            _csr_step(out[t], ptr, idx, data, x_prev, out[t], leak, activation, lo, hi)
            _atomic_add(counters, _DONE, 1)
            g = _claim_chunk(counters, n_chunks, total)


@njit(cache=True, parallel=True, error_model="numpy")
def run_dense_parallel_inputs(
    u, w_in, bias, W, leak, activation, x0, out, n_threads=_N_CHUNKS
):
    """``run_dense_parallel`` on one input feature, projected in the time loop.

    Same bits as ``run_dense`` (see ``run_csr_parallel_inputs``).
    """
    n_steps, n_units = out.shape
    n_chunks = _step_chunks(n_units, n_threads)
    bounds = _aligned_bounds(n_units, n_chunks)
    counters = np.zeros(_DONE + 1, dtype=np.int64)
    total = n_steps * n_chunks
    for _ in prange(n_chunks):
        g = _claim_chunk(counters, n_chunks, total)
        while g >= 0:
            t, c = divmod(g, n_chunks)
            x_prev = x0 if t == 0 else out[t - 1]
            lo, hi = bounds[c], bounds[c + 1]
            _project_row(u[t], w_in, bias, out[t], lo, hi)
            _dense_step(out[t], W, x_prev, out[t], leak, activation, lo, hi)
            _atomic_add(counters, _DONE, 1)
            g = _claim_chunk(counters, n_chunks, total)


# ---------------------------------------------------------------------------
# batches of sequences
# ---------------------------------------------------------------------------
# A block of B <= BLOCK_SIZE sequences is held unit-major: xc[j, b] is unit j
# of sequence start + b, so one row update is a vector operation over the
# block's sequences. Inputs and states move between the (S, T, N) arrays and
# the block buffers by tiled transposes.


@njit(cache=True, inline="always", error_model="numpy")
def _block_buffers(x0, leak, start, lanes):
    """Work buffers of a block: states, next states and per-lane leak rates.

    Parameters
    ----------
    x0 : ndarray of shape (S, N)
        Initial states.
    leak : ndarray of shape (N,)
        Leak rates.
    start, lanes : int
        First sequence and number of sequences of the block.

    Returns
    -------
    xc, xn, rates : ndarray of shape (N, lanes)
        ``xc`` holds the initial states, ``rates[j, b] = leak[j]``.
    """
    n_units = x0.shape[1]
    xc = np.empty((n_units, lanes), dtype=x0.dtype)
    xn = np.empty((n_units, lanes), dtype=x0.dtype)
    rates = np.empty((n_units, lanes), dtype=x0.dtype)
    _transpose(xc, x0[start : start + lanes])
    for j in range(n_units):
        rates[j, :] = leak[j]
    return xc, xn, rates


@njit(cache=True, inline="always", error_model="numpy")
def _block_finish(xn, xc, rates, activation, out, t, start):
    """Activation and leak on a block, then its states into ``out[:, t]``.

    Parameters
    ----------
    xn : ndarray of shape (N, B)
        Pre-activations in, new states out.
    xc : ndarray of shape (N, B)
        Previous states.
    rates : ndarray of shape (N, B)
        Leak rates.
    activation : int
        Activation code.
    out : ndarray of shape (S, T, N)
        States written at step ``t`` for sequences ``start:start + B``.
    t, start : int
        Step and first sequence.
    """
    n_units, lanes = xn.shape
    size = n_units * lanes
    _activate_leak(xn.reshape(size), xc.reshape(size), rates.reshape(size), activation)
    _transpose(out[start : start + lanes, t], xn)


@njit(cache=True, error_model="numpy")
def _block_csr(pre, indptr, indices, data, leak, activation, x0, out, start, lanes):
    """Advance sequences ``start:start + lanes`` with the CSR arrays of ``W.T``.

    Parameters
    ----------
    pre : ndarray of shape (S, T, N)
        Projected inputs.
    indptr : ndarray of int
        Row pointers of ``W.T``.
    indices : ndarray of uint32
        Column indices of ``W.T``.
    data : ndarray
        Values of ``W.T``.
    leak : ndarray of shape (N,)
        Leak rates.
    activation : int
        Activation code.
    x0 : ndarray of shape (S, N)
        Initial states.
    out : ndarray of shape (S, T, N)
        States written for the block's sequences.
    start, lanes : int
        First sequence and number of sequences of the block.
    """
    n_steps = pre.shape[1]
    n_units = pre.shape[2]
    xc, xn, rates = _block_buffers(x0, leak, start, lanes)
    for t in range(n_steps):
        _transpose(xn, pre[start : start + lanes, t])
        for j in range(n_units):
            _lanes_row(xn[j], xc, data, indices, indptr[j], indptr[j + 1])
        _block_finish(xn, xc, rates, activation, out, t, start)
        xc, xn = xn, xc


@njit(cache=True, error_model="numpy")
def _block_dense(pre, WT, sources, leak, activation, x0, out, start, lanes):
    """Advance sequences ``start:start + lanes`` with a dense ``W``.

    Parameters
    ----------
    pre : ndarray of shape (S, T, N)
        Projected inputs.
    WT : ndarray of shape (N, N)
        ``W.T`` in C order: row ``j`` holds the input weights of unit ``j``.
    sources : ndarray of shape (N,)
        ``0..N-1``, the source unit of each entry of a row of ``WT``.
    leak : ndarray of shape (N,)
        Leak rates.
    activation : int
        Activation code.
    x0 : ndarray of shape (S, N)
        Initial states.
    out : ndarray of shape (S, T, N)
        States written for the block's sequences.
    start, lanes : int
        First sequence and number of sequences of the block.
    """
    n_steps = pre.shape[1]
    n_units = pre.shape[2]
    xc, xn, rates = _block_buffers(x0, leak, start, lanes)
    for t in range(n_steps):
        _transpose(xn, pre[start : start + lanes, t])
        for j in range(n_units):
            _lanes_row(xn[j], xc, WT[j], sources, 0, n_units)
        _block_finish(xn, xc, rates, activation, out, t, start)
        xc, xn = xn, xc


@njit(cache=True, parallel=True, nogil=True, error_model="numpy")
def run_dense_batch(pre, W, leak, activation, x0, out):
    """Run equal-length sequences together with a dense ``W``.

    Blocks of ``BLOCK_SIZE`` sequences run in parallel (``prange``); within a
    block every step is a matrix-matrix product. Each sequence gets the same
    bits as from ``run_dense``.

    Parameters
    ----------
    pre : ndarray of shape (S, T, N)
        Projected inputs.
    W : ndarray of shape (N, N)
        Recurrent weights (C order), rows are source units.
    leak : ndarray of shape (N,)
        Leak rate of each unit.
    activation : int
        Code from ``ACTIVATION_CODES``.
    x0 : ndarray of shape (S, N)
        Initial states.
    out : ndarray of shape (S, T, N)
        Written with the states.

    Notes
    -----
    ``W.T`` is copied once (C order), so each unit's weights are contiguous.
    """
    n_seq = pre.shape[0]
    n_units = pre.shape[2]
    WT = np.ascontiguousarray(W.T)
    sources = np.arange(n_units).astype(np.uint32)
    n_blocks = (n_seq + BLOCK_SIZE - 1) // BLOCK_SIZE
    for blk in prange(n_blocks):
        start = blk * BLOCK_SIZE
        lanes = min(BLOCK_SIZE, n_seq - start)
        _block_dense(pre, WT, sources, leak, activation, x0, out, start, lanes)


@njit(cache=True, parallel=True, nogil=True, error_model="numpy")
def run_csr_batch(pre, indptr, indices, data, leak, activation, x0, out):
    """Run equal-length sequences together with a sparse ``W`` (CSR of ``W.T``).

    Blocks of ``BLOCK_SIZE`` sequences run in parallel (``prange``). Each
    sequence gets the same bits as from ``run_csr``.

    Parameters
    ----------
    pre : ndarray of shape (S, T, N)
        Projected inputs.
    indptr : ndarray of int
        Row pointers of ``W.T``.
    indices : ndarray of int
        Column indices of ``W.T``.
    data : ndarray
        Values of ``W.T``.
    leak : ndarray of shape (N,)
        Leak rate of each unit.
    activation : int
        Code from ``ACTIVATION_CODES``.
    x0 : ndarray of shape (S, N)
        Initial states.
    out : ndarray of shape (S, T, N)
        Written with the states.
    """
    n_seq = pre.shape[0]
    ptr = indptr.astype(np.uint64)
    idx = indices.astype(np.uint32)
    n_blocks = (n_seq + BLOCK_SIZE - 1) // BLOCK_SIZE
    for blk in prange(n_blocks):
        start = blk * BLOCK_SIZE
        lanes = min(BLOCK_SIZE, n_seq - start)
        _block_csr(pre, ptr, idx, data, leak, activation, x0, out, start, lanes)


@njit(cache=True, inline="always", error_model="numpy")
def _project_block(xn, ub, u, t, start, w_in, bias):
    """One input's projection of step ``t`` into a block, unit-major.

    ``xn[j, b] = u[start + b, t] * w_in[j] + bias[j]`` (the bits of
    ``_project_row``); ``ub`` (lanes,) is scratch for the block's inputs.
    """
    n_units, lanes = xn.shape
    for b in range(lanes):
        ub[b] = u[start + b, t]
    for j in range(n_units):
        wj = w_in[j]
        bj = bias[j]
        row = xn[j]
        for b in range(lanes):
            row[b] = ub[b] * wj + bj


@njit(cache=True, error_model="numpy")
def _block_csr_inputs(
    u, w_in, bias, indptr, indices, data, leak, activation, x0, out, start, lanes
):
    """``_block_csr`` on one input feature ``u`` (S, T), projected per step."""
    n_steps = out.shape[1]
    n_units = out.shape[2]
    xc, xn, rates = _block_buffers(x0, leak, start, lanes)
    ub = np.empty(lanes, dtype=out.dtype)
    for t in range(n_steps):
        _project_block(xn, ub, u, t, start, w_in, bias)
        for j in range(n_units):
            _lanes_row(xn[j], xc, data, indices, indptr[j], indptr[j + 1])
        _block_finish(xn, xc, rates, activation, out, t, start)
        xc, xn = xn, xc


@njit(cache=True, error_model="numpy")
def _block_dense_inputs(
    u, w_in, bias, WT, sources, leak, activation, x0, out, start, lanes
):
    """``_block_dense`` on one input feature ``u`` (S, T), projected per step."""
    n_steps = out.shape[1]
    n_units = out.shape[2]
    xc, xn, rates = _block_buffers(x0, leak, start, lanes)
    ub = np.empty(lanes, dtype=out.dtype)
    for t in range(n_steps):
        _project_block(xn, ub, u, t, start, w_in, bias)
        for j in range(n_units):
            _lanes_row(xn[j], xc, WT[j], sources, 0, n_units)
        _block_finish(xn, xc, rates, activation, out, t, start)
        xc, xn = xn, xc


@njit(cache=True, parallel=True, nogil=True, error_model="numpy")
def run_dense_batch_inputs(u, w_in, bias, W, leak, activation, x0, out):
    """``run_dense_batch`` on one input feature, projected in the time loop.

    Parameters
    ----------
    u : ndarray of shape (S, T)
        Input of every sequence and step (the reservoir's dtype).
    w_in : ndarray of shape (N,)
        Input weights.
    bias : ndarray of shape (N,)
        Bias.
    W, leak, activation, x0
        As in ``run_dense_batch``.
    out : ndarray of shape (S, T, N)
        Written with the states; same bits as ``run_dense`` on
        ``Reservoir.project``'s output, sequence by sequence.
    """
    n_seq = out.shape[0]
    n_units = out.shape[2]
    WT = np.ascontiguousarray(W.T)
    sources = np.arange(n_units).astype(np.uint32)
    n_blocks = (n_seq + BLOCK_SIZE - 1) // BLOCK_SIZE
    for blk in prange(n_blocks):
        start = blk * BLOCK_SIZE
        lanes = min(BLOCK_SIZE, n_seq - start)
        _block_dense_inputs(
            u, w_in, bias, WT, sources, leak, activation, x0, out, start, lanes
        )


@njit(cache=True, parallel=True, nogil=True, error_model="numpy")
def run_csr_batch_inputs(
    u, w_in, bias, indptr, indices, data, leak, activation, x0, out
):
    """``run_csr_batch`` on one input feature, projected in the time loop.

    Parameters
    ----------
    u : ndarray of shape (S, T)
        Input of every sequence and step (the reservoir's dtype).
    w_in : ndarray of shape (N,)
        Input weights.
    bias : ndarray of shape (N,)
        Bias.
    indptr, indices, data, leak, activation, x0
        As in ``run_csr_batch``.
    out : ndarray of shape (S, T, N)
        Written with the states (see ``run_dense_batch_inputs``).
    """
    n_seq = out.shape[0]
    ptr = indptr.astype(np.uint64)
    idx = indices.astype(np.uint32)
    n_blocks = (n_seq + BLOCK_SIZE - 1) // BLOCK_SIZE
    for blk in prange(n_blocks):
        start = blk * BLOCK_SIZE
        lanes = min(BLOCK_SIZE, n_seq - start)
        _block_csr_inputs(
            u, w_in, bias, ptr, idx, data, leak, activation, x0, out, start, lanes
        )
