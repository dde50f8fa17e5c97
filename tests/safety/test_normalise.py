"""Spelling normalisation and the edit distance the typo rules use."""

from __future__ import annotations

import pytest
import spacy

from nlu_components.safety.normalise import Normaliser, within_edits

_NLP = spacy.blank("en")


@pytest.mark.parametrize(
    ("word", "target", "limit", "expected"),
    [
        ("scerw", "screw", 1, True),  # two letters swapped is one edit
        ("skew", "screw", 1, False),
        ("skew", "screw", 2, True),
        ("tornio", "tornillo", 2, True),
        ("road", "rod", 1, True),
        ("the", "rod", 1, False),
        ("screw", "screw", 0, True),
    ],
)
def test_within_edits_counts_inserts_deletes_substitutions_and_swaps(
    word: str, target: str, limit: int, expected: bool
) -> None:
    assert within_edits(word, target, limit) is expected


def test_a_word_one_typo_from_a_key_word_then_goes_through_the_spelling_table() -> None:
    normaliser = Normaliser(_NLP.make_doc, {"implant": "hardware"}, ("implant",), frozenset())
    assert normaliser.words("my implnt broke") == ["my", "hardware", "broke"]


def test_a_real_word_listed_as_not_a_typo_is_left_alone() -> None:
    normaliser = Normaliser(_NLP.make_doc, {}, ("metal",), frozenset({"mental"}))
    assert normaliser.words("mental mettal") == ["mental", "metal"]
