"""The pretrained featurizer: verified weights, word pieces aligned to the pipeline's tokens."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu_components.pretrained_featurizer import PretrainedSentenceFeaturizer, token_features
from nlu_components.sentence_encoder import (
    EMBEDDING_SIZE,
    MINILM_WEIGHTS_SHA256,
    EncodedText,
    PretrainedModelError,
    SentenceEncoder,
    default_model_dir,
    verify_weights,
)


@pytest.fixture(scope="session")
def encoder() -> SentenceEncoder:
    return SentenceEncoder.load(default_model_dir())


def tokens_of(text: str) -> list[Token]:
    tokens, start = [], 0
    for word in text.split():
        start = text.index(word, start)
        tokens.append(Token(word, start))
        start += len(word)
    return tokens


def test_the_installed_weights_have_the_pinned_hash() -> None:
    verify_weights(default_model_dir(), MINILM_WEIGHTS_SHA256)


def test_weights_with_another_hash_are_refused(tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"not the model")
    with pytest.raises(PretrainedModelError, match="refusing to load unverified weights"):
        SentenceEncoder.load(tmp_path)


def test_a_missing_weights_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PretrainedModelError, match="missing"):
        verify_weights(tmp_path)


def test_each_token_gets_the_mean_of_its_word_pieces() -> None:
    pieces = np.array([[1.0, 0.0], [3.0, 2.0], [5.0, 5.0]], dtype=np.float32)
    # "screwz out": "screwz" is two word pieces (0-5, 5-6), "out" one (7-10).
    encoded = EncodedText(np.array([9.0, 9.0], dtype=np.float32), pieces, [(0, 5), (5, 6), (7, 10)])
    rows = token_features([Token("screwz", 0), Token("out", 7), Token("!", 11)], encoded)
    assert rows.tolist() == [[2.0, 1.0], [5.0, 5.0], [9.0, 9.0]]  # "!" has no piece: the sentence vector


def test_sentences_are_unit_length_and_close_in_meaning_are_close(encoder: SentenceEncoder) -> None:
    exposed, pierced, weather = encoder.encode(
        ["the screw is poking out through my skin", "a bit of metal has pierced my scar", "it will rain tomorrow"]
    )
    assert exposed.sentence.shape == (EMBEDDING_SIZE,)
    assert np.linalg.norm(exposed.sentence) == pytest.approx(1.0, abs=1e-5)
    assert float(exposed.sentence @ pierced.sentence) > float(exposed.sentence @ weather.sentence)


def test_a_text_longer_than_the_model_window_is_encoded_whole(encoder: SentenceEncoder) -> None:
    text = "my back hurts " * 150 + "and the screw is showing"
    [encoded] = encoder.encode([text])
    assert len(encoded.wordpieces) == len(encoded.offsets) > 256


def test_the_component_adds_sentence_and_token_features(encoder: SentenceEncoder) -> None:
    component = PretrainedSentenceFeaturizer(PretrainedSentenceFeaturizer.get_default_config(), "minilm", encoder)
    text = "my rod is showing"
    message = Message(data={TEXT: text, TOKENS_NAMES[TEXT]: tokens_of(text)})
    component.process([message])
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence is not None and sentence is not None
    assert sequence.features.shape == (4, EMBEDDING_SIZE)
    assert sentence.features.shape == (1, EMBEDDING_SIZE)
