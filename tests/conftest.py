"""Shared fixtures: expensive objects are built once per session."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List

import pytest
import spacy
import yaml
from spacy.language import Language

from nlu_components.safety.detector import SafetyDetector

ROOT = Path(__file__).resolve().parents[1]
SAFETY_SETS = sorted((ROOT / "tests" / "safety").glob("*_set*.yml"))

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def load_safety_messages() -> List[Dict[str, Any]]:
    """Every labelled message of every safety set, with the set's name."""
    messages = []
    for path in SAFETY_SETS:
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]:
            messages.append({**item, "set": path.stem})
    return messages


@pytest.fixture(scope="session")
def nlp() -> Language:
    return spacy.blank("en")


@pytest.fixture(scope="session")
def detector(nlp: Language) -> SafetyDetector:
    return SafetyDetector.from_file(nlp.make_doc)


def latest_model() -> Path:
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        pytest.fail("No trained model in models/: run `make train` first (make test does).")
    return models[-1]


@pytest.fixture(scope="session")
def model_path() -> Path:
    return latest_model()
