"""The funnel's semantic net: is a message close to the training lines of an emergency intent?

Every training line's pretrained sentence vector is kept with its intent. A message
is *near* an emergency intent when most of its `k` nearest training lines belong to
that intent and the nearest of them is at least as similar as that intent's
threshold. The threshold is set from the training data: at most
`false_alarm_budget` of the lines of non-escalating intents come that close to the
intent's lines. Stored as a `.npy` matrix (loaded with `allow_pickle=False`) and JSON.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import AbstractSet, List, Sequence, Tuple

import numpy as np

VECTORS_FILE = "semantic_net_vectors.npy"
META_FILE = "semantic_net.json"


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms == 0, 1.0, norms)).astype(np.float32)


class SemanticNet:
    """Nearest training lines, and per emergency intent a similarity threshold."""

    def __init__(self, vectors: np.ndarray, labels: List[str], thresholds: dict[str, float], k: int) -> None:
        self.vectors = vectors
        self.labels = labels
        self.thresholds = thresholds
        self.k = k
        # Rows of the emergency intents' lines, found once rather than on every message.
        self._emergency_rows = np.array([i for i, label in enumerate(labels) if label in thresholds], dtype=int)

    @classmethod
    def fit(
        cls,
        rows: Sequence[Tuple[np.ndarray, str]],
        emergency_intents: Sequence[str],
        escalating: AbstractSet[str],
        false_alarm_budget: float,
        k: int = 3,
    ) -> "SemanticNet":
        vectors = unit_rows(np.stack([v for v, _ in rows]))
        labels = [label for _, label in rows]
        others = np.array([label not in escalating for label in labels])
        thresholds = {}
        for intent in emergency_intents:
            own = np.array([label == intent for label in labels])
            if own.any() and others.any():
                closest = (vectors[others] @ vectors[own].T).max(axis=1)
                thresholds[intent] = float(np.quantile(closest, 1.0 - false_alarm_budget))
        return cls(vectors, labels, thresholds, k)

    def near(self, vector: np.ndarray) -> Tuple[str | None, float]:
        """The emergency intent the message is near (None if none), and its similarity to the
        nearest line of any emergency intent (for the evidence)."""
        unit = vector.astype(np.float32) / (np.linalg.norm(vector) or 1.0)
        similarities = self.vectors @ unit
        nearest = np.argsort(-similarities)[: self.k]
        votes = Counter(self.labels[i] for i in nearest)
        highest = float(similarities[self._emergency_rows].max()) if self._emergency_rows.size else -1.0
        for intent, count in votes.most_common(1):
            if intent in self.thresholds and count * 2 > len(nearest):
                best = max(float(similarities[i]) for i in nearest if self.labels[i] == intent)
                if best >= self.thresholds[intent]:
                    return intent, highest
        return None, highest

    def save(self, directory: Path) -> None:
        np.save(directory / VECTORS_FILE, self.vectors.astype(np.float16), allow_pickle=False)
        meta = {"labels": self.labels, "thresholds": self.thresholds, "k": self.k}
        (directory / META_FILE).write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> "SemanticNet | None":
        """The stored net, or None when the model was trained without pretrained features."""
        if not (directory / META_FILE).exists():
            return None
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        vectors = np.load(directory / VECTORS_FILE, allow_pickle=False).astype(np.float32)
        return cls(vectors, list(meta["labels"]), {k: float(v) for k, v in meta["thresholds"].items()}, int(meta["k"]))
