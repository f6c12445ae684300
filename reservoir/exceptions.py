"""Warnings and errors raised by reservoir (they name what went wrong).

Examples
--------
>>> import warnings
>>> from reservoir.exceptions import DivergenceWarning
>>> with warnings.catch_warnings():
...     warnings.simplefilter("error", DivergenceWarning)  # make it an error
"""

from __future__ import annotations

__all__ = ["DivergenceError", "DivergenceWarning"]


class DivergenceWarning(UserWarning):
    """A closed-loop forecast ran away from the range of the training data.

    Issued by :meth:`reservoir.ESNForecaster.forecast` (and the methods built
    on it) when a forecast value is not finite or lies more than one training
    range beyond the range the model saw in training. Pass
    ``divergence='raise'`` to get a :class:`DivergenceError` instead.

    Examples
    --------
    >>> from reservoir.exceptions import DivergenceWarning
    >>> issubclass(DivergenceWarning, UserWarning)
    True
    """


class DivergenceError(RuntimeError):
    """A closed-loop forecast diverged (raised with ``divergence='raise'``).

    Examples
    --------
    >>> from reservoir.exceptions import DivergenceError
    >>> issubclass(DivergenceError, RuntimeError)
    True
    """
