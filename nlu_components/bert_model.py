"""A BERT encoder's forward pass in TensorFlow, read straight from a safetensors file.

all-MiniLM-L6-v2 is a plain BERT (6 layers, 384 wide, 12 heads, erf GELU, absolute
positions). Running it needs only its weights and a dozen TensorFlow ops per layer, so
the assistant does not load `transformers` at all: the weights are read one tensor at a
time into constants (no second copy held while loading) and the pass is one traced graph.
Its outputs match `transformers`' TFBertModel on the same weights to within 1e-5
(tests/nlu/test_bert_model.py, against reference vectors written by that library).

    model = BertModel.from_files(model_dir)      # reads config.json and model.safetensors
    hidden = model(ids, mask)                    # (batch, length, 384): the last layer
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import tensorflow as tf

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.safetensors"


class UnsupportedBertModel(ValueError):
    """The model's configuration or weights are not a plain BERT encoder this pass can run."""


@dataclass(frozen=True)
class BertShape:
    """The parts of a BERT configuration the forward pass depends on."""

    layers: int
    heads: int
    hidden_size: int
    layer_norm_eps: float

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "BertShape":
        """Refuse a configuration that asks for something this pass does not do."""
        expected = {"model_type": "bert", "hidden_act": "gelu", "position_embedding_type": "absolute"}
        for key, value in expected.items():
            if config.get(key, value) != value:
                raise UnsupportedBertModel(f"{key} is {config.get(key)!r}; only {value!r} is supported")
        shape = cls(
            layers=int(config["num_hidden_layers"]),
            heads=int(config["num_attention_heads"]),
            hidden_size=int(config["hidden_size"]),
            layer_norm_eps=float(config["layer_norm_eps"]),
        )
        if shape.hidden_size % shape.heads:
            raise UnsupportedBertModel(f"hidden_size {shape.hidden_size} does not split into {shape.heads} heads")
        return shape


Dense = Tuple[tf.Tensor, tf.Tensor]  # kernel (in, out), bias (out,)
Norm = Tuple[tf.Tensor, tf.Tensor]  # gamma, beta


@dataclass(frozen=True)
class EncoderLayer:
    query: Dense
    key: Dense
    value: Dense
    attention_output: Dense
    attention_norm: Norm
    intermediate: Dense
    output: Dense
    output_norm: Norm


class BertModel(tf.Module):
    """BERT's embeddings and encoder layers, inference only (no dropout, no pooler)."""

    def __init__(self, shape: BertShape, tensor: Callable[[str], tf.Tensor]) -> None:
        """`tensor(name)` returns a weight by its name in the checkpoint (without a `bert.` prefix)."""
        super().__init__(name="bert")
        self._shape = shape

        def dense(name: str) -> Dense:
            # The checkpoint stores PyTorch's (out, in) layout.
            return tf.transpose(tensor(f"{name}.weight")), tensor(f"{name}.bias")

        def norm(name: str) -> Norm:
            return tensor(f"{name}.weight"), tensor(f"{name}.bias")

        self._word_embeddings = tensor("embeddings.word_embeddings.weight")
        self._position_embeddings = tensor("embeddings.position_embeddings.weight")
        # Every text is one segment: token type 0 throughout.
        self._segment_embedding = tensor("embeddings.token_type_embeddings.weight")[0]
        self._embedding_norm = norm("embeddings.LayerNorm")
        self._layers: List[EncoderLayer] = []
        for index in range(shape.layers):
            prefix = f"encoder.layer.{index}"
            self._layers.append(
                EncoderLayer(
                    query=dense(f"{prefix}.attention.self.query"),
                    key=dense(f"{prefix}.attention.self.key"),
                    value=dense(f"{prefix}.attention.self.value"),
                    attention_output=dense(f"{prefix}.attention.output.dense"),
                    attention_norm=norm(f"{prefix}.attention.output.LayerNorm"),
                    intermediate=dense(f"{prefix}.intermediate.dense"),
                    output=dense(f"{prefix}.output.dense"),
                    output_norm=norm(f"{prefix}.output.LayerNorm"),
                )
            )

    @classmethod
    def from_files(cls, model_dir: Path) -> "BertModel":
        """Read `config.json` and `model.safetensors` from `model_dir` (the caller checks the hash)."""
        from safetensors import safe_open

        try:
            shape = BertShape.from_config(json.loads((model_dir / CONFIG_FILE).read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError, KeyError, TypeError) as error:
            message = f"{model_dir / CONFIG_FILE}: not a readable BERT configuration ({error})"
            raise UnsupportedBertModel(message) from error
        # safetensors' stubs leave out that safe_open is a context manager.
        with safe_open(str(model_dir / WEIGHTS_FILE), framework="np") as weights:  # type: ignore[attr-defined]
            names = set(weights.keys())

            def tensor(name: str) -> tf.Tensor:
                stored = name if name in names else f"bert.{name}"
                if stored not in names:
                    raise UnsupportedBertModel(f"{model_dir / WEIGHTS_FILE} has no weight {name!r}")
                return tf.constant(weights.get_tensor(stored), dtype=tf.float32)

            return cls(shape, tensor)

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int32), tf.TensorSpec([None, None], tf.int32)])
    def __call__(self, ids: tf.Tensor, mask: tf.Tensor) -> tf.Tensor:
        """The last layer's hidden states for word-piece ids (batch, length) and their 0/1 mask."""
        batch, length = tf.shape(ids)[0], tf.shape(ids)[1]
        width, heads = self._shape.hidden_size, self._shape.heads
        head_width = width // heads
        positions = self._position_embeddings[:length][None]
        hidden = tf.gather(self._word_embeddings, ids) + positions + self._segment_embedding
        hidden = self._layer_norm(hidden, self._embedding_norm)
        # Padding positions get a large negative score, so softmax gives them no weight.
        padding_bias = (1.0 - tf.cast(mask, tf.float32))[:, None, None, :] * -1e9
        scale = 1.0 / math.sqrt(head_width)

        def split_heads(values: tf.Tensor) -> tf.Tensor:
            return tf.transpose(tf.reshape(values, [batch, length, heads, head_width]), [0, 2, 1, 3])

        for layer in self._layers:
            query = split_heads(self._dense(hidden, layer.query))
            key = split_heads(self._dense(hidden, layer.key))
            value = split_heads(self._dense(hidden, layer.value))
            weights = tf.nn.softmax(tf.matmul(query, key, transpose_b=True) * scale + padding_bias, axis=-1)
            context = tf.reshape(tf.transpose(tf.matmul(weights, value), [0, 2, 1, 3]), [batch, length, width])
            hidden = self._layer_norm(self._dense(context, layer.attention_output) + hidden, layer.attention_norm)
            inner = tf.nn.gelu(self._dense(hidden, layer.intermediate), approximate=False)
            hidden = self._layer_norm(self._dense(inner, layer.output) + hidden, layer.output_norm)
        return hidden

    @staticmethod
    def _dense(values: tf.Tensor, weights: Dense) -> tf.Tensor:
        kernel, bias = weights
        return tf.matmul(values, kernel) + bias

    def _layer_norm(self, values: tf.Tensor, weights: Norm) -> tf.Tensor:
        gamma, beta = weights
        mean, variance = tf.nn.moments(values, axes=[-1], keepdims=True)
        return (values - mean) * tf.math.rsqrt(variance + self._shape.layer_norm_eps) * gamma + beta
