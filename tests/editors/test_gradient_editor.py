"""The trained-editor and gradient-editor bases carry a second member: a plain gradient step with one learned step
size trains through ``GradientEditor`` (meta-objective, optimiser, non-finite guard, editor-only checkpoints) with
nothing but ``configure_model`` and ``weight_deltas`` of its own."""

from __future__ import annotations

import lightning as L
import pytest
import torch
from torch import nn

from mke_lightning.data.datamodule import EditDataModule
from mke_lightning.data.reading import write_edit_cases
from mke_lightning.editors import GradientEditor, TrainedEditor
from mke_lightning.editors.gradient_editor import MetaTraining
from mke_lightning.editors.trained import EditorTraining
from mke_lightning.models.adapter import ArchitectureAdapter


class _GradientStep(GradientEditor):
    """Δ = −η·∇_W L at the last block's FFN output weight, η learned (log-parametrised)."""

    def __init__(self, model_name_or_path: str = "checkpoints/world-gpt2", dtype: str = "float32",
                 meta: MetaTraining = MetaTraining()):
        super().__init__(model_name_or_path, dtype, meta)
        self.save_hyperparameters()
        self.log_step: nn.Parameter | None = None

    def configure_model(self) -> None:
        super().configure_model()
        if self.log_step is None:
            self.inner_names = [ArchitectureAdapter(self.base_model).ffn_out_name(-1)]
            self.log_step = nn.Parameter(torch.tensor(-2.0, device=self.base_model.device))

    def weight_deltas(self, factors, rows):
        deltas = {}
        for name in self.inner_names:
            pairs = [factors.rows(name, r) for r in rows]
            u, delta = torch.cat([p[0] for p in pairs]), torch.cat([p[1] for p in pairs])
            deltas[name] = -self.log_step.exp() * (delta.T @ u)
        return deltas


def _data(tmp_path, cases) -> EditDataModule:
    path = tmp_path / "cases.jsonl"
    write_edit_cases(cases, path)
    return EditDataModule(train_path=str(path), languages=["en", "zh"], edit_languages=["en"], batch_size=2)


def test_a_second_gradient_editor_trains_through_the_base(tiny_models, small_cases, tmp_path):
    torch.manual_seed(0)
    editor = _GradientStep(tiny_models["gpt2"], meta=MetaTraining(lr=0.1, max_outer=2, max_loc=2))
    trainer = L.Trainer(accelerator="cpu", max_steps=2, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False, limit_val_batches=0,
                        default_root_dir=tmp_path)
    trainer.fit(editor, datamodule=_data(tmp_path, small_cases[:4]))
    assert trainer.global_step == 2 and editor.nonfinite_steps == 0
    assert editor.log_step.item() != pytest.approx(-2.0)  # the objective reached the step size
    assert all(not p.requires_grad for p in editor.base_model.parameters())
    assert "train/total" in trainer.logged_metrics and "train/loc" in trainer.logged_metrics

    # the edit is the captured gradient step, applied and restored
    name = f"{editor.inner_names[0]}.weight"
    before = editor.base_model.get_parameter(name).detach().clone()
    with editor.edit(small_cases[:1], "en"):
        assert not torch.equal(editor.base_model.get_parameter(name), before)
    assert torch.equal(editor.base_model.get_parameter(name), before)

    # editor-only checkpoint: the step size, nothing of the base model
    path = tmp_path / "step.ckpt"
    trainer.save_checkpoint(path)
    ckpt = torch.load(path, weights_only=True)
    assert set(ckpt["state_dict"]) == {"log_step"}
    assert ckpt["hyper_parameters"]["meta"]["lr"] == 0.1
    fresh = _GradientStep(tiny_models["gpt2"], meta=ckpt["hyper_parameters"]["meta"])
    fresh.configure_model()
    fresh.on_load_checkpoint(ckpt)
    fresh.load_state_dict(ckpt["state_dict"], strict=fresh.strict_loading)
    assert fresh.log_step.item() == editor.log_step.item()
    with pytest.raises(KeyError, match="_GradientStep checkpoint does not match"):
        fresh.on_load_checkpoint({"state_dict": {"log_step": torch.zeros(2)}})


def test_trained_editor_keeps_the_base_in_eval_and_reads_edit_languages(tiny_models):
    editor = _GradientStep(tiny_models["gpt2"], meta={"train_edit_languages": ["zh"]})
    editor.configure_model()
    editor.train()
    assert editor.training and not editor.base_model.training
    assert editor.edit_languages() == ["zh"]
    with pytest.raises(ValueError, match="model.meta.train_edit_languages or data.edit_languages"):
        _GradientStep(tiny_models["gpt2"]).edit_languages()


def test_upgrade_hparams_moves_only_the_group_fields():
    class _Plain(TrainedEditor):
        options_class = EditorTraining

    flat = {"model_name_or_path": "m", "lr": 0.5, "max_nonfinite_steps": 3, "unrelated": 1}
    assert _Plain.upgrade_hparams(flat) == {"model_name_or_path": "m", "unrelated": 1,
                                            "meta": {"lr": 0.5, "max_nonfinite_steps": 3}}
    assert _Plain.upgrade_hparams({"model_name_or_path": "m"}) == {"model_name_or_path": "m"}
    assert _Plain(meta={"lr": 0.5}).meta == EditorTraining(lr=0.5)
    with pytest.raises(TypeError, match="model.meta must be EditorTraining or a dict"):
        _Plain(meta=3)
