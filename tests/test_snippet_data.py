import numpy as np
import pytest

from engine.datasets import CLASSIFICATION, classification_2d
from ui.snippet_data import classification_2d_code


@pytest.mark.parametrize("dataset", CLASSIFICATION)
def test_the_code_rebuilds_the_engine_data(dataset):
    scope = {"np": np}
    exec(classification_2d_code(dataset, 57, 0.25, 3, indent=""), scope)
    X, y = classification_2d(dataset, 57, 0.25, random_state=3)
    np.testing.assert_array_equal(scope["X"], X)
    np.testing.assert_array_equal(scope["y"], y)


def test_unknown_dataset_raises():
    with pytest.raises(ValueError, match="dataset"):
        classification_2d_code("spirals", 10, 0.1, 0)
