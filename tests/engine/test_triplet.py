import numpy as np
import pytest
import torch
import torch.nn.functional as F

from engine.triplet import class_data, distances, negative_kind, train_embedding, triplet_loss


@pytest.mark.parametrize("margin", [0.2, 1.0, 3.0])
def test_matches_torch_triplet_margin_loss(margin):
    rng = np.random.default_rng(0)
    a, p, n = (rng.normal(size=(50, 4)) for _ in range(3))
    expected = float(F.triplet_margin_loss(*(torch.tensor(v) for v in (a, p, n)), margin=margin))
    assert triplet_loss(a, p, n, margin) == pytest.approx(expected, abs=1e-5)  # torch adds 1e-6 inside the norms


def test_notes_worked_example_and_known_values():
    a, p = np.zeros(2), np.array([0.5, 0.0])
    assert triplet_loss(a, p, np.array([0.0, 0.7]), margin=0.2) == pytest.approx(0.0)   # d(a,n) = d(a,p) + margin
    assert triplet_loss(a, p, np.array([0.0, 0.6]), margin=0.2) == pytest.approx(0.1)
    assert triplet_loss(a, p, np.array([0.3, 0.0]), margin=0.2) == pytest.approx(0.4)   # hard: 0.5 − 0.3 + 0.2
    assert distances(a, p, np.array([3.0, 4.0]))[1][0] == 5.0


def test_negative_kinds():
    a, p = np.zeros(2), np.array([1.0, 0.0])
    assert negative_kind(a, p, np.array([0.5, 0.0]), 1.0) == "hard"
    assert negative_kind(a, p, np.array([-1.0, 0.0]), 1.0) == "hard"       # as close as the positive
    assert negative_kind(a, p, np.array([0.0, 1.5]), 1.0) == "semi-hard"
    assert negative_kind(a, p, np.array([0.0, 2.5]), 1.0) == "easy"
    assert negative_kind(a, p, np.array([0.0, 1.5]), 0.4) == "easy"


def test_training_orders_triplets_when_the_classes_separate_and_not_when_they_overlap():
    clear = train_embedding(1.0, 0.5, 40, 0)
    assert clear.ordered_after > 0.95 > 0.7 > clear.ordered_before
    assert clear.loss[-1] < clear.loss[0] and clear.after.shape == (150, 2)
    blurred = train_embedding(1.0, 3.0, 40, 0)
    assert blurred.ordered_after < 0.8


def test_class_data_shape_and_labels():
    X, y = class_data(30, 1.0, 2)
    assert X.shape == (30, 8) and set(y) == {0, 1, 2}


@pytest.mark.parametrize("call, name", [(lambda: triplet_loss(np.zeros(2), np.zeros(3), np.zeros(2)), "positive"),
                                        (lambda: triplet_loss(np.zeros(2), np.zeros(2), np.zeros(2), -1), "margin"),
                                        (lambda: triplet_loss(np.zeros(2), np.zeros(2), [np.nan, 0]), "negative"),
                                        (lambda: negative_kind(np.zeros((2, 2)), np.zeros((2, 2)), np.zeros((2, 2)), 1), "one triplet"),
                                        (lambda: train_embedding(0.0), "margin")])
def test_bad_inputs_raise(call, name):
    with pytest.raises(ValueError, match=name):
        call()
