import numpy as np
import pytest

from reservoir import ESNClassifier
from reservoir.interop import from_aeon, to_aeon


def test_round_trips_for_arrays_and_lists():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 3, 25))  # aeon: cases, channels, time points
    ours = from_aeon(X)
    assert ours.shape == (4, 25, 3)
    np.testing.assert_array_equal(ours[2, :, 1], X[2, 1, :])
    np.testing.assert_array_equal(to_aeon(ours), X)
    ragged = [rng.standard_normal((2, n)) for n in (10, 17)]
    back = to_aeon(from_aeon(ragged))
    for a, b in zip(back, ragged, strict=True):
        np.testing.assert_array_equal(a, b)


def test_bad_collections_are_rejected():
    with pytest.raises(ValueError, match="3-D array"):
        from_aeon(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="3-D array"):
        to_aeon([])
    with pytest.raises(ValueError, match=r"X\[1\]"):
        from_aeon([np.zeros((1, 5)), np.full((1, 5), np.nan)])


def test_aeon_bundled_data_set_is_classified():
    """A real labelled data set that aeon ships (no download): BasicMotions."""
    datasets = pytest.importorskip("aeon.datasets")
    X_train, y_train = datasets.load_basic_motions(split="train")
    X_test, y_test = datasets.load_basic_motions(split="test")
    clf = ESNClassifier(
        200, aggregation="mean", leak_rate=0.3, input_scaling=0.3, random_state=0
    )
    clf.fit(from_aeon(X_train), y_train)
    # 4 classes (chance 0.25); a plain ridge on per-channel means reaches ~0.5
    assert clf.score(from_aeon(X_test), y_test) >= 0.8


# issue 15, "Also": strings gave NumPy's "could not convert string to float",
# and to_aeon returned an invalid collection for different channel counts
@pytest.mark.parametrize(
    ("X", "name"),
    [
        (np.array([[["a", "b"]]]), "X"),
        ([np.zeros((1, 3)), [["1", "x", "2"]]], r"X\[1\]"),
    ],
)
def test_string_data_names_the_argument(X, name):
    with pytest.raises(TypeError, match=rf"^{name} must hold real numbers"):
        from_aeon(X)
    with pytest.raises(TypeError, match=rf"^{name} must hold real numbers"):
        to_aeon(X)


def test_different_channel_counts_are_refused():
    with pytest.raises(ValueError, match=r"same number of features.*X\[1\] has 3"):
        to_aeon([np.zeros((5, 2)), np.zeros((6, 3))])
    with pytest.raises(ValueError, match=r"same number of channels.*X\[2\] has 1"):
        from_aeon([np.zeros((2, 5)), np.zeros((2, 6)), np.zeros((1, 6))])
