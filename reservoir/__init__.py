"""reservoir: echo state networks and reservoir computing, scikit-learn native.

Public API: the estimators, the weight builders, and the ``datasets`` and
``metrics`` submodules.
"""

__version__ = "0.1.0.dev0"

from . import (
    capacity,
    committee,
    comparators,
    datasets,
    diagnostics,
    forecast,
    interop,
    metrics,
    model_selection,
    nvar,
    online,
)
from ._classifier import ESNClassifier
from ._esn import ESNRegressor, ReservoirTransformer
from .capacity import information_processing_capacity, memory_capacity
from .committee import CommitteeClassifier, CommitteeRegressor
from .comparators import EncoderDecoderRegressor, RNNClassifier, RNNRegressor, from_esn
from .diagnostics import echo_state_property, effective_spectral_radius
from .forecast import ESNForecaster
from .matrices import bias_vector, input_matrix, recurrent_matrix, spectral_radius
from .metrics import nmse, nrmse, nrmse_by_horizon, valid_prediction_time
from .nvar import NVARForecaster, NVARTransformer
from .online import FORCEForecaster, LMSRegressor, RLSRegressor

__all__ = [
    "CommitteeClassifier",
    "CommitteeRegressor",
    "ESNClassifier",
    "ESNForecaster",
    "ESNRegressor",
    "EncoderDecoderRegressor",
    "FORCEForecaster",
    "LMSRegressor",
    "NVARForecaster",
    "NVARTransformer",
    "RLSRegressor",
    "RNNClassifier",
    "RNNRegressor",
    "ReservoirTransformer",
    "bias_vector",
    "capacity",
    "committee",
    "comparators",
    "datasets",
    "diagnostics",
    "echo_state_property",
    "effective_spectral_radius",
    "forecast",
    "from_esn",
    "information_processing_capacity",
    "input_matrix",
    "interop",
    "memory_capacity",
    "metrics",
    "model_selection",
    "nmse",
    "nrmse",
    "nrmse_by_horizon",
    "nvar",
    "online",
    "recurrent_matrix",
    "spectral_radius",
    "valid_prediction_time",
]
