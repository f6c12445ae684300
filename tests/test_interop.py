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


# issue 16: an ESN for sktime users, passing sktime's own estimator checks
def test_sktime_forecaster_passes_sktime_check_estimator():
    pytest.importorskip("sktime")
    from sktime.utils.estimator_checks import check_estimator

    from reservoir.interop import SktimeESNForecaster

    results = check_estimator(
        SktimeESNForecaster, raise_exceptions=False, verbose=False
    )
    failed = {name: str(result)[:300] for name, result in results.items()
              if result != "PASSED"}  # fmt: skip
    assert len(results) > 100  # the forecaster suite ran, not an empty selection
    assert not failed, failed


def test_sktime_evaluate_with_expanding_window_beats_the_naive_forecaster():
    pd = pytest.importorskip("pandas")
    pytest.importorskip("sktime")
    from sktime.forecasting.model_evaluation import evaluate
    from sktime.forecasting.model_selection import ExpandingWindowSplitter
    from sktime.forecasting.naive import NaiveForecaster

    from reservoir.forecast import ESNForecaster
    from reservoir.interop import SktimeESNForecaster

    t = np.arange(400)
    y = pd.Series(np.sin(2 * np.pi * t / 25) + 0.5 * np.sin(2 * np.pi * t / 7))
    cv = ExpandingWindowSplitter(initial_window=250, step_length=30, fh=[1, 2, 5, 10])
    esn = SktimeESNForecaster(
        ESNForecaster(100, washout=30, alpha=1e-6, random_state=0)
    )
    ours = evaluate(esn, cv, y)
    naive = evaluate(NaiveForecaster(strategy="last"), cv, y)
    assert len(ours) == len(naive) == 5  # windows at 250, 280, ..., 370
    metric = "test_MeanAbsolutePercentageError"
    assert np.all(np.isfinite(ours[metric]))
    # a noiseless two-tone signal: the ESN is far better than persistence
    assert ours[metric].mean() < 0.2 * naive[metric].mean()


def test_sktime_forecaster_update_keeps_or_refits_the_readout():
    pd = pytest.importorskip("pandas")
    pytest.importorskip("sktime")
    from reservoir.forecast import ESNForecaster
    from reservoir.interop import SktimeESNForecaster

    y = pd.Series(np.sin(np.arange(300) / 6))
    template = ESNForecaster(60, washout=20, random_state=0)
    model = SktimeESNForecaster(template).fit(y[:250])
    coef = model.forecaster_.coef_.copy()
    model.update(y[250:], update_params=False)
    np.testing.assert_array_equal(model.forecaster_.coef_, coef)
    # the forecast continues the whole series: as ESNForecaster with context
    expected = model.forecaster_.forecast(3, context=y.to_numpy()[:, None])
    np.testing.assert_allclose(model.predict(fh=[1, 2, 3]).to_numpy(), expected[:, 0])
    model.update(y[250:], update_params=True)
    refit = ESNForecaster(60, washout=20, random_state=0).fit(
        np.concatenate([y.to_numpy(), y.to_numpy()[250:]])[:, None]
    )
    np.testing.assert_array_equal(model.forecaster_.coef_, refit.coef_)
    with pytest.raises(TypeError, match="forecaster must be an ESNForecaster"):
        SktimeESNForecaster("esn").fit(y)


def test_interop_imports_without_sktime_and_names_the_extra():
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['sktime'] = None  # as if not installed\n"
        "import reservoir, reservoir.interop\n"
        "try:\n"
        "    reservoir.interop.SktimeESNForecaster\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert 'pip install "reservoir-esn[sktime]"' in proc.stdout
