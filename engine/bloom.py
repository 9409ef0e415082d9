"""Bloom filters: a bit array and k stable hash positions per item; theoretical and measured false-positive rates."""
from __future__ import annotations

import functools
import hashlib
import math

import numpy as np

from engine._validate import check_int

MAX_BITS = 1_000_000
MAX_HASHES = 64


def positions(item, m, k):
    """The k bit positions of ``item`` in a filter of m bits, by double hashing: (h₁ + i·h₂) mod m, i = 0 … k−1.

    h₁ and h₂ are the two halves of the item's SHA-256 digest (of ``str(item)`` in UTF-8), so the same item
    sets the same bits in every process and on every machine, unlike Python's salted ``hash()``. h₂ is made
    odd, so for m a power of two the k positions never collapse onto one another.
    """
    digest = hashlib.sha256(str(item).encode("utf-8")).digest()
    h1 = int.from_bytes(digest[:8], "little")
    h2 = int.from_bytes(digest[8:16], "little") | 1
    return [(h1 + i * h2) % m for i in range(k)]


class BloomFilter:
    """A Bloom filter of ``m`` bits with ``k`` hash functions.

    ``add(item)`` sets the item's k bits; ``item in bloom`` is True when all k are set. An added item is
    always found (no false negatives); an item never added is found only when other items happen to have
    set all its k bits (a false positive).
    """

    def __init__(self, m, k):
        self.m = check_int("m", m, low=1, high=MAX_BITS)
        self.k = check_int("k", k, low=1, high=MAX_HASHES)
        self.bits = np.zeros(self.m, dtype=bool)
        self.count = 0

    def add(self, item) -> None:
        self.bits[positions(item, self.m, self.k)] = True
        self.count += 1

    def __contains__(self, item) -> bool:
        return bool(self.bits[positions(item, self.m, self.k)].all())

    @property
    def fill(self) -> float:
        """Share of bits set."""
        return float(self.bits.mean())


def false_positive_rate(m, k, n):
    """The standard approximation (1 − e^(−kn/m))^k of the false-positive rate after n insertions."""
    m = check_int("m", m, low=1, high=MAX_BITS)
    k = check_int("k", k, low=1, high=MAX_HASHES)
    n = check_int("n", n, low=0)
    return float((1.0 - math.exp(-k * n / m)) ** k)


def optimal_k(m, n):
    """The whole number of hash functions that minimises the approximate false-positive rate: near (m/n)·ln 2."""
    m = check_int("m", m, low=1, high=MAX_BITS)
    n = check_int("n", n, low=1)
    guess = max(1, round(m / n * math.log(2)))
    candidates = {max(1, min(MAX_HASHES, c)) for c in (guess - 1, guess, guess + 1)}
    return min(candidates, key=lambda k: (false_positive_rate(m, k, n), k))


def random_items(count, rng, prefix):
    """``count`` distinct item names such as ``"add-3f2a…"`` from the generator ``rng``."""
    return [f"{prefix}-{value:016x}" for value in rng.choice(2**62, size=count, replace=False)]


def hash_pairs(items, m):
    """Each item's (h₁ mod m, h₂ mod m) from its SHA-256 digest, as two int64 arrays: the positions of every k at once."""
    pairs = np.empty((len(items), 2), dtype=np.int64)
    for row, item in enumerate(items):
        digest = hashlib.sha256(str(item).encode("utf-8")).digest()
        pairs[row] = (int.from_bytes(digest[:8], "little") % m, (int.from_bytes(digest[8:16], "little") | 1) % m)
    return pairs[:, 0], pairs[:, 1]


def _position_matrix(h1, h2, m, k):
    """(count, k) positions (h₁ + i·h₂) mod m, the same as ``positions`` item by item."""
    return (h1[:, None] + np.arange(k)[None, :] * h2[:, None]) % m


@functools.lru_cache(maxsize=16)
def _query_draw(m, k_max, n_queries, random_state):
    """The query items' (n_queries, k_max) positions and the generator state after drawing them.

    The queries are drawn first from ``random_state``, so they do not depend on n: memoised, a new n only hashes
    its n added items. Column i holds position i, so the first k columns are the positions for k hashes."""
    rng = np.random.default_rng(random_state)
    query_positions = _position_matrix(*hash_pairs(random_items(n_queries, rng, "query"), m), m, k_max)
    query_positions.setflags(write=False)
    return query_positions, rng.bit_generator.state


def measure_fpr_curve(m, ks, n, n_queries=20000, random_state=0):
    """``measure_fpr`` for each k in ``ks`` on the same random items (hashed once): returns an array like ``ks``."""
    m = check_int("m", m, low=1, high=MAX_BITS)
    ks = [check_int("k", k, low=1, high=MAX_HASHES) for k in ks]
    n = check_int("n", n, low=0, high=200_000)
    n_queries = check_int("n_queries", n_queries, low=1, high=200_000)
    query_positions, state = _query_draw(m, max(ks), n_queries, random_state)
    rng = np.random.default_rng()
    rng.bit_generator.state = state
    added = _position_matrix(*hash_pairs(random_items(n, rng, "added"), m), m, max(ks))
    rates = []
    for k in ks:
        bits = np.zeros(m, dtype=bool)
        bits[added[:, :k].ravel()] = True
        rates.append(float(bits[query_positions[:, :k]].all(axis=1).mean()))
    return np.array(rates)


def measure_fpr(m, k, n, n_queries=20000, random_state=0):
    """Insert n random items into a fresh BloomFilter(m, k), query ``n_queries`` different items, and return the
    share of them reported present (the measured false-positive rate). The generator seeded by ``random_state``
    draws the query items first, then the added ones.

    The items are hashed once into arrays (the same positions ``BloomFilter`` uses, item by item), so 20,000
    queries take milliseconds."""
    return float(measure_fpr_curve(m, [k], n, n_queries, random_state)[0])
