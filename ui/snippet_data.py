"""Source lines that rebuild the built-in data sets in a "Reproduce in Python" snippet, without ``engine/``."""
from __future__ import annotations


def classification_2d_code(dataset: str, n: int, noise: float, seed: int, indent: str = "    ") -> str:
    """Statements that set ``X`` and ``y`` exactly as ``engine.datasets.classification_2d(dataset, n, noise,
    random_state=seed)`` does (numpy must be imported as ``np``). Lines after the first start with ``indent``,
    so the text can be dropped into an indented snippet template."""
    make = {"blobs": f"skd.make_blobs({n}, centers=[[-1, -1], [1, 1]], cluster_std=0.6 + 2 * {noise}, random_state=inner)",
            "moons": f"skd.make_moons({n}, noise={noise}, random_state=inner)",
            "circles": f"skd.make_circles({n}, noise={noise} / 2, factor=0.4, random_state=inner)"}
    if dataset == "xor":
        body = [f"X = rng.uniform(-1, 1, size=({n}, 2))", "y = (X[:, 0] * X[:, 1] > 0).astype(int)",
                f"X = X + rng.normal(0, {noise} / 2, size=X.shape)"]
    elif dataset in make:
        body = [f"X, y = {make[dataset]}"]
    else:
        raise ValueError(f"dataset must be one of blobs, moons, circles, xor; got {dataset!r}")
    lines = ["from sklearn import datasets as skd", "", f"rng = np.random.default_rng({seed})",
             "inner = int(rng.integers(2**31))", *body]
    return ("\n" + indent).join(lines)
