"""Compiled helpers of the ridge statistics in ``_ridge`` (plain arrays only)."""

from __future__ import annotations

import ctypes
import functools

import numpy as np
from numba import njit

__all__: list[str] = []


@njit(cache=True, nogil=True, error_model="numpy")
def shift_columns(part, shift, out, column):
    """``out[:, column:column + W] = part - shift``, one row after another.

    Three times NumPy's broadcast subtraction into a column slice of
    ``out`` (whose rows are strided), the same values: one rounded
    subtraction each.

    Parameters
    ----------
    part : ndarray of shape (n, W)
        Rows to shift (any strides).
    shift : ndarray of shape (W,)
        Subtracted from every row.
    out : ndarray of shape (n, F)
        Destination, ``F >= column + W``.
    column : int
        First column of ``out`` written.
    """
    n_rows, width = part.shape
    for i in range(n_rows):
        row = out[i, column : column + width]
        values = part[i]
        for j in range(width):
            row[j] = values[j] - shift[j]


def _blas_function(name: str, *argtypes):
    """SciPy's BLAS routine ``name`` as a ctypes function, or None.

    A ctypes call releases the GIL for its whole length (SciPy's own
    wrappers of some routines, ``dsyrk`` among them, hold it), so another
    thread (a reservoir kernel running ahead of the Gram updates) keeps
    going. It is the same routine of the same library that
    ``scipy.linalg.blas`` wraps (``scipy.linalg.cython_blas`` exports it).
    """
    try:
        from scipy.linalg import cython_blas

        capsule = cython_blas.__pyx_capi__[name]
        api = ctypes.pythonapi
        api.PyCapsule_GetName.restype = ctypes.c_char_p
        api.PyCapsule_GetName.argtypes = [ctypes.py_object]
        api.PyCapsule_GetPointer.restype = ctypes.c_void_p
        api.PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
        address = api.PyCapsule_GetPointer(capsule, api.PyCapsule_GetName(capsule))
    except (ImportError, AttributeError, KeyError, ValueError):  # pragma: no cover
        return None
    return ctypes.CFUNCTYPE(None, *argtypes)(address)


_CHAR, _INT, _DOUBLE = (
    ctypes.POINTER(ctypes.c_char),
    ctypes.POINTER(ctypes.c_int),
    ctypes.POINTER(ctypes.c_double),
)


@functools.cache
def _dsyrk():
    """``dsyrk`` as a ctypes function (looked up at its first use), or None."""
    return _blas_function(
        "dsyrk", _CHAR, _CHAR, _INT, _INT, _DOUBLE, ctypes.c_void_p, _INT, _DOUBLE,
        ctypes.c_void_p, _INT,
    )  # fmt: skip


def syrk_lower(rows: np.ndarray, gram: np.ndarray) -> bool:
    """``gram``'s lower triangle ``+= rows.T @ rows`` by BLAS ``dsyrk``, GIL released.

    Parameters
    ----------
    rows : ndarray of shape (n, F)
        C-contiguous float64 rows.
    gram : ndarray of shape (F, F)
        C-contiguous float64, updated in place (its strict upper triangle
        is left as it was).

    Returns
    -------
    bool
        False (nothing done) where the routine is not available or the
        arrays are not laid out as required: then call SciPy's wrapper.
        The same call as ``scipy.linalg.blas.dsyrk(1.0, rows.T, beta=1.0,
        c=gram.T, overwrite_c=1)``: the same bits.
    """
    n_features = gram.shape[0]
    if (
        _dsyrk() is None
        or rows.dtype != np.float64
        or gram.dtype != np.float64
        or not rows.flags.c_contiguous
        or not gram.flags.c_contiguous
        or not gram.flags.writeable
        or rows.ndim != 2
        or rows.shape[1] != n_features
        or gram.shape != (n_features, n_features)
        or max(rows.shape) >= 2**31  # LP64 BLAS: int arguments
    ):
        return False
    if rows.shape[0] == 0 or n_features == 0:
        return True
    n = ctypes.byref(ctypes.c_int(n_features))
    one = ctypes.byref(ctypes.c_double(1.0))
    # column-major: rows.T is (F, n) with leading dimension F, gram.T is
    # (F, F); its upper triangle ("U") is gram's lower one; "N": A A.T
    _dsyrk()(
        ctypes.byref(ctypes.c_char(b"U")), ctypes.byref(ctypes.c_char(b"N")), n,
        ctypes.byref(ctypes.c_int(rows.shape[0])), one, rows.ctypes.data, n, one,
        gram.ctypes.data, n,
    )  # fmt: skip
    return True
