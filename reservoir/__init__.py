"""reservoir: echo state networks and reservoir computing, scikit-learn native.

Public API: the estimators, the weight builders, and the ``datasets`` and
``metrics`` submodules.
"""

__version__ = "0.1.0.dev0"

from . import datasets, forecast, interop, metrics, model_selection
from ._classifier import ESNClassifier
from ._esn import ESNRegressor, ReservoirTransformer
from .forecast import ESNForecaster
from .matrices import bias_vector, input_matrix, recurrent_matrix, spectral_radius
from .metrics import nmse, nrmse, nrmse_by_horizon, valid_prediction_time

__all__ = [
    "ESNClassifier",
    "ESNForecaster",
    "ESNRegressor",
    "ReservoirTransformer",
    "bias_vector",
    "datasets",
    "forecast",
    "input_matrix",
    "interop",
    "metrics",
    "model_selection",
    "nmse",
    "nrmse",
    "nrmse_by_horizon",
    "recurrent_matrix",
    "spectral_radius",
    "valid_prediction_time",
]
