"""A GRU encoder–decoder that reverses digit strings, with and without attention (torch, small, offline).

The two models are trained by ``scripts/train_seq2seq.py`` (fixed seed) and shipped as
``assets/models/seq2seq.pt`` with the accuracies the script measured in ``assets/models/seq2seq.json``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from engine._validate import check_choice, check_int

ROOT = Path(__file__).resolve().parent.parent
WEIGHTS = ROOT / "assets" / "models" / "seq2seq.pt"
REPORT = ROOT / "assets" / "models" / "seq2seq.json"
SOS, EOS, VOCAB = 10, 11, 12
MAX_LEN = 12
HIDDEN, EMBED = 32, 16
KINDS = ("plain", "attention")


def parse_digits(text: str) -> np.ndarray:
    """The digits of ``text`` (spaces ignored) as an int array; ValueError naming ``digits`` otherwise."""
    if not isinstance(text, str):
        raise ValueError("digits must be text")
    cleaned = text.replace(" ", "").replace(",", "")
    if not cleaned.isdigit() or not cleaned.isascii():
        raise ValueError(f"digits: type 1 to {MAX_LEN} digits 0–9, e.g. 31415926")
    if not 1 <= len(cleaned) <= MAX_LEN:
        raise ValueError(f"digits: type 1 to {MAX_LEN} digits (the models were trained up to {MAX_LEN})")
    return np.array([int(c) for c in cleaned])


def reversal_batch(length, n, random_state=0):
    """``n`` random digit strings of ``length`` and their reversals.

    Returns
    -------
    (src, tgt): int arrays of shape (n, length); tgt = src[:, ::-1].
    """
    length = check_int("length", length, 1, MAX_LEN)
    n = check_int("n", n, 1, 100_000)
    rng = np.random.default_rng(check_int("random_state", random_state, 0))
    src = rng.integers(0, 10, size=(n, length))
    return src, src[:, ::-1].copy()


@lru_cache(maxsize=1)
def _model_class():
    import torch
    from torch import nn

    class Seq2Seq(nn.Module):
        """Embedding → GRU encoder; GRU-cell decoder started from the encoder's last state.

        With ``attention`` the decoder also reads a context at every step: softmax(h·Eᵀ/√H)·E over the
        encoder's outputs E (scaled dot-product attention), and predicts from [h, context]."""

        def __init__(self, attention: bool):
            super().__init__()
            self.attention = attention
            self.embed_in = nn.Embedding(VOCAB, EMBED)
            self.embed_out = nn.Embedding(VOCAB, EMBED)
            self.encoder = nn.GRU(EMBED, HIDDEN, batch_first=True)
            self.decoder = nn.GRUCell(EMBED, HIDDEN)
            self.out = nn.Linear(2 * HIDDEN if attention else HIDDEN, VOCAB)

        def encode(self, src):
            outputs, last = self.encoder(self.embed_in(src))
            return outputs, last[0]

        def step(self, token, h, outputs):
            h = self.decoder(self.embed_out(token), h)
            if not self.attention:
                return self.out(h), h, None
            weights = torch.softmax(torch.einsum("bh,blh->bl", h, outputs) / HIDDEN ** 0.5, dim=-1)
            context = torch.einsum("bl,blh->bh", weights, outputs)
            return self.out(torch.cat([h, context], dim=-1)), h, weights

        def forward(self, src, tgt_in):
            """Teacher forcing: logits (batch, len(tgt_in), VOCAB)."""
            outputs, h = self.encode(src)
            logits = []
            for t in range(tgt_in.shape[1]):
                step_logits, h, _ = self.step(tgt_in[:, t], h, outputs)
                logits.append(step_logits)
            return torch.stack(logits, dim=1)

        @torch.no_grad()
        def greedy(self, src, steps):
            """Greedy decoding for ``steps`` steps: tokens (batch, steps), weights (batch, steps, len) or None."""
            outputs, h = self.encode(src)
            token = torch.full((src.shape[0],), SOS, dtype=torch.long)
            tokens, weights = [], []
            for _ in range(steps):
                step_logits, h, w = self.step(token, h, outputs)
                token = step_logits.argmax(-1)
                tokens.append(token)
                weights.append(w)
            return torch.stack(tokens, 1), (torch.stack(weights, 1) if self.attention else None)

    return Seq2Seq


def build_model(kind):
    """An untrained model: ``kind`` is "plain" (the fixed-size bottleneck) or "attention"."""
    check_choice("kind", kind, KINDS)
    import torch
    torch.set_num_threads(1)
    return _model_class()(attention=kind == "attention")


def load_models(path=WEIGHTS) -> dict:
    """Both trained models from the shipped weights, in eval mode: {"plain": …, "attention": …}."""
    import torch
    torch.set_num_threads(1)
    state = torch.load(path, map_location="cpu", weights_only=True)
    models = {}
    for kind in KINDS:
        model = build_model(kind)
        model.load_state_dict({k: v.float() for k, v in state[kind].items()})
        models[kind] = model.eval()
    return models


def load_report(path=REPORT) -> dict:
    return json.loads(Path(path).read_text())


@dataclass(frozen=True)
class LengthAccuracy:
    """Per model kind: ``sequence[kind]`` (len(lengths),) share of strings reversed exactly;
    ``position[kind]`` (len(lengths), max(lengths)) share of correct digits at each output position (NaN past
    the length)."""

    lengths: np.ndarray
    sequence: dict
    position: dict


def accuracy_by_length(models, lengths=range(1, MAX_LEN + 1), n_per_length=200, random_state=1) -> LengthAccuracy:
    """Exact-match and per-position accuracy of greedy decoding on fresh random strings of each length.

    Parameters
    ----------
    models : dict kind → model (from ``load_models``)
    lengths : ints in [1, 12]
    n_per_length : int in [1, 5000]
    random_state : int (seed of the test strings; the script trained on seed 0's stream)
    """
    import torch
    torch.set_num_threads(1)
    lengths = np.array([check_int("lengths", L, 1, MAX_LEN) for L in lengths])
    n_per_length = check_int("n_per_length", n_per_length, 1, 5000)
    width = int(lengths.max())
    sequence = {kind: np.zeros(len(lengths)) for kind in models}
    position = {kind: np.full((len(lengths), width), np.nan) for kind in models}
    for i, L in enumerate(lengths):
        src, tgt = reversal_batch(int(L), n_per_length, random_state=random_state * 1000 + int(L))
        for kind, model in models.items():
            tokens, _ = model.greedy(torch.as_tensor(src), int(L) + 1)
            tokens = tokens.numpy()
            correct = tokens[:, :L] == tgt
            sequence[kind][i] = np.mean(correct.all(axis=1) & (tokens[:, L] == EOS))
            position[kind][i, :L] = correct.mean(axis=0)
    return LengthAccuracy(lengths=lengths, sequence=sequence, position=position)


@dataclass(frozen=True)
class Reversal:
    """One greedy decoding: ``output`` the digits before EOS, ``weights`` (output steps, input length) for the
    attention model (None without attention), ``correct`` whether output is the exact reversal."""

    output: np.ndarray
    weights: np.ndarray | None
    correct: bool


def reverse_digits(model, digits) -> Reversal:
    """Decode one digit string greedily for len + 1 steps (room for the end token) and cut at EOS."""
    import torch
    torch.set_num_threads(1)
    digits = np.asarray(digits)
    if digits.ndim != 1 or not 1 <= len(digits) <= MAX_LEN or digits.min() < 0 or digits.max() > 9:
        raise ValueError(f"digits must be 1 to {MAX_LEN} digits 0–9")
    tokens, weights = model.greedy(torch.as_tensor(digits[None].astype(np.int64)), len(digits) + 1)
    tokens = tokens[0].numpy()
    end = int(np.argmax(tokens == EOS)) if (tokens == EOS).any() else len(tokens)
    output = tokens[:end]
    return Reversal(output=output, weights=None if weights is None else weights[0, :max(end, 1)].numpy(),
                    correct=bool(len(output) == len(digits) and np.all(output == digits[::-1])))
