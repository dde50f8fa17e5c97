"""The funnel's learned stage: how likely a message is a current exposure or neurological report.

A logistic regression over two TF-IDF blocks, trained on the labelled regression
safety sets: thousands of messages in many voices, English and Spanish, with the
hard negatives beside the reports.
- character n-grams (2 to 5 characters inside word boundaries) carry typos,
  inflections and Spanish without a lexicon;
- word unigrams and bigrams carry the short phrases that set a report apart from a
  question about one ("on the x-ray", "an essay on", "can see").
Each block is L2-normalised on its own, as scikit-learn's two vectorisers side by side.
The rules stay the first stage; this one catches what they do not foresee and doubts
what they fire on in a message unlike any report.

Fitted with scikit-learn; stored as plain arrays and JSON (no pickle) and scored
with numpy, so loading a model runs no code from its files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Sequence

import numpy as np

EXPOSED = "exposed_hardware"
NEURO = "neuro_red_flag"
OTHER = "other"
CLASSES = (EXPOSED, NEURO, OTHER)

META_FILE = "learned_stage.json"
# Bumped whenever the features or the stored arrays change: part of the component's
# fingerprint (so Rasa's training cache never serves an older stage) and checked on load.
STORAGE_FORMAT = 2
ARRAYS_FILE = "learned_stage.npz"

# The feature blocks' analyser settings, the same when fitting and when scoring; the
# block names are the keys of the stored vocabularies and idf arrays.
BLOCKS: Dict[str, Dict[str, Any]] = {
    "chars": {"analyzer": "char_wb", "ngram_range": (2, 5)},
    "words": {"analyzer": "word", "ngram_range": (1, 2)},
}
MIN_DOCUMENT_FREQUENCY = 2
# Inverse of the logistic regression's L2 penalty (chosen by leaving each sealed safety
# set out in turn: `scripts/learned_stage_cv.py`).
REGULARISATION = 30.0


def _vectoriser(block: str, **fitting: Any):  # noqa: ANN202 - scikit-learn's estimator
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(**BLOCKS[block], lowercase=True, **fitting)


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
    """TF-IDF blocks and a multinomial logistic regression, as arrays."""

    def __init__(
        self,
        vocabularies: Dict[str, Dict[str, int]],
        idfs: Dict[str, np.ndarray],
        coef: np.ndarray,
        intercept: np.ndarray,
        classes: List[str],
    ) -> None:
        if set(vocabularies) != set(BLOCKS) or set(idfs) != set(BLOCKS):
            raise ValueError(f"a learned stage needs the feature blocks {sorted(BLOCKS)}")
        self.vocabularies = vocabularies
        self.idfs = {block: idf.astype(np.float64) for block, idf in idfs.items()}
        self.coef = coef.astype(np.float64)
        self.intercept = intercept.astype(np.float64)
        self.classes = classes
        self._analysers = {block: _vectoriser(block).build_analyzer() for block in BLOCKS}
        # Where each block's columns start in `coef` (blocks side by side, in BLOCKS' order).
        self._offsets: Dict[str, int] = {}
        offset = 0
        for block in BLOCKS:
            self._offsets[block] = offset
            offset += len(self.idfs[block])
        if offset != self.coef.shape[1]:
            raise ValueError(f"the coefficients have {self.coef.shape[1]} columns; the blocks have {offset}")

    @classmethod
    def fit(cls, texts: Sequence[str], labels: Sequence[str], regularisation: float = REGULARISATION) -> "LearnedStage":
        """Fit on labelled messages (labels as in the safety sets; see `class_of`)."""
        from scipy.sparse import hstack
        from sklearn.linear_model import LogisticRegression

        classes = [class_of(label) for label in labels]
        if set(classes) != set(CLASSES):
            raise ValueError(f"the learned stage needs examples of each of {CLASSES}; got {sorted(set(classes))}")
        vectorisers = {block: _vectoriser(block, min_df=MIN_DOCUMENT_FREQUENCY, sublinear_tf=True) for block in BLOCKS}
        features = hstack([vectorisers[block].fit_transform(list(texts)) for block in BLOCKS]).tocsr()
        model = LogisticRegression(C=regularisation, max_iter=3000, class_weight="balanced")
        model.fit(features, classes)
        return cls(
            {block: {gram: int(i) for gram, i in v.vocabulary_.items()} for block, v in vectorisers.items()},
            {block: v.idf_ for block, v in vectorisers.items()},
            model.coef_,
            model.intercept_,
            [str(c) for c in model.classes_],
        )

    def _features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The message's feature row as (column indices, values), each block's TF-IDF
        L2-normalised: a handful of the vocabulary's columns, so scoring touches only those."""
        all_columns: List[np.ndarray] = []
        all_values: List[np.ndarray] = []
        for block, analyse in self._analysers.items():
            vocabulary = self.vocabularies[block]
            counts: Dict[int, int] = {}
            for gram in analyse(text):
                index = vocabulary.get(gram)
                if index is not None:
                    counts[index] = counts.get(index, 0) + 1
            columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
            values = tf * self.idfs[block][columns]
            norm = np.linalg.norm(values)
            all_columns.append(columns + self._offsets[block])
            all_values.append(values / norm if norm else values)
        return np.concatenate(all_columns), np.concatenate(all_values)

    def likelihood(self, text: str) -> Likelihood:
        columns, values = self._features(text)
        scores = self.coef[:, columns] @ values + self.intercept
        scores = np.exp(scores - scores.max())
        probabilities = dict(zip(self.classes, scores / scores.sum(), strict=True))
        return Likelihood(float(probabilities.get(EXPOSED, 0.0)), float(probabilities.get(NEURO, 0.0)))

    def save(self, directory: Path) -> None:
        meta = {"format": STORAGE_FORMAT, "vocabularies": self.vocabularies, "classes": self.classes}
        (directory / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
        arrays = {f"idf_{block}": idf for block, idf in self.idfs.items()}
        np.savez(directory / ARRAYS_FILE, coef=self.coef, intercept=self.intercept, **arrays)

    @classmethod
    def load(cls, directory: Path) -> "LearnedStage | None":
        """The stored stage, or None when the model was trained without one."""
        if not (directory / META_FILE).exists():
            return None
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        if meta.get("format") != STORAGE_FORMAT:
            raise ValueError(
                f"the model's learned stage is stored in format {meta.get('format', 1)}, this code reads "
                f"format {STORAGE_FORMAT}: train the model again (make train)"
            )
        with np.load(directory / ARRAYS_FILE, allow_pickle=False) as arrays:
            idfs = {block: arrays[f"idf_{block}"] for block in BLOCKS}
            return cls(meta["vocabularies"], idfs, arrays["coef"], arrays["intercept"], list(meta["classes"]))
