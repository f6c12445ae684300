"""Warnings and errors raised by reservoir (they name what went wrong).

Examples
--------
>>> import warnings
>>> from reservoir.exceptions import DivergenceWarning
>>> with warnings.catch_warnings():
...     warnings.simplefilter("error", DivergenceWarning)  # make it an error
"""

from __future__ import annotations

__all__ = ["DivergenceError", "DivergenceWarning", "WashoutWarning"]


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


class WashoutWarning(UserWarning):
    """The reservoir still remembers its initial state at the end of the washout.

    Issued by ``fit`` of :class:`reservoir.ESNRegressor` and
    :class:`reservoir.ESNClassifier` when ``washout > 0`` and two runs of the
    first training sequence's washout steps, from the zero state and from a
    random state, still differ by more than
    ``reservoir.diagnostics.WASHOUT_TOLERANCE`` of their initial distance.
    The check runs only the washout steps twice and changes no result; see
    :func:`reservoir.echo_state_property` for the full diagnosis.

    Examples
    --------
    >>> from reservoir.exceptions import WashoutWarning
    >>> issubclass(WashoutWarning, UserWarning)
    True
    """
