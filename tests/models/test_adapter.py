"""Architecture adapter: FFN projections found for every supported family, orientation decided by module type."""

from __future__ import annotations

import pytest
import torch

from mke_lightning.models.adapter import ArchitectureAdapter, as_out_in, from_out_in, is_conv1d


def _tiny(family: str, d: int = 16, d_ff: int = 40):
    import transformers as tf

    common = dict(vocab_size=64)
    if family == "gpt2":
        return tf.GPT2LMHeadModel(tf.GPT2Config(n_embd=d, n_layer=2, n_head=2, n_inner=d_ff, n_positions=32, **common))
    if family == "llama":
        return tf.LlamaForCausalLM(tf.LlamaConfig(hidden_size=d, intermediate_size=d_ff, num_hidden_layers=2,
                                                  num_attention_heads=2, num_key_value_heads=1, **common))
    if family == "qwen2":
        return tf.Qwen2ForCausalLM(tf.Qwen2Config(hidden_size=d, intermediate_size=d_ff, num_hidden_layers=2,
                                                  num_attention_heads=2, num_key_value_heads=1, **common))
    if family == "bloom":
        return tf.BloomForCausalLM(tf.BloomConfig(hidden_size=d, n_layer=2, n_head=2, **common))
    if family == "gpt_neox":
        return tf.GPTNeoXForCausalLM(tf.GPTNeoXConfig(hidden_size=d, intermediate_size=d_ff, num_hidden_layers=2,
                                                      num_attention_heads=2, **common))
    if family == "gptj":
        return tf.GPTJForCausalLM(tf.GPTJConfig(n_embd=d, n_inner=d_ff, n_layer=2, n_head=2, rotary_dim=4,
                                                n_positions=32, **common))
    raise ValueError(family)


FAMILIES = ["gpt2", "llama", "qwen2", "bloom", "gpt_neox", "gptj"]


@pytest.mark.parametrize("family", FAMILIES)
def test_ffn_out_projection_found_and_oriented(family):
    torch.manual_seed(0)
    model = _tiny(family).eval()
    adapter = ArchitectureAdapter(model)
    assert adapter.num_layers == 2
    d_model, d_ff = adapter.ffn_dims(1)
    module = adapter.ffn_out(-1)
    assert adapter.ffn_out_name(-1) == adapter.ffn_out_name(1)
    # Behavioural check of the orientation: the module computes x @ W_out_in.T (+ bias) for x of size d_ff.
    x = torch.randn(3, d_ff)
    bias = module.bias if getattr(module, "bias", None) is not None else 0.0
    expected = x @ as_out_in(module, module.weight).T + bias
    torch.testing.assert_close(module(x), expected)
    assert expected.shape == (3, d_model)
    for ffn_in in adapter.ffn_in(0):  # the input projections map d_model -> d_ff
        assert as_out_in(ffn_in, ffn_in.weight).shape == (d_ff, d_model)
    assert is_conv1d(module) == (family == "gpt2")


def test_square_ffn_oriented_by_type_not_shape():
    """With d_ff == d_model a shape comparison cannot tell Conv1D from Linear; the type can."""
    torch.manual_seed(0)
    model = _tiny("gpt2", d=16, d_ff=16).eval()
    module = ArchitectureAdapter(model).ffn_out(0)
    x = torch.randn(2, 16)
    torch.testing.assert_close(module(x), x @ as_out_in(module, module.weight).T + module.bias)
    assert not torch.equal(as_out_in(module, module.weight), module.weight)  # it was transposed
    assert torch.equal(from_out_in(module, as_out_in(module, module.weight)), module.weight)


def test_unsupported_architecture_is_named():
    class Fake(torch.nn.Module):
        config = type("C", (), {"model_type": "t5"})()

    with pytest.raises(ValueError, match="unsupported architecture 't5'"):
        ArchitectureAdapter(Fake())


def test_layer_out_of_range():
    adapter = ArchitectureAdapter(_tiny("llama"))
    with pytest.raises(IndexError, match="layer 5 out of range"):
        adapter.ffn_out(5)
