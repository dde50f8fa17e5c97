"""The NLU evaluation splits (never trained on): macro F1 gates and emergency recall 1.0."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from tests.conftest import ROOT

HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
# Written later by someone who saw neither the training data nor HELDOUT.
BLIND = ROOT / "tests" / "nlu" / "blind_nlu.yml"
TRAINING = ROOT / "data" / "nlu"

# The target is 0.95 macro F1 on the held-out split. Each gate sits at or
# just under what config.yml measures (README, Measurements), so a regression
# fails `make test`. Raise a gate as the model improves; never lower one to pass.
MACRO_F1_GATES = {HELDOUT: 0.95, BLIND: 0.96}
EMERGENCY_INTENTS = ("report_exposed_hardware", "report_neurological_red_flags")

Pairs = List[Tuple[str, str]]  # (gold intent, predicted intent)
Predictions = List[Tuple[str, str, str]]  # (gold intent, predicted intent, text)


def _normalise(text: str) -> str:
    return " ".join("".join(ch for ch in text.lower() if ch.isalnum() or ch.isspace()).split())


@pytest.mark.parametrize("split", [HELDOUT, BLIND], ids=lambda p: p.stem)
def test_the_evaluation_splits_are_never_trained_on(split: Path) -> None:
    training = {_normalise(e.get("text")) for e in load_data(str(TRAINING)).training_examples}
    overlap = [e.get("text") for e in load_data(str(split)).training_examples if _normalise(e.get("text")) in training]
    assert overlap == []


def f1_by_intent(pairs: Pairs) -> Dict[str, float]:
    """F1 for each gold intent, as `rasa test nlu` reports it (labels = gold intents)."""
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


def test_f1_by_intent_counts_a_wrong_guess_against_both_intents() -> None:
    scores = f1_by_intent([("greet", "greet"), ("greet", "thank"), ("thank", "thank")])
    assert scores == {"greet": pytest.approx(2 / 3), "thank": pytest.approx(2 / 3)}


@pytest.fixture(scope="module")
def predictions(offline_agent, event_loop_for_agent) -> Dict[Path, Predictions]:
    async def parse(path: Path) -> Predictions:
        return [
            (e.get("intent"), (await offline_agent.parse_message(e.get("text")))["intent"]["name"], e.get("text"))
            for e in load_data(str(path)).training_examples
        ]

    return {path: event_loop_for_agent.run_until_complete(parse(path)) for path in MACRO_F1_GATES}


@pytest.mark.needs_model
@pytest.mark.parametrize("split", list(MACRO_F1_GATES), ids=lambda p: p.stem)
def test_macro_f1_meets_the_gate(predictions: Dict[Path, Predictions], split: Path) -> None:
    scores = f1_by_intent([(gold, guess) for gold, guess, _ in predictions[split]])
    macro = sum(scores.values()) / len(scores)
    errors = [p for p in predictions[split] if p[0] != p[1]]
    print(f"{split.stem}: macro F1 {macro:.3f} (gate {MACRO_F1_GATES[split]})")
    assert macro >= MACRO_F1_GATES[split], (round(macro, 3), errors)


@pytest.mark.needs_model
@pytest.mark.parametrize("split", list(MACRO_F1_GATES), ids=lambda p: p.stem)
@pytest.mark.parametrize("intent", EMERGENCY_INTENTS)
def test_every_emergency_is_recognised(predictions: Dict[Path, Predictions], split: Path, intent: str) -> None:
    guesses = [(guess, text) for gold, guess, text in predictions[split] if gold == intent]
    assert guesses and all(guess == intent for guess, _ in guesses), guesses
