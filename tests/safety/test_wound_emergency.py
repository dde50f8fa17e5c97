"""Wound emergencies: the ladder's "emergency now" wound findings, with no metal seen.

An opened wound or a leaking hole over the hardware, pus with a fever, red streaks, shivering or
confusion with a fever: the detector calls them a wound emergency (the reply sends the person to
the emergency department now), unless the context says they are not happening now.
"""

from __future__ import annotations

import pytest
from spacy.language import Language

from nlu_components.safety.detector import EXPOSED_HARDWARE, WOUND_EMERGENCY, SafetyDetector


@pytest.mark.parametrize(
    "text",
    [
        "my incision has opened up at the bottom",
        "there's a small hole in my scar that keeps draining",
        "yellow discharge from the wound and a temperature of 38.6",
        "I think my back wound is infected. Running a temp since last night.",
        "red streaks are spreading from my incision up my side",
        "fever and the shakes since this afternoon, surgery was two weeks ago",
        "my wound has opened a bit but I can't see any metal",
        "se abrió la herida de la espalda",
        "tengo pus en la herida y fiebre",
    ],
)
def test_a_wound_emergency_is_caught(detector: SafetyDetector, nlp: Language, text: str) -> None:
    verdict = detector.analyse(nlp.make_doc(text))
    assert verdict.category is WOUND_EMERGENCY, verdict.as_dict()
    assert verdict.is_emergency


@pytest.mark.parametrize(
    "text",
    [
        # Negated, or the temperature is normal.
        "no pus and no fever, the scar looks fine",
        "a little pus from the scar but my temperature is normal",
        # What may happen, or what to look for.
        "if my wound opens up should I go to the ER?",
        "what are the signs of infection, like fever and chills?",
        "how common is it for the incision to come apart?",
        # Old and treated.
        "last year I had pus and a fever, they treated it with antibiotics and it healed",
        # Someone else's story, or an animal's.
        "a woman in my support group had red streaks from her scar years ago",
        "my dog has pus and a fever after his surgery",
    ],
)
def test_a_wound_finding_that_is_not_happening_now_is_no_emergency(
    detector: SafetyDetector, nlp: Language, text: str
) -> None:
    verdict = detector.analyse(nlp.make_doc(text))
    assert verdict.category is not WOUND_EMERGENCY, verdict.as_dict()
    assert not verdict.is_emergency


def test_metal_in_an_opened_wound_is_the_exposed_metal_emergency(detector: SafetyDetector, nlp: Language) -> None:
    verdict = detector.analyse(nlp.make_doc("my wound has opened and I can see the screw, and I have a fever"))
    assert verdict.category is EXPOSED_HARDWARE


def test_the_evidence_names_the_wound_finding(detector: SafetyDetector, nlp: Language) -> None:
    verdict = detector.analyse(nlp.make_doc("there are red lines spreading out from my scar"))
    assert [e.rule for e in verdict.evidence][0] == "red_streaks"
    assert verdict.as_dict()["evidence"][0]["category"] == "wound_emergency"
