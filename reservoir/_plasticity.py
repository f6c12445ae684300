"""Intrinsic plasticity: unsupervised gain and bias adaptation of the units.

Before the readout is trained, each unit's activation ``f(s)`` becomes
``f(g s + c)`` and its gain ``g`` and shift ``c`` follow an online rule that
pushes the distribution of its output towards a target: exponential with
mean ``mu`` for logistic units (Triesch 2005), Gaussian with mean ``mu`` and
standard deviation ``sigma`` for tanh units (Schrauwen et al. 2008). The
rules run in a compiled kernel (``_plasticity_kernels``), over the training
sequences from the zero state, ``epochs`` times in order; they draw no random
numbers, so the result depends on the weights (hence ``random_state``) and
the data only.

The adapted reservoir is the plain one with the gains folded into its
weights, ``g (u W_in + b + x W) + c = u (W_in g) + x (W g) + (g b + c)``, so
the usual kernels run it unchanged.

References
----------
Triesch, J. (2005). A gradient rule for the plasticity of a neuron's
intrinsic excitability. ICANN 2005, LNCS 3696, 65-70.

Schrauwen, B., Wardermann, M., Verstraeten, D., Steil, J. J. and Stroobandt,
D. (2008). Improving reservoirs using intrinsic plasticity.
Neurocomputing 71(7-9), 1159-1171.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse

from . import _plasticity_kernels
from ._reservoir import Reservoir
from ._validation import check_int, check_real

__all__: list[str] = []

#: Default target of each rule: (mean, standard deviation).
DEFAULT_TARGETS = {"tanh": (0.0, 0.2), "sigmoid": (0.2, None)}
RULES = {
    "tanh": _plasticity_kernels.GAUSSIAN_TANH,
    "sigmoid": _plasticity_kernels.EXPONENTIAL_SIGMOID,
}


def check_plasticity(activation, epochs, learning_rate, mean, std):
    """Validate the ``ip_*`` hyperparameters; return (epochs, eta, mean, std)."""
    epochs = check_int(epochs, "ip_epochs", low=0)
    if epochs == 0:
        return 0, 0.0, 0.0, 0.0
    if activation not in RULES:
        raise ValueError(
            f"intrinsic plasticity (ip_epochs={epochs}) needs activation='tanh' "
            f"(Gaussian target) or 'sigmoid' (exponential target); got "
            f"activation={activation!r}. Set ip_epochs=0 or change the activation."
        )
    eta = check_real(learning_rate, "ip_learning_rate", low=0.0, low_inclusive=False)
    default_mean, default_std = DEFAULT_TARGETS[activation]
    mean = default_mean if mean is None else mean
    if activation == "tanh":
        mean = check_real(mean, "ip_mean", low=-1.0, high=1.0,
                          low_inclusive=False, high_inclusive=False)  # fmt: skip
        std = check_real(default_std if std is None else std, "ip_std",
                         low=0.0, low_inclusive=False)  # fmt: skip
    else:
        mean = check_real(mean, "ip_mean", low=0.0, high=1.0,
                          low_inclusive=False, high_inclusive=False)  # fmt: skip
        if std is not None:
            raise ValueError(
                f"ip_std applies to activation='tanh' only (the sigmoid rule's "
                f"exponential target has its mean alone); got ip_std={std!r}. "
                f"Leave ip_std=None."
            )
        std = 1.0  # unused by the sigmoid rule
    return epochs, eta, mean, std


def adapt(W, W_in, bias, leak, activation, sequences, epochs, eta, mean, std):
    """Gains and shifts after ``epochs`` passes over ``sequences``."""
    dense = W.toarray() if scipy.sparse.issparse(W) else np.asarray(W)
    dense = np.ascontiguousarray(dense, dtype=np.float64)
    W_in = np.ascontiguousarray(W_in, dtype=np.float64)
    bias = np.ascontiguousarray(bias, dtype=np.float64)
    leak = np.ascontiguousarray(leak, dtype=np.float64)
    gain = np.ones(dense.shape[0])
    shift = np.zeros(dense.shape[0])
    rule = RULES[activation]
    for _ in range(epochs):
        for U in sequences:
            _plasticity_kernels.ip_pass(
                np.ascontiguousarray(U, dtype=np.float64), W_in, dense, bias,
                leak, rule, mean, std, eta, gain, shift,
            )  # fmt: skip
    if not (np.all(gain > 0) and np.all(np.isfinite(gain + shift))):
        raise ValueError(
            f"intrinsic plasticity diverged with ip_learning_rate={eta} (gains "
            f"must stay positive and finite; smallest {np.min(gain):.3g}); use "
            f"a smaller learning rate."
        )
    return gain, shift


def folded_reservoir(W, W_in, bias, leak, activation, gain, shift, dtype) -> Reservoir:
    """The runner of the adapted reservoir: gains folded into the weights."""
    if scipy.sparse.issparse(W):
        W_gain = scipy.sparse.csr_array(W.multiply(gain[None, :]))
    else:
        W_gain = W * gain[None, :]
    return Reservoir(
        W_gain, W_in * gain[None, :], bias * gain + shift, leak, activation, dtype
    )
