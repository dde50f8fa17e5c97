"""The ConText engine on its own: modifiers written as data, scoped over small messages."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
import spacy

from nlu_components.safety.context import ContextScoper, Outcome, compile_modifiers
from nlu_components.safety.normalise import Normaliser
from nlu_components.safety.rules import SafetyRulesError
from nlu_components.safety.text_spans import Category, Mention, Message, PhraseIndex

_NLP = spacy.blank("en").make_doc


@pytest.fixture(scope="module")
def normaliser() -> Normaliser:
    return Normaliser(_NLP, {}, (), frozenset())


def scope(normaliser: Normaliser, modifiers: List[Dict[str, Any]], text: str, anchor: str, trigger: str) -> List[str]:
    """The modifier names that scope the mention (`anchor` word, `trigger` phrase) in `text`."""
    scoper = ContextScoper(compile_modifiers(modifiers, normaliser.words))
    message = Message(normaliser.doc_words(_NLP(text)), PhraseIndex([("but",)]))
    (anchor_span,) = message.spans(PhraseIndex([tuple(normaliser.words(anchor))]))
    (trigger_span,) = message.spans(PhraseIndex([tuple(normaliser.words(trigger))]))
    message.triggers = [trigger_span]
    mention = Mention(Category.EXPOSED_HARDWARE, "test", (anchor_span,), trigger_span, message.phrase(trigger_span))
    return [reason.name for reason in scoper.reasons(message, mention)]


NEGATION = {"name": "negated", "cues": ["no"], "direction": "forward", "scope": "clause", "target": "mention"}


def test_a_forward_cue_scopes_what_follows_it_and_not_what_comes_before(normaliser: Normaliser) -> None:
    assert scope(normaliser, [NEGATION], "no screw is showing", "screw", "showing") == ["negated"]
    assert scope(normaliser, [NEGATION], "the screw is showing, no pain", "screw", "showing") == []


def test_the_scope_ends_at_the_clause(normaliser: Normaliser) -> None:
    assert scope(normaliser, [NEGATION], "no fever but the screw is showing", "screw", "showing") == []


def test_a_window_limits_the_words_between_cue_and_target(normaliser: Normaliser) -> None:
    near = dict(NEGATION, window=1, target="anchors")
    assert scope(normaliser, [near], "no screw is showing", "screw", "showing") == ["negated"]
    assert scope(normaliser, [near], "no, honestly, really, the screw is showing", "screw", "showing") == []
    assert scope(normaliser, [near], "no really the screw is showing", "screw", "showing") == []


def test_a_terminator_between_cue_and_target_ends_the_scope(normaliser: Normaliser) -> None:
    terminated = dict(NEGATION, terminators=["now"])
    assert scope(normaliser, [terminated], "no pain now the screw is showing", "screw", "showing") == []


def test_a_pseudo_cue_is_not_a_cue(normaliser: Normaliser) -> None:
    pseudo = dict(NEGATION, pseudo=["no pain"])
    assert scope(normaliser, [pseudo], "no pain and the screw is showing", "screw", "showing") == []
    assert scope(normaliser, [pseudo], "no screw is showing", "screw", "showing") == ["negated"]


def test_a_backward_cue_scopes_what_comes_before_it(normaliser: Normaliser) -> None:
    imaging = {"name": "imaging", "cues": ["x-ray"], "direction": "backward", "scope": "sentence"}
    assert scope(normaliser, [imaging], "the screw is showing on the x-ray", "screw", "showing") == ["imaging"]
    assert scope(normaliser, [imaging], "after the x-ray the screw is showing", "screw", "showing") == []


def test_a_cancelling_cue_between_cue_and_target_undoes_the_modifier(normaliser: Normaliser) -> None:
    hypothetical = {
        "name": "hypothetical",
        "cues": ["thought"],
        "direction": "forward",
        "scope": "clause",
        "cancelled_by": [{"cues": ["now"], "placement": "between"}],
    }
    assert scope(normaliser, [hypothetical], "i thought the screw was showing", "screw", "showing") == ["hypothetical"]
    assert (
        scope(normaliser, [hypothetical], "i thought it was a pimple and now the screw is showing", "screw", "showing")
        == []
    )


def test_a_requirement_must_be_in_scope_too(normaliser: Normaliser) -> None:
    historical = {
        "name": "historical",
        "cues": ["2019"],
        "direction": "bidirectional",
        "scope": "message",
        "requires": [{"cues": ["fixed"], "scope": "message", "not_after": [{"cues": ["will"], "window": 1}]}],
    }
    assert scope(normaliser, [historical], "in 2019 the screw was showing. they fixed it", "screw", "showing") == [
        "historical"
    ]
    assert scope(normaliser, [historical], "in 2019 the screw was showing", "screw", "showing") == []
    assert scope(normaliser, [historical], "in 2019 the screw was showing. it will be fixed", "screw", "showing") == []


def test_an_absent_list_keeps_the_modifier_off_sentences_that_have_it(normaliser: Normaliser) -> None:
    other_object = {
        "name": "other_object",
        "cues": ["shelf"],
        "direction": "bidirectional",
        "scope": "sentence",
        "absent": [{"cues": ["back"], "scope": "sentence"}],
    }
    assert scope(normaliser, [other_object], "a screw is showing on the shelf", "screw", "showing") == ["other_object"]
    assert scope(normaliser, [other_object], "a screw is showing in my back near the shelf", "screw", "showing") == []


def test_a_modifier_for_other_categories_or_triggers_does_not_apply(normaliser: Normaliser) -> None:
    floor_only = dict(NEGATION, categories=["floor"])
    assert scope(normaliser, [floor_only], "no screw is showing", "screw", "showing") == []
    by_trigger = dict(NEGATION, triggers=["showing"])
    assert scope(normaliser, [by_trigger], "no screw is showing", "screw", "showing") == ["negated"]


def test_the_outcome_is_read_from_the_data(normaliser: Normaliser) -> None:
    (modifier,) = compile_modifiers([dict(NEGATION, outcome="ask")], normaliser.words)
    assert modifier.outcome is Outcome.ASK


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ({"cues": ["no"], "direction": "forward", "scope": "clause"}, "needs a `name`"),
        (dict(NEGATION, direction="sideways"), "'direction' must be one of forward, backward, bidirectional"),
        (dict(NEGATION, scope="paragraph"), "'scope' must be one of"),
        (dict(NEGATION, window=-1), "'window' must be a whole number"),
        (dict(NEGATION, cues=[]), "'cues' must be a non-empty list"),
        (dict(NEGATION, cues=[False]), "is not text; quote it"),
        (dict(NEGATION, windw=3), r"unknown keys \['windw'\]"),
        (dict(NEGATION, categories=["broken_bone"]), "'categories' must be one of"),
        (dict(NEGATION, cancelled_by=[{"placement": "between"}]), "list of mappings with `cues`"),
    ],
)
def test_a_malformed_modifier_is_refused_with_its_name_and_key(
    normaliser: Normaliser, broken: Dict[str, Any], message: str
) -> None:
    with pytest.raises(SafetyRulesError, match=message):
        compile_modifiers([broken], normaliser.words)


def test_the_rules_file_names_every_modifier_in_its_data(detector: Any) -> None:
    names = {modifier.name for modifier in detector.scoper.modifiers}
    assert {"negated", "hypothetical", "historical", "imaging", "other_object"} <= names


def test_except_triggers_keep_a_modifier_off_those_phrases(normaliser: Normaliser) -> None:
    modal = {"name": "hypothetical", "cues": ["can"], "direction": "forward", "scope": "clause", "window": 0}
    assert scope(normaliser, [modal], "the screw can show", "screw", "show") == ["hypothetical"]
    assert scope(normaliser, [dict(modal, except_triggers=["show"])], "the screw can show", "screw", "show") == []
