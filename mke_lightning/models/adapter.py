"""Architecture adapters: where the transformer blocks and FFN projections of a causal LM are, and how their
weights are oriented.

Editors speak of "the FFN input projection of layer l" and "its output projection" (the key ``k`` of a fact is the
input of the output projection). Module paths differ per family; orientation differs per module *type*: HF's
``Conv1D`` (GPT-2, mGPT) stores ``weight`` as ``(in, out)``, ``nn.Linear`` as ``(out, in)``. The orientation is
decided by the type, never by comparing shapes (which silently fails for square matrices).

Supported: GPT-2 / mGPT (``transformer.h.{l}.mlp.c_fc / c_proj``), LLaMA / Qwen2 / Mistral
(``model.layers.{l}.mlp.up_proj + gate_proj / down_proj``), BLOOM (``transformer.h.{l}.mlp.dense_h_to_4h /
dense_4h_to_h``), GPT-NeoX / Pythia (``gpt_neox.layers.{l}.mlp.dense_h_to_4h / dense_4h_to_h``) and GPT-J
(``transformer.h.{l}.mlp.fc_in / fc_out``).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class ArchitectureSpec:
    """Module-path templates of one model family (``{l}`` is the layer index)."""

    blocks: str
    ffn_in: tuple[str, ...]  # input projection(s) of the FFN (LLaMA: up and gate)
    ffn_out: str  # output projection: its input is the key k, its output the value v
    final_norm: str
    attn_out: str  # output projection of the attention (PMET optimises a vector added to its output)


SPECS: dict[str, ArchitectureSpec] = {
    "gpt2": ArchitectureSpec("transformer.h", ("transformer.h.{l}.mlp.c_fc",), "transformer.h.{l}.mlp.c_proj",
                             "transformer.ln_f", "transformer.h.{l}.attn.c_proj"),
    "llama": ArchitectureSpec("model.layers", ("model.layers.{l}.mlp.up_proj", "model.layers.{l}.mlp.gate_proj"),
                              "model.layers.{l}.mlp.down_proj", "model.norm",
                              "model.layers.{l}.self_attn.o_proj"),
    "bloom": ArchitectureSpec("transformer.h", ("transformer.h.{l}.mlp.dense_h_to_4h",),
                              "transformer.h.{l}.mlp.dense_4h_to_h", "transformer.ln_f",
                              "transformer.h.{l}.self_attention.dense"),
    "gpt_neox": ArchitectureSpec("gpt_neox.layers", ("gpt_neox.layers.{l}.mlp.dense_h_to_4h",),
                                 "gpt_neox.layers.{l}.mlp.dense_4h_to_h", "gpt_neox.final_layer_norm",
                                 "gpt_neox.layers.{l}.attention.dense"),
    "gptj": ArchitectureSpec("transformer.h", ("transformer.h.{l}.mlp.fc_in",), "transformer.h.{l}.mlp.fc_out",
                             "transformer.ln_f", "transformer.h.{l}.attn.out_proj"),
}
#: HF ``model_type`` -> family of :data:`SPECS`.
MODEL_TYPES = {"gpt2": "gpt2", "llama": "llama", "qwen2": "llama", "qwen3": "llama", "mistral": "llama",
               "bloom": "bloom", "gpt_neox": "gpt_neox", "gptj": "gptj"}


def is_conv1d(module: nn.Module) -> bool:
    """Whether ``module`` is HF's ``Conv1D`` (weight stored ``(in, out)``)."""
    from transformers.pytorch_utils import Conv1D

    return isinstance(module, Conv1D)


def as_out_in(module: nn.Module, tensor: torch.Tensor) -> torch.Tensor:
    """View a weight-shaped tensor of ``module`` in ``(out, in)`` (nn.Linear) orientation."""
    if is_conv1d(module):
        return tensor.T
    if isinstance(module, nn.Linear):
        return tensor
    raise TypeError(f"expected nn.Linear or transformers Conv1D, got {type(module).__name__}")


def from_out_in(module: nn.Module, tensor: torch.Tensor) -> torch.Tensor:
    """Turn an ``(out, in)`` tensor into ``module.weight``'s own layout (the inverse of :func:`as_out_in`)."""
    return as_out_in(module, tensor)  # a transpose is its own inverse


class ArchitectureAdapter:
    """Finds blocks and FFN projections of a loaded HF causal LM."""

    def __init__(self, model: nn.Module):
        model_type = getattr(getattr(model, "config", None), "model_type", None)
        if model_type not in MODEL_TYPES:
            raise ValueError(f"unsupported architecture {model_type!r}; supported model types: "
                             f"{', '.join(sorted(MODEL_TYPES))}")
        self.model, self.family, self.spec = model, MODEL_TYPES[model_type], SPECS[MODEL_TYPES[model_type]]

    @property
    def num_layers(self) -> int:
        return len(self.model.get_submodule(self.spec.blocks))

    def _layer(self, layer: int) -> int:
        n = self.num_layers
        if not -n <= layer < n:
            raise IndexError(f"layer {layer} out of range for a {n}-layer model")
        return layer % n

    def resolve_layers(self, layers) -> list[int]:
        """``layers`` (negative indices count from the end) as sorted, distinct indices in ``[0, num_layers)``;
        ``IndexError`` for one out of range, ``ValueError`` for none."""
        wanted = sorted({self._layer(int(layer)) for layer in layers})
        if not wanted:
            raise ValueError("no layers requested")
        return wanted

    def block_name(self, layer: int) -> str:
        return f"{self.spec.blocks}.{self._layer(layer)}"

    def ffn_out_name(self, layer: int) -> str:
        return self.spec.ffn_out.format(l=self._layer(layer))

    def attn_out_name(self, layer: int) -> str:
        return self.spec.attn_out.format(l=self._layer(layer))

    def ffn_in_names(self, layer: int) -> tuple[str, ...]:
        return tuple(t.format(l=self._layer(layer)) for t in self.spec.ffn_in)

    def ffn_out(self, layer: int) -> nn.Module:
        return self.model.get_submodule(self.ffn_out_name(layer))

    def ffn_in(self, layer: int) -> tuple[nn.Module, ...]:
        return tuple(self.model.get_submodule(n) for n in self.ffn_in_names(layer))

    def ffn_dims(self, layer: int = 0) -> tuple[int, int]:
        """``(d_model, d_ff)``: the output and input sizes of the FFN output projection."""
        w = as_out_in(self.ffn_out(layer), self.ffn_out(layer).weight)
        return w.shape[0], w.shape[1]

    def final_norm(self) -> nn.Module:
        return self.model.get_submodule(self.spec.final_norm)
