"""Evaluation code shared by scripts and tests: set loaders, scorers, model lookup, the running assistant."""
