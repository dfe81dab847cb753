r"""The byte-level BPE tokenizer of the world models, trained on the world corpus with ``tokenizers``.

Decisions: byte-level BPE as in GPT-2 (every string is encodable, no unknown token). The pre-tokenizer splits
words like GPT-2's but keeps combining marks inside their word (``[\p{L}\p{M}]+``), so Thai and Devanagari words
are not cut at every vowel sign; runs of Chinese, Japanese or Thai without spaces are one pre-token and BPE merges
freely inside them, as in real multilingual tokenizers (the ``"gpt2"`` style below). (Pretraining tokenizes prompt
and answer separately, as the scorers do, so a merge across the prompt/answer boundary never arises.) A
``<|bos|>`` token is prepended by the post-processor, as LLaMA tokenizers do.

Two styles, one per world model, so that both tokenization regimes editors meet in real models are exercised:

* ``"gpt2"`` (the GPT-2 world model; GPT-2, mGPT, BLOOM, Qwen, LLaMA-3): no prefix space, so a word at the start
  of a text is a different token from the same word after a space (``Sore`` → ``Sor e``, `` Sore`` → ``ĠSore``),
  and BPE merges freely inside runs of Chinese/Japanese characters, also across a name's last character
  (``恩的``).
* ``"llama"`` (the LLaMA world model; SentencePiece tokenizers of LLaMA-1/2, Mistral): a space is prepended to the
  text (SentencePiece's dummy prefix; the pre-tokenizer's ``prepend_scheme="first"`` so offsets stay exact, and
  the decoder strips it again), so a word is one token wherever it stands; and every Han/Hiragana/Katakana
  character is a pre-token of its own (LLaMA-2's 32k vocabulary is near character-level on CJK), so a name's last
  character is the same token whatever follows it. Targets tokenized on their own get the prefix too; the world
  models learn answers tokenized that way (pretraining and scorers tokenize answers apart, with the same call).
"""

from __future__ import annotations

from collections.abc import Iterable

from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, processors, trainers
from transformers import PreTrainedTokenizerFast

SPECIAL_TOKENS = ("<|pad|>", "<|bos|>", "<|eos|>")
#: GPT-2's word split with combining marks (Thai vowel signs, ...) kept inside words.
_WORDS = r" ?[\p{L}\p{M}]+| ?\p{N}+| ?[^\s\p{L}\p{M}\p{N}]+|\s+(?!\S)|\s+"
#: The "llama" style: each CJK character (with an optional leading space) is a word of its own.
_CJK_CHARS = r" ?[\p{Han}\p{Hiragana}\p{Katakana}]|"
STYLES = ("gpt2", "llama")


def train_world_tokenizer(texts: Iterable[str], vocab_size: int = 4096, style: str = "gpt2") -> PreTrainedTokenizerFast:
    """Train the tokenizer of ``style`` (``"gpt2"`` or ``"llama"``, see the module docstring) on ``texts``
    (deterministic for the same texts in the same order)."""
    if style not in STYLES:
        raise ValueError(f"unknown world tokenizer style {style!r}; expected one of {STYLES}")
    llama = style == "llama"
    tok = Tokenizer(models.BPE())
    steps = [pre_tokenizers.Split(Regex(_CJK_CHARS + _WORDS if llama else _WORDS), behavior="isolated"),
             pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)]
    tok.decoder = decoders.ByteLevel()
    if llama:  # the dummy prefix: a space before the text, stripped again when decoding
        steps.insert(0, pre_tokenizers.Metaspace(replacement=" ", prepend_scheme="first", split=False))
        tok.decoder = decoders.Sequence([tok.decoder, decoders.Strip(" ", 1, 0)])
    tok.pre_tokenizer = pre_tokenizers.Sequence(steps)
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=list(SPECIAL_TOKENS),
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(texts, trainer)
    bos = tok.token_to_id("<|bos|>")
    tok.post_processor = processors.TemplateProcessing(single="<|bos|> $A", pair="<|bos|> $A $B",
                                                       special_tokens=[("<|bos|>", bos)])
    return PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<|bos|>", eos_token="<|eos|>",
                                   pad_token="<|pad|>", model_max_length=128)
