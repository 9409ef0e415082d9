"""Scaled dot-product attention, toy word embeddings, and how the √d_k scaling keeps the softmax soft."""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import numpy as np
from scipy.special import softmax

from engine._validate import check_int

MAX_WORDS, MAX_DIM = 12, 1024
# Words that share a meaning component in the toy embeddings (no training: a hand-made table).
GROUPS = {
    "animal": ("cat", "dog", "bird", "fish", "animal", "it"),
    "place": ("mat", "sofa", "floor", "garden", "house", "home", "river", "bank"),
    "motion": ("sat", "ran", "jumped", "slept", "swam", "flew", "sleeps", "lay"),
    "money": ("money", "bank", "cash", "loan", "paid", "account"),
    "function": ("the", "a", "on", "in", "of", "to", "and", "because", "was", "is"),
}


@dataclass(frozen=True)
class Attention:
    """``weights`` (…, n_queries, n_keys), each row a softmax (0 where masked); ``output`` (…, n_queries, d_v)
    = weights · V; ``scores`` the logits QKᵀ (divided by √d_k when scaled) before masking."""

    scores: np.ndarray
    weights: np.ndarray
    output: np.ndarray


def attention(Q, K, V, mask=None, scale=True) -> Attention:
    """softmax(QKᵀ/√d_k)·V, as ``torch.nn.functional.scaled_dot_product_attention`` computes it.

    Parameters
    ----------
    Q : array (…, n_queries, d_k)
    K : array (…, n_keys, d_k)
    V : array (…, n_keys, d_v)
    mask : bool array broadcastable to (…, n_queries, n_keys), True where a query may attend to a key
        (torch's boolean ``attn_mask``); every query must be allowed at least one key.
    scale : bool, divide the scores by √d_k (False: plain QKᵀ)

    Returns
    -------
    Attention with ``scores``, ``weights`` and ``output``.
    """
    Q, K, V = (np.asarray(a, float) for a in (Q, K, V))
    if Q.ndim < 2 or K.ndim < 2 or V.ndim < 2:
        raise ValueError("Q, K and V must be at least 2-D: (n, d)")
    if Q.shape[-1] != K.shape[-1]:
        raise ValueError(f"K must have the same last dimension d_k as Q, got {K.shape[-1]} and {Q.shape[-1]}")
    if K.shape[-2] != V.shape[-2]:
        raise ValueError(f"V must have one row per key, got {V.shape[-2]} rows for {K.shape[-2]} keys")
    for name, a in (("Q", Q), ("K", K), ("V", V)):
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name} must contain only finite values")
    scores = Q @ np.swapaxes(K, -1, -2)
    if scale:
        scores = scores / np.sqrt(Q.shape[-1])
    logits = scores
    if mask is not None:
        mask = np.asarray(mask)
        if mask.dtype != bool:
            raise ValueError("mask must be boolean (True = may attend)")
        try:
            mask = np.broadcast_to(mask, scores.shape)
        except ValueError:
            raise ValueError(f"mask must broadcast to the scores' shape {scores.shape}, got {mask.shape}") from None
        if not mask.any(axis=-1).all():
            raise ValueError("mask: every query must be allowed to attend to at least one key")
        logits = np.where(mask, scores, -np.inf)
    weights = softmax(logits, axis=-1)
    return Attention(scores=scores, weights=weights, output=weights @ V)


def parse_sentence(text: str) -> list[str]:
    """Lower-case words of ``text`` (letters only); ValueError naming ``sentence`` unless 2–12 words."""
    if not isinstance(text, str):
        raise ValueError("sentence must be text")
    words = re.findall(r"[a-z]+", text.lower())
    if not 2 <= len(words) <= MAX_WORDS:
        raise ValueError(f"sentence: type between 2 and {MAX_WORDS} words (letters only)")
    if any(len(w) > 20 for w in words):
        raise ValueError("sentence: words longer than 20 letters are not allowed")
    return words


def toy_embeddings(words, d=16, random_state=0) -> np.ndarray:
    """One d-dimensional vector per word, entries of unit variance (no training).

    Each word's vector is 0.8 × the mean of its groups' vectors (``GROUPS``; words in the same group point
    the same way) + 0.6 × a vector of its own, all drawn N(0, 1) from seeds made of ``random_state`` and the
    word's CRC-32 (never Python's per-process ``hash``). The same word always gets the same vector.

    Returns
    -------
    array of shape (len(words), d)
    """
    d = check_int("d", d, 1, MAX_DIM)
    random_state = check_int("random_state", random_state, 0)
    names = sorted(GROUPS)
    group_vectors = {g: np.random.default_rng([random_state, 1, i]).standard_normal(d) for i, g in enumerate(names)}
    rows = []
    for word in words:
        own = np.random.default_rng([random_state, 2, zlib.crc32(word.encode())]).standard_normal(d)
        groups = [group_vectors[g] for g in names if word in GROUPS[g]]
        shared = np.mean(groups, axis=0) * np.sqrt(len(groups)) if groups else np.zeros(d)
        rows.append(0.8 * shared + 0.6 * own if groups else own)
    return np.array(rows)


@dataclass(frozen=True)
class ScalingEntropy:
    """Mean softmax entropy (nats) and mean largest weight of attention rows for random unit-variance q, k.

    Arrays of shape (len(dims),); ``uniform`` = log(n_keys), the entropy of equal weights."""

    dims: np.ndarray
    entropy_scaled: np.ndarray
    entropy_unscaled: np.ndarray
    max_scaled: np.ndarray
    max_unscaled: np.ndarray
    uniform: float


def _entropy(p):
    return -np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0), axis=-1)


def scaling_entropy(dims, n_keys=8, n_queries=400, random_state=0) -> ScalingEntropy:
    """Softmax entropy of q·k (unscaled) and q·k/√d (scaled) as d grows, q and k ~ N(0, I_d).

    q·k has variance d, so without scaling the logits spread out as d grows and the softmax tends to a
    one-hot (entropy → 0); q·k/√d has variance 1 at every d.

    Parameters
    ----------
    dims : sequence of ints in [1, 1024]
    n_keys : int in [2, 64]
    n_queries : int in [1, 5000]
    random_state : int

    Returns
    -------
    ScalingEntropy
    """
    dims = np.array([check_int("dims", d, 1, MAX_DIM) for d in np.atleast_1d(dims)])
    n_keys = check_int("n_keys", n_keys, 2, 64)
    n_queries = check_int("n_queries", n_queries, 1, 5000)
    random_state = check_int("random_state", random_state, 0)
    rows = []
    for d in dims:
        rng = np.random.default_rng([random_state, int(d)])
        q = rng.standard_normal((n_queries, 1, d))
        k = rng.standard_normal((n_queries, n_keys, d))
        logits = np.sum(q * k, axis=-1)
        scaled, unscaled = softmax(logits / np.sqrt(d), axis=-1), softmax(logits, axis=-1)
        rows.append((_entropy(scaled).mean(), _entropy(unscaled).mean(), scaled.max(-1).mean(), unscaled.max(-1).mean()))
    es, eu, ms, mu = map(np.array, zip(*rows))
    return ScalingEntropy(dims=dims, entropy_scaled=es, entropy_unscaled=eu, max_scaled=ms, max_unscaled=mu,
                          uniform=float(np.log(n_keys)))


def row_entropy(weights) -> np.ndarray:
    """Entropy (nats) of each row of ``weights`` (…, n_keys); 0·log 0 counts as 0. Shape (…,)."""
    return _entropy(np.asarray(weights, float))
