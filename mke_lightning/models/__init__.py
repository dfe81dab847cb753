"""Models: loading causal LMs and tokenizers, the world tokenizer, and world-model pretraining."""
