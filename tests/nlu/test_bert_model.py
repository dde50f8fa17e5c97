"""The assistant's own BERT forward pass: the same vectors as transformers' TFBertModel, no library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from safetensors.numpy import save_file

from evaluation.paths import ROOT
from nlu_components.bert_model import BertModel, UnsupportedBertModel
from nlu_components.sentence_encoder import SentenceEncoder, default_model_dir

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.npz"

TINY_CONFIG = {
    "model_type": "bert",
    "hidden_act": "gelu",
    "position_embedding_type": "absolute",
    "num_hidden_layers": 2,
    "num_attention_heads": 2,
    "hidden_size": 8,
    "intermediate_size": 16,
    "layer_norm_eps": 1e-12,
}


def tiny_weights(seed: int = 0, vocab: int = 20, positions: int = 12) -> dict[str, np.ndarray]:
    """A random BERT with 2 layers, 8 wide, in the checkpoint's (PyTorch) layout."""
    rng = np.random.default_rng(seed)

    def random(*shape: int) -> np.ndarray:
        return rng.normal(0, 0.5, shape).astype(np.float32)

    weights = {
        "embeddings.word_embeddings.weight": random(vocab, 8),
        "embeddings.position_embeddings.weight": random(positions, 8),
        "embeddings.token_type_embeddings.weight": random(2, 8),
        "embeddings.LayerNorm.weight": np.ones(8, np.float32),
        "embeddings.LayerNorm.bias": np.zeros(8, np.float32),
    }
    for layer in range(2):
        prefix = f"encoder.layer.{layer}"
        for name, (out, inp) in {
            "attention.self.query": (8, 8),
            "attention.self.key": (8, 8),
            "attention.self.value": (8, 8),
            "attention.output.dense": (8, 8),
            "intermediate.dense": (16, 8),
            "output.dense": (8, 16),
        }.items():
            weights[f"{prefix}.{name}.weight"] = random(out, inp)
            weights[f"{prefix}.{name}.bias"] = random(out)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            weights[f"{prefix}.{norm}.weight"] = np.ones(8, np.float32)
            weights[f"{prefix}.{norm}.bias"] = np.zeros(8, np.float32)
    return weights


def write_model(folder: Path, config: dict, weights: dict[str, np.ndarray]) -> Path:
    (folder / "config.json").write_text(json.dumps(config))
    save_file(weights, str(folder / "model.safetensors"))
    return folder


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return SentenceEncoder.load(default_model_dir())


def test_sentence_vectors_match_transformers_on_the_same_weights(encoder: SentenceEncoder) -> None:
    reference = np.load(REFERENCE)
    texts = [str(text) for text in reference["texts"]]
    encoded = encoder.encode(texts, batch_size=3)  # other batches than the reference's: padding must not matter
    sentences = np.stack([item.sentence for item in encoded])
    assert np.abs(sentences - reference["sentences"]).max() < 1e-5
    assert np.abs(encoded[0].wordpieces - reference["first_wordpieces"]).max() < 1e-4
    assert any(len(item.wordpieces) > 256 for item in encoded), "the reference includes a windowed text"


def test_padding_in_a_batch_does_not_change_a_text(tmp_path: Path) -> None:
    model = BertModel.from_files(write_model(tmp_path, TINY_CONFIG, tiny_weights()))
    short = model(tf.constant([[1, 5, 2]], tf.int32), tf.constant([[1, 1, 1]], tf.int32)).numpy()
    batch = model(
        tf.constant([[1, 5, 2, 0, 0], [1, 7, 8, 9, 2]], tf.int32),
        tf.constant([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], tf.int32),
    ).numpy()
    assert batch.shape == (2, 5, 8)
    assert np.abs(batch[0, :3] - short[0]).max() < 1e-5


def test_a_weight_stored_under_the_bert_prefix_is_found(tmp_path: Path) -> None:
    weights = {f"bert.{name}": value for name, value in tiny_weights().items()}
    model = BertModel.from_files(write_model(tmp_path, TINY_CONFIG, weights))
    assert model(tf.constant([[1, 2]], tf.int32), tf.constant([[1, 1]], tf.int32)).shape == (1, 2, 8)


def test_a_missing_weight_is_named(tmp_path: Path) -> None:
    weights = tiny_weights()
    del weights["encoder.layer.1.output.dense.bias"]
    with pytest.raises(UnsupportedBertModel, match="encoder.layer.1.output.dense.bias"):
        BertModel.from_files(write_model(tmp_path, TINY_CONFIG, weights))


@pytest.mark.parametrize(
    ("key", "value"),
    [("hidden_act", "relu"), ("position_embedding_type", "relative_key"), ("model_type", "roberta")],
)
def test_a_configuration_this_pass_does_not_run_is_refused(tmp_path: Path, key: str, value: str) -> None:
    with pytest.raises(UnsupportedBertModel, match=key):
        BertModel.from_files(write_model(tmp_path, {**TINY_CONFIG, key: value}, tiny_weights()))


def test_an_unreadable_configuration_is_refused(tmp_path: Path) -> None:
    write_model(tmp_path, TINY_CONFIG, tiny_weights())
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(UnsupportedBertModel, match="not a readable BERT configuration"):
        BertModel.from_files(tmp_path)


def test_loading_and_running_the_encoder_does_not_import_transformers() -> None:
    # In a fresh interpreter: another test in this session may have imported it.
    script = (
        "import sys\n"
        "from nlu_components.sentence_encoder import SentenceEncoder, default_model_dir\n"
        "SentenceEncoder.load(default_model_dir()).encode(['my rod is showing'])\n"
        "print('transformers' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "False"
