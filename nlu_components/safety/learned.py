"""The funnel's learned stage: how likely a message is a current exposure or neurological report.

A logistic regression over character n-grams (2 to 5 characters inside word
boundaries, TF-IDF), trained on the labelled regression safety sets: thousands of
messages in many voices, English and Spanish, with the hard negatives beside the
reports. Character n-grams carry typos, inflections and Spanish without a lexicon;
the rules stay the first stage, this one catches what they do not foresee and
doubts what they fire on in a message unlike any report.

Fitted with scikit-learn; stored as plain arrays and JSON (no pickle) and scored
with numpy, so loading a model runs no code from its files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np

EXPOSED = "exposed_hardware"
NEURO = "neuro_red_flag"
OTHER = "other"
CLASSES = (EXPOSED, NEURO, OTHER)

META_FILE = "learned_stage.json"
ARRAYS_FILE = "learned_stage.npz"

# The n-gram analyser's settings, the same when fitting and when scoring.
NGRAM_RANGE = (2, 5)
MIN_DOCUMENT_FREQUENCY = 2


def _analyser():  # noqa: ANN202 - scikit-learn's callable
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAM_RANGE, lowercase=True).build_analyzer()


def class_of(label: str) -> str:
    """A safety set's label as one of the stage's classes (warning signs and non-emergencies are `other`)."""
    return label if label in (EXPOSED, NEURO) else OTHER


@dataclass(frozen=True)
class Likelihood:
    """The stage's probabilities for one message."""

    exposed: float
    neuro: float

    def as_dict(self) -> Dict[str, float]:
        return {"exposed": round(self.exposed, 4), "neuro": round(self.neuro, 4)}


class LearnedStage:
    """Character n-gram TF-IDF and a multinomial logistic regression, as arrays."""

    def __init__(
        self, vocabulary: Dict[str, int], idf: np.ndarray, coef: np.ndarray, intercept: np.ndarray, classes: List[str]
    ) -> None:
        self.vocabulary = vocabulary
        self.idf = idf.astype(np.float64)
        self.coef = coef.astype(np.float64)
        self.intercept = intercept.astype(np.float64)
        self.classes = classes
        self._analyse = _analyser()

    @classmethod
    def fit(cls, texts: Sequence[str], labels: Sequence[str], regularisation: float = 10.0) -> "LearnedStage":
        """Fit on labelled messages (labels as in the safety sets; see `class_of`)."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        vectoriser = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=NGRAM_RANGE,
            min_df=MIN_DOCUMENT_FREQUENCY,
            sublinear_tf=True,
            lowercase=True,
        )
        classes = [class_of(label) for label in labels]
        if set(classes) != set(CLASSES):
            raise ValueError(f"the learned stage needs examples of each of {CLASSES}; got {sorted(set(classes))}")
        features = vectoriser.fit_transform(list(texts))
        model = LogisticRegression(C=regularisation, max_iter=3000, class_weight="balanced")
        model.fit(features, classes)
        vocabulary = {gram: int(index) for gram, index in vectoriser.vocabulary_.items()}
        return cls(vocabulary, vectoriser.idf_, model.coef_, model.intercept_, [str(c) for c in model.classes_])

    def _features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The message's TF-IDF row as (column indices, L2-normalised values): a handful of the
        vocabulary's columns, so scoring touches only those."""
        counts: Dict[int, int] = {}
        for gram in self._analyse(text):
            index = self.vocabulary.get(gram)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * self.idf[columns]
        norm = np.linalg.norm(values)
        return columns, (values / norm if norm else values)

    def likelihood(self, text: str) -> Likelihood:
        columns, values = self._features(text)
        scores = self.coef[:, columns] @ values + self.intercept
        scores = np.exp(scores - scores.max())
        probabilities = dict(zip(self.classes, scores / scores.sum(), strict=True))
        return Likelihood(float(probabilities.get(EXPOSED, 0.0)), float(probabilities.get(NEURO, 0.0)))

    def save(self, directory: Path) -> None:
        meta = {"vocabulary": self.vocabulary, "classes": self.classes}
        (directory / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
        np.savez(directory / ARRAYS_FILE, idf=self.idf, coef=self.coef, intercept=self.intercept)

    @classmethod
    def load(cls, directory: Path) -> "LearnedStage | None":
        """The stored stage, or None when the model was trained without one."""
        if not (directory / META_FILE).exists():
            return None
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        with np.load(directory / ARRAYS_FILE, allow_pickle=False) as arrays:
            return cls(meta["vocabulary"], arrays["idf"], arrays["coef"], arrays["intercept"], list(meta["classes"]))
