"""Compiled helpers of the ridge statistics in ``_ridge`` (plain arrays only)."""

from __future__ import annotations

from numba import njit

__all__: list[str] = []


@njit(cache=True, error_model="numpy")
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
