"""Synthetic long-memory tasks used by the comparator examples and tests."""

from __future__ import annotations

import numpy as np

from .._validation import check_int, check_rng

__all__: list[str] = []


def adding_problem(n_sequences: int, length: int, *, random_state=None):
    """The adding problem of Hochreiter and Schmidhuber (1997).

    Each sequence has two input channels: values drawn uniformly from
    [-1, 1], and markers that are 1 at exactly two steps (one drawn in the
    first half, one in the second half) and 0 elsewhere. The target, given at
    the last step, is ``0.5 + (x_1 + x_2) / 4`` for the two marked values, in
    [0, 1]; a sequence counts as an error when the absolute error exceeds
    0.04 (Hochreiter and Schmidhuber's criterion).

    Returns ``X`` of shape (n_sequences, length, 2) and ``y`` of shape
    (n_sequences,).
    """
    n_sequences = check_int(n_sequences, "n_sequences", low=1)
    length = check_int(length, "length", low=2)
    rng = check_rng(random_state)
    values = rng.uniform(-1.0, 1.0, (n_sequences, length))
    half = length // 2
    first = rng.randint(0, half, n_sequences)
    second = rng.randint(half, length, n_sequences)
    markers = np.zeros((n_sequences, length))
    rows = np.arange(n_sequences)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    y = 0.5 + (values[rows, first] + values[rows, second]) / 4.0
    return np.stack([values, markers], axis=2), y
