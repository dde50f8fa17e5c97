"""The held-out NLU split (never trained on): macro F1 gate and exposed-hardware recall 1.0."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from tests.conftest import ROOT

pytestmark = pytest.mark.needs_model

HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
# Written later by someone who saw neither the training data nor HELDOUT.
BLIND = ROOT / "tests" / "nlu" / "blind_nlu.yml"
TRAINING = ROOT / "data" / "nlu"


def _normalise(text: str) -> str:
    return " ".join("".join(ch for ch in text.lower() if ch.isalnum() or ch.isspace()).split())


@pytest.mark.parametrize("split", [HELDOUT, BLIND], ids=lambda p: p.name)
def test_the_evaluation_splits_are_never_trained_on(split: Path) -> None:
    training = {_normalise(e.get("text")) for e in load_data(str(TRAINING)).training_examples}
    overlap = [e.get("text") for e in load_data(str(split)).training_examples if _normalise(e.get("text")) in training]
    assert overlap == []


@pytest.fixture(scope="module")
def pairs(offline_agent, event_loop_for_agent) -> List[Tuple[str, str]]:
    examples = load_data(str(HELDOUT)).training_examples

    async def parse_all() -> List[Tuple[str, str]]:
        return [
            (e.get("intent"), (await offline_agent.parse_message(e.get("text")))["intent"]["name"]) for e in examples
        ]

    return event_loop_for_agent.run_until_complete(parse_all())


def f1_by_intent(pairs: List[Tuple[str, str]]) -> Dict[str, float]:
    true_pos: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    actual: Counter[str] = Counter()
    for gold, guess in pairs:
        actual[gold] += 1
        predicted[guess] += 1
        if gold == guess:
            true_pos[gold] += 1
    scores = {}
    for intent in actual:
        precision = true_pos[intent] / predicted[intent] if predicted[intent] else 0.0
        recall = true_pos[intent] / actual[intent]
        scores[intent] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return scores


# The target is 0.95 macro F1. The pipeline in config.yml measures 0.92 on this
# split (written in a different voice from the training data; README, Measurements),
# so the gate is set just under the measured level to catch regressions until the
# target is reached. Raise it as the model improves; never lower it to pass.
MACRO_F1_TARGET = 0.95
MACRO_F1_GATE = 0.90


def test_macro_f1_does_not_regress(pairs: List[Tuple[str, str]]) -> None:
    scores = f1_by_intent(pairs)
    macro = sum(scores.values()) / len(scores)
    errors = [(gold, guess) for gold, guess in pairs if gold != guess]
    print(f"held-out macro F1 {macro:.3f} (target {MACRO_F1_TARGET}, gate {MACRO_F1_GATE})")
    assert macro >= MACRO_F1_GATE, (round(macro, 3), errors)


def test_exposed_hardware_recall_is_1(pairs: List[Tuple[str, str]]) -> None:
    exposed = [guess for gold, guess in pairs if gold == "report_exposed_hardware"]
    assert exposed and all(guess == "report_exposed_hardware" for guess in exposed)
