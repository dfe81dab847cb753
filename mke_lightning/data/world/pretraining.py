"""Pretraining the world models: a GPT-2- or LLaMA-architecture causal LM learns the world corpus.

``mke fit --config configs/world/pretrain_gpt2.yaml`` (or ``pretrain_llama.yaml``) runs it. The HF model is
built in ``configure_model`` from the tokenizer the datamodule provides (vocabulary size, special tokens), trained
with AdamW under linear warm-up and cosine decay, validated by exact-match fact recall, and written with
``save_pretrained`` (safetensors + tokenizer files) to ``export_dir`` when fit ends, so every later config
loads it with ``AutoModelForCausalLM.from_pretrained``.

Decisions: the GPT-2 model keeps HF's Conv1D projections (as mGPT); the LLaMA model has a gated MLP, RMSNorm,
rotary positions and grouped-query attention (as LLaMA/Qwen); both tie input and output embeddings to stay small.

Name alignment (``name_alignment_weight > 0``, after PreAlign, Li et al., EMNLP 2024): every step also draws
``name_alignment_batch`` entities of the world, two distinct surface forms of each (say its Latin and its Chinese
name), and adds ``name_alignment_weight`` × the contrastive loss of :mod:`mke_lightning.data.world.name_alignment`
between the two forms' states at the name's last token. Decisions, where PreAlign differs: the loss runs jointly
with the language-model loss through the whole of pretraining (PreAlign aligns before pretraining and keeps the
alignment with code-switching, which the v2 corpus already has); a name is read alone after ``<|bos|>``, which is
exactly the prefix a subject-first prompt gives it; the states are those after every block but the last (the last
predicts the language's next word, which must differ); each entity's forms are its distinct names, so languages that
share a form (en/de/fr/es person names) count once; the draw is seeded by the step, so a run is repeatable.

Pre-alignment (``name_prealignment_steps > 0``): PreAlign's own order, the names aligned *before* the model learns
any text, so that facts are learnt onto states already shared across scripts. That many steps of the contrastive
loss alone (its own AdamW at ``lr``, gradients clipped at norm 1 as the configs' trainer does, the same layers,
batch and temperature, a draw of its own) run before the first language-model step of the fit (meant for stage 1,
from a random initialisation); ``train/name_prealignment`` logs them. It can be used with or without the joint
loss afterwards (``name_alignment_weight`` 0 is PreAlign's recipe, whose code-switching the v2 corpus has). A
resumed fit (``global_step > 0``) does not run it again. In a multi-device fit every process runs it, and rank 0's
weights are then broadcast, so the replicas start language-model training identical.
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Literal

import lightning as L
import torch

from mke_lightning.data.world.name_alignment import name_alignment_loss
from mke_lightning.data.world.recall import measure_recall
from mke_lightning.models.padding import pad_batch
from mke_lightning.models.world_model import build_world_model
from mke_lightning.option_ranges import NonNegativeFloat, NonNegativeInt, PositiveFloat, PositiveInt, UnitFloat


class WorldModelPretraining(L.LightningModule):
    def __init__(
        self,
        arch: Literal["gpt2", "llama"] = "gpt2",
        hidden_size: PositiveInt = 128,
        num_layers: PositiveInt = 4,
        num_heads: PositiveInt = 4,
        num_kv_heads: PositiveInt = 2,
        intermediate_size: PositiveInt | None = None,
        max_positions: PositiveInt = 512,
        lr: PositiveFloat = 3e-3,
        weight_decay: NonNegativeFloat = 0.01,
        warmup_steps: NonNegativeInt = 300,
        min_lr_ratio: UnitFloat = 0.05,
        export_dir: str | None = "checkpoints/world-gpt2",
        init_from: str | None = None,
        name_alignment_weight: NonNegativeFloat = 0.0,
        name_alignment_layers: list[NonNegativeInt] | None = None,
        name_alignment_batch: PositiveInt = 32,
        name_alignment_temperature: PositiveFloat = 0.1,
        name_prealignment_steps: NonNegativeInt = 0,
    ):
        """Options (each one is a command-line option of `mke`).

        Args:
            arch: ``gpt2`` (Conv1D projections, learned positions, LayerNorm) or ``llama`` (gated MLP, RMSNorm,
                rotary, grouped-query attention).
            hidden_size: model width.
            num_layers: transformer blocks.
            num_heads: attention heads.
            num_kv_heads: key/value heads (LLaMA only).
            intermediate_size: FFN width; ``None`` = 4x width (GPT-2) or ~8/3x width (LLaMA).
            max_positions: longest sequence the model accepts (512, the v2 world models' context; the v1 configs
                set 64).
            lr: peak AdamW learning rate.
            weight_decay: AdamW weight decay (matrices only).
            warmup_steps: linear warm-up steps before cosine decay.
            min_lr_ratio: final learning rate as a fraction of ``lr``.
            export_dir: where ``save_pretrained`` writes model + tokenizer at the end of fit (``None``: don't).
            init_from: continue from this HF model directory instead of a random initialisation (its vocabulary
                and special tokens must match the datamodule's tokenizer; the architecture options are then read
                from its config, not from the ones above).
            name_alignment_weight: weight of the cross-lingual name alignment loss added to the language-model loss
                (0: none, as the first world models; the module docstring says what it aligns).
            name_alignment_layers: which hidden states enter it (0 = embeddings, i = after block i; the last one,
                as transformers returns it, after the final norm too); ``None`` = after every block but the last.
            name_alignment_batch: entities drawn per step (each brings two of its names; the others are negatives).
            name_alignment_temperature: temperature of the contrastive loss.
            name_prealignment_steps: steps of the name alignment loss alone before the first language-model step
                (0: none; the module docstring says when it runs).
        """
        super().__init__()
        self.save_hyperparameters()
        self.model = None
        self.tokenizer = None
        self.name_ids: list[list[list[int]]] = []

    def configure_model(self) -> None:
        if self.model is not None:
            return
        self.tokenizer = self.trainer.datamodule.tokenizer
        tok = self.tokenizer
        longest = max((len(ids) for ids in getattr(self.trainer.datamodule, "train_ids", [])), default=0)
        special = {"bos_token_id": tok.bos_token_id, "eos_token_id": tok.eos_token_id, "pad_token_id": tok.pad_token_id}
        h = self.hparams
        if h.init_from:
            from transformers import AutoModelForCausalLM

            self.model = AutoModelForCausalLM.from_pretrained(h.init_from, dtype=torch.float32).train()
            cfg = self.model.config
            if cfg.vocab_size != len(tok) or any(getattr(cfg, k) != v for k, v in special.items()):
                raise ValueError(f"model.init_from={h.init_from!r} was trained with another tokenizer (vocabulary "
                                 f"{cfg.vocab_size} vs {len(tok)}, or other special tokens)")
            positions = getattr(cfg, "n_positions", None) or cfg.max_position_embeddings
            if longest > positions:
                raise ValueError(f"the longest corpus sequence has {longest} tokens, more than the {positions} "
                                 f"positions of model.init_from={h.init_from!r}")
        else:
            if longest > h.max_positions:
                raise ValueError(f"the longest corpus sequence has {longest} tokens, more than model.max_positions = "
                                 f"{h.max_positions}: raise model.max_positions or data.vocab_size")
            self.model = build_world_model(h.arch, len(tok), special, h.hidden_size, h.num_layers, h.num_heads,
                                           h.num_kv_heads, h.intermediate_size, h.max_positions)
        if h.name_alignment_weight > 0 or h.name_prealignment_steps > 0:
            self._prepare_name_alignment()

    def _prepare_name_alignment(self) -> None:
        h, blocks = self.hparams, self.model.config.num_hidden_layers
        if h.name_alignment_layers is None:
            self.alignment_layers = list(range(1, blocks)) or [blocks]
        elif not h.name_alignment_layers or any(i > blocks for i in h.name_alignment_layers):
            raise ValueError(f"model.name_alignment_layers={h.name_alignment_layers} must name hidden states "
                             f"0..{blocks} (0 = embeddings, i = after block i) of this {blocks}-block model")
        else:
            self.alignment_layers = sorted(set(h.name_alignment_layers))
        names = getattr(self.trainer.datamodule, "name_token_ids", None)
        self.name_ids = names() if names else []
        if len(self.name_ids) < 2:
            raise ValueError("model.name_alignment_weight > 0 (or name_prealignment_steps) needs a datamodule "
                             "whose world has at least two entities with names in more than one form "
                             f"(WorldCorpusDataModule), found {len(self.name_ids)}")

    def name_alignment(self, step: int, draw: str = "name-alignment") -> torch.Tensor:
        """The contrastive loss of step ``step``'s draw of entity-name pairs, averaged over the aligned layers."""
        rng = random.Random(f"{draw}-{step}")
        drawn = rng.sample(self.name_ids, min(self.hparams.name_alignment_batch, len(self.name_ids)))
        pairs = [rng.sample(forms, 2) for forms in drawn]
        input_ids, attention = pad_batch([a for a, _ in pairs] + [b for _, b in pairs], self.tokenizer.pad_token_id)
        input_ids, attention = input_ids.to(self.device), attention.to(self.device)
        # the body alone: the output head's vocabulary projection of every name token would be wasted work
        states = self.model.base_model(input_ids=input_ids, attention_mask=attention,
                                       output_hidden_states=True).hidden_states
        last = attention.sum(1) - 1
        rows = torch.arange(len(last), device=self.device)
        losses = []
        for i in self.alignment_layers:
            first, second = states[i][rows, last].chunk(2)
            losses.append(name_alignment_loss(first, second, self.hparams.name_alignment_temperature))
        return torch.stack(losses).mean()

    def on_train_start(self) -> None:
        steps = self.hparams.name_prealignment_steps
        if steps == 0 or self.global_step > 0:
            return
        optimizer = torch.optim.AdamW(self.model.parameters(), lr=self.hparams.lr, betas=(0.9, 0.98), weight_decay=0.0)
        for step in range(steps):
            loss = self.name_alignment(step, draw="name-prealignment")
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
            optimizer.step()
            if self.logger is not None and (step % 50 == 0 or step == steps - 1):
                self.logger.log_metrics({"train/name_prealignment": loss.item()}, step=step)
        self.model.zero_grad(set_to_none=True)
        if torch.distributed.is_available() and torch.distributed.is_initialized():
            for tensor in self.model.state_dict().values():     # nondeterministic kernels may differ per device
                torch.distributed.broadcast(tensor, src=0)

    def training_step(self, batch, batch_idx):
        loss = self.model(**batch).loss
        self.log("train/loss", loss, prog_bar=True)
        if self.hparams.name_alignment_weight > 0:
            alignment = self.name_alignment(self.global_step)
            self.log("train/name_alignment", alignment, prog_bar=True)
            loss = loss + self.hparams.name_alignment_weight * alignment
        if not torch.isfinite(loss):
            raise FloatingPointError(f"non-finite pretraining loss at step {self.global_step}")
        return loss

    def validation_step(self, probes, batch_idx):
        recall = measure_recall(self.model, self.tokenizer, probes)
        for kind, per_lang in recall.items():
            for lang, value in per_lang.items():
                key = f"val/recall_{kind}" if lang == "all" else f"val/recall_{kind}/{lang}"
                self.log(key, value, prog_bar=lang == "all", batch_size=1)

    def configure_optimizers(self):
        decay = [p for n, p in self.model.named_parameters() if p.ndim >= 2]
        no_decay = [p for n, p in self.model.named_parameters() if p.ndim < 2]
        optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": self.hparams.weight_decay},
                                       {"params": no_decay, "weight_decay": 0.0}], lr=self.hparams.lr,
                                      betas=(0.9, 0.98))
        total = max(1, int(self.trainer.estimated_stepping_batches))
        warm, floor = self.hparams.warmup_steps, self.hparams.min_lr_ratio

        def schedule(step: int) -> float:
            if step < warm:
                return (step + 1) / warm
            progress = min(1.0, (step - warm) / max(1, total - warm))
            return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress))

        return {"optimizer": optimizer,
                "lr_scheduler": {"scheduler": torch.optim.lr_scheduler.LambdaLR(optimizer, schedule), "interval": "step"}}

    def on_fit_end(self) -> None:
        if self.hparams.export_dir and self.trainer.is_global_zero:
            out = Path(self.hparams.export_dir)
            cfg = self.model.config
            # the tokenizer's stated limit is the model's context (the world tokenizer is trained with 128)
            self.tokenizer.model_max_length = getattr(cfg, "n_positions", None) or cfg.max_position_embeddings
            self.model.save_pretrained(out)
            self.tokenizer.save_pretrained(out)
