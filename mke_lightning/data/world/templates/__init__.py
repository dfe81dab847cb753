"""World v2 text per language: extra relation templates, the alignment frame and language names."""
