import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.spatial import distance
from sklearn.metrics import f1_score, jaccard_score

from engine import overlap

RNG = np.random.default_rng(0)
A = RNG.random((30, 40)) < 0.3
B = RNG.random((30, 40)) < 0.5


def test_dice_and_iou_match_sklearn_and_scipy():
    assert overlap.iou(A, B) == pytest.approx(jaccard_score(A.ravel(), B.ravel()))
    assert overlap.dice(A, B) == pytest.approx(f1_score(A.ravel(), B.ravel()))  # Dice is F1 on pixels
    assert overlap.dice(A, B) == pytest.approx(1 - distance.dice(A.ravel(), B.ravel()))
    assert overlap.iou(A, B) == pytest.approx(1 - distance.jaccard(A.ravel(), B.ravel()))


def test_known_values():
    a = np.array([1, 1, 1, 1, 0, 0], bool)
    b = np.array([0, 0, 1, 1, 1, 1], bool)
    assert overlap.iou(a, b) == pytest.approx(2 / 6)
    assert overlap.dice(a, b) == pytest.approx(2 * 2 / 8)
    assert overlap.dice(a, a) == overlap.iou(a, a) == 1.0
    assert overlap.dice(a, ~a) == overlap.iou(a, ~a) == 0.0


def test_two_empty_masks_score_one_and_one_empty_scores_zero():
    empty = np.zeros((4, 4), bool)
    assert overlap.dice(empty, empty) == overlap.iou(empty, empty) == 1.0
    assert overlap.dice(empty, ~empty) == overlap.iou(empty, ~empty) == 0.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=50))
def test_dice_is_2_iou_over_1_plus_iou(pairs):
    a = np.array([p for p, _ in pairs])
    b = np.array([q for _, q in pairs])
    j = overlap.iou(a, b)
    assert overlap.dice(a, b) == pytest.approx(2 * j / (1 + j))
    assert overlap.dice(a, b) >= j - 1e-12


def test_disc_masks_approach_the_exact_lens_area():
    pair = overlap.disc_masks(30, 20, 25, 10)
    d = np.hypot(25, 10)
    lens = overlap.disc_lens_area(30, 20, d)
    assert pair.a.sum() == pytest.approx(np.pi * 900, rel=0.01)
    assert (pair.a & pair.b).sum() == pytest.approx(lens, rel=0.02)
    exact_iou = lens / (np.pi * 900 + np.pi * 400 - lens)
    assert overlap.iou(pair.a, pair.b) == pytest.approx(exact_iou, abs=0.01)


def test_disc_lens_area_limits():
    assert overlap.disc_lens_area(1, 1, 2) == 0.0
    assert overlap.disc_lens_area(3, 1, 1) == pytest.approx(np.pi)
    assert overlap.disc_lens_area(1, 1, 0) == pytest.approx(np.pi)


def test_the_same_miss_costs_a_small_disc_more():
    small = overlap.disc_masks(5, 5, 4, 0)
    large = overlap.disc_masks(5, 5, 4, 0, scale=4)
    assert overlap.iou(small.a, small.b) < 0.4 < 0.75 < overlap.iou(large.a, large.b)


@pytest.mark.parametrize("call, name", [
    (lambda: overlap.dice(np.ones(3, bool), np.ones(4, bool)), "same shape"),
    (lambda: overlap.iou(np.ones((2, 2), bool), np.ones(4, bool)), "same shape"),
    (lambda: overlap.dice(np.array([0.5, 1.0]), np.array([1, 0])), "a must be a boolean"),
    (lambda: overlap.disc_masks(r_a=0), "r_a"),
    (lambda: overlap.disc_masks(dx=np.nan), "dx"),
    (lambda: overlap.disc_masks(r_b=300, scale=2), "scale"),
])
def test_bad_inputs_raise(call, name):
    with pytest.raises(ValueError, match=name):
        call()
