"""mke_lightning: multilingual knowledge editing of language models, on PyTorch Lightning.

The package is laid out one idea per folder: ``data`` (the unified schema, readers, the synthetic world),
``models`` (loading causal LMs, the world tokenizer and world-model pretraining), ``evaluation`` (scoring
helpers) and ``cli`` (the ``mke`` command).
"""

__version__ = "0.1.0"
