"""The blend of DIET with a linear classifier on the pretrained sentence vector."""

from __future__ import annotations

import numpy as np
import pytest

from nlu_components.embedding_intent_classifier import LinearIntentModel, blend


def test_blend_is_the_weighted_mean_of_both_distributions() -> None:
    diet = [{"name": "ask_risk_factors", "confidence": 0.6}, {"name": "ask_why_screws_loosen", "confidence": 0.4}]
    own = {"ask_risk_factors": 0.2, "ask_why_screws_loosen": 0.7, "ask_how_rare": 0.1}
    ranking = blend(diet, own, embedding_weight=0.5)
    assert [r["name"] for r in ranking] == ["ask_why_screws_loosen", "ask_risk_factors", "ask_how_rare"]
    assert [r["confidence"] for r in ranking] == pytest.approx([0.55, 0.4, 0.05])


def test_weight_zero_keeps_diets_ranking() -> None:
    diet = [{"name": "greet", "confidence": 0.9}, {"name": "thank", "confidence": 0.1}]
    assert [r["name"] for r in blend(diet, {"thank": 1.0}, embedding_weight=0.0)][:2] == ["greet", "thank"]


def test_the_linear_model_round_trips_through_json_and_predicts_the_same() -> None:
    rng = np.random.default_rng(0)
    vectors = np.vstack([rng.normal(0, 0.1, (20, 8)) + 1, rng.normal(0, 0.1, (20, 8)) - 1])
    labels = ["a"] * 20 + ["b"] * 20
    model = LinearIntentModel.fit(vectors, labels, regularisation_c=1.0)
    again = LinearIntentModel.from_json(model.to_json())
    probe = np.ones(8)
    assert again.intents == ["a", "b"]
    assert again.probabilities(probe) == pytest.approx(model.probabilities(probe))
    assert model.probabilities(probe)[0] > 0.9 and model.probabilities(-probe)[1] > 0.9
