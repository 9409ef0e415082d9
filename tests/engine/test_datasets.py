import numpy as np
import pytest

from engine.datasets import CLASSIFICATION, CLUSTERING, classification_2d, clustering_2d, grid_2d


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classification_sets(name):
    X, y = classification_2d(name, 120, 0.2, random_state=3)
    assert X.shape == (120, 2) and set(np.unique(y)) == {0, 1}
    np.testing.assert_array_equal(X, classification_2d(name, 120, 0.2, random_state=3)[0])


@pytest.mark.parametrize("name", CLUSTERING)
def test_clustering_sets(name):
    X, y = clustering_2d(name, 200, 4, random_state=1)
    assert X.shape == (200, 2) and set(np.unique(y)) == {0, 1, 2, 3}


def test_grid_covers_the_data():
    X = np.array([[0.0, 0.0], [1.0, 2.0]])
    xs, ys, points = grid_2d(X, 10, pad=0.5)
    assert points.shape == (100, 2) and xs[0] == -0.5 and ys[-1] == 2.5


@pytest.mark.parametrize("call, name", [
    (lambda: classification_2d("spiral"), "dataset"), (lambda: classification_2d(n=5), "n"),
    (lambda: classification_2d(n=10**6), "n"), (lambda: clustering_2d(k_true=1), "k_true"),
    (lambda: grid_2d(np.zeros((2, 2)), 1000), "resolution"),
])
def test_bad_inputs_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()
