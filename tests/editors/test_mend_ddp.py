"""MEND under DDP (2 CPU processes, gloo): one training step gives the editor the gradients of a 1-process step on
the same global batch, and validation reports what 1 process reports."""

from __future__ import annotations

import lightning as L
import pytest
import torch
from lightning.pytorch.callbacks import Callback

from mke_lightning.data.datamodule import EditDataModule
from mke_lightning.data.reading import write_edit_cases
from mke_lightning.editors import MendEditor
from mke_lightning.editors.gradient_editor import MetaTraining
from mke_lightning.evaluation import EditEvaluationCallback


class _SaveGradients(Callback):
    """Rank 0 writes the (already all-reduced) editor gradients and running statistics of the first step."""

    def __init__(self, path: str):
        self.path = path

    def on_before_optimizer_step(self, trainer, pl_module, optimizer):
        if trainer.global_rank == 0:
            grads = {n: p.grad.detach().clone() for n, p in pl_module.named_parameters() if p.grad is not None}
            stats = {n: b.detach().clone() for n, b in pl_module.transforms.named_buffers()}
            torch.save({"grads": grads, "stats": stats}, self.path)


def _trainer(devices: int, root, **kwargs) -> L.Trainer:
    return L.Trainer(accelerator="cpu", devices=devices, strategy="ddp_spawn" if devices > 1 else "auto",
                     logger=False, enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False,
                     default_root_dir=root, **kwargs)


def _editor(path) -> MendEditor:
    torch.manual_seed(0)
    return MendEditor(model_name_or_path=path, edit_lr=0.05, meta=MetaTraining(max_outer=4, max_loc=3))


@pytest.mark.slow
def test_one_ddp_step_gives_the_single_process_gradients(tiny_models, small_cases, tmp_path):
    data = tmp_path / "cases.jsonl"
    write_edit_cases(small_cases[:4], data)
    results = {}
    for devices, batch_size in ((1, 4), (2, 2)):  # the same global batch of 4 cases
        dm = EditDataModule(train_path=str(data), languages=["en", "zh", "th"], edit_languages=["en", "zh"],
                            batch_size=batch_size)
        out = tmp_path / f"grads{devices}.pt"
        _trainer(devices, tmp_path, max_steps=1, limit_val_batches=0,
                 callbacks=[_SaveGradients(str(out))]).fit(_editor(tiny_models["gpt2"]), datamodule=dm)
        results[devices] = torch.load(out)
    one, two = results[1], results[2]
    assert one["grads"].keys() == two["grads"].keys() and "edit_lrs" in one["grads"]
    assert all(one["grads"][n].abs().sum() > 0 for n in one["grads"] if n == "edit_lrs" or n.endswith(".u"))
    for name, grad in one["grads"].items():  # (V has no gradient yet: U = 0 at the first step)
        torch.testing.assert_close(two["grads"][name], grad, rtol=1e-4, atol=1e-7, msg=name)
    # statistics merged over both processes' tokens (float32 inputs from differently padded batches: ~1e-8 apart)
    for name, value in one["stats"].items():
        torch.testing.assert_close(two["stats"][name], value, rtol=1e-5, atol=1e-7, msg=name)


@pytest.mark.slow
def test_two_processes_validate_like_one(tiny_models, small_cases, tmp_path):
    data = tmp_path / "cases.jsonl"
    write_edit_cases(small_cases[:5], data)  # uneven split across the two processes
    metrics = {}
    for devices in (1, 2):
        dm = EditDataModule(val_path=str(data), languages=["en", "zh", "th"], edit_languages=["en", "zh"])
        callback = EditEvaluationCallback(metrics=["es", "ps", "ns", "loc_f1"], log_heatmaps=False)
        metrics[devices] = _trainer(devices, tmp_path, callbacks=[callback]).validate(
            _editor(tiny_models["gpt2"]), datamodule=dm)[0]
    assert len(metrics[1]) > 10 and metrics[1].keys() == metrics[2].keys()
    assert metrics[1]["val/es/mono"] > 0  # the edits do something
    for key, value in metrics[1].items():
        assert metrics[2][key] == pytest.approx(value, abs=1e-9), key
