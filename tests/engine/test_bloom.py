import hashlib
import math
import subprocess
import sys

import numpy as np
import pytest

from engine import bloom


def test_no_false_negatives_and_bits_are_the_double_hash_positions():
    b = bloom.BloomFilter(500, 4)
    items = [f"user{i}@example.com" for i in range(60)]
    for item in items:
        b.add(item)
    assert all(item in b for item in items)
    digest = hashlib.sha256(b"user0@example.com").digest()
    h1, h2 = int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:16], "little") | 1
    assert bloom.positions("user0@example.com", 500, 4) == [(h1 + i * h2) % 500 for i in range(4)]
    expected = np.zeros(500, bool)
    for item in items:
        expected[bloom.positions(item, 500, 4)] = True
    np.testing.assert_array_equal(b.bits, expected)


def test_an_empty_filter_contains_nothing_and_a_full_one_everything():
    assert "x" not in bloom.BloomFilter(10, 3)
    full = bloom.BloomFilter(8, 2)
    full.bits[:] = True
    assert "anything" in full


def test_bits_are_the_same_in_another_process():
    code = "from engine.bloom import BloomFilter as B; b = B(97, 3); b.add('spam'); print(''.join('1' if x else '0' for x in b.bits))"
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout for _ in range(2)}
    b = bloom.BloomFilter(97, 3)
    b.add("spam")
    assert runs == {"".join("1" if x else "0" for x in b.bits) + "\n"}


def test_formula_and_optimum():
    assert bloom.false_positive_rate(1000, 7, 100) == pytest.approx((1 - math.exp(-0.7)) ** 7)
    assert bloom.false_positive_rate(1000, 3, 0) == 0
    assert bloom.optimal_k(1000, 100) == 7  # (m/n) ln 2 = 6.93
    for m, n in [(1000, 100), (4000, 150), (256, 100), (64, 400)]:
        best = bloom.optimal_k(m, n)
        rates = [bloom.false_positive_rate(m, k, n) for k in range(1, 40)]
        assert bloom.false_positive_rate(m, best, n) == pytest.approx(min(rates))


@pytest.mark.parametrize("m, k, n", [(1000, 3, 100), (1000, 7, 100), (256, 2, 60), (4000, 10, 400)])
def test_measured_rate_matches_the_formula_within_sampling_error(m, k, n):
    measured = bloom.measure_fpr(m, k, n, n_queries=20000, random_state=1)
    theory = bloom.false_positive_rate(m, k, n)
    # The formula is an approximation (it treats bits as independent); for these sizes it is within a few
    # percent of the truth, so allow binomial noise plus 15 %.
    assert abs(measured - theory) <= 4 * math.sqrt(theory * (1 - theory) / 20000) + 0.15 * theory


def test_measure_fpr_is_the_share_of_never_added_items_a_bloom_filter_reports_present():
    rng = np.random.default_rng(3)
    queries = bloom.random_items(2000, rng, "query")
    b = bloom.BloomFilter(300, 3)
    for item in bloom.random_items(40, rng, "added"):
        b.add(item)
    explicit = np.mean([q in b for q in queries])
    assert bloom.measure_fpr(300, 3, 40, n_queries=2000, random_state=3) == explicit
    np.testing.assert_array_equal(bloom.measure_fpr_curve(300, [1, 3], 40, 2000, 3),
                                  [bloom.measure_fpr(300, 1, 40, 2000, 3), explicit])


def test_the_curve_for_a_new_n_reuses_the_queries_and_equals_one_call_per_k():
    for n in [0, 10, 40, 90]:
        curve = bloom.measure_fpr_curve(300, [1, 2, 5], n, n_queries=1500, random_state=4)
        expected = [bloom.measure_fpr(300, k, n, n_queries=1500, random_state=4) for k in [1, 2, 5]]
        np.testing.assert_array_equal(curve, expected)
        assert n or (curve == 0).all()


@pytest.mark.parametrize("call, name", [
    (lambda: bloom.BloomFilter(0, 3), "m"),
    (lambda: bloom.BloomFilter(10, 0), "k"),
    (lambda: bloom.false_positive_rate(10, 2, -1), "n"),
    (lambda: bloom.optimal_k(10, 0), "n"),
    (lambda: bloom.measure_fpr(100, 3, 10, n_queries=0), "n_queries"),
])
def test_bad_inputs_raise_value_error_naming_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()
