"""CommitteeClassifier: members with drawn seeds, scores averaged."""

import pickle

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import LinearSVC

from reservoir import CommitteeClassifier, ESNClassifier
from reservoir.datasets import make_sequence_classification


def _sequences():
    X, y = make_sequence_classification(
        60, min_length=40, max_length=50, n_classes=3, random_state=0
    )
    return X[:40], y[:40], X[40:], y[40:]


def test_committee_classifier_averages_member_scores():
    X_tr, y_tr, X_te, _ = _sequences()
    member = ESNClassifier(20, spectral_radius=0.5, aggregation="mean", washout=20)
    committee = CommitteeClassifier(member, n_members=3, random_state=0)
    committee.fit(X_tr, y_tr)
    assert len(committee.estimators_) == 3
    assert len(set(committee.member_seeds_.tolist())) == 3
    np.testing.assert_array_equal(committee.classes_, np.unique(y_tr))
    scores = np.mean([m.decision_function(X_te) for m in committee.estimators_], 0)
    np.testing.assert_array_equal(committee.decision_function(X_te), scores)
    np.testing.assert_array_equal(
        committee.predict(X_te), committee.classes_[np.argmax(scores, axis=1)]
    )
    # a member is the classifier fitted with its seed
    seed = int(committee.member_seeds_[2])
    solo = ESNClassifier(
        20, spectral_radius=0.5, aggregation="mean", washout=20, random_state=seed
    )
    np.testing.assert_array_equal(
        solo.fit(X_tr, y_tr).decision_function(X_te),
        committee.estimators_[2].decision_function(X_te),
    )
    again = CommitteeClassifier(member, n_members=3, random_state=0).fit(X_tr, y_tr)
    np.testing.assert_array_equal(
        again.decision_function(X_te), committee.decision_function(X_te)
    )
    loaded = pickle.loads(pickle.dumps(committee))
    np.testing.assert_array_equal(
        loaded.decision_function(X_te), committee.decision_function(X_te)
    )


def test_committee_classifier_per_step_and_probabilities():
    rng = np.random.default_rng(0)
    X = [rng.standard_normal((80, 1)) for _ in range(3)]
    y = [np.where(np.convolve(x[:, 0], np.ones(3), "same") > 0, "up", "down")
         for x in X]  # fmt: skip
    member = ESNClassifier(
        15, spectral_radius=0.5, washout=20, readout=LogisticRegression()
    )
    committee = CommitteeClassifier(
        member, n_members=2, response_method="predict_proba", random_state=1
    ).fit(X, y)
    proba = committee.predict_proba(X)
    assert isinstance(proba, list) and proba[1].shape == (80, 2)
    expected = np.mean([m.predict_proba(X)[1] for m in committee.estimators_], 0)
    np.testing.assert_array_equal(proba[1], expected)
    labels = committee.predict(X)
    np.testing.assert_array_equal(
        labels[0], committee.classes_[np.argmax(proba[0], axis=1)]
    )
    # 'auto' takes the decision function: two classes give one score column
    auto = CommitteeClassifier(member, n_members=2, random_state=1).fit(X[0], y[0])
    scores = auto.decision_function(X[0])
    assert scores.shape == (80,)
    np.testing.assert_array_equal(
        auto.predict(X[0]), auto.classes_[(scores > 0).astype(int)]
    )


def test_committee_classifier_validation():
    X_tr, y_tr, _, _ = _sequences()
    with pytest.raises(ValueError, match="n_members"):
        CommitteeClassifier(n_members=0).fit(X_tr, y_tr)
    with pytest.raises(TypeError, match="random_state parameter"):
        CommitteeClassifier(KNeighborsClassifier()).fit(X_tr, y_tr)
    with pytest.raises(ValueError, match="response_method"):
        CommitteeClassifier(response_method="votes").fit(X_tr, y_tr)
    svc_member = ESNClassifier(10, spectral_radius=0.5, washout=20, readout=LinearSVC())
    with pytest.raises(TypeError, match="predict_proba"):
        CommitteeClassifier(svc_member, response_method="predict_proba").fit(X_tr, y_tr)
    assert not hasattr(CommitteeClassifier(svc_member), "predict_proba")
