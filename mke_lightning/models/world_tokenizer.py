r"""The byte-level BPE tokenizer of the world models, trained on the world corpus with ``tokenizers``.

Decisions: byte-level BPE as in GPT-2 (every string is encodable, no unknown token). The pre-tokenizer splits
words like GPT-2's but keeps combining marks inside their word (``[\p{L}\p{M}]+``), so Thai and Devanagari words
are not cut at every vowel sign; runs of Chinese, Japanese or Thai without spaces are one pre-token and BPE merges
freely inside them, as in real multilingual tokenizers. (Pretraining tokenizes prompt and answer separately, as
the scorers do, so a merge across the prompt/answer boundary never arises.) A ``<|bos|>`` token is prepended by
the post-processor, as LLaMA tokenizers do.
"""

from __future__ import annotations

from collections.abc import Iterable

from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, processors, trainers
from transformers import PreTrainedTokenizerFast

SPECIAL_TOKENS = ("<|pad|>", "<|bos|>", "<|eos|>")
#: GPT-2's word split with combining marks (Thai vowel signs, ...) kept inside words.
_WORDS = r" ?[\p{L}\p{M}]+| ?\p{N}+| ?[^\s\p{L}\p{M}\p{N}]+|\s+(?!\S)|\s+"


def train_world_tokenizer(texts: Iterable[str], vocab_size: int = 4096) -> PreTrainedTokenizerFast:
    """Train the tokenizer on ``texts`` (deterministic for the same texts in the same order)."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(_WORDS), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=list(SPECIAL_TOKENS),
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(texts, trainer)
    bos = tok.token_to_id("<|bos|>")
    tok.post_processor = processors.TemplateProcessing(single="<|bos|> $A", pair="<|bos|> $A $B",
                                                       special_tokens=[("<|bos|>", bos)])
    return PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<|bos|>", eos_token="<|eos|>",
                                   pad_token="<|pad|>", model_max_length=128)
