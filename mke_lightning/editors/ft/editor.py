"""FT-L and FT-M: fine-tune one or more FFN output projections on the edit (methods.md §1), optionally with SSS.

Decisions:
* the trained parameters are those of the FFN output projection of ``layers`` (module found by the architecture
  adapter): its weight and, with ``train_bias`` (default, as ROME's and EasyEdit's FT baselines, which select every
  parameter whose name contains the module's name: ``.weight`` and ``.bias``), its bias. ``train_bias=False``
  trains the weight only. A projection without a bias (LLaMA, the LLaMA world model) trains its weight alone
  either way; no error. The bias is optimised, clamped by ``norm_constraint`` and restored exactly as the weight;
* Adam (lr ``5e-4``, ``num_steps`` 25) as the ROME/EasyEdit baselines; a step is skipped and the loop ends once the
  loss is below ``early_stop_loss`` (1e-2);
* ``norm_constraint``: after each step every trained parameter is clamped into ``[W0 − ε, W0 + ε]`` (the "L" of
  FT-L);
  ``None`` for unconstrained fine-tuning;
* the edit is computed once in ``edit`` (weights optimised, saved, and the originals copied back) and returned as a
  :class:`~mke_lightning.editors.applied.WeightEdit`, so entering/leaving the context swaps exact tensors;
* ``sss_weight`` C > 0 trains on ``(1 − C)·L + C·SSS`` (SSS on the final hidden states of the edit input,
  differentiable); the reference FT-SSS uses C = 0.9;
* independent edits of several cases (``edit_each``, the evaluation's ``edit_batch_size``) are trained together:
  each case gets its own copy of every trained parameter, a forward hook gives each batch row its own case's copy
  (:mod:`.per_row`), and the summed loss gives each copy exactly its own case's gradient; Adam is element-wise and a
  case that reaches ``early_stop_loss`` keeps its copy from then on, so each edit equals the one ``edit([case])``
  computes (to float rounding). With SSS (whose statistic spans the batch) the cases are edited one at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Literal

import torch

from mke_lightning.data.schema import EditCase
from mke_lightning.editors.applied import AppliedEdit, WeightEdit, scratch_weights
from mke_lightning.editors.base import BaseEditor, register_editor
from mke_lightning.editors.ft.objectives import OBJECTIVES
from mke_lightning.editors.ft.per_row import per_row_parameters
from mke_lightning.losses.sss import SSSRegularizer
from mke_lightning.models.adapter import ArchitectureAdapter
from mke_lightning.models.encoding import encode_prompt_target
from mke_lightning.option_ranges import NonNegativeFloat, PositiveFloat, PositiveInt, UnitFloat


class FineTuneEditor(BaseEditor):
    #: one quick edit on the tiny test models (the restore test).
    fast_test_options: ClassVar[dict[str, Any]] = {"num_steps": 3, "layers": [1]}

    def __init__(
        self,
        model_name_or_path: str = "checkpoints/world-gpt2",
        dtype: str = "float32",
        layers: list[int] | None = None,
        objective: Literal["target_new", "prompt_last"] = "target_new",
        lr: PositiveFloat = 5e-4,
        num_steps: PositiveInt = 25,
        norm_constraint: PositiveFloat | None = None,
        early_stop_loss: NonNegativeFloat = 1e-2,
        sss_weight: UnitFloat = 0.0,
        train_bias: bool = True,
    ):
        """Options (each one is a command-line option of `mke`).

        Args:
            model_name_or_path: the base causal LM (local HF directory or hub id).
            dtype: parameter dtype of the base model.
            layers: indices of the blocks whose FFN output projection is trained (negative counts from the end);
                ``None``: ``[0]``.
            objective: ``target_new`` (FT-M, teacher-forced) or ``prompt_last`` (FT-L of the ROME paper).
            lr: Adam learning rate.
            num_steps: optimisation steps per edit.
            norm_constraint: L∞ radius ε around the original weights (``None``: unconstrained).
            early_stop_loss: stop once the loss is below this value.
            sss_weight: weight C of the SSS regulariser, ``(1 − C)·L + C·SSS``; 0 disables it.
            train_bias: also train the bias of each projection that has one (ROME's FT baseline: yes); ``False``:
                the weight only.
        """
        super().__init__(model_name_or_path, dtype)
        self.save_hyperparameters()
        if objective not in OBJECTIVES:
            raise ValueError(f"model.objective must be one of {sorted(OBJECTIVES)}, got {objective!r}")
        if num_steps < 1:
            raise ValueError("model.num_steps must be >= 1")
        self.layers = list(layers) if layers is not None else [0]
        self.train_bias = bool(train_bias)
        self.sss = SSSRegularizer(sss_weight) if sss_weight > 0 else None
        self.last_losses: list[float] = []  # diagnostics of the latest edit: the loss per step

    def trained_parameter_names(self) -> list[str]:
        """``<ffn_out>.weight`` per layer, then ``<ffn_out>.bias`` where the projection has one and ``train_bias``."""
        adapter = ArchitectureAdapter(self.base_model)
        names = []
        for layer in self.layers:
            module = adapter.ffn_out_name(layer)
            names.append(module + ".weight")
            if self.train_bias and getattr(adapter.ffn_out(layer), "bias", None) is not None:
                names.append(module + ".bias")
        return names

    def edit_loss(self, batch) -> torch.Tensor:
        out = self.base_model(input_ids=batch.input_ids, attention_mask=batch.attention_mask,
                              output_hidden_states=self.sss is not None)
        loss = OBJECTIVES[self.hparams.objective](out.logits, batch.labels)
        if self.sss is not None:
            loss, _ = self.sss(loss, out.hidden_states[-1])
        return loss

    def edit(self, cases: Sequence[EditCase], src_lang: str) -> AppliedEdit:
        model, h = self.base_model, self.hparams
        names = self.trained_parameter_names()
        views = [case.views[src_lang] for case in cases]
        self.last_losses = []
        with torch.inference_mode(False), torch.enable_grad(), scratch_weights(model, names) as params:
            batch = encode_prompt_target(self.tokenizer, [v.prompt for v in views], [v.target_new for v in views],
                                         [src_lang] * len(views)).to(self.device)
            trained = [params[n] for n in names]
            originals = [p.detach().clone() for p in trained] if h.norm_constraint is not None else []
            for p in trained:
                p.requires_grad_(True)
            optimizer = torch.optim.Adam(trained, lr=h.lr)
            for _ in range(h.num_steps):
                loss = self.edit_loss(batch)
                value = loss.detach().item()
                if not torch.isfinite(loss.detach()):
                    raise FloatingPointError(f"{self.editor_name}: non-finite edit loss for {[c.case_id for c in cases]}")
                self.last_losses.append(value)
                if value < h.early_stop_loss:
                    break
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                if h.norm_constraint is not None:
                    with torch.no_grad():
                        for p, p0 in zip(trained, originals):
                            p.copy_(torch.clamp(p, p0 - h.norm_constraint, p0 + h.norm_constraint))
            new_values = {n: p.detach().clone() for n, p in zip(names, trained)}
        return WeightEdit(model, new_values)


    def edit_each(self, cases: Sequence[EditCase], src_lang: str) -> list[AppliedEdit]:
        """Each case fine-tuned alone, all at once (see the module docstring)."""
        if self.sss is not None or len(cases) < 2:
            return super().edit_each(cases, src_lang)
        model, h = self.base_model, self.hparams
        names = self.trained_parameter_names()
        views = [case.views[src_lang] for case in cases]
        objective = OBJECTIVES[h.objective]
        n = len(cases)
        with torch.inference_mode(False), torch.enable_grad():
            batch = encode_prompt_target(self.tokenizer, [v.prompt for v in views], [v.target_new for v in views],
                                         [src_lang] * n).to(self.device)
            with per_row_parameters(model, names, n) as copies:
                trained = list(copies.values())
                originals = [p.detach()[0].clone() for p in trained]
                optimizer = torch.optim.Adam(trained, lr=h.lr)
                done = torch.zeros(n, dtype=torch.bool)
                self.last_losses = []
                for _ in range(h.num_steps):
                    logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits
                    losses = torch.stack([objective(logits[b:b + 1], batch.labels[b:b + 1]) for b in range(n)])
                    if not torch.isfinite(losses.detach()).all():
                        raise FloatingPointError(f"{self.editor_name}: non-finite edit loss for "
                                                 f"{[c.case_id for c in cases]}")
                    done |= losses.detach().cpu() < h.early_stop_loss
                    if bool(done.all()):
                        break
                    frozen = [p.detach().clone() for p in trained]
                    optimizer.zero_grad(set_to_none=True)
                    losses[~done.to(losses.device)].sum().backward()
                    optimizer.step()
                    with torch.no_grad():
                        for p, p0, kept in zip(trained, originals, frozen):
                            if h.norm_constraint is not None:
                                p.copy_(torch.clamp(p, p0 - h.norm_constraint, p0 + h.norm_constraint))
                            p[done] = kept[done]
                values = {name: p.detach().clone() for name, p in copies.items()}
        return [WeightEdit(model, {name: values[name][b] for name in names}) for b in range(n)]


@register_editor("ft_l")
class FTLEditor(FineTuneEditor):
    """FT-L (ROME paper baseline): the ``prompt_last`` objective with an L∞ norm constraint."""

    def __init__(self, objective: Literal["target_new", "prompt_last"] = "prompt_last",
                 norm_constraint: PositiveFloat | None = 5e-4, **kwargs):
        """Options (each one is a command-line option of `mke`): as :class:`FineTuneEditor`, with FT-L's defaults.

        Args:
            objective: ``prompt_last`` (FT-L of the ROME paper) or ``target_new``.
            norm_constraint: L∞ radius ε around the original weights (FT-L: 5e-4; ``None``: unconstrained).
            **kwargs: the other options of :class:`FineTuneEditor`.
        """
        super().__init__(objective=objective, norm_constraint=norm_constraint, **kwargs)


@register_editor("ft_m")
class FTMEditor(FineTuneEditor):
    """FT-M (EasyEdit): the teacher-forced ``target_new`` objective, unconstrained by default."""
