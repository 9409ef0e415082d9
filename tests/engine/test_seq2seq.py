"""engine.seq2seq: the shipped weights load and score what the training script reported; the model's parts
equal their references (torch's GRU = the GRU step written out; its attention = engine.attention)."""
import numpy as np
import pytest
import torch

from engine.attention import attention
from engine.recurrent import gru_cell
from engine.seq2seq import (EOS, MAX_LEN, REPORT, WEIGHTS, accuracy_by_length, build_model, load_models, load_report,
                            parse_digits, reversal_batch, reverse_digits)

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def models():
    return load_models()


def test_shipped_weights_are_small_and_score_what_the_script_reported(models):
    assert WEIGHTS.stat().st_size < 5 * 2 ** 20 and REPORT.exists()
    report = load_report()
    scores = accuracy_by_length(models)
    assert scores.lengths.tolist() == report["lengths"]
    for kind, reported in report["sequence_accuracy"].items():
        np.testing.assert_allclose(scores.sequence[kind], reported, atol=5e-5)


def test_both_models_reverse_short_strings_and_attention_beats_the_bottleneck_on_long_ones(models):
    """Known behaviour on held-out strings (a seed the report did not use)."""
    scores = accuracy_by_length(models, lengths=[2, 9], n_per_length=300, random_state=7)
    assert scores.sequence["attention"][0] > 0.95 and scores.sequence["plain"][0] > 0.95
    assert scores.sequence["attention"][1] > scores.sequence["plain"][1] + 0.15


def test_reverse_digits_on_a_typed_string(models):
    digits = parse_digits("1234567890")
    result = reverse_digits(models["attention"], digits)
    assert result.correct and "".join(map(str, result.output)) == "0987654321"
    assert result.weights.shape == (10, 10)
    assert list(result.weights.argmax(axis=1)[1:]) == list(range(9, 0, -1))  # the learned, shifted anti-diagonal
    np.testing.assert_allclose(result.weights.sum(axis=1), 1.0, rtol=1e-5)
    assert reverse_digits(models["plain"], digits).weights is None


def test_encoder_gru_equals_the_gru_step_written_out():
    model = build_model("plain").double()
    src = torch.as_tensor(reversal_batch(5, 3, random_state=2)[0])
    outputs, last = model.encode(src)
    enc = model.encoder
    weights = [p.detach().numpy() for p in (enc.weight_ih_l0, enc.weight_hh_l0, enc.bias_ih_l0, enc.bias_hh_l0)]
    x = model.embed_in(src).detach().numpy()
    h = np.zeros((3, enc.hidden_size))
    for t in range(5):
        h = gru_cell(x[:, t], h, *weights).h
        np.testing.assert_allclose(outputs[:, t].detach().numpy(), h, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(last.detach().numpy(), h, rtol=1e-10, atol=1e-12)


def test_decoder_attention_is_scaled_dot_product_attention():
    model = build_model("attention").double()
    src = torch.as_tensor(reversal_batch(6, 2, random_state=3)[0])
    outputs, h = model.encode(src)
    token = torch.tensor([EOS, 3])
    logits, h_new, weights = model.step(token, h, outputs)
    for b in range(2):
        E = outputs[b].detach().numpy()
        expected = attention(h_new[b].detach().numpy()[None], E, E)
        np.testing.assert_allclose(weights[b].detach().numpy(), expected.weights[0], rtol=1e-10)
        context = expected.output[0]
        manual = model.out(torch.cat([h_new[b], torch.tensor(context)])).detach().numpy()
        np.testing.assert_allclose(logits[b].detach().numpy(), manual, rtol=1e-10, atol=1e-12)


def test_reversal_batch_and_parse_digits_validate():
    src, tgt = reversal_batch(4, 10)
    assert src.shape == (10, 4) and np.array_equal(tgt, src[:, ::-1])
    assert parse_digits("1 2 3").tolist() == [1, 2, 3]
    for bad in ["", "12a", "1" * (MAX_LEN + 1), "١٢٣", "-12"]:
        with pytest.raises(ValueError, match="digits"):
            parse_digits(bad)
    with pytest.raises(ValueError, match="length"):
        reversal_batch(0, 5)
    with pytest.raises(ValueError, match="kind"):
        build_model("transformer")
