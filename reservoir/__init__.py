"""reservoir: echo state networks and reservoir computing, scikit-learn native.

Public API: the estimators, the weight builders, and the ``datasets`` and
``metrics`` submodules.
"""

__version__ = "0.1.0.dev0"

from . import (
    committee,
    comparators,
    datasets,
    forecast,
    interop,
    metrics,
    model_selection,
    nvar,
    online,
)
from ._classifier import ESNClassifier
from ._esn import ESNRegressor, ReservoirTransformer
from .committee import CommitteeRegressor
from .comparators import EncoderDecoderRegressor, RNNClassifier, RNNRegressor, from_esn
from .forecast import ESNForecaster
from .matrices import bias_vector, input_matrix, recurrent_matrix, spectral_radius
from .metrics import nmse, nrmse, nrmse_by_horizon, valid_prediction_time
from .nvar import NVARForecaster, NVARTransformer
from .online import FORCEForecaster, LMSRegressor, RLSRegressor

__all__ = [
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
    "committee",
    "comparators",
    "datasets",
    "forecast",
    "from_esn",
    "input_matrix",
    "interop",
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
