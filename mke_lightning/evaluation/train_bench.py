"""Training throughput of a learned editor for ``mke bench --train_steps N``: a real Lightning ``fit`` on the
experiment's training data (its trainer settings for precision, gradient clipping and accumulation; no validation,
logging or checkpoints), timed per optimiser step."""

from __future__ import annotations

import resource
import statistics
import time

import lightning as L
import torch
from lightning.pytorch.callbacks import Callback


class StepTimer(Callback):
    """Wall time of every training batch (forward, backward and optimiser step)."""

    def __init__(self):
        self.times: list[float] = []
        self._start = 0.0

    def on_train_batch_start(self, trainer, pl_module, batch, batch_idx):
        self._start = time.perf_counter()

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        self.times.append(time.perf_counter() - self._start)


def training_throughput(editor, datamodule, trainer_template: L.Trainer, steps: int, warmup: int = 3) -> dict:
    """Run ``warmup + steps`` training batches and return steps/s (median step time), cases/s and peak memory."""
    timer = StepTimer()
    trainer = L.Trainer(accelerator=trainer_template.accelerator, devices=1, max_steps=warmup + steps,
                        precision=trainer_template.precision_plugin.precision,
                        gradient_clip_val=trainer_template.gradient_clip_val,
                        accumulate_grad_batches=trainer_template.accumulate_grad_batches, limit_val_batches=0,
                        logger=False, enable_checkpointing=False, enable_progress_bar=False,
                        enable_model_summary=False, callbacks=[timer])
    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
    trainer.fit(editor, datamodule=datamodule)
    timed = timer.times[warmup:]
    if not timed:
        raise ValueError(f"no training batch was timed: the training split has fewer than {warmup + 1} batches")
    median = statistics.median(timed)
    return {
        "train_steps_timed": len(timed),
        "train_step_s_median": median,
        "train_steps_per_s": 1.0 / median,
        "train_cases_per_s": datamodule.hparams.batch_size / median,
        "train_peak_memory_mb": (torch.cuda.max_memory_allocated() / 2**20 if torch.cuda.is_available()
                                 else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
