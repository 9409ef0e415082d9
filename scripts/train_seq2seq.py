"""Train the seq2seq page's two digit-reversal models (fixed seed) and write their weights and scores.

    python scripts/train_seq2seq.py            # writes assets/models/seq2seq.pt and seq2seq.json

Both models (engine.seq2seq: GRU encoder–decoder, 32 hidden units, with and without attention) see the
same batches: 64 random strings of one random length 1–12 per step, teacher forcing, Adam. The json file
holds the exact-match accuracy per length on held-out strings (engine.seq2seq.accuracy_by_length), which
tests/engine/test_seq2seq.py checks the shipped weights still score.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from engine.seq2seq import KINDS, MAX_LEN, REPORT, SOS, EOS, WEIGHTS, accuracy_by_length, build_model, load_models  # noqa: E402

SEED, STEPS, BATCH, LR = 0, 3000, 64, 3e-3


def main() -> None:
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    models = {kind: build_model(kind) for kind in KINDS}
    optimisers = {kind: torch.optim.Adam(m.parameters(), lr=LR) for kind, m in models.items()}
    rng = np.random.default_rng(SEED)
    start = time.time()
    for step in range(STEPS):
        length = int(rng.integers(1, MAX_LEN + 1))
        src = torch.as_tensor(rng.integers(0, 10, size=(BATCH, length)))
        tgt = torch.cat([src.flip(1), torch.full((BATCH, 1), EOS)], dim=1)
        tgt_in = torch.cat([torch.full((BATCH, 1), SOS), tgt[:, :-1]], dim=1)
        for kind, model in models.items():
            logits = model(src, tgt_in)
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt.reshape(-1))
            optimisers[kind].zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimisers[kind].step()
        if step % 500 == 0:
            print(f"step {step} ({time.time() - start:.0f} s)", flush=True)
    WEIGHTS.parent.mkdir(parents=True, exist_ok=True)
    torch.save({kind: {k: v.half() for k, v in m.state_dict().items()} for kind, m in models.items()}, WEIGHTS)
    shipped = load_models()  # score what was written (half precision), not the float models in memory
    scores = accuracy_by_length(shipped)
    report = {"seed": SEED, "steps": STEPS, "batch": BATCH, "lr": LR, "lengths": scores.lengths.tolist(),
              "sequence_accuracy": {kind: scores.sequence[kind].round(4).tolist() for kind in KINDS}}
    REPORT.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(report["sequence_accuracy"]))


if __name__ == "__main__":
    main()
