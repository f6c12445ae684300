"""BPTT comparators: Elman, LSTM and GRU networks trained by backpropagation
through time, initialised at random, from a reservoir, or from a fitted ESN.

They share the ESN estimators' data conventions, so "is my reservoir as good
as a trained RNN, and does starting an RNN from the reservoir help?" is one
script (see ``examples/esn_vs_rnn.py``).
"""

from ._rnn import RNNClassifier, RNNRegressor, from_esn
from ._seq2seq import EncoderDecoderRegressor

__all__ = ["EncoderDecoderRegressor", "RNNClassifier", "RNNRegressor", "from_esn"]
