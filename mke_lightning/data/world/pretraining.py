"""Pretraining the world models: a GPT-2- or LLaMA-architecture causal LM learns the world corpus.

``mke fit --config configs/world/pretrain_gpt2.yaml`` (or ``pretrain_llama.yaml``) runs it. The HF model is
built in ``configure_model`` from the tokenizer the datamodule provides (vocabulary size, special tokens), trained
with AdamW under linear warm-up and cosine decay, validated by exact-match fact recall, and written with
``save_pretrained`` (safetensors + tokenizer files) to ``export_dir`` when fit ends, so every later config
loads it with ``AutoModelForCausalLM.from_pretrained``.

Decisions: the GPT-2 model keeps HF's Conv1D projections (as mGPT); the LLaMA model has a gated MLP, RMSNorm,
rotary positions and grouped-query attention (as LLaMA/Qwen); both tie input and output embeddings to stay small.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Literal

import lightning as L
import torch

from mke_lightning.data.world.recall import measure_recall
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
        max_positions: PositiveInt = 64,
        lr: PositiveFloat = 3e-3,
        weight_decay: NonNegativeFloat = 0.01,
        warmup_steps: NonNegativeInt = 300,
        min_lr_ratio: UnitFloat = 0.05,
        export_dir: str | None = "checkpoints/world-gpt2",
        init_from: str | None = None,
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
            max_positions: longest sequence the model accepts.
            lr: peak AdamW learning rate.
            weight_decay: AdamW weight decay (matrices only).
            warmup_steps: linear warm-up steps before cosine decay.
            min_lr_ratio: final learning rate as a fraction of ``lr``.
            export_dir: where ``save_pretrained`` writes model + tokenizer at the end of fit (``None``: don't).
            init_from: continue from this HF model directory instead of a random initialisation (its vocabulary
                and special tokens must match the datamodule's tokenizer; the architecture options are then read
                from its config, not from the ones above).
        """
        super().__init__()
        self.save_hyperparameters()
        self.model = None
        self.tokenizer = None

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
            return
        if longest > h.max_positions:
            raise ValueError(f"the longest corpus sequence has {longest} tokens, more than model.max_positions = "
                             f"{h.max_positions}: raise model.max_positions or data.vocab_size")
        self.model = build_world_model(h.arch, len(tok), special, h.hidden_size, h.num_layers, h.num_heads,
                                       h.num_kv_heads, h.intermediate_size, h.max_positions)

    def training_step(self, batch, batch_idx):
        loss = self.model(**batch).loss
        if not torch.isfinite(loss):
            raise FloatingPointError(f"non-finite pretraining loss at step {self.global_step}")
        self.log("train/loss", loss, prog_bar=True)
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
