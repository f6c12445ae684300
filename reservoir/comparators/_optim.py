"""First-order optimisers on dictionaries of arrays, and gradient clipping.

The parameters and their gradients are ``dict[str, ndarray]`` with the same
keys; ``step`` updates the parameters in place. No validation here.
"""

from __future__ import annotations

import numpy as np

__all__: list[str] = []

SOLVERS = ("adam", "sgd")


def global_norm(grads: dict[str, np.ndarray]) -> float:
    """Euclidean norm of all gradients taken together."""
    return float(np.sqrt(sum(float(np.vdot(g, g)) for g in grads.values())))


def clip_by_global_norm(grads: dict[str, np.ndarray], max_norm: float | None) -> float:
    """Rescale ``grads`` in place so their global norm is at most ``max_norm``.

    This is the norm clipping of Pascanu, Mikolov and Bengio (2013): when the
    norm exceeds the threshold the whole gradient is scaled by
    ``max_norm / norm``, keeping its direction. Returns the norm before
    clipping.
    """
    norm = global_norm(grads)
    if max_norm is not None and norm > max_norm:
        scale = max_norm / norm
        for g in grads.values():
            g *= scale
    return norm


class Adam:
    """Adam (Kingma and Ba, 2015) with bias correction."""

    def __init__(self, params, learning_rate, beta_1=0.9, beta_2=0.999, eps=1e-8):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.eps = eps
        self.t = 0
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, params, grads):
        self.t += 1
        b1, b2 = self.beta_1, self.beta_2
        lr = self.learning_rate * np.sqrt(1.0 - b2**self.t) / (1.0 - b1**self.t)
        for k, g in grads.items():
            m, v = self.m[k], self.v[k]
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * (g * g)
            params[k] -= lr * m / (np.sqrt(v) + self.eps)


class SGD:
    """SGD with classical or Nesterov momentum (Sutskever et al., 2013).

    Velocity form: ``v <- mu v - lr g``; classical momentum adds ``v``,
    Nesterov adds ``mu v - lr g`` (the look-ahead form used by PyTorch and
    scikit-learn's MLP).
    """

    def __init__(self, params, learning_rate, momentum=0.9, nesterov=True):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.t = 0
        self.velocity = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, params, grads):
        self.t += 1
        mu, lr = self.momentum, self.learning_rate
        for k, g in grads.items():
            vel = self.velocity[k]
            vel *= mu
            vel -= lr * g
            if self.nesterov:
                params[k] += mu * vel - lr * g
            else:
                params[k] += vel


def make_optimizer(solver, params, learning_rate, momentum, nesterov):
    """Return a fresh optimiser for ``params``."""
    if solver == "adam":
        return Adam(params, learning_rate)
    return SGD(params, learning_rate, momentum, nesterov)
