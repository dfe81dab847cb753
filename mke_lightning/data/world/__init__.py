"""The synthetic multilingual knowledge world (design.md §3.2): generator, export, corpus datamodule, recall."""
