"""mke_lightning: multilingual knowledge editing of language models, on PyTorch Lightning.

The package is laid out in layers, lowest first (``tests/test_layering.py`` keeps lower ones from importing higher
ones): ``models`` (LM primitives: loading, the architecture adapter, encoding, generation, hooks), ``data`` (the
unified schema, readers, the synthetic world), ``metrics`` and ``losses``, ``evaluation`` (the scoring seam, the
edit loop, the callback), ``editors``, ``analysis``, ``experiment`` (the LightningCLI experiment), ``commands``
(one typed function per verb) and ``cli`` (the ``mke`` verb table).
"""

__version__ = "0.1.0"
