"""Full softmax cross-entropy against sampled softmax with the log-Q correction: value, bias, variance, cost."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from engine._validate import check_choice, check_float, check_int

PROPOSALS = ("log_uniform", "uniform")
UNCORRECTED_TRIALS = 10
MAX_VOCAB, MAX_SAMPLES = 200_000, 100_000


def _check_logits(logits, target):
    logits = np.asarray(logits, float)
    if logits.ndim != 2 or logits.shape[1] < 2:
        raise ValueError(f"logits must have shape (n, vocab) with vocab ≥ 2, got {logits.shape}")
    if not np.all(np.isfinite(logits)):
        raise ValueError("logits must contain only finite values")
    target = np.asarray(target)
    if target.shape != (logits.shape[0],) or target.dtype.kind not in "iu":
        raise ValueError(f"target must be {logits.shape[0]} integer class indices")
    if target.min() < 0 or target.max() >= logits.shape[1]:
        raise ValueError(f"target must lie in [0, {logits.shape[1] - 1}]")
    return logits, target


def full_softmax_loss(logits, target) -> float:
    """Mean softmax cross-entropy over the whole vocabulary, as ``torch.nn.functional.cross_entropy``.

    Parameters
    ----------
    logits : array (n, vocab)
    target : int array (n,)

    Returns
    -------
    float: mean over rows of logsumexp(logits_i) − logits_i[target_i].
    """
    logits, target = _check_logits(logits, target)
    return float(np.mean(logsumexp(logits, axis=1) - logits[np.arange(len(target)), target]))


def proposal_probs(vocab, proposal="log_uniform") -> np.ndarray:
    """Q over classes 0 … vocab − 1 (class 0 the most frequent), shape (vocab,).

    "log_uniform": Q(k) = log((k + 2)/(k + 1)) / log(vocab + 1), the Zipf-like sampler of TensorFlow's
    ``log_uniform_candidate_sampler``; "uniform": Q(k) = 1/vocab.
    """
    vocab = check_int("vocab", vocab, 2, MAX_VOCAB)
    proposal = check_choice("proposal", proposal, PROPOSALS)
    if proposal == "uniform":
        return np.full(vocab, 1.0 / vocab)
    k = np.arange(vocab)
    return np.log1p(1.0 / (k + 1)) / np.log(vocab + 1)


def _sample(q_cdf, n_samples, rng):
    return np.minimum(np.searchsorted(q_cdf, rng.random(n_samples), side="right"), len(q_cdf) - 1)


@dataclass(frozen=True)
class SampledLoss:
    """``loss`` the mean estimate; ``per_example`` (n,); ``samples`` (n_samples,) the classes drawn from Q
    (shared by the batch, as in TensorFlow); ``expected_counts`` (n_samples,) = n_samples · Q(sample)."""

    loss: float
    per_example: np.ndarray
    samples: np.ndarray
    expected_counts: np.ndarray


def sampled_softmax_loss(logits, target, n_samples, proposal="log_uniform", random_state=0, *,
                         correct=True) -> SampledLoss:
    """Sampled softmax with the log-Q correction: an estimate of the full loss from ``n_samples`` classes.

    Draw S classes j₁ … j_S from Q with replacement. Each sampled logit is corrected by subtracting
    log(S·Q(j)), its expected count, and a sample equal to the row's target (an accidental hit) is dropped.
    The loss for row i is logsumexp([o_t, o_j₁ − log S·Q(j₁), …]) − o_t, with o_t the target's logit: the
    sum of exp(o_j)/(S·Q(j)) estimates Σ_{j≠t} exp(o_j) without bias, so the loss tends to the full softmax
    loss as S grows (for small S it is biased low: log of an unbiased sum, by Jensen's inequality).

    Parameters
    ----------
    logits : array (n, vocab)
    target : int array (n,)
    n_samples : int in [1, 100000]
    proposal : "log_uniform" or "uniform" (see ``proposal_probs``)
    random_state : int
    correct : bool, keyword only. False leaves out the log-Q correction (the sampled logits are used as they
        are: a softmax over the target and the drawn classes), which does not estimate the full loss at all.

    Returns
    -------
    SampledLoss
    """
    logits, target = _check_logits(logits, target)
    n_samples = check_int("n_samples", n_samples, 1, MAX_SAMPLES)
    q = proposal_probs(logits.shape[1], proposal)
    rng = np.random.default_rng(check_int("random_state", random_state, 0))
    samples = _sample(np.cumsum(q), n_samples, rng)
    counts = n_samples * q[samples]
    per_example = _corrected_loss(logits, target, samples, counts if correct else np.ones(n_samples))
    return SampledLoss(loss=float(per_example.mean()), per_example=per_example, samples=samples,
                       expected_counts=counts)


def _corrected_loss(logits, target, samples, counts):
    rows = np.arange(len(target))
    true_logit = logits[rows, target]
    sampled = logits[:, samples] - np.log(counts)
    sampled = np.where(samples[None, :] == target[:, None], -np.inf, sampled)  # accidental hits
    return logsumexp(np.column_stack([true_logit, sampled]), axis=1) - true_logit


@dataclass(frozen=True)
class Cost:
    """Multiply–adds per example for the output layer's logits: ``full`` = vocab·hidden, ``sampled`` =
    (n_samples + 1)·hidden (the samples and the target), and ``ratio`` = full / sampled."""

    full: int
    sampled: int
    ratio: float


def softmax_cost(vocab, hidden, n_samples) -> Cost:
    """The output layer's logit cost per example: one hidden-size dot product per scored class."""
    vocab = check_int("vocab", vocab, 2, 10 ** 9)
    hidden = check_int("hidden", hidden, 1, 10 ** 6)
    n_samples = check_int("n_samples", n_samples, 1, 10 ** 9)
    full, sampled = vocab * hidden, (min(n_samples, vocab) + 1) * hidden
    return Cost(full=full, sampled=sampled, ratio=full / sampled)


@dataclass(frozen=True)
class Estimates:
    """For each S in ``n_samples``: the mean, the bias (mean − full) and the standard deviation of the
    sampled loss over ``trials`` independent draws, per proposal; ``full`` the exact loss. ``uncorrected``
    (len(n_samples),): the mean, over the log-uniform proposal's first ``UNCORRECTED_TRIALS`` draws (the same
    samples), of the loss without the log-Q correction."""

    n_samples: np.ndarray
    full: float
    mean: dict
    bias: dict
    std: dict
    uncorrected: np.ndarray


def estimate_spread(logits, target, n_samples, trials=100, random_state=0) -> Estimates:
    """Bias and spread of the sampled softmax loss over repeated draws, for both proposals.

    Parameters
    ----------
    logits : array (n, vocab); target : int array (n,)
    n_samples : sequence of ints in [1, 100000]
    trials : int in [2, 1000]
    random_state : int
    """
    logits, target = _check_logits(logits, target)
    sizes = np.array([check_int("n_samples", s, 1, MAX_SAMPLES) for s in np.atleast_1d(n_samples)])
    trials = check_int("trials", trials, 2, 1000)
    random_state = check_int("random_state", random_state, 0)
    full = full_softmax_loss(logits, target)
    mean, bias, std = {}, {}, {}
    raw = np.empty((len(sizes), min(trials, UNCORRECTED_TRIALS)))
    for proposal in PROPOSALS:
        q = proposal_probs(logits.shape[1], proposal)
        cdf = np.cumsum(q)
        rng = np.random.default_rng([random_state, PROPOSALS.index(proposal)])
        values = np.empty((len(sizes), trials))
        for a, S in enumerate(sizes):
            for b in range(trials):
                s = _sample(cdf, int(S), rng)
                values[a, b] = _corrected_loss(logits, target, s, S * q[s]).mean()
                if proposal == "log_uniform" and b < raw.shape[1]:  # the same draw, logits left as they are
                    raw[a, b] = _corrected_loss(logits, target, s, np.ones(len(s))).mean()
        mean[proposal], std[proposal] = values.mean(axis=1), values.std(axis=1, ddof=1)
        bias[proposal] = mean[proposal] - full
    return Estimates(n_samples=sizes, full=full, mean=mean, bias=bias, std=std, uncorrected=raw.mean(axis=1))


@dataclass(frozen=True)
class Batch:
    """Logits (n, vocab) of a model whose class k has a base logit −zipf·log(k + 1), plus noise; targets (n,)
    drawn from each row's softmax. ``frequency`` (vocab,) is the mean softmax, the classes' true frequency."""

    logits: np.ndarray
    target: np.ndarray
    frequency: np.ndarray


def zipf_batch(vocab=20_000, n=32, zipf=1.0, noise=1.0, random_state=0) -> Batch:
    """A batch of logits whose classes are Zipf-distributed (zipf = 0: all classes equally likely).

    Parameters
    ----------
    vocab : int in [2, 200000]; n : int in [1, 512]
    zipf : float in [0, 3]; noise : float in [0, 5]
    random_state : int
    """
    vocab = check_int("vocab", vocab, 2, MAX_VOCAB)
    n = check_int("n", n, 1, 512)
    zipf = check_float("zipf", zipf, 0.0, 3.0)
    noise = check_float("noise", noise, 0.0, 5.0)
    rng = np.random.default_rng(check_int("random_state", random_state, 0))
    logits = -zipf * np.log1p(np.arange(vocab))[None, :] + noise * rng.standard_normal((n, vocab))
    probs = np.exp(logits - logsumexp(logits, axis=1, keepdims=True))
    cdf = np.cumsum(probs, axis=1)
    target = np.minimum((cdf < rng.random((n, 1))).sum(axis=1), vocab - 1)
    return Batch(logits=logits, target=target, frequency=probs.mean(axis=0))
