"""Numba kernels for reservoir state harvesting.

Plain arrays in, plain arrays out; no validation here (the public layer does
it). Row-vector convention: one step computes

    s_t = pre_t + x_{t-1} @ W,   x_t = (1 - a) * x_{t-1} + a * f(s_t)

where ``pre = U @ W_in + b`` is projected for all steps before the time loop.
The dense kernels take ``W`` itself (C order, rows are source units); the
sparse kernels take the CSR arrays of ``W.T`` (rows are target units), so each
unit gathers its inputs. Activations are integer codes (see ``ACTIVATION_CODES``).
Nothing is allocated inside a time loop and no input array is written to.

Summation order
---------------
All variants of one storage format add in the same fixed order, so a sequence
gets the same bits whether it runs alone (``run_csr``), in a batch
(``run_csr_batch``) or with its units split over threads
(``run_csr_parallel``), and whatever the number of numba threads. Unit ``j``
starts from ``s = pre_j``; its inputs (the entries of row ``j`` of ``W.T`` in
storage order, or the source units ``0..N-1`` for a dense ``W``) are taken in
groups of eight, then at most one group of four, then one at a time:

    s += ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7))   # groups of 8
    s += (p0 + p1) + (p2 + p3)                               # one group of 4
    s += p0                                                  # the rest

with ``p = w * x``. One running sum per eight products keeps the add latency
off the critical path, and in the batched kernels the inner loop over
sequences (which LLVM vectorises) loads and stores ``s`` once per group.

Activation
----------
``tanh`` uses a branch-free, vectorisable implementation (Cephes-style range
reduction and Pade approximation of ``exp``, at most 4 ulp from ``np.tanh``)
instead of the libm call, which LLVM cannot vectorise. It is evaluated in
float64 for float32 data too. The kernels use ``error_model='numpy'``: the
Python model's division-by-zero checks would also block vectorisation.
"""

from __future__ import annotations

import math

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
#: two or more numba threads beat ``run_csr`` / ``run_dense`` (measured with
#: ``benchmarks/bench_harvest.py``); below it the per-step synchronisation
#: costs more than the split saves.
PARALLEL_MIN_UNITS = 1000

#: Unit ranges per step in the ``*_parallel`` kernels: a fixed count (a cached
#: kernel cannot read the thread count) that splits evenly over 1, 2, 3, 4, 6,
#: 8, 12 or 24 threads. Results do not depend on it.
_N_CHUNKS = 24

_U1 = np.uint64(1)
_U2 = np.uint64(2)
_U3 = np.uint64(3)
_U4 = np.uint64(4)
_U5 = np.uint64(5)
_U6 = np.uint64(6)
_U7 = np.uint64(7)
_U8 = np.uint64(8)

# ---------------------------------------------------------------------------
# activation
# ---------------------------------------------------------------------------

if config.DISABLE_JIT:  # pragma: no cover - pure-Python fallback for coverage

    def _exp2_int(nf):
        """``2.0 ** nf`` for an integer-valued float ``nf`` in [0, 1023).

        Parameters
        ----------
        nf : float
            Integer-valued exponent.

        Returns
        -------
        float
            ``2.0 ** nf``.
        """
        return math.ldexp(1.0, int(nf))

else:

    @intrinsic
    def _exp2_int(typingctx, nf):
        """``2.0 ** nf`` for an integer-valued float64 ``nf`` in [0, 1023).

        Builds the IEEE-754 bit pattern (exponent ``nf + 1023``, zero
        mantissa), which LLVM vectorises; ``math.ldexp`` is a libm call.

        Parameters
        ----------
        typingctx : numba typing context
            Supplied by numba.
        nf : numba type
            Type of the exponent (float64).

        Returns
        -------
        tuple
            Signature and code generator.
        """
        if nf != types.float64:
            return None

        def codegen(context, builder, signature, args):
            i32 = ir.IntType(32)
            i64 = ir.IntType(64)
            # NaN would make fptosi poison: map it to 0 (the result is NaN anyway)
            nf = args[0]
            nf = builder.select(
                builder.fcmp_ordered("==", nf, nf), nf, ir.Constant(nf.type, 0.0)
            )
            n = builder.fptosi(nf, i32)
            n = builder.add(n, ir.Constant(i32, 1023))
            bits = builder.shl(builder.zext(n, i64), ir.Constant(i64, 52))
            return builder.bitcast(bits, ir.DoubleType())

        return types.float64(types.float64), codegen


# ---------------------------------------------------------------------------
# batched inner loop: explicit SIMD over the sequences of a block
# ---------------------------------------------------------------------------
# numba runs LLVM without its SLP vectoriser, and the loop vectoriser would
# guard every group of eight inputs with eight run-time alias checks (about as
# many instructions as the work for a block of 16 sequences). The update is
# therefore emitted as LLVM vector code directly; the additions are the same
# IEEE operations in the same order as in the scalar kernels, so the bits are
# the same.


def _pairwise_sum(builder, terms):
    """Emit ``((t0 + t1) + (t2 + t3)) + ((t4 + t5) + (t6 + t7))`` (1, 2, 4, 8).

    Parameters
    ----------
    builder : llvmlite.ir.IRBuilder
        Where to emit.
    terms : list of llvmlite values
        Products, a power of two of them.

    Returns
    -------
    llvmlite value
        Their sum.
    """
    while len(terms) > 1:
        terms = [builder.fadd(terms[i], terms[i + 1]) for i in range(0, len(terms), 2)]
    return terms[0]


if config.DISABLE_JIT:  # pragma: no cover - pure-Python fallback for coverage

    def _lanes_update(y, X, w, rows):
        """``y += sum_q w[q] * X[rows[q]]`` (pairwise, see the module doc).

        Parameters
        ----------
        y : ndarray of shape (B,)
            Running sums, one per sequence, updated in place.
        X : ndarray of shape (N, B)
            States of the block, one column per sequence.
        w : tuple of 1, 2, 4 or 8 scalars
            Weights.
        rows : tuple of int
            Rows of ``X`` (source units) for the weights.
        """
        terms = [w[q] * X[rows[q]] for q in range(len(w))]
        while len(terms) > 1:
            terms = [terms[i] + terms[i + 1] for i in range(0, len(terms), 2)]
        y += terms[0]

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

    def _gather_dot8(data, indices, k, x):
        """Pairwise sum of ``data[k + q] * x[indices[k + q]]``, ``q < 8``.

        Parameters
        ----------
        data : ndarray
            Values.
        indices : ndarray of int
            Column indices.
        k : int
            First entry.
        x : ndarray
            Vector gathered from.

        Returns
        -------
        float
            ``((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7))``.
        """
        p = [data[k + q] * x[indices[k + q]] for q in range(8)]
        return ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]))

    def _fma(a, b, c):
        """``a * b + c`` (the compiled version rounds once).

        Parameters
        ----------
        a, b, c : float
            Operands.

        Returns
        -------
        float
            ``a * b + c``.
        """
        return a * b + c


else:

    @intrinsic
    def _lanes_update(typingctx, y, X, w, rows):
        """``y[b] += sum_q w[q] * X[rows[q], b]`` with explicit SIMD over ``b``.

        The products are summed pairwise as in the module docstring, in
        32-byte vectors (4 float64 or 8 float32 sequences at a time) and a
        scalar tail. ``y`` must not overlap the rows of ``X`` that are read.

        Parameters
        ----------
        typingctx : numba typing context
            Supplied by numba.
        y : numba type
            1-D contiguous array, the running sums of the block's sequences.
        X : numba type
            2-D C-contiguous array of the same dtype, one row per unit.
        w : numba type
            UniTuple of 1, 2, 4 or 8 scalars of that dtype.
        rows : numba type
            UniTuple of as many integers, the rows of ``X``.

        Returns
        -------
        tuple
            Signature and code generator (None for unsupported types).
        """
        if not (
            isinstance(y, types.Array)
            and isinstance(X, types.Array)
            and isinstance(w, types.UniTuple)
            and isinstance(rows, types.UniTuple)
            and y.ndim == 1
            and X.ndim == 2
            and y.layout == "C"
            and X.layout == "C"
            and y.dtype == X.dtype == w.dtype
            and isinstance(y.dtype, types.Float)
            and isinstance(rows.dtype, types.Integer)
            and w.count == rows.count
            and w.count in (1, 2, 4, 8)
        ):
            return None
        n_terms = w.count
        signed = rows.dtype.signed

        def codegen(context, builder, signature, args):
            y_val, X_val, w_val, rows_val = args
            y_arr = context.make_array(signature.args[0])(context, builder, y_val)
            X_arr = context.make_array(signature.args[1])(context, builder, X_val)
            elem = context.get_value_type(signature.args[0].dtype)
            itemsize = context.get_abi_sizeof(elem)
            width = max(1, 32 // itemsize)
            vec = ir.VectorType(elem, width)
            i64 = ir.IntType(64)
            i32 = ir.IntType(32)
            n = builder.extract_value(y_arr.shape, 0)
            row_bytes = builder.extract_value(X_arr.strides, 0)
            base = builder.bitcast(X_arr.data, ir.IntType(8).as_pointer())
            splat = ir.Constant(ir.VectorType(i32, width), [0] * width)
            undef = ir.Constant(vec, ir.Undefined)
            scalars, splats, ptrs = [], [], []
            for q in range(n_terms):
                row = builder.extract_value(rows_val, q)
                row = builder.sext(row, i64) if signed else builder.zext(row, i64)
                ptr = builder.gep(base, [builder.mul(row, row_bytes)])
                ptrs.append(builder.bitcast(ptr, elem.as_pointer()))
                wq = builder.extract_value(w_val, q)
                scalars.append(wq)
                wv = builder.insert_element(undef, wq, ir.Constant(i32, 0))
                splats.append(builder.shuffle_vector(wv, undef, splat))
            n_vec = builder.udiv(n, ir.Constant(i64, width))
            with cgutils.for_range(builder, n_vec) as loop:
                b = builder.mul(loop.index, ir.Constant(i64, width))
                prods = []
                for q in range(n_terms):
                    vp = builder.bitcast(builder.gep(ptrs[q], [b]), vec.as_pointer())
                    prods.append(
                        builder.fmul(splats[q], builder.load(vp, align=itemsize))
                    )
                yp = builder.bitcast(builder.gep(y_arr.data, [b]), vec.as_pointer())
                total = builder.fadd(
                    builder.load(yp, align=itemsize), _pairwise_sum(builder, prods)
                )
                builder.store(total, yp, align=itemsize)
            tail = builder.mul(n_vec, ir.Constant(i64, width))
            one = ir.Constant(i64, 1)
            with cgutils.for_range_slice(builder, tail, n, one, inc=True) as (b, _):
                prods = [
                    builder.fmul(scalars[q], builder.load(builder.gep(ptrs[q], [b])))
                    for q in range(n_terms)
                ]
                yp = builder.gep(y_arr.data, [b])
                builder.store(
                    builder.fadd(builder.load(yp), _pairwise_sum(builder, prods)), yp
                )
            return context.get_dummy_value()

        return types.void(y, X, w, rows), codegen

    @intrinsic
    def _transpose(typingctx, dst, src):
        """``dst[...] = src.T`` in 4 x 4 tiles of vector loads and shuffles.

        Moves a block's states between the sequence-major arrays (``pre``,
        ``out``) and the unit-major block buffers. Tiles need contiguous rows
        in both arrays (checked at run time; otherwise element by element).

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
            and dst.ndim == 2
            and src.ndim == 2
            and dst.dtype == src.dtype
            and isinstance(dst.dtype, types.Float)
        ):
            return None

        def codegen(context, builder, signature, args):
            d = context.make_array(signature.args[0])(context, builder, args[0])
            s = context.make_array(signature.args[1])(context, builder, args[1])
            elem = context.get_value_type(signature.args[0].dtype)
            itemsize = context.get_abi_sizeof(elem)
            i64 = ir.IntType(64)
            i32 = ir.IntType(32)
            vec = ir.VectorType(elem, 4)
            n_rows = builder.extract_value(d.shape, 0)
            n_cols = builder.extract_value(d.shape, 1)
            d_rs = builder.extract_value(d.strides, 0)
            d_cs = builder.extract_value(d.strides, 1)
            s_rs = builder.extract_value(s.strides, 0)
            s_cs = builder.extract_value(s.strides, 1)
            d_base = builder.bitcast(d.data, ir.IntType(8).as_pointer())
            s_base = builder.bitcast(s.data, ir.IntType(8).as_pointer())
            zero = ir.Constant(i64, 0)
            one = ir.Constant(i64, 1)
            four = ir.Constant(i64, 4)

            def at(base, r, c, rs, cs):
                offset = builder.add(builder.mul(r, rs), builder.mul(c, cs))
                return builder.bitcast(builder.gep(base, [offset]), elem.as_pointer())

            def shuffle(a, b, mask):
                return builder.shuffle_vector(
                    a, b, ir.Constant(ir.VectorType(i32, 4), mask)
                )

            size = ir.Constant(i64, itemsize)
            rows_contiguous = builder.and_(
                builder.icmp_unsigned("==", d_cs, size),
                builder.icmp_unsigned("==", s_cs, size),
            )
            rows4 = builder.select(
                rows_contiguous, builder.mul(builder.udiv(n_rows, four), four), zero
            )
            cols4 = builder.mul(builder.udiv(n_cols, four), four)
            with cgutils.for_range_slice(builder, zero, rows4, four, inc=True) as (
                r,
                _,
            ):
                with cgutils.for_range_slice(builder, zero, cols4, four, inc=True) as (
                    c,
                    _,
                ):
                    v = []
                    for q in range(4):
                        p = at(
                            s_base, builder.add(c, ir.Constant(i64, q)), r, s_rs, s_cs
                        )
                        p = builder.bitcast(p, vec.as_pointer())
                        v.append(builder.load(p, align=itemsize))
                    t0 = shuffle(v[0], v[1], [0, 4, 1, 5])
                    t1 = shuffle(v[0], v[1], [2, 6, 3, 7])
                    t2 = shuffle(v[2], v[3], [0, 4, 1, 5])
                    t3 = shuffle(v[2], v[3], [2, 6, 3, 7])
                    tile = [
                        shuffle(t0, t2, [0, 1, 4, 5]),
                        shuffle(t0, t2, [2, 3, 6, 7]),
                        shuffle(t1, t3, [0, 1, 4, 5]),
                        shuffle(t1, t3, [2, 3, 6, 7]),
                    ]
                    for u in range(4):
                        p = at(
                            d_base, builder.add(r, ir.Constant(i64, u)), c, d_rs, d_cs
                        )
                        p = builder.bitcast(p, vec.as_pointer())
                        builder.store(tile[u], p, align=itemsize)
                with cgutils.for_range_slice(builder, cols4, n_cols, one, inc=True) as (
                    c,
                    _,
                ):
                    for u in range(4):
                        ru = builder.add(r, ir.Constant(i64, u))
                        value = builder.load(at(s_base, c, ru, s_rs, s_cs))
                        builder.store(value, at(d_base, ru, c, d_rs, d_cs))
            with cgutils.for_range_slice(builder, rows4, n_rows, one, inc=True) as (
                r,
                _,
            ):
                with cgutils.for_range_slice(builder, zero, n_cols, one, inc=True) as (
                    c,
                    _,
                ):
                    value = builder.load(at(s_base, c, r, s_rs, s_cs))
                    builder.store(value, at(d_base, r, c, d_rs, d_cs))
            return context.get_dummy_value()

        return types.void(dst, src), codegen

    @intrinsic
    def _gather_dot8(typingctx, data, indices, k, x):
        """``((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7))``, ``p = w x``.

        ``p_q = data[k + q] * x[indices[k + q]]`` for ``q < 8``: one CSR group
        of the single-sequence kernels. The products are two 4-wide vector
        multiplications (the eight ``x`` are gathered into vectors) and the
        pairwise sums a horizontal add, so the result has the bits of the
        scalar expression with a third fewer loads.

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
            data_ty, indices_ty, k_ty, x_ty = signature.args
            d = context.make_array(data_ty)(context, builder, args[0])
            ix = context.make_array(indices_ty)(context, builder, args[1])
            xs = context.make_array(x_ty)(context, builder, args[3])
            elem = context.get_value_type(data_ty.dtype)
            itemsize = context.get_abi_sizeof(elem)
            i64 = ir.IntType(64)
            i32 = ir.IntType(32)
            i8p = ir.IntType(8).as_pointer()
            vec = ir.VectorType(elem, 4)
            k0 = args[2]
            k0 = builder.sext(k0, i64) if k_ty.signed else builder.zext(k0, i64)

            def element(arr, ty, pos):
                if ty.layout == "C":
                    return builder.gep(arr.data, [pos])
                stride = builder.extract_value(arr.strides, 0)
                ptr = builder.gep(
                    builder.bitcast(arr.data, i8p), [builder.mul(pos, stride)]
                )
                return builder.bitcast(ptr, arr.data.type)

            def lanes(q0):
                w = ir.Constant(vec, ir.Undefined)
                v = ir.Constant(vec, ir.Undefined)
                for u in range(4):
                    pos = builder.add(k0, ir.Constant(i64, q0 + u))
                    col = builder.load(element(ix, indices_ty, pos))
                    if indices_ty.dtype.signed:
                        col = builder.sext(col, i64)
                    else:
                        col = builder.zext(col, i64)
                    xv = builder.load(element(xs, x_ty, col))
                    v = builder.insert_element(v, xv, ir.Constant(i32, u))
                    if data_ty.layout != "C":
                        dv = builder.load(element(d, data_ty, pos))
                        w = builder.insert_element(w, dv, ir.Constant(i32, u))
                if data_ty.layout == "C":
                    pos = builder.add(k0, ir.Constant(i64, q0))
                    ptr = builder.bitcast(builder.gep(d.data, [pos]), vec.as_pointer())
                    w = builder.load(ptr, align=itemsize)
                return builder.fmul(w, v)

            def shuffle(a, b, mask):
                width = len(mask)
                return builder.shuffle_vector(
                    a, b, ir.Constant(ir.VectorType(i32, width), mask)
                )

            a = lanes(0)  # p0 p1 p2 p3
            b = lanes(4)  # p4 p5 p6 p7
            pairs = builder.fadd(
                shuffle(a, b, [0, 4, 2, 6]), shuffle(a, b, [1, 5, 3, 7])
            )  # p01 p45 p23 p67
            quads = builder.fadd(
                shuffle(pairs, pairs, [0, 1]), shuffle(pairs, pairs, [2, 3])
            )
            return builder.fadd(
                builder.extract_element(quads, ir.Constant(i32, 0)),
                builder.extract_element(quads, ir.Constant(i32, 1)),
            )

        return data.dtype(data, indices, k, x), codegen

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
            f64 = ir.DoubleType()
            fn = builder.module.declare_intrinsic(
                "llvm.fma", [f64], ir.FunctionType(f64, [f64, f64, f64])
            )
            return builder.call(fn, args)

        return types.float64(a, b, c), codegen


@njit(cache=True, inline="always", error_model="numpy")
def _tanh(v):
    """Vectorisable ``tanh`` in float64, at most 4 ulp from ``np.tanh``.

    ``tanh|x| = m / (m + 2)`` with ``m = expm1(2|x|)``. ``exp`` is reduced as
    ``2|x| = n ln2 + r`` (``|r| <= ln2 / 2``) with the Cephes Pade form
    ``exp(r) = (Q + P) / (Q - P)``, so ``m = ((2^n - 1)(Q + P) + 2P) / (Q - P)``
    is a sum of non-negative terms: no cancellation near 0, one division.

    Parameters
    ----------
    v : float
        Argument (float32 is promoted).

    Returns
    -------
    float64
        ``tanh(v)``; +-1 beyond ``|v| = 20``, NaN for NaN.
    """
    x = np.float64(v)
    y = min(2.0 * abs(x), 40.0)
    nf = np.floor(_fma(y, 1.4426950408889634, 0.5))
    r = _fma(-nf, 6.93145751953125e-1, y)
    r = _fma(-nf, 1.42860682030941723212e-6, r)
    rr = r * r
    p = r * _fma(
        _fma(1.26177193074810590878e-4, rr, 3.02994407707441961300e-2),
        rr,
        9.99999999999999999910e-1,
    )
    q = _fma(
        _fma(_fma(3.00198505138664455042e-6, rr, 2.52448340349684104192e-3), rr,
             2.27265548208155028766e-1),
        rr,
        2.0,
    )  # fmt: skip
    m = _fma(_exp2_int(nf) - 1.0, q + p, 2.0 * p)
    return math.copysign(m / _fma(2.0, q - p, m), x)


@njit(cache=True, inline="always", error_model="numpy")
def _activate(s, activation):
    """Apply activation ``activation`` in place to the 1-D array ``s``.

    Parameters
    ----------
    s : ndarray of shape (n,)
        Pre-activations, overwritten with ``f(s)``.
    activation : int
        Code from ``ACTIVATION_CODES``.
    """
    n = s.shape[0]
    zero = s.dtype.type(0)
    one = s.dtype.type(1)
    if activation == 0:
        for j in range(n):
            s[j] = _tanh(s[j])
    elif activation == 2:
        for j in range(n):
            if s[j] < zero:
                s[j] = zero
    elif activation == 3:
        for j in range(n):
            s[j] = one / (one + np.exp(-s[j]))


@njit(cache=True, inline="always", error_model="numpy")
def _leak(s, x_prev, leak):
    """In place: ``s <- (1 - leak) * x_prev + leak * s`` for 1-D arrays.

    Parameters
    ----------
    s : ndarray of shape (n,)
        Activated states ``f(s_t)``, overwritten with ``x_t``.
    x_prev : ndarray of shape (n,)
        Previous states ``x_{t-1}``.
    leak : ndarray of shape (n,)
        Leak rate of each unit.
    """
    one = s.dtype.type(1)
    for j in range(s.shape[0]):
        s[j] = (one - leak[j]) * x_prev[j] + leak[j] * s[j]


# ---------------------------------------------------------------------------
# one unit, one step
# ---------------------------------------------------------------------------


@njit(cache=True, inline="always", error_model="numpy")
def _csr_row(begin, end, indices, data, x, s):
    """``s`` plus ``sum(data[k] * x[indices[k]])`` in the fixed group order.

    Groups of eight go through ``_gather_dot8`` (vector products and a
    horizontal add). Elsewhere positions and indices are used as unsigned
    integers, so numba emits no negative-index check.

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

    The summation of the harvesting kernels (same bits), for signed
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
def _leaky_activate(s, x_prev, leak, activation):
    """In place: ``s <- (1 - leak) * x_prev + leak * f(s)`` for a 1-D row.

    Used by the closed-loop kernels of ``_generate``; same bits as the
    harvesting kernels.

    Parameters
    ----------
    s : ndarray of shape (n,)
        Pre-activations, overwritten with the new states.
    x_prev : ndarray of shape (n,)
        Previous states (must not alias ``s``).
    leak : ndarray of shape (n,)
        Leak rates.
    activation : int
        Code from ``ACTIVATION_CODES``.
    """
    _activate(s, activation)
    _leak(s, x_prev, leak)


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
    _activate(s[lo:hi], activation)
    _leak(s[lo:hi], x_prev[lo:hi], leak[lo:hi])


@njit(cache=True, inline="always", error_model="numpy")
def _dense_step(pre_t, W, x_prev, s, leak, activation, lo, hi):
    """One dense step for units ``lo:hi``: matvec, activation, leak into ``s``.

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
    _activate(out, activation)
    _leak(out, x_prev[lo:hi], leak[lo:hi])


# ---------------------------------------------------------------------------
# one sequence
# ---------------------------------------------------------------------------


@njit(cache=True, error_model="numpy")
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


@njit(cache=True, error_model="numpy")
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


# ---------------------------------------------------------------------------
# one sequence, units split over threads
# ---------------------------------------------------------------------------


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


@njit(cache=True, parallel=True, error_model="numpy")
def run_csr_parallel(pre, indptr, indices, data, leak, activation, x0, out):
    """``run_csr`` with the units of every step split over numba threads.

    Same arguments and result (bit for bit) as ``run_csr``. Every step ends
    with a synchronisation of the threads, so it pays for large ``N`` only
    (see ``PARALLEL_MIN_UNITS``) and suffers when the cores are oversubscribed.

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
    """
    n_steps, n_units = pre.shape
    ptr = indptr.astype(np.uint64)
    idx = indices.astype(np.uint32)
    n_chunks = max(1, min(_N_CHUNKS, n_units // 8))
    bounds = _balanced_bounds(indptr, n_chunks)
    for t in range(n_steps):
        x_prev = x0 if t == 0 else out[t - 1]
        s = out[t]
        pre_t = pre[t]
        for c in prange(n_chunks):
            _csr_step(
                pre_t, ptr, idx, data, x_prev, s, leak, activation,
                bounds[c], bounds[c + 1],
            )  # fmt: skip


@njit(cache=True, parallel=True, error_model="numpy")
def run_dense_parallel(pre, W, leak, activation, x0, out):
    """``run_dense`` with the units of every step split over numba threads.

    Same arguments and result (bit for bit) as ``run_dense``.

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
    """
    n_steps, n_units = pre.shape
    n_chunks = max(1, min(_N_CHUNKS, n_units // 8))
    for t in range(n_steps):
        x_prev = x0 if t == 0 else out[t - 1]
        s = out[t]
        pre_t = pre[t]
        for c in prange(n_chunks):
            # chunk edges on multiples of 8 units keep the vector loops aligned
            lo = (n_units * c // n_chunks) // 8 * 8
            hi = (n_units * (c + 1) // n_chunks) // 8 * 8
            if c == n_chunks - 1:
                hi = n_units
            _dense_step(pre_t, W, x_prev, s, leak, activation, lo, hi)


# ---------------------------------------------------------------------------
# batches of sequences
# ---------------------------------------------------------------------------


@njit(cache=True, inline="always", error_model="numpy")
def _start_block(x0, start, xc):
    """``xc[j, b] = x0[start + b, j]``: initial states into a block buffer.

    Parameters
    ----------
    x0 : ndarray of shape (S, N)
        Initial states.
    start : int
        First sequence of the block.
    xc : ndarray of shape (N, B)
        Block buffer (unit-major, one column per sequence).
    """
    _transpose(xc, x0[start : start + xc.shape[1]])


@njit(cache=True, inline="always", error_model="numpy")
def _load_block(pre, t, start, xn):
    """``xn[j, b] = pre[start + b, t, j]``: the step's inputs into a block.

    Parameters
    ----------
    pre : ndarray of shape (S, T, N)
        Projected inputs.
    t : int
        Time step.
    start : int
        First sequence of the block.
    xn : ndarray of shape (N, B)
        Block buffer written.
    """
    _transpose(xn, pre[start : start + xn.shape[1], t])


@njit(cache=True, inline="always", error_model="numpy")
def _finish_block(xn, xc, leak, activation, out, t, start):
    """Activation and leak on a block, then its states into ``out``.

    Parameters
    ----------
    xn : ndarray of shape (N, B)
        Pre-activations in, new states out.
    xc : ndarray of shape (N, B)
        Previous states.
    leak : ndarray of shape (N,)
        Leak rates.
    activation : int
        Activation code.
    out : ndarray of shape (S, T, N)
        States written at step ``t`` for sequences ``start:start + B``.
    t, start : int
        Step and first sequence.
    """
    n_units, n_lanes = xn.shape
    _activate(xn.reshape(n_units * n_lanes), activation)
    one = xn.dtype.type(1)
    for j in range(n_units):
        a = leak[j]
        c = one - a
        new = xn[j]
        prev = xc[j]
        for b in range(n_lanes):
            new[b] = c * prev[b] + a * new[b]
    _transpose(out[start : start + n_lanes, t], xn)


@njit(cache=True, error_model="numpy")
def _block_csr(pre, indptr, indices, data, leak, activation, x0, out, start, xc, xn):
    """Advance the sequences of one block with the CSR arrays of ``W.T``.

    Parameters
    ----------
    pre : ndarray of shape (S, T, N)
        Projected inputs.
    indptr : ndarray of uint64
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
    start : int
        First sequence of the block; ``xc.shape[1]`` sequences are advanced.
    xc, xn : ndarray of shape (N, B)
        Work buffers (current and next states).
    """
    n_steps = pre.shape[1]
    n_units = pre.shape[2]
    _start_block(x0, start, xc)
    for t in range(n_steps):
        _load_block(pre, t, start, xn)
        for j in range(n_units):
            y = xn[j]
            k = indptr[j]
            end = indptr[j + 1]
            while k + _U7 < end:
                _lanes_update(
                    y,
                    xc,
                    (
                        data[k], data[k + _U1], data[k + _U2], data[k + _U3],
                        data[k + _U4], data[k + _U5], data[k + _U6], data[k + _U7],
                    ),
                    (
                        indices[k], indices[k + _U1], indices[k + _U2],
                        indices[k + _U3], indices[k + _U4], indices[k + _U5],
                        indices[k + _U6], indices[k + _U7],
                    ),
                )  # fmt: skip
                k += _U8
            if k + _U3 < end:
                _lanes_update(
                    y,
                    xc,
                    (data[k], data[k + _U1], data[k + _U2], data[k + _U3]),
                    (indices[k], indices[k + _U1], indices[k + _U2], indices[k + _U3]),
                )
                k += _U4
            while k < end:
                _lanes_update(y, xc, (data[k],), (indices[k],))
                k += _U1
        _finish_block(xn, xc, leak, activation, out, t, start)
        xc, xn = xn, xc


@njit(cache=True, error_model="numpy")
def _block_dense(pre, W, leak, activation, x0, out, start, xc, xn):
    """Advance the sequences of one block with a dense ``W``.

    Parameters
    ----------
    pre : ndarray of shape (S, T, N)
        Projected inputs.
    W : ndarray of shape (N, N)
        Recurrent weights, rows are source units.
    leak : ndarray of shape (N,)
        Leak rates.
    activation : int
        Activation code.
    x0 : ndarray of shape (S, N)
        Initial states.
    out : ndarray of shape (S, T, N)
        States written for the block's sequences.
    start : int
        First sequence of the block; ``xc.shape[1]`` sequences are advanced.
    xc, xn : ndarray of shape (N, B)
        Work buffers (current and next states).
    """
    n_steps = pre.shape[1]
    n_units = pre.shape[2]
    _start_block(x0, start, xc)
    for t in range(n_steps):
        _load_block(pre, t, start, xn)
        i = 0
        while i + 7 < n_units:
            rows8 = (i, i + 1, i + 2, i + 3, i + 4, i + 5, i + 6, i + 7)
            for j in range(n_units):
                _lanes_update(
                    xn[j],
                    xc,
                    (
                        W[i, j], W[i + 1, j], W[i + 2, j], W[i + 3, j],
                        W[i + 4, j], W[i + 5, j], W[i + 6, j], W[i + 7, j],
                    ),
                    rows8,
                )  # fmt: skip
            i += 8
        if i + 3 < n_units:
            rows4 = (i, i + 1, i + 2, i + 3)
            for j in range(n_units):
                _lanes_update(
                    xn[j], xc, (W[i, j], W[i + 1, j], W[i + 2, j], W[i + 3, j]), rows4
                )
            i += 4
        while i < n_units:
            for j in range(n_units):
                _lanes_update(xn[j], xc, (W[i, j],), (i,))
            i += 1
        _finish_block(xn, xc, leak, activation, out, t, start)
        xc, xn = xn, xc


@njit(cache=True, parallel=True, error_model="numpy")
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
    """
    n_seq = pre.shape[0]
    n_units = pre.shape[2]
    n_blocks = (n_seq + BLOCK_SIZE - 1) // BLOCK_SIZE
    for blk in prange(n_blocks):
        start = blk * BLOCK_SIZE
        lanes = min(BLOCK_SIZE, n_seq - start)
        xc = np.empty((n_units, lanes), dtype=pre.dtype)
        xn = np.empty((n_units, lanes), dtype=pre.dtype)
        _block_dense(pre, W, leak, activation, x0, out, start, xc, xn)


@njit(cache=True, parallel=True, error_model="numpy")
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
    n_units = pre.shape[2]
    ptr = indptr.astype(np.uint64)
    idx = indices.astype(np.uint32)
    n_blocks = (n_seq + BLOCK_SIZE - 1) // BLOCK_SIZE
    for blk in prange(n_blocks):
        start = blk * BLOCK_SIZE
        lanes = min(BLOCK_SIZE, n_seq - start)
        xc = np.empty((n_units, lanes), dtype=pre.dtype)
        xn = np.empty((n_units, lanes), dtype=pre.dtype)
        _block_csr(pre, ptr, idx, data, leak, activation, x0, out, start, xc, xn)
