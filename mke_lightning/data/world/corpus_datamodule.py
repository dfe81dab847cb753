"""LightningDataModule over the world corpus, for pretraining the world models.

``prepare_data`` creates what is missing: the world directory (``mke world generate``) and the tokenizer (trained
on the corpus). Every sentence is a training example of its own (``<|bos|> sentence <|eos|>``), so a fact is learnt
from the same start state a prompt is later scored from. A further ``context_share`` of the sentences is repeated
after one other random sentence of the same language (``<|bos|> other sentence + joiner + sentence <|eos|>``,
chosen once from ``seed``): a model that only ever saw single sentences hardly recalls a fact after any preceding
text (the single-sentence world models: mean log P(true answer) −9.9 GPT-2 / −3.8 LLaMA after one world sentence,
−0.00 alone), so every method that puts text before a prompt — ROME/MEMIT context templates, in-context editing
demonstrations — would meet an input unlike anything in pretraining. Batches group sentences of similar length
(shuffled, deterministic per seed and epoch) to keep padding small. Validation batches are recall probes (a
sample of edit prompts and paraphrases in every language), scored by the pretraining module.
"""

from __future__ import annotations

import logging
import random
from pathlib import Path

import lightning as L
import torch
from torch.utils.data import DataLoader, Sampler

from mke_lightning.data.languages import sentence_joiner, target_separator
from mke_lightning.data.world.export import export_world, find_corpus_file, load_world_config, read_corpus
from mke_lightning.data.world.generator import WorldConfig, build_world
from mke_lightning.data.world.recall import world_probes
from mke_lightning.models.padding import pad_batch
from mke_lightning.option_ranges import NonNegativeInt, PositiveInt, UnitFloat

log = logging.getLogger(__name__)


def _answer_tails(tokenizer, rows: list[dict[str, str]]) -> list[list[int]]:
    """``sep + answer`` + ``end`` + ``<|eos|>`` of each row, answer and end tokenized apart (as scored)."""
    answers = tokenizer([target_separator(r["lang"]) + r["answer"] for r in rows], add_special_tokens=False)["input_ids"]
    ends = tokenizer([r["end"] for r in rows], add_special_tokens=False)["input_ids"]
    eos = tokenizer.eos_token_id
    return [a + e + [eos] for a, e in zip(answers, ends)]


def _prompt_text(row: dict[str, str]) -> str:
    """The text before the answer: the prompt, after the passage so far when the row has one (world v2)."""
    context = row.get("context")
    return context + sentence_joiner(row["lang"]) + row["prompt"] if context else row["prompt"]


def tokenize_corpus(tokenizer, rows: list[dict[str, str]]) -> list[list[int]]:
    """``<|bos|> prompt`` + ``sep + answer`` + ``end`` + ``<|eos|>``, the three parts tokenized apart (as scored);
    a passage row's earlier sentences are tokenized with its prompt, as a prefixed prompt is scored."""
    prompts = tokenizer([_prompt_text(r) for r in rows])["input_ids"]
    return [p + t for p, t in zip(prompts, _answer_tails(tokenizer, rows))]


def long_sequences(tokenizer, rows: list[dict[str, str]], lengths: list[int], count: int, max_length: int,
                   seed: int) -> list[list[int]]:
    """``count`` sequences of exactly ``max_length`` tokens, each random corpus sentences of one language joined as
    running text (``<|bos|>`` first, cut at ``max_length``), so every learnt position is trained. ``lengths``: about
    how many tokens each sentence has (sentences are added until the text is long enough)."""
    rng = random.Random(f"{seed}-long")
    by_lang: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_lang.setdefault(row["lang"], []).append(i)
    langs = sorted(by_lang)
    out = []
    for _ in range(count):
        lang = rng.choice(langs)
        parts, ids = [], []
        while len(ids) < max_length:
            budget = max_length - len(ids) + 8
            while budget > 0:
                i = rng.choice(by_lang[lang])
                parts.append(rows[i]["text"])
                budget -= max(1, lengths[i])
            ids = tokenizer(sentence_joiner(lang).join(parts))["input_ids"]
        out.append(ids[:max_length])
    return out


def tokenize_in_context(tokenizer, rows: list[dict[str, str]], share: float, seed: int,
                        max_length: int) -> list[list[int]]:
    """For a ``share`` of ``rows`` (drawn with ``seed``), the row after one other random row of the same language:
    ``<|bos|> context + joiner + prompt`` tokenized as one text (as a prefixed prompt is scored), then
    ``sep + answer``, ``end`` and ``<|eos|>`` apart. Sequences longer than ``max_length`` are left out."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"context_share must be in [0, 1], got {share}")
    rng = random.Random(seed)
    by_lang: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_lang.setdefault(row["lang"], []).append(i)
    chosen = [i for i in range(len(rows)) if rng.random() < share]
    pairs = []
    for i in chosen:
        pool = by_lang[rows[i]["lang"]]
        if len(pool) > 1:
            j = i
            while j == i:
                j = rng.choice(pool)
            pairs.append((j, i))
    if not pairs:
        return []
    texts = [rows[j]["text"] + sentence_joiner(rows[i]["lang"]) + _prompt_text(rows[i]) for j, i in pairs]
    prefixed = tokenizer(texts)["input_ids"]
    out = [p + t for p, t in zip(prefixed, _answer_tails(tokenizer, [rows[i] for _, i in pairs]))]
    return [ids for ids in out if len(ids) <= max_length]


class LengthGroupedBatches(Sampler[list[int]]):
    """Shuffled batches of indices whose lengths are close (sorted inside windows of ``window`` batches)."""

    def __init__(self, lengths: list[int], batch_size: int, seed: int, window: int = 50):
        self.lengths, self.batch_size, self.seed, self.window = lengths, batch_size, seed, window
        self.epoch = 0

    def __len__(self) -> int:
        return (len(self.lengths) + self.batch_size - 1) // self.batch_size

    def __iter__(self):
        rng = random.Random(self.seed * 100_003 + self.epoch)
        self.epoch += 1
        order = list(range(len(self.lengths)))
        rng.shuffle(order)
        span = self.batch_size * self.window
        batches = []
        for start in range(0, len(order), span):
            chunk = sorted(order[start:start + span], key=lambda i: self.lengths[i])
            batches += [chunk[i:i + self.batch_size] for i in range(0, len(chunk), self.batch_size)]
        rng.shuffle(batches)
        return iter(batches)


class WorldCorpusDataModule(L.LightningDataModule):
    def __init__(
        self,
        world_dir: str = "checkpoints/world-data",
        tokenizer_dir: str = "checkpoints/world-tokenizer",
        vocab_size: PositiveInt = 4096,
        tokenizer_style: str = "gpt2",
        batch_size: PositiveInt = 64,
        seed: int = 0,
        world_seed: int = 0,
        val_facts: NonNegativeInt = 120,
        context_share: UnitFloat = 0.0,
        max_length: PositiveInt = 512,
        world_version: int = 2,
        long_sequences: NonNegativeInt = 0,
    ):
        """Options (each one is a command-line option of `mke`).

        Args:
            world_dir: the exported world (generated with ``world_seed`` when missing).
            tokenizer_dir: where the world tokenizer lives (trained on the corpus when missing).
            vocab_size: BPE vocabulary size when the tokenizer is trained.
            tokenizer_style: ``gpt2`` (no prefix space) or ``llama`` (SentencePiece-like prefix space, CJK
                characters apart) when the tokenizer is trained (:mod:`mke_lightning.models.world_tokenizer`).
            batch_size: sentences per training batch.
            seed: seed of the batch order.
            world_seed: seed of the world when ``world_dir`` has to be generated.
            val_facts: facts sampled for the recall probes of validation (each in every language and template).
            context_share: share of the sentences that are also trained after another sentence of their language
                (0: single sentences only, as the first shipped world models).
            max_length: longest training sequence (the model's positions); longer in-context examples are dropped
                (512, the v2 world models' context; the v1 configs set 64).
            world_version: version of the world (1 or 2, :class:`~mke_lightning.data.world.generator.WorldConfig`):
                the one generated when ``world_dir`` is missing, and the one an existing ``world_dir`` must hold.
            long_sequences: sequences of ``max_length`` tokens of running text (random sentences of one language)
                added to the training examples, so that every position of the model is learnt (0: none).
        """
        super().__init__()
        self.save_hyperparameters()
        self.tokenizer = None
        self.train_ids: list[list[int]] = []
        self.probes = []
        self.entity_names: list[dict[str, str]] = []

    def prepare_data(self) -> None:
        world_dir = Path(self.hparams.world_dir)
        if find_corpus_file(world_dir) is None:
            log.warning("world data missing at %s: generating it (seed %d)", world_dir, self.hparams.world_seed)
            export_world(world_dir, WorldConfig(seed=self.hparams.world_seed, version=self.hparams.world_version))
        found = load_world_config(world_dir).version
        if found != self.hparams.world_version:
            raise ValueError(f"data.world_version is {self.hparams.world_version}, but {world_dir / 'world.json'} is a "
                             f"world version {found}: set data.world_version {found} or point data.world_dir at a "
                             f"version {self.hparams.world_version} world")
        tok_dir = Path(self.hparams.tokenizer_dir)
        if not (tok_dir / "tokenizer.json").is_file():
            from mke_lightning.models.world_tokenizer import train_world_tokenizer

            log.warning("world tokenizer missing at %s: training it (%s style, vocab %d)", tok_dir,
                        self.hparams.tokenizer_style, self.hparams.vocab_size)
            texts = [row["text"] for row in read_corpus(world_dir)]
            train_world_tokenizer(texts, self.hparams.vocab_size, self.hparams.tokenizer_style).save_pretrained(tok_dir)

    def setup(self, stage: str | None = None) -> None:
        from transformers import AutoTokenizer

        if self.tokenizer is None:
            self.tokenizer = AutoTokenizer.from_pretrained(self.hparams.tokenizer_dir)
            self.tokenizer.model_max_length = max(self.tokenizer.model_max_length, self.hparams.max_length)
        if not self.train_ids:
            rows = read_corpus(self.hparams.world_dir)
            self.train_ids = tokenize_corpus(self.tokenizer, rows)
            if self.hparams.context_share > 0:
                extra = tokenize_in_context(self.tokenizer, rows, self.hparams.context_share, self.hparams.seed,
                                            self.hparams.max_length)
                log.info("world corpus: %d sentences + %d in context", len(self.train_ids), len(extra))
                self.train_ids += extra
            if self.hparams.long_sequences:
                lengths = [len(ids) for ids in self.train_ids[:len(rows)]]
                self.train_ids += long_sequences(self.tokenizer, rows, lengths, self.hparams.long_sequences,
                                                 self.hparams.max_length, self.hparams.seed)
        if not self.probes:
            world = build_world(load_world_config(self.hparams.world_dir))
            self.probes = [p for p in world_probes(world, max_facts=self.hparams.val_facts)
                           if not p.kind.startswith("two_hop")]
            self.entity_names = [entity.names for entity in world.entities.values()]

    def name_token_ids(self) -> list[list[list[int]]]:
        """Per entity of the world with more than one surface form, ``<|bos|> name`` tokenized for each distinct
        form (languages that share a form count once): the pairs of the pretraining module's name alignment."""
        forms = [sorted(set(names.values())) for names in self.entity_names]
        forms = [f for f in forms if len(f) > 1]
        ids = self.tokenizer([name for f in forms for name in f])["input_ids"]
        out, start = [], 0
        for f in forms:
            out.append(ids[start:start + len(f)])
            start += len(f)
        return out

    def _collate(self, batch: list[list[int]]) -> dict[str, torch.Tensor]:
        input_ids, attention = pad_batch(batch, self.tokenizer.pad_token_id, "right")
        labels = input_ids.masked_fill(attention == 0, -100)
        return {"input_ids": input_ids, "attention_mask": attention, "labels": labels}

    def train_dataloader(self) -> DataLoader:
        sampler = LengthGroupedBatches([len(x) for x in self.train_ids], self.hparams.batch_size, self.hparams.seed)
        return DataLoader(self.train_ids, batch_sampler=sampler, collate_fn=self._collate)

    def val_dataloader(self) -> DataLoader:
        # One batch holding every probe: the module scores them with batched greedy generation.
        return DataLoader([self.probes], batch_size=None, collate_fn=lambda x: x)
