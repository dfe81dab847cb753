"""MendEditor: the edit, the meta-objective, non-finite guards, grouped options, and checkpoints that hold the editor
only (and load when written by the flat-option MEND)."""

from __future__ import annotations

import json

import lightning as L
import pytest
import torch

from mke_lightning.cli import cli_main
from mke_lightning.data.datamodule import EditDataModule
from mke_lightning.data.reading import write_edit_cases
from mke_lightning.editors import MendEditor
from mke_lightning.editors.gradient_editor import MetaTraining
from mke_lightning.editors.shared.gradient_capture import capture_gradient_factors
from mke_lightning.models.adapter import ArchitectureAdapter
from mke_lightning.models.encoding import encode_prompt_target, token_logprobs

_META = {f for f in MetaTraining.__dataclass_fields__}


def _editor(path, **options) -> MendEditor:
    """A configured MEND; options that belong to ``meta`` are routed there."""
    torch.manual_seed(0)
    meta = {"train_edit_languages": ["en", "zh"], **{k: v for k, v in options.items() if k in _META}}
    editor = MendEditor(model_name_or_path=path, meta=MetaTraining(**meta),
                        **{k: v for k, v in options.items() if k not in _META})
    editor.configure_model()
    return editor


@pytest.mark.parametrize("arch", ["gpt2", "llama"])
def test_untrained_editor_edits_by_one_gradient_step(tiny_models, small_cases, arch):
    """U = 0 and no normalisation make the editor the identity: Δ = −η ∇_W L of the edit prompt, per inner weight."""
    editor = _editor(tiny_models[arch], norm="none", edit_lr=0.5)
    case, model = small_cases[0], editor.base_model
    view = case.views["en"]
    batch = encode_prompt_target(editor.tokenizer, [view.prompt], [view.target_new], ["en"])
    modules = editor.inner_modules()
    assert len(modules) == (9 if arch == "llama" else 6)  # both FFN matrices (LLaMA: gate, up, down) of 3 blocks
    for module in modules.values():
        module.weight.requires_grad_(True)
    logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits
    logp, mask = token_logprobs(logits, batch.labels)
    (-(logp.sum() / mask.sum())).backward()
    grads = {n: m.weight.grad.clone() for n, m in modules.items()}
    for module in modules.values():
        module.weight.requires_grad_(False)
        module.weight.grad = None
    edit = editor.edit([case], "en")
    for name, module in modules.items():
        expected = module.weight.detach() - 0.5 * grads[name]
        torch.testing.assert_close(edit.new_values[f"{name}.weight"], expected, rtol=1e-4, atol=1e-6)


def test_ffn_and_layers_options_choose_the_inner_weights(tiny_models):
    editor = _editor(tiny_models["llama"], layers=[0], ffn="out")
    assert editor.inner_names == ["model.layers.0.mlp.down_proj"]
    editor = _editor(tiny_models["llama"], layers=[-1], ffn="in")
    assert editor.inner_names == ["model.layers.2.mlp.up_proj", "model.layers.2.mlp.gate_proj"]
    d_model, d_ff = ArchitectureAdapter(editor.base_model).ffn_dims()
    assert list(editor.transforms) == [f"{d_ff}x{d_model}"]  # one network for the one shape
    with pytest.raises(ValueError, match="name a block twice"):
        _editor(tiny_models["gpt2"], layers=[2, -1])
    with pytest.raises(ValueError, match="model.meta.outer"):
        MendEditor(meta={"outer": "rephrase"})


def test_head_only_logits_equal_the_edited_full_model(tiny_models, small_cases):
    """``target_logits`` (trunk + head at predicting positions, functional weights) equals the full forward of a model
    whose weights really are W + Δ."""
    editor = _editor(tiny_models["gpt2"], edit_lr=0.3)
    view = small_cases[1].views["zh"]
    batch = encode_prompt_target(editor.tokenizer, [view.prompt, *view.paraphrases], [view.target_new] * (1 + len(view.paraphrases)),
                                 ["zh"] * (1 + len(view.paraphrases)))
    factors = capture_gradient_factors(editor.base_model, editor.inner_modules(), encode_prompt_target(
        editor.tokenizer, [view.prompt], [view.target_new], ["zh"]))
    deltas = editor.weight_deltas(factors, [0])
    logits, labels, rows = editor.target_logits(batch, deltas)
    modules = editor.inner_modules()
    with editor.edit([small_cases[1]], "zh"):
        full = editor.base_model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits
    mask = batch.labels[:, 1:] != -100
    torch.testing.assert_close(logits, full[:, :-1][mask], rtol=1e-4, atol=1e-5)
    assert torch.equal(labels, batch.labels[:, 1:][mask])
    assert rows.tolist() == [r for r in range(mask.shape[0]) for _ in range(int(mask[r].sum()))]
    assert set(deltas) == set(modules)


def test_meta_loss_trains_editor_and_step_sizes_not_the_base_model(tiny_models, small_cases):
    editor = _editor(tiny_models["gpt2"])
    editor.train()
    assert not editor.base_model.training
    parts = editor.meta_loss(small_cases[:3])
    assert set(parts) == {"edit", "loc", "total"}
    m = editor.meta
    torch.testing.assert_close(parts["total"], m.c_edit * parts["edit"] + m.c_loc * parts["loc"])
    parts["total"].backward()
    assert editor.edit_lrs.grad is not None and editor.edit_lrs.grad.abs().sum() > 0
    first_layer_u = [p for n, p in editor.transforms.named_parameters() if n.endswith("layers.0.u")]
    assert first_layer_u and all(p.grad.abs().sum() > 0 for p in first_layer_u)
    assert all(p.grad is None for p in editor.base_model.parameters())
    norm = next(iter(editor.transforms.values())).norm_u
    assert norm.count > 0  # training batches feed the running statistics ...
    count = norm.count.clone()
    editor.eval()
    editor.edit(small_cases[:1], "en")
    assert torch.equal(norm.count, count)  # ... edits do not


def test_sss_weights_the_whole_objective(tiny_models, small_cases):
    plain = _editor(tiny_models["gpt2"]).meta_loss(small_cases[:1])
    sss = _editor(tiny_models["gpt2"], sss_weight=0.9).meta_loss(small_cases[:1])
    assert sss["sss"] > 0
    torch.testing.assert_close(sss["edit"], plain["edit"])
    torch.testing.assert_close(sss["total"], 0.9 * sss["sss"] + 0.1 * plain["total"])


class _NaNMend(MendEditor):
    def meta_loss(self, cases):
        parts = super().meta_loss(cases)
        return {**parts, "total": parts["total"] * float("nan")}


def _data(tmp_path, cases):
    path = tmp_path / "cases.jsonl"
    write_edit_cases(cases, path)
    return EditDataModule(train_path=str(path), val_path=str(path), languages=["en", "zh"], edit_languages=["en"],
                          batch_size=2)


def test_non_finite_steps_are_skipped_counted_then_stop(tiny_models, small_cases, tmp_path):
    editor = _NaNMend(model_name_or_path=tiny_models["gpt2"], meta=MetaTraining(max_nonfinite_steps=3))
    trainer = L.Trainer(accelerator="cpu", max_steps=10, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False, limit_val_batches=0)
    with pytest.raises(FloatingPointError, match="3 training steps in a row had a non-finite loss"):
        trainer.fit(editor, datamodule=_data(tmp_path, small_cases[:8]))
    assert editor.nonfinite_steps == 3
    assert editor.edit_lrs.grad is None  # no backward ran


def test_non_finite_gradients_skip_the_optimizer_step(tiny_models):
    editor = _editor(tiny_models["gpt2"])
    optimizer = editor.configure_optimizers()
    before = {n: p.detach().clone() for n, p in editor.transforms.named_parameters()}
    for p in editor.transforms.parameters():
        p.grad = torch.ones_like(p)
    next(editor.transforms.parameters()).grad[0] = float("inf")
    editor.edit_lrs.grad = torch.ones_like(editor.edit_lrs)
    editor.on_before_optimizer_step(optimizer)
    optimizer.step()
    assert editor.nonfinite_steps == 1 and editor.nonfinite_in_a_row == 1
    assert all(torch.equal(before[n], p) for n, p in editor.transforms.named_parameters())


CONFIG = """
seed_everything: 0
trainer:
  accelerator: cpu
  devices: 1
  max_steps: 3
  val_check_interval: 3
  check_val_every_n_epoch: null
  num_sanity_val_steps: 0
  enable_progress_bar: false
  default_root_dir: {root}
  logger: false
  callbacks:
    - class_path: mke_lightning.evaluation.EditEvaluationCallback
      init_args: {{metrics: [es, ps, loc_f1], log_heatmaps: false, results_path: {results}}}
    - class_path: lightning.pytorch.callbacks.ModelCheckpoint
      init_args: {{dirpath: {ckpt}, monitor: val/es/mono, mode: max, filename: best, save_last: true}}
model:
  class_path: mke_lightning.editors.MendEditor
  init_args: {{model_name_or_path: {model}, edit_lr: 0.05, meta: {{lr: 1.0e-3, max_outer: 4, max_loc: 2}}}}
data:
  class_path: mke_lightning.data.EditDataModule
  init_args: {{train_path: {data}, val_path: {data}, test_path: {data}, languages: [en, zh], edit_languages: [en, zh],
              batch_size: 2}}
"""


def test_checkpoint_holds_the_editor_only_and_reloads_for_test(tiny_models, small_cases, tmp_path):
    data = tmp_path / "cases.jsonl"
    write_edit_cases(small_cases[:4], data)
    def config(results: str):
        path = tmp_path / f"{results}.yaml"
        path.write_text(CONFIG.format(results=tmp_path / f"{results}.json", ckpt=tmp_path / "ckpt", root=tmp_path / results,
                                      model=tiny_models["gpt2"], data=data))
        return str(path)

    cli_main(["fit", "--config", config("fit")])
    ckpt = torch.load(tmp_path / "ckpt" / "last.ckpt", weights_only=False)
    keys = set(ckpt["state_dict"])
    assert keys and not any(k.startswith("base_model.") for k in keys)
    assert "edit_lrs" in keys and any(k.endswith("norm_u.mean") for k in keys)
    assert all(k == "edit_lrs" or k.startswith("transforms.") for k in keys)  # the names old checkpoints have
    assert ckpt["hyper_parameters"]["meta"]["lr"] == 1.0e-3  # the group, as plain types
    torch.load(tmp_path / "ckpt" / "last.ckpt", weights_only=True)  # (what the CLI reads the hparams with)
    fit_val = json.loads((tmp_path / "fit.json").read_text())["val"]

    # A fresh process-equivalent: instantiate from the config, load the checkpoint, validate the same cases.
    cli_main(["validate", "--config", config("reloaded"), "--ckpt_path", str(tmp_path / "ckpt" / "last.ckpt")])
    reloaded = json.loads((tmp_path / "reloaded.json").read_text())["val"]
    assert reloaded == pytest.approx(fit_val, abs=1e-7)
    untrained = _editor(tiny_models["gpt2"], edit_lr=0.05)
    assert not torch.equal(untrained.edit_lrs, ckpt["state_dict"]["edit_lrs"])  # training moved the editor

    # The same checkpoint as the flat-option MEND wrote it (training options at the top level) validates the same.
    old = dict(ckpt)
    old["hyper_parameters"] = {**{k: v for k, v in ckpt["hyper_parameters"].items() if k != "meta"},
                               **ckpt["hyper_parameters"]["meta"]}
    torch.save(old, tmp_path / "old.ckpt")
    cli_main(["validate", "--config", config("old"), "--ckpt_path", str(tmp_path / "old.ckpt")])
    assert json.loads((tmp_path / "old.json").read_text())["val"] == pytest.approx(fit_val, abs=1e-7)

    # mke test --ckpt_path runs on the test split from the same checkpoint
    cli_main(["test", "--config", config("test"), "--ckpt_path", str(tmp_path / "ckpt" / "best.ckpt")])
    assert "test/es/mono" in json.loads((tmp_path / "test.json").read_text())["test"]


def test_checkpoint_of_another_editor_shape_is_refused(tiny_models, tmp_path):
    editor = _editor(tiny_models["gpt2"])
    state = {"state_dict": {k: v for k, v in editor.state_dict().items() if not k.startswith("base_model.")}}
    other = _editor(tiny_models["gpt2"], layers=[0])
    with pytest.raises(KeyError, match="does not match"):
        other.on_load_checkpoint(state)
    editor.on_load_checkpoint(state)  # its own is fine


#: the hyperparameters a checkpoint of the flat-option MEND holds (``/tmp/mend_fixed.ckpt``, MEND + SSS config)
OLD_HPARAMS = {"model_name_or_path": "checkpoints/world-gpt2", "dtype": "float32", "layers": [-3, -2, -1],
               "ffn": "both", "rank": 1920, "n_hidden": 1, "norm": "running", "relu_last": False, "edit_lr": 0.001,
               "lr": 0.0003, "lr_lr": 0.001, "c_edit": 1.0, "c_loc": 1.0, "outer": "all", "loc_scope": "edit",
               "max_outer": 8, "max_loc": 4, "train_edit_languages": None, "sss_weight": 0.9,
               "max_nonfinite_steps": 10, "sampling_seed": 0}


def test_upgrade_hparams_groups_the_flat_training_options():
    upgraded = MendEditor.upgrade_hparams(OLD_HPARAMS)
    architecture = ["model_name_or_path", "dtype", "layers", "ffn", "rank", "n_hidden", "norm", "relu_last", "edit_lr"]
    assert sorted(upgraded) == sorted([*architecture, "meta"])
    assert all(upgraded[k] == OLD_HPARAMS[k] for k in architecture)
    assert upgraded["meta"] == {k: v for k, v in OLD_HPARAMS.items() if k not in architecture}
    editor = MendEditor(**upgraded)  # the group as a plain dict, as Lightning may hand it back
    assert editor.meta == MetaTraining(lr=0.0003, lr_lr=0.001, c_edit=1.0, c_loc=1.0, loc_scope="edit", max_outer=8,
                                       max_loc=4, sss_weight=0.9)
    assert MendEditor.upgrade_hparams(upgraded) == upgraded  # new-style hyperparameters are left alone


def test_option_errors_name_the_option_as_typed(capsys, small_cases, tmp_path):
    with pytest.raises(ValueError, match=r"option model\.meta\.sss_weight: must be <= 1, got 2"):
        MetaTraining(sss_weight=2)
    with pytest.raises(ValueError, match=r"option model\.meta\.max_nonfinite_steps: must be >= 1, got 0"):
        MendEditor(meta={"max_nonfinite_steps": 0})
    with pytest.raises(ValueError, match=r"model\.meta has no option\(s\) \['c_edt'\]"):
        MendEditor(meta={"c_edt": 1.0})
    data = tmp_path / "cases.jsonl"
    write_edit_cases(small_cases[:1], data)
    with pytest.raises(SystemExit):
        cli_main(["validate", "--model", "MendEditor", "--model.meta.sss_weight", "2", "--trainer.accelerator", "cpu",
                  "--data", "EditDataModule", "--data.val_path", str(data), "--data.languages", "[en]"])
    assert "option model.meta.sss_weight: must be <= 1, got 2" in capsys.readouterr().err
