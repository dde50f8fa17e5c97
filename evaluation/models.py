"""The newest trained model."""

from __future__ import annotations

from pathlib import Path

from evaluation.paths import MODELS


class NoModelError(FileNotFoundError):
    """No trained model in the models folder."""


def latest_model(models_dir: Path = MODELS) -> Path:
    """The most recently written `*.tar.gz` in `models_dir`; NoModelError if there is none."""
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise NoModelError(f"no trained model in {models_dir}/: run `make train` first")
    return models[-1]
