"""Rasa NLU component: a linear classifier on the pretrained sentence vector, blended with DIET.

DIET learns from ~2,200 lines and leans on their words; a logistic regression on
all-MiniLM-L6-v2's sentence vector leans on meaning learned from a billion
sentence pairs. Each is wrong in different places, so this component, placed
right after DIET, averages the two probability distributions (weight
`embedding_weight` for its own) and sets the intent and ranking from the blend.
The FallbackClassifier and the safety layer come after it, as before.

The model is stored as plain numbers (weights, biases, intent names) in JSON:
nothing is unpickled when a model loads.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.pretrained_featurizer import PRETRAINED_ALIAS, PretrainedSentenceFeaturizer

MODEL_FILE = "embedding_intent_classifier.json"


class LinearIntentModel:
    """Multinomial logistic regression as numbers: probabilities = softmax(x W^T + b)."""

    def __init__(self, intents: List[str], weights: np.ndarray, biases: np.ndarray) -> None:
        self.intents = intents
        self.weights = weights
        self.biases = biases

    @classmethod
    def fit(cls, vectors: np.ndarray, labels: List[str], regularisation_c: float) -> "LinearIntentModel":
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=regularisation_c, max_iter=5000).fit(vectors, labels)
        weights, biases = model.coef_, model.intercept_
        if len(model.classes_) == 2:  # sklearn keeps one row for two classes: sigmoid = softmax over [0, row]
            weights = np.vstack([np.zeros_like(weights), weights])
            biases = np.concatenate([np.zeros_like(biases), biases])
        return cls([str(c) for c in model.classes_], weights.astype(np.float32), biases.astype(np.float32))

    def probabilities(self, vector: np.ndarray) -> np.ndarray:
        logits = self.weights @ vector + self.biases
        exp = np.exp(logits - logits.max())
        return exp / exp.sum()

    def to_json(self) -> Dict[str, Any]:
        return {"intents": self.intents, "weights": self.weights.tolist(), "biases": self.biases.tolist()}

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> "LinearIntentModel":
        return cls(
            list(data["intents"]), np.asarray(data["weights"], np.float32), np.asarray(data["biases"], np.float32)
        )


def blend(
    classifier_ranking: List[Dict[str, Any]], embedding: Dict[str, float], embedding_weight: float
) -> List[Dict[str, Any]]:
    """Weighted mean of two intent distributions, best first (intents missing from one count as 0)."""
    names = {r[INTENT_NAME_KEY] for r in classifier_ranking} | set(embedding)
    theirs = {r[INTENT_NAME_KEY]: float(r[PREDICTED_CONFIDENCE_KEY]) for r in classifier_ranking}
    mixed = {n: (1 - embedding_weight) * theirs.get(n, 0.0) + embedding_weight * embedding.get(n, 0.0) for n in names}
    return [
        {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
        for name, confidence in sorted(mixed.items(), key=lambda item: -item[1])
    ]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class EmbeddingBlendIntentClassifier(GraphComponent, IntentClassifier):
    """Blends DIET's intent distribution with a logistic regression on the pretrained sentence vector."""

    @classmethod
    def required_components(cls) -> List[Type]:
        # It blends the ranking of the classifier before it (DIETClassifier in config.yml).
        return [PretrainedSentenceFeaturizer]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            # The `alias` of the PretrainedSentenceFeaturizer whose sentence vector is used.
            "featurizer": PRETRAINED_ALIAS,
            # Inverse regularisation strength of the logistic regression.
            "regularisation_c": 8.0,
            # Share of the blend given to this classifier (DIET gets the rest).
            "embedding_weight": 0.5,
            # How many intents to keep in the ranking (0: all).
            "ranking_length": 10,
        }

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: LinearIntentModel | None = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "EmbeddingBlendIntentClassifier":
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "EmbeddingBlendIntentClassifier":
        with model_storage.read_from(resource) as directory:
            data = json.loads((directory / MODEL_FILE).read_text(encoding="utf-8"))
        return cls(config, model_storage, resource, LinearIntentModel.from_json(data))

    def _sentence_vector(self, message: Message) -> np.ndarray | None:
        _, sentence = message.get_dense_features(TEXT, [self._config["featurizer"]])
        return None if sentence is None else np.asarray(sentence.features).reshape(-1)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        vectors = [self._sentence_vector(m) for m in examples]
        rows = [(v, m.get(INTENT)) for v, m in zip(vectors, examples, strict=True) if v is not None]
        if not rows:
            raise ValueError("no pretrained sentence features: put PretrainedSentenceFeaturizer before this component")
        self._model = LinearIntentModel.fit(
            np.stack([v for v, _ in rows]), [label for _, label in rows], self._config["regularisation_c"]
        )
        with self._model_storage.write_to(self._resource) as directory:
            (directory / MODEL_FILE).write_text(json.dumps(self._model.to_json()), encoding="utf-8")
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            vector = self._sentence_vector(message)
            if self._model is None or vector is None:
                continue
            own = dict(zip(self._model.intents, self._model.probabilities(vector).tolist(), strict=True))
            ranking = blend(message.get(INTENT_RANKING_KEY) or [], own, self._config["embedding_weight"])
            if self._config["ranking_length"]:
                ranking = ranking[: self._config["ranking_length"]]
            if ranking:
                message.set(INTENT, ranking[0], add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
