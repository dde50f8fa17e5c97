"""Where the repository, its models and its evaluation sets are."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
TRAINING_NLU = ROOT / "data" / "nlu"
NLU_SPLITS = ROOT / "tests" / "nlu"
SAFETY_SETS = ROOT / "tests" / "safety"
SEALED_SETS = ROOT / "tests" / "sealed"
REGISTRY = ROOT / "tests" / "evaluation_sets.yml"
RESULTS = ROOT / "results"
