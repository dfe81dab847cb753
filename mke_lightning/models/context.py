"""How many positions a model accepts: one reader of the config fields families use for it.

``context_length`` is the nominal context (``n_positions`` of GPT-2-family models with learned absolute
positions, ``max_position_embeddings`` of rotary models, ``seq_length`` of some others); ``absolute_positions`` is
the hard limit, known only for models with learned absolute positions: past it a forward fails with an index
error, while rotary and ALiBi models (LLaMA, Qwen, BLOOM, ...) run past their nominal length.
"""

from __future__ import annotations

CONTEXT_FIELDS = ("n_positions", "max_position_embeddings", "seq_length")


def _positive_int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def context_length(model) -> int | None:
    """The model's nominal context length from its config (``None`` when its config names none)."""
    config = getattr(model, "config", None)
    for name in CONTEXT_FIELDS:
        value = _positive_int(getattr(config, name, None))
        if value is not None:
            return value
    return None


def absolute_positions(model) -> int | None:
    """``config.n_positions`` of a model with learned absolute positions (the hard limit), else ``None``."""
    return _positive_int(getattr(getattr(model, "config", None), "n_positions", None))
