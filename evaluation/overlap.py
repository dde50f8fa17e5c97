"""Which evaluation messages are also training lines (compared after light normalisation)."""

from __future__ import annotations

from pathlib import Path
from typing import FrozenSet, Iterable, List

from evaluation.paths import TRAINING_NLU
from evaluation.sets import Example


def normalise_text(text: str) -> str:
    """Lower case, letters, digits and single spaces: "Thanks!!" and "thanks" are one line."""
    return " ".join("".join(ch for ch in text.lower() if ch.isalnum() or ch.isspace()).split())


def training_texts(path: Path = TRAINING_NLU) -> FrozenSet[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    return frozenset(normalise_text(e.get("text")) for e in load_data(str(path)).training_examples)


def training_duplicates(examples: Iterable[Example], training: FrozenSet[str]) -> List[Example]:
    return [e for e in examples if normalise_text(e.text) in training]
