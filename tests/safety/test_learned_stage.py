"""The learned stage: fitted with scikit-learn, stored as arrays, scored with numpy to the same figures."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlu_components.safety.learned import META_FILE, LearnedStage, class_of

TEXTS = [
    "the screw is poking out of my back",
    "I can see metal in my scar",
    "se me ve el tornillo por la herida",
    "my rod is showing through the skin",
    "my legs went numb and I can't pee",
    "sudden weakness in both legs since this morning",
    "no siento las piernas desde anoche",
    "what happens if a screw comes through the skin?",
    "my husband Rod had surgery last year",
    "the x-ray shows a loose screw but the skin is fine",
    "how rare is it for hardware to poke out?",
    "there is a red bump over my scar, no metal showing",
] * 2
LABELS = (
    ["exposed_hardware"] * 4
    + ["neuro_red_flag"] * 3
    + ["not_emergency", "not_emergency", "warning_signs"]
    + [
        "not_emergency",
        "warning_signs",
    ]
)
LABELS = LABELS * 2


@pytest.fixture(scope="module")
def stage() -> LearnedStage:
    return LearnedStage.fit(TEXTS, LABELS)


def test_numpy_scoring_gives_scikit_learns_probabilities(stage: LearnedStage) -> None:
    # Character n-grams and word uni- and bigrams side by side, each block normalised on its own.
    vectorisers = [
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True),
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=2, sublinear_tf=True),
    ]
    model = LogisticRegression(C=30.0, max_iter=3000, class_weight="balanced")
    model.fit(hstack([v.fit_transform(TEXTS) for v in vectorisers]), [class_of(label) for label in LABELS])
    unseen = [
        "a bit of silver is sticking out of my wound",
        "can't feel my feet",
        "what is a pedicle screw",
        "the screw is out",  # known words and bigrams, few character n-grams of its own
    ]
    expected = model.predict_proba(hstack([v.transform(unseen) for v in vectorisers]))
    classes = list(model.classes_)
    for text, row in zip(unseen, expected, strict=True):
        likelihood = stage.likelihood(text)
        assert likelihood.exposed == pytest.approx(row[classes.index("exposed_hardware")], abs=1e-9)
        assert likelihood.neuro == pytest.approx(row[classes.index("neuro_red_flag")], abs=1e-9)


def test_it_leans_the_right_way_on_its_own_examples(stage: LearnedStage) -> None:
    assert stage.likelihood("the screw is poking out of my back").exposed > 0.5
    assert stage.likelihood("no siento las piernas desde anoche").neuro > 0.5
    assert stage.likelihood("how rare is it for hardware to poke out?").exposed < 0.5


def test_a_message_with_no_known_ngram_still_gets_probabilities(stage: LearnedStage) -> None:
    likelihood = stage.likelihood("§§§")
    assert 0.0 <= likelihood.exposed <= 1.0 and 0.0 <= likelihood.neuro <= 1.0


def test_it_is_stored_without_pickle_and_loads_to_the_same_figures(stage: LearnedStage, tmp_path: Path) -> None:
    stage.save(tmp_path)
    with np.load(tmp_path / "learned_stage.npz", allow_pickle=False) as arrays:
        assert set(arrays.files) == {"idf_chars", "idf_words", "coef", "intercept"}
    loaded = LearnedStage.load(tmp_path)
    assert loaded is not None
    assert loaded.likelihood("I can see the plate") == stage.likelihood("I can see the plate")


def test_a_model_without_the_stage_loads_none(tmp_path: Path) -> None:
    assert LearnedStage.load(tmp_path) is None


def test_a_stage_stored_in_an_older_format_is_refused_with_what_to_do(stage: LearnedStage, tmp_path: Path) -> None:
    stage.save(tmp_path)
    meta = json.loads((tmp_path / META_FILE).read_text(encoding="utf-8"))
    del meta["format"]
    (tmp_path / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ValueError, match="make train"):
        LearnedStage.load(tmp_path)
