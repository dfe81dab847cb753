"""Edit metrics against hand-computed values; the logit-position alignment of teacher-forced scoring."""

from __future__ import annotations

import math

import pytest
import torch

from mke_lightning.evaluation.scorer import score_targets
from mke_lightning.metrics import CrossLingualMetrics, EditSuccess, ParaphraseScore, token_f1
from mke_lightning.metrics import functional as F
from mke_lightning.models.world_tokenizer import train_world_tokenizer


@pytest.mark.parametrize(
    ("prediction", "reference", "lang", "expected"),
    [
        ("The Eiffel Tower!", "eiffel tower", "en", 1.0),  # MLQA removes the English article
        ("Paris", "Paris.", "fr", 1.0),  # punctuation dropped
        ("berlin berlin", "berlin", "de", 2 * 0.5 * 1 / 1.5),  # bag of tokens: one match of two predicted
        ("巴黎市", "巴黎", "zh", 0.8),  # characters: P = 2/3, R = 1
        ("北京", "巴黎", "zh", 0.0),
        ("東京都", "京都", "ja", 0.8),
        ("กรุงเทพ", "กรุงเทพฯ", "th", 14 / 15),  # 7 of 8 Thai characters (ฯ is a letter, not punctuation)
        ("", "Paris", "en", 0.0),
        ("...", "!", "en", 0.0),  # both empty after normalisation: no shared token, 0 as in MLQA
    ],
)
def test_token_f1_hand_computed(prediction, reference, lang, expected):
    assert token_f1(prediction, reference, lang) == pytest.approx(expected)


def test_edit_success_ties_fail_and_paraphrase_share():
    assert F.edit_success(-1.0, -2.0) == 1.0
    assert F.edit_success(-2.0, -2.0) == 0.0  # a tie is not a success
    assert F.edit_success(-3.0, -2.0) == 0.0
    assert F.paraphrase_score([-1.0, -5.0, -2.0], [-2.0, -1.0, -2.0]) == pytest.approx(1 / 3)
    with pytest.raises(ValueError):
        F.paraphrase_score([], [])


def test_f1_family_and_case_means():
    assert F.gen_f1(["Paris", "Rome"], "Paris", "en") == pytest.approx(0.5)
    assert F.loc_f1(["a b", "c"], ["a b", "d"], "en") == pytest.approx(0.5)
    assert F.rel_f1("new york city", "New York", "en") == pytest.approx(0.8)
    es = EditSuccess()
    es.update([1.0, 0.0])
    es.update(torch.tensor([1.0, 1.0]))
    assert float(es.compute()) == pytest.approx(0.75)
    ps = ParaphraseScore()
    assert math.isnan(float(ps.compute()))  # no case seen


def test_cross_lingual_keys_mono_cross():
    coll = CrossLingualMetrics(["es"], ["en", "zh"], ["en", "zh", "th"])
    values = {("en", "en"): 1.0, ("en", "zh"): 0.5, ("en", "th"): 0.0, ("zh", "zh"): 0.8, ("zh", "en"): 0.2}
    for (s, t), v in values.items():
        coll.update("es", s, t, [v])
    out = coll.compute("test")
    assert out["test/es/en-zh"] == pytest.approx(0.5)
    assert "test/es/zh-th" not in out  # no case scored there
    assert out["test/es/mono"] == pytest.approx((1.0 + 0.8) / 2)
    assert out["test/es/cross"] == pytest.approx((0.5 + 0.0 + 0.2) / 3)
    assert torch.isnan(coll.matrix("es")[1, 2])


class _NextTokenOracle(torch.nn.Module):
    """Logits at position t put all mass on the token at t + 1 (and a fixed token at the last position)."""

    def __init__(self, vocab: int):
        super().__init__()
        self.vocab = vocab
        self.dummy = torch.nn.Parameter(torch.zeros(1))

    def forward(self, input_ids, attention_mask=None):
        logits = torch.full((*input_ids.shape, self.vocab), -30.0)
        nxt = torch.cat([input_ids[:, 1:], input_ids[:, :1]], dim=1)
        logits.scatter_(-1, nxt.unsqueeze(-1), 30.0)
        return type("Out", (), {"logits": logits})()


def test_logit_at_t_scores_token_t_plus_1():
    """The off-by-one of the existing toolkit: scoring token t with logit t. With a next-token oracle the correct
    alignment gives log P ≈ 0 for any target, the shifted one ≈ -60."""
    tok = train_world_tokenizer(["Pamu Ritesen was born in Ritesene.", "帕穆出生于里特塞恩。"] * 10, vocab_size=300)
    model = _NextTokenOracle(len(tok))
    scores = score_targets(model, tok, ["Pamu Ritesen was born in", "帕穆出生于", "Pamu"],
                           ["Ritesene", "里特塞恩", "Ritesen was born"], ["en", "zh", "en"])
    assert torch.all(scores > -1e-3), scores


@pytest.mark.parametrize("arch", ["gpt2", "llama"])
def test_head_only_at_target_positions_equals_full_logits(arch):
    """The scorer projects only target positions through the LM head; it must equal the full-logits computation."""
    from mke_lightning.evaluation.scorer import batch_target_logprobs
    from mke_lightning.models.encoding import encode_prompt_target, mean_target_logprob
    from mke_lightning.models.world_model import build_world_model

    tok = train_world_tokenizer(["Pamu Ritesen was born in Ritesene.", "帕穆出生于里特塞恩。"] * 10, vocab_size=300)
    torch.manual_seed(0)
    model = build_world_model(arch, len(tok), {"pad_token_id": tok.pad_token_id}, 32, 2, 2, 1, None, 64).eval()
    batch = encode_prompt_target(tok, ["Pamu Ritesen was born in", "帕穆出生于", "Pamu"],
                                 ["Ritesene", "里特塞恩", "Ritesen was born in Ritesene"], ["en", "zh", "en"])
    with torch.no_grad():
        full = mean_target_logprob(model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits,
                                   batch.labels)
        selective = batch_target_logprobs(model, batch)
    torch.testing.assert_close(selective, full, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("arch", ["gpt2", "llama"])
def test_shared_prompt_scoring_equals_one_sequence_per_pair(arch):
    """Running each prompt once (its KV cache repeated for each target) gives the per-pair scores."""
    from mke_lightning.evaluation.scorer import score_target_groups
    from mke_lightning.models.world_model import build_world_model

    tok = train_world_tokenizer(["Pamu Ritesen was born in Ritesene.", "帕穆出生于里特塞恩。"] * 10, vocab_size=300)
    torch.manual_seed(0)
    model = build_world_model(arch, len(tok), {"pad_token_id": tok.pad_token_id}, 32, 2, 2, 1, None, 64).eval()
    prompts, langs = ["Pamu Ritesen was born in", "帕穆出生于", "Pamu"], ["en", "zh", "en"]
    targets = [["Ritesene", "Pamu"], ["里特塞恩", "帕穆"], ["Ritesen was born in Ritesene", "x"]]
    shared = torch.stack(score_target_groups(model, tok, prompts, targets, langs, batch_size=2))
    per_pair = score_targets(model, tok, [p for p, ts in zip(prompts, targets) for _ in ts],
                             [t for ts in targets for t in ts], [lg for lg, ts in zip(langs, targets) for _ in ts])
    torch.testing.assert_close(shared, per_pair.view(3, 2), rtol=1e-5, atol=1e-5)
