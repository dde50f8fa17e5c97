"""The rule-based safety detector, on its own (no trained model needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from nlu_components.safety.detector import (
    EXPOSED_HARDWARE,
    NEURO_RED_FLAG,
    UNCLEAR_EXPOSURE,
    WOUND_EMERGENCY,
    SafetyDetector,
)
from nlu_components.safety.rules import SafetyRulesError
from tests.conftest import load_safety_messages

SAFETY_MESSAGES = load_safety_messages()
EMERGENCIES = [m for m in SAFETY_MESSAGES if m["expect"] in ("exposed_hardware", "neuro_red_flag")]
NON_EMERGENCIES = [m for m in SAFETY_MESSAGES if m["expect"] not in ("exposed_hardware", "neuro_red_flag")]


def test_the_safety_sets_are_big_enough() -> None:
    exposed = [m for m in SAFETY_MESSAGES if m["expect"] == "exposed_hardware"]
    assert len(exposed) >= 120
    assert len(NON_EMERGENCIES) >= 120
    assert len(SAFETY_MESSAGES) >= 300


@pytest.mark.parametrize("message", EMERGENCIES, ids=lambda m: f"{m['set']}:{m['kind']}:{m['text'][:40]}")
def test_every_emergency_in_the_safety_sets_is_caught(detector: SafetyDetector, nlp: Language, message: dict) -> None:
    verdict = detector.analyse(nlp.make_doc(message["text"]))
    assert verdict.category == message["expect"], verdict.as_dict()


def is_false_alarm(label: str, category) -> bool:
    """An emergency on a message that is none. The triage ladder sends an opened wound, a leaking
    hole, pus with a fever, red streaks and shivering with a fever to the emergency department, so
    a wound emergency on a message a set labels a warning sign follows the ladder; on any other
    non-emergency it is an alarm."""
    if category is WOUND_EMERGENCY:
        return label != "warning_signs"
    return category in (EXPOSED_HARDWARE, NEURO_RED_FLAG)


def test_false_alarm_rate_on_non_emergencies_is_at_most_3_percent(detector: SafetyDetector, nlp: Language) -> None:
    alarms = [
        m["text"]
        for m in NON_EMERGENCIES
        if is_false_alarm(m["expect"], detector.analyse(nlp.make_doc(m["text"])).category)
    ]
    assert len(alarms) / len(NON_EMERGENCIES) <= 0.03, alarms


# The behaviours the safety issue names, as a table a clinician can read.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Exposed hardware, whatever else the message says.
        # Nerve and airway red flags named in issue 9's review (neck surgery, retention, both legs).
        ("he cant seem to pass water since this morning", NEURO_RED_FLAG),
        ("three days after my neck fusion it is getting harder to swallow", NEURO_RED_FLAG),
        ("since the neck op my left hand keeps getting weaker", NEURO_RED_FLAG),
        ("terrible pain in both legs since lunch, fusion was in march", NEURO_RED_FLAG),
        ("i keep dropping things since my plate went in", NEURO_RED_FLAG),
        ("the doctor on the phone said go in, a piece of the screw is sticking out of my skin", EXPOSED_HARDWARE),
        ("my ankle strength has dropped since last week, fusion was in june", NEURO_RED_FLAG),
        ("there is a screw stuck in my car tyre, can i drive", None),
        # Questions about how or how often, and things read online, are not reports.
        ("can you explain what keeps the rods from showing through the skin", None),
        ("how likely is a screw poking out of the skin years later", None),
        ("after googling screws coming out of backs i am scared", None),
        ("no fever, no pain, but the screw is visible", EXPOSED_HARDWARE),
        ("can screws push through skin? because mine just did", EXPOSED_HARDWARE),
        ("there's something silver in my wound", EXPOSED_HARDWARE),
        ("my moms scew is poking thru her skn", EXPOSED_HARDWARE),
        ("the steel nail from my op is sticking out of my back", EXPOSED_HARDWARE),
        ("i think the rod might be showing through my incision", EXPOSED_HARDWARE),
        ("doesnt hurt at all and the screw is out of the skin", EXPOSED_HARDWARE),
        ("it's been poking out for 2 weeks", UNCLEAR_EXPOSURE),  # no hardware word: ask
        ("the hardware has been poking out for 2 weeks", EXPOSED_HARDWARE),
        ("se le ve el tornillo", EXPOSED_HARDWARE),
        ("el metal está afuera", EXPOSED_HARDWARE),
        ("it came through in 2019 and they fixed it, but now the other screw is poking out again", EXPOSED_HARDWARE),
        ("the wound healed now the screw is poking through", EXPOSED_HARDWARE),
        ("the fb group says to go to A&E, my screw is poking out", EXPOSED_HARDWARE),
        ("i noticed a bump over my screw and the screw is poking through", EXPOSED_HARDWARE),
        ("i can see a spot of metal over my rod", EXPOSED_HARDWARE),
        # Neurological red flags.
        ("my legs suddenly went weak after my fusion", NEURO_RED_FLAG),
        ("numb in the groin since this morning", NEURO_RED_FLAG),
        ("i wet myself and didnt feel it, back surgery last week", NEURO_RED_FLAG),
        # A misheard or mistyped hardware word before an exposure phrase (dictation, SMS).
        ("the rot from my fusion is poking out of the skin", EXPOSED_HARDWARE),
        ("theres a scru showin in my incison", EXPOSED_HARDWARE),
        ("my implnt broke thru the skn", EXPOSED_HARDWARE),
        ("the lump grew and now something is poking out of my scar", UNCLEAR_EXPOSURE),
        # A question about a fact the writer states is a report.
        ("should i worry that there's metal poking out of my back?", EXPOSED_HARDWARE),
        ("what does it mean that i can see my hardware through the skin?", EXPOSED_HARDWARE),
        # A clinician looking now, on a video call, or at metal in the wound.
        ("doctor on a video call said the thing in my wound is the screw and it's exposed", EXPOSED_HARDWARE),
        ("my physio saw metal in the opening on my back", EXPOSED_HARDWARE),
        # "it's exposed" on this assistant is the implant; "is it exposed?" asks.
        ("it's just a little exposed, i put a plaster on it", EXPOSED_HARDWARE),
        ("is it exposed?", UNCLEAR_EXPOSURE),
        ("i leave it exposed to the air to dry", UNCLEAR_EXPOSURE),
        ("a screw appears to be penetrating the skin beside my spine", EXPOSED_HARDWARE),
        ("se me be el metal en la erida", EXPOSED_HARDWARE),
        # Red flags said as an inability, in Spanish, or as a question.
        ("i don't feel my bladder filling anymore and i leak", NEURO_RED_FLAG),
        ("i'm trying to urinate and nothing comes out", NEURO_RED_FLAG),
        ("is it normal to be unable to move my toes after fusion? it just started", NEURO_RED_FLAG),
        ("tengo un dolor muy fuerte en las dos piernas", NEURO_RED_FLAG),
        ("después de la cirugía de cuello no puedo cerrar bien la mano", NEURO_RED_FLAG),
        ("i don't feel any numbness in my legs", None),
        # "Is it a problem if...", "do I need to go in if..." about one's own metal: a report.
        ("is it a problem if the bolt thingy is showing through my skin? it's not hurting", EXPOSED_HARDWARE),
        ("do i need to go in if my rod is poking out but i have no fever?", EXPOSED_HARDWARE),
        ("would it be normal for the screw to show a little bit? mine does", EXPOSED_HARDWARE),
        ("the doctor said on the phone, from the photo i sent, that the wire is exposed", EXPOSED_HARDWARE),
        ("the end of the rod is through my skin and it pokes my shirt", EXPOSED_HARDWARE),
        ("my aunt's incision from 20 years ago has opened and there's a rod visible", EXPOSED_HARDWARE),
        ("a shiny thing appeared in my wound, almost like the edge of a coin", EXPOSED_HARDWARE),
        ("after my neck operation i choke every time i try to eat", NEURO_RED_FLAG),
        ("no siento cuando tengo ganas de orinar desde ayer", NEURO_RED_FLAG),
        ("the dog bumped my back and now my screw is poking out", EXPOSED_HARDWARE),
        # Not emergencies.
        ("our dog had a plate put in her leg and the vet says a screw is showing through her skin", None),
        ("my hardware poking through? nope. my ribs poking out since i lost weight? yes", None),
        ("the wire transfer to the billing office finally came through today", None),
        ("suppose i saw metal in my wound one day, what should i do first?", None),
        ("is 'hardware failure' the same thing as the screws coming through the skin?", None),
        ("what's involved in washing out the wound when the metal is showing", None),
        ("could sleeping on my back make my rods break through the skin eventually?", None),
        ("a meme showed a robot with screws coming out of its skin", None),
        ("leí en un foro que a alguien se le salió la placa del cuello", None),
        ("se salió un tornillo de la silla y me rompió el pantalón", None),
        ("can a screw push through the skin?", None),
        ("what should I do if it ever happens?", None),
        ("no metal is showing, just a bump", None),
        ("it broke through in 2019, they fixed it", None),
        ("saw a video of a screw poking out of someone's back", None),
        ("wat makes a screw push thru the skin", None),
        ("I have noticed a new, tender swelling over my lumbar hardware with some redness.", None),
        ("i can see a red patch where the screw is", None),
        ("her exposed screw was removed in march and the wound is healed now, will it happen again", None),
        ("ppl in my fb group keep posting about screws coming out, is it common", None),
        ("the screw backed out on my scan", None),
        ("there's a drywall screw sticking out of the wall", None),
        ("the screw in my glasses is coming out", None),
        ("my fishing rod snapped", None),
        ("screw this, i'm going to bed", None),
        ("i can feel the rod under my skin, it's been like that for years", None),
        ("my legs were weak before surgery but they're getting stronger now", None),
        ("no numbness, no bladder problems", None),
        # Unclear: ask one question.
        ("my wound opened and i can see something white", UNCLEAR_EXPOSURE),
        ("something is poking out of my back", UNCLEAR_EXPOSURE),
    ],
)
def test_named_behaviours(detector: SafetyDetector, nlp: Language, text: str, expected: str) -> None:
    assert detector.analyse(nlp.make_doc(text)).category == expected


def test_negation_scope_stops_at_the_clause(detector: SafetyDetector, nlp: Language) -> None:
    verdict = detector.analyse(nlp.make_doc("no fever, no pain, but the screw is visible"))
    assert verdict.is_emergency
    assert verdict.evidence[0].text == "screw is visible"


def test_suppressed_mentions_say_why(detector: SafetyDetector, nlp: Language) -> None:
    verdict = detector.analyse(nlp.make_doc("no metal is showing, just a bump"))
    assert verdict.category is None
    assert verdict.suppressed[0].context == ("negated",)


def test_an_unquoted_yes_or_no_in_the_rules_file_is_refused(nlp: Language, tmp_path: Path) -> None:
    rules = (Path(__file__).resolve().parents[2] / "nlu_components" / "safety" / "rules.yml").read_text()
    broken = tmp_path / "rules.yml"
    unquoted = rules.replace("negation: &negation ['no', not", "negation: &negation [no, not")
    assert unquoted != rules, "the test no longer finds the negation list it edits"
    broken.write_text(unquoted)
    with pytest.raises(SafetyRulesError, match="quote it"):
        SafetyDetector.from_file(nlp.make_doc, broken)


def test_a_missing_rules_key_names_the_key(nlp: Language, tmp_path: Path) -> None:
    broken = tmp_path / "rules.yml"
    broken.write_text("version: 1\nspelling: {}\ntypo_correction: {targets: [screw], not_typos: [screen]}\n")
    with pytest.raises(SafetyRulesError, match="missing key 'neurological_red_flags'"):
        SafetyDetector.from_file(nlp.make_doc, broken)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("se me está saliendo un tornillo por la piel", "es"),
        ("my dad's tornillo is sticking out de la espalda", "es"),
        ("the screw is poking out of my back", None),
        ("Rod Stewart con his band", None),  # one marker is not enough
    ],
)
def test_the_reply_language_is_read_from_marker_words(detector, nlp, text: str, language) -> None:
    assert detector.reply_language(nlp.make_doc(text)) == language


@pytest.mark.parametrize(
    "text",
    [
        "se me está saliendo un tornillo por la piel de la espalda",
        "veo el metal en la herida",
        "el tornillo atravesó la piel",
        "me sale un alambre por la cicatriz",
        "¿es normal que se vea el tornillo en la herida?",
    ],
)
def test_spanish_exposure_reports_are_caught(detector, nlp, text: str) -> None:
    assert detector.analyse(nlp.make_doc(text)).category is EXPOSED_HARDWARE


@pytest.mark.parametrize(
    "text", ["no se ve ningún metal, solo está roja la herida", "¿qué pasa si un tornillo sale por la piel?"]
)
def test_spanish_negated_and_hypothetical_mentions_are_not_reports(detector, nlp, text: str) -> None:
    assert detector.analyse(nlp.make_doc(text)).category is None


@pytest.mark.parametrize(
    "text",
    [
        "the nurse said she can see metal at the bottom of the sore",  # a clinician who sees it now
        "the rod broke through the skin a week ago and it's still out",  # began in the past, still there
        "is it normal to see metal in my incision? it reopened yesterday",  # a question that is a report
        "the wound pierced and something metallic is peeking out",
    ],
)
def test_reports_in_other_peoples_words_and_tenses_are_reports(detector, nlp, text: str) -> None:
    assert detector.analyse(nlp.make_doc(text)).category is EXPOSED_HARDWARE


def test_what_a_clinician_saw_last_week_gets_the_question_not_silence(detector, nlp) -> None:
    verdict = detector.analyse(nlp.make_doc("the surgeon saw the screw last week"))
    assert verdict.category is UNCLEAR_EXPOSURE


@pytest.mark.parametrize(
    "text",
    [
        "heard a pop in my back when i bent down, 4 months after my fusion",
        "i been feeling shivery and hot all day, had back surgery last thursday",
        "my incision is leaking and the dressing is soaked",
    ],
)
def test_a_warning_sign_after_surgery_is_a_warning_mention(detector, nlp, text: str) -> None:
    assert detector.analyse(nlp.make_doc(text)).warning


@pytest.mark.parametrize(
    "text",
    [
        "no redness on my scar at all",  # negated ("no redness" is a true negation here)
        "is redness normal after back surgery?",  # a general question
        "the lump over my screw has been the same since my op",  # there since the operation
        "does the metal pop out all at once?",  # a question about protrusion, not a pop felt
    ],
)
def test_a_negated_general_or_old_finding_is_no_warning_mention(detector, nlp, text: str) -> None:
    assert not detector.analyse(nlp.make_doc(text)).warning


@pytest.mark.parametrize(
    "text",
    [
        "does the metal come through because the skin gets thin?",
        "how do the rods break through the skin in thin people?",
        "be honest with me, is metal coming through the skin something that happens a lot?",
        "could you tell me, for my own understanding, how a screw breaking through the skin is treated?",
    ],
)
def test_general_questions_with_articles_or_addressing_words_are_not_reports(detector, nlp, text: str) -> None:
    assert detector.analyse(nlp.make_doc(text)).category is None


@pytest.mark.parametrize("text", ["is the screw supposed to be poking out?", "why is the screw showing through?"])
def test_a_question_about_a_definite_screw_now_is_a_report(detector, nlp, text: str) -> None:
    assert detector.analyse(nlp.make_doc(text)).category is EXPOSED_HARDWARE


def test_a_current_cue_keeps_a_report_that_has_been_there_for_days(detector, nlp) -> None:
    text = "i can c the metal rod thru my skin now its been like that 2 days"
    assert detector.analyse(nlp.make_doc(text)).category is EXPOSED_HARDWARE
    old = "i can feel the rod under my skin, its been like that since the op"
    assert detector.analyse(nlp.make_doc(old)).category is not EXPOSED_HARDWARE


def test_an_opening_in_the_sentence_overrides_the_intact_skin_reading(detector, nlp) -> None:
    text = "I can feel AND see the rod now, the skin over it broke open."
    assert detector.analyse(nlp.make_doc(text)).category is EXPOSED_HARDWARE


def test_a_hypothesis_stays_a_hypothesis_when_it_says_started(detector, nlp) -> None:
    text = "What would it look like if my rod started coming out?"
    assert detector.analyse(nlp.make_doc(text)).category is None
    report = "i thought it was a pimple and now i can see the screw"
    assert detector.analyse(nlp.make_doc(report)).category is EXPOSED_HARDWARE


@pytest.mark.parametrize(
    "text",
    [
        "se me ve el tornillo, la herida se abrió anoche",
        "a mi papá le sobresale una varilla de la espalda",
        "la placa quedó al aire, se me reventó la piel",
        "la enfermera dice que se observa un tornillo en la herida",
        "mi herida no cierra y en el fondo se ve la barra",
    ],
)
def test_spanish_reports_of_exposed_metal_are_emergencies(detector, nlp, text: str) -> None:
    assert detector.analyse(nlp.make_doc(text)).category is EXPOSED_HARDWARE


@pytest.mark.parametrize(
    "text",
    [
        "me cuesta tragar desde la operación del cuello",
        "no siento nada entre las piernas desde esta mañana",
        "se me cae el pie al caminar desde ayer",
    ],
)
def test_spanish_neurological_red_flags_are_emergencies(detector, nlp, text: str) -> None:
    assert detector.analyse(nlp.make_doc(text)).category is NEURO_RED_FLAG


def test_skin_that_is_no_longer_over_the_screw_is_not_intact(detector, nlp) -> None:
    verdict = detector.analyse(nlp.make_doc("i can see the rod. it is not under the skin now, it is out"))
    assert verdict.category is EXPOSED_HARDWARE


def test_been_like_that_since_a_recent_day_is_current_not_preexisting(detector, nlp) -> None:
    current = detector.analyse(nlp.make_doc("i can see the screw in my scar, it has been like that since monday"))
    assert current.category is EXPOSED_HARDWARE
    old = detector.analyse(nlp.make_doc("i can feel the rod under my skin, it has been like that for years"))
    assert old.category is not EXPOSED_HARDWARE


@pytest.mark.parametrize(
    "text",
    [
        "the ct shows the screw sticking out past the bone",
        "on my x-ray one screw is poking out of the vertebra a little",
    ],
)
def test_a_scan_finding_with_no_word_for_the_skin_is_not_exposure(detector, nlp, text: str) -> None:
    assert not detector.analyse(nlp.make_doc(text)).is_emergency


def test_a_scan_finding_with_the_skin_broken_is_still_exposure(detector, nlp) -> None:
    verdict = detector.analyse(
        nlp.make_doc("the x-ray showed it backing out and now the screw is poking through my skin")
    )
    assert verdict.category is EXPOSED_HARDWARE


@pytest.mark.parametrize(
    "text",
    [
        "my nose piercing bar is coming out through the skin",
        "my brother's rod came through his skin in 2018 - it was taken out and he has healed",
        "zero metal showing and zero redness, just asking about swimming",
        "my worst fear is a screw poking out of my back one day",
        "we did a case study at school on exposed rods after fusion",
        "¿con qué frecuencia se salen las varillas por la piel?",
        "a mi hijo se le salió la barra por la piel hace años, lo operaron y sanó",
    ],
)
def test_other_metal_old_resolved_feared_and_general_exposure_is_no_emergency(detector, nlp, text: str) -> None:
    assert not detector.analyse(nlp.make_doc(text)).is_emergency


def test_an_opening_spanish_question_mark_starts_a_new_sentence(detector, nlp) -> None:
    """The personal words before it do not make the question that follows personal."""
    verdict = detector.analyse(nlp.make_doc("mi papá tiene varillas, ¿es común que se salgan por la piel?"))
    assert not verdict.is_emergency


def test_asking_what_a_finding_means_is_not_a_report(detector, nlp) -> None:
    verdict = detector.analyse(nlp.make_doc("does feeling a rod under the skin mean it's coming through?"))
    assert not verdict.is_emergency


@pytest.mark.parametrize(("text", "uncertain"), [("umm not sure", True), ("no", False), ("idk maybe", True)])
def test_the_verdict_says_whether_the_message_is_only_uncertainty(detector, nlp, text: str, uncertain: bool) -> None:
    assert detector.analyse(nlp.make_doc(text)).uncertain_answer is uncertain


def test_skin_said_to_be_closed_makes_even_a_strong_phrase_unclear(detector, nlp) -> None:
    verdict = detector.analyse(
        nlp.make_doc("the skin over my screw feels like it is wearing through but it is still closed")
    )
    assert verdict.category is UNCLEAR_EXPOSURE


@pytest.mark.parametrize(
    "text",
    [
        "can exposed hardware be treated with dressings alone?",
        "in thin people screws can poke through the skin?",
        "what is the usual fix when the rod comes through the skin?",
    ],
)
def test_a_modal_or_when_before_the_exposure_speaks_of_what_can_happen(detector, nlp, text: str) -> None:
    assert not detector.analyse(nlp.make_doc(text)).is_emergency


def test_a_modal_before_a_seeing_verb_is_still_a_report(detector, nlp) -> None:
    assert detector.analyse(nlp.make_doc("i can see the screw in my scar")).category is EXPOSED_HARDWARE


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("hw visible through 5mm defect", ["hardware", "visible", "through", "5", "mm", "defect"]),
        ("exposed hw", ["exposed", "hardware"]),
        ("hw do screws come out", ["how", "do", "screws", "come", "out"]),
        # Not across punctuation: "the" ends the clause before it.
        ("i saw the, hw long", ["i", "saw", "the", "how", "long"]),
    ],
)
def test_a_word_spelt_in_context_follows_the_words_beside_it(detector, text: str, words) -> None:
    assert detector.normaliser.words(text) == words


def test_a_word_spelt_in_context_needs_words_to_look_for(nlp: Language) -> None:
    from nlu_components.safety.rules import read_rules_file

    raw = read_rules_file()
    raw["spelling_in_context"] = [{"word": "hw", "as": "hardware"}]
    with pytest.raises(SafetyRulesError, match="needs `before` or `after`"):
        SafetyDetector.from_mapping(nlp.make_doc, raw, "rules.yml")


SIXTH_ROUND = [
    # A question word before a seeing verb opens a statement whose subject is left out.
    ("can see the rod", EXPOSED_HARDWARE),
    ("can you see the rod on an x-ray?", None),
    # A statement with a tag at its end is no general question.
    ("it's only a little metal showing, not a big deal right?", EXPOSED_HARDWARE),
    # A simile is not another object; "screw this morning" is not "screw this".
    ("the screw is poking out of my back like a little robot", EXPOSED_HARDWARE),
    ("skin gave way over the screw this morning, I can see it", EXPOSED_HARDWARE),
    ("there's metal at the bottom of the hole, I can see it with my phone torch", EXPOSED_HARDWARE),
    # An unclear thing described as metal elsewhere in the message is metal; not when negated.
    ("something pointy has pushed out through my scar. it's shiny and grey.", EXPOSED_HARDWARE),
    # "is out" after a removal is the removal.
    ("they took the screw out last year, its out now and I feel better", None),
    # Seeing the skin over the implant is about the skin.
    ("I noticed that the skin over my implant looks tight and glossy", None),
]


def test_a_negated_metal_description_does_not_make_it_metal(detector: SafetyDetector, nlp: Language) -> None:
    verdict = detector.analyse(nlp.make_doc("something pointy has pushed out through my scar, not silver, white"))
    assert verdict.category is not EXPOSED_HARDWARE


SEVENTH_ROUND = [
    # A present-tense exposure inside an "if" is a report asked as a question; a future one is not.
    ("do I need antibiotics if the metal in my neck is showing through the wound?", EXPOSED_HARDWARE),
    ("is it infected if I can see metal in the middle of a scab on my back?", EXPOSED_HARDWARE),
    ("what should I do if one day I can see metal in my scar?", None),
    ("what are the signs that a screw is working its way out", None),
    # A mistake found out, someone else's past, a case at work, a removal: no report.
    ("my son thought there was metal poking out of my back but it was a hair stuck to the scar", None),
    ("the woman in the bed next to me last year had a screw coming out", None),
    ("my mum's screws came through her skin in 2012, she's had no problems since the removal", None),
    ("I work on a spinal ward and we had a case last month of exposed rods", None),
    ("my dog had a plate put in his leg and now I can see metal through his skin", None),
    ("the dog jumped on me and now my screw is poking out of my back", EXPOSED_HARDWARE),
    # A present "there is" keeps a relayed report current; broken skin outweighs "a line".
    ("grandad's carer rang to say there's a bit of screw through his skin", EXPOSED_HARDWARE),
    ("the rod is rubbing through, we can see a grey line where the skin's gone", EXPOSED_HARDWARE),
    ("the screw is tenting my skin but the skin isnt broken", None),
    # Capitals tokenise like lower case; a question answered with a time is a report.
    ("MY LEGS WONT HOLD ME UP SINCE I WOKE UP", NEURO_RED_FLAG),
    ("is it normal to not be able to feel toilet paper when you wipe? started today", NEURO_RED_FLAG),
    ("sex feels completely numb since a few days ago", NEURO_RED_FLAG),
    ("no puedo hacer pis desde anoche", NEURO_RED_FLAG),
]


EIGHTH_ROUND = [
    # An old or repaired exposure that has come back is a report; a repair done again is not.
    ("the plate was poking through in 2021 and they fixed it, now it's showing again", EXPOSED_HARDWARE),
    ("the rod came through in 2019, it was repaired and it never came back", None),
    ("se me salió un tornillo en 2018, lo arreglaron y me operaron otra vez, todo bien", None),
    # A question about what to do, or whether it is normal, reports what is happening.
    ("¿es normal que se vea una barra en la cicatriz?", EXPOSED_HARDWARE),
    ("legs going weak both sides since this morning, wat do", NEURO_RED_FLAG),
    ("how often do screws come through the skin, and what should I do to prevent it?", None),
    # A modal before a present relative clause: the thing is there now.
    ("could the screw that's poking out of my scar get infected?", EXPOSED_HARDWARE),
    ("can a plate that's fixed still wear through thin skin?", None),
    # Words for the skin in another sentence say nothing about this one.
    ("the clinic is not open till Monday. There is a rod showing through the skin of my back.", EXPOSED_HARDWARE),
    # Spanish negations, and a relative's story from long ago.
    ("la herida supura un poco, sin metal a la vista", None),
    ("me sale líquido de la herida, no se ve nada de metal", None),
    ("my abuela had a screw come through her skin in the 90s, can that happen to me?", None),
    ("my mum had her fusion in 2004 and now the rod is showing through her scar", EXPOSED_HARDWARE),
    # Telegraphic reports, and removals that use the same words.
    ("Rod out. Back. Help.", EXPOSED_HARDWARE),
    ("they want to take the screws out next spring", None),
    # Forms of the verbs and nouns that were missing.
    ("la cabeza del tornillo me ha perforado la piel", EXPOSED_HARDWARE),
    ("al lavarme la herida vi una barra", EXPOSED_HARDWARE),
    ("my stimulator lead is poking out through my skin", EXPOSED_HARDWARE),
    ("no ha orinado desde ayer y lo operaron de la espalda el lunes", NEURO_RED_FLAG),
]


@pytest.mark.parametrize(
    ("text", "denied"),
    [
        ("felt a click in my back yesterday, legs and bladder fine", True),
        ("had tingling in my toes before the op, its gone now", True),
        ("my legs feel heavy since this morning", False),
    ],
)
def test_a_message_that_says_the_neurological_signs_are_absent_is_marked(detector, nlp, text: str, denied) -> None:
    assert detector.analyse(nlp.make_doc(text)).neuro_denied is denied


NINTH_ROUND = [
    # Spanish forms of the red flags, and an acute onset after a revision.
    ("se me doblan las piernas y no me responden desde anoche, me operaron de la espalda", NEURO_RED_FLAG),
    ("me hice pis encima sin darme cuenta desde la operación", NEURO_RED_FLAG),
    ("de repente no siento nada de la cintura para abajo", NEURO_RED_FLAG),
    ("both legs suddenly went numb, I had a revision two weeks ago", NEURO_RED_FLAG),
    ("my legs stopped working properly this morning after my fusion", NEURO_RED_FLAG),
    # Present Spanish forms and plain words for skin that no longer covers the metal.
    ("la punta del tornillo está perforando la piel", EXPOSED_HARDWARE),
    ("se me ven las barras en la herida", EXPOSED_HARDWARE),
    ("I can feel air on the metal in my back", EXPOSED_HARDWARE),
    ("se me abrió la herida y hay algo brillante adentro", EXPOSED_HARDWARE),
    ("can you see screws through skin? porque yo veo uno en mi espalda", EXPOSED_HARDWARE),
    # What is no report: a reassertion that says the opposite, a relative's old story,
    # showing as proving, a table's leg, a future "now".
    ("would a rod coming through the skin hurt? just wondering, mine is fine", None),
    ("My aunt had it decades ago, the screw came out of her back. Am I at risk?", None),
    ("Mi mamá tiene una barra saliéndole por la piel, la operaron hace años", EXPOSED_HARDWARE),
    ("do I need a card from my surgeon to show I have hardware in my spine?", None),
    ("the table leg is wobbly and weak, the screws keep coming loose", None),
    ("suppose years from now my skin gets thin and a rod shows through, is that an emergency?", None),
]


TENTH_ROUND = [
    # An inability is a finding, not a maybe; paralysis and Spanish word orders for the flags.
    ("i couldn't feel the toilet paper when i wiped this morning", NEURO_RED_FLAG),
    ("my left arm won't lift since the neck op", NEURO_RED_FLAG),
    ("sudden paralysis in both legs", NEURO_RED_FLAG),
    ("se me durmieron las piernas y no las puedo mover", NEURO_RED_FLAG),
    ("llevo horas sin poder orinar", NEURO_RED_FLAG),
    ("no controlo la orina desde la operación", NEURO_RED_FLAG),
    ("se me fue la fuerza del brazo", NEURO_RED_FLAG),
    # A hardware word in the next fragment, a metal-like sheen, a regional word for the plate,
    # a Spanish "mine is like that" after a general question.
    ("poking out. the rod. my back", EXPOSED_HARDWARE),
    ("the scar split and something deep in it gleams", EXPOSED_HARDWARE),
    ("se me está saliendo la platina por la piel", EXPOSED_HARDWARE),
    ("¿es grave que un tornillo se vea por la herida? la mía está así desde ayer", EXPOSED_HARDWARE),
    ("vet nurse here, my wife's back wound has a screw showing in it", EXPOSED_HARDWARE),
    # Not reports: "ni", a denial said after the phrase, a Spanish rate question, a fear,
    # looking for something not found, a project, a neighbour in the garden.
    ("ni metal ni nada, la herida cerró perfecta", None),
    ("la resonancia dice que el tornillo se movió, pero por fuera no se ve nada", None),
    ("¿con qué frecuencia se salen las barras por la piel?", None),
    ("me preocupa que se me salga la placa por la herida", None),
    ("I check my scar for metal poking through every night and there's never anything", None),
    ("what happens when hardware is exposed? it's for my homework", None),
    ("my neighbour Rod keeps coming through our garden", None),
    ("I'm a nursing student. How often does spinal hardware come through the skin?", None),
    ("I'm a nursing student and my own scar has a screw poking through it", EXPOSED_HARDWARE),
    ("could you describe how a rod comes to push through the skin?", None),
    # A torn muscle is no torn wound; a descriptor far from the unclear words describes
    # something else; a question sentence does not borrow the hardware of the one before.
    ("I tore something at the gym, do my implants limit what I can lift?", None),
    (
        "Something is poking out of my scar. I had the fusion in 2012 at the county hospital, the one by"
        " the river, and they said it was all titanium",
        UNCLEAR_EXPOSURE,
    ),
    ("how do screws come out through skin? is it pushing out, or does the skin open?", UNCLEAR_EXPOSURE),
]


ELEVENTH_ROUND = [
    # Descriptions instead of names, a present perfect after a repair, an exposure days old.
    ("the stuff they put in my spine is poking out now", EXPOSED_HARDWARE),
    ("lo que me pusieron en la espalda se ve por la herida", EXPOSED_HARDWARE),
    ("they removed one screw in May, but now another has come through", EXPOSED_HARDWARE),
    ("my rod broke through in 2020 and was fixed. It's happened again.", EXPOSED_HARDWARE),
    ("it's been out for a week now. the rod. i keep a plaster on it", EXPOSED_HARDWARE),
    ("rod sticking out of my back?? had surgery last year", EXPOSED_HARDWARE),
    ("a bit of metal is showing where the drain used to be, otherwise all good", EXPOSED_HARDWARE),
    ("I've got pins and needles in my groin and my legs have gone weak", NEURO_RED_FLAG),
    ("se le doblaron las piernas y no tiene fuerza", NEURO_RED_FLAG),
    ("tengo las manos torpes y dormidas desde ayer", NEURO_RED_FLAG),
    ("the numbness has spread to both legs since yesterday", NEURO_RED_FLAG),
    # Not reports: a question answered no, a chance of it happening again, a photo seen,
    # why-questions about infection, a motorbike's plate, pierced ears.
    ("Metal showing? No. Just wanted to ask about vitamins.", None),
    ("my screw was removed last year and it healed, what's the chance of it happening again", None),
    ("how can metal come outside the body? I see one photo and cannot stop thinking about it", None),
    ("why do germs stick to metal implants once they are exposed?", None),
    ("se me cayó la placa de la moto y se salió un tornillo", None),
    ("can I get my ears pierced with metal implants in my spine?", None),
    # A treatment question about "the piece that's sticking out" may be their own: ask.
    ("would they take out all the metal or just the piece that's sticking out?", UNCLEAR_EXPOSURE),
]


TWELFTH_ROUND = [
    # Past forms are past: "poked" and "stuck" no longer read as the present "poking" and "sticking".
    ("the screw is sticking out of my back", EXPOSED_HARDWARE),
    ("a screw poked through my scar years ago and was removed, all healed since", None),
    # "no wait" corrects, it does not negate; findings in a sore, a crater or a scab.
    ("no wait, I can actually see the screw in the wound", EXPOSED_HARDWARE),
    ("there's a little crater in my scar and I can see metal at the bottom", EXPOSED_HARDWARE),
    # Spanish red flags: a dropped foot, numb legs, wetting the bed.
    ("se me cae el pie desde ayer y no lo puedo levantar", NEURO_RED_FLAG),
    # Fears, nightmares and an umbrella's rod are no reports.
    ("I had a nightmare that my rod came through the skin", None),
    ("the rod of my umbrella snapped and is sticking out", None),
    # Screws that stick out as bumps under closed skin: the question, not the alarm.
    ("my screws stick out as bumps under the skin", UNCLEAR_EXPOSURE),
]


FOURTEENTH_ROUND = [
    # Skin-breaking verbs: a blister that popped, skin that came away; understated and bare
    # forms ("half out", "its through"); metal at the bottom of a hole or a scab.
    ("a spot on my scar popped and there's something grey in it", EXPOSED_HARDWARE),
    ("there's a grey thing on my back where the skin has come away", EXPOSED_HARDWARE),
    ("the end of the rod is half out", EXPOSED_HARDWARE),
    ("my back. the rod. its through.", EXPOSED_HARDWARE),
    ("there's a shiny bit at the bottom of the hole in my scar", EXPOSED_HARDWARE),
    # Dictated punctuation is no outline of a rod under the skin.
    ("full stop new line the screw is visible in my back full stop", EXPOSED_HARDWARE),
    # Someone who has seen it names it; a carer's report with the nurse in the next clause;
    # a question followed by "I think I can".
    ("the GP looked at the picture and confirmed it's the screw", EXPOSED_HARDWARE),
    ("the metal is showing, the district nurse said to ring you", EXPOSED_HARDWARE),
    ("can a rod show through a scar? i think i can see mine", EXPOSED_HARDWARE),
    # Red flags: nothing comes when trying to go, a dragging foot in Spanish, a symptom asked "is this bad?".
    ("I need to go but nothing comes out, since last night after my fusion", NEURO_RED_FLAG),
    ("la pierna se arrastra desde ayer", NEURO_RED_FLAG),
    ("numb between my legs and legs weak, is this bad?", NEURO_RED_FLAG),
    # Not reports: warm to the touch, a person called Rod, a past "used to be able to see" that was
    # removed, other people's screws, "mine are fine", before it breaks, a leaflet, pins for a broken
    # arm, braces, how it happens, a treatment already given, cases of it, a wound left open on
    # purpose, a friend's screw felt through the skin, a normal person.
    ("my dad's scar is red over the screw and hot to touch, no opening", None),
    ("Rod came out for a coffee with me today", None),
    ("I used to be able to see a bit of the plate in my scar but it was removed and has healed", None),
    ("why do some people's rods poke through the skin?", None),
    ("does a screw poking through the skin hurt? just curious, mine are fine", None),
    ("would I feel it before it breaks the skin?", None),
    ("I'm writing a leaflet for the ward: how should we describe exposed hardware?", None),
    ("my grandson broke his arm and the pins are sticking out of his skin, is that normal?", None),
    ("se me salió un alambre de los brackets", None),
    ("does it happen slowly or all at once, the screw coming through?", None),
    ("how does a plate that has been fine for years suddenly wear through?", None),
    ("my uncle's rod came through, they washed it out and put him on antibiotics, is that usual?", None),
    ("have there been cases of screws coming through the skin?", None),
    ("after hardware has been exposed, how long are antibiotics needed?", None),
    ("is the wound left open after the hardware is removed?", None),
    ("my friend says he can touch his rod, I cannot feel mine", None),
    ("on a normal person can you see the rods at all", None),
    ("something popped in my back and now there's a new pain", None),
    # ...and the same cues do not hide a report of now.
    ("she broke her wrist and now the screw in her back is sticking out", EXPOSED_HARDWARE),
    ("my screw is poking out, does it happen slowly?", EXPOSED_HARDWARE),
    ("my husband says he can see his screw, mine are fine", EXPOSED_HARDWARE),
    ("there's a hole and I can touch the screw, it's sore to touch", EXPOSED_HARDWARE),
    ("I used to see the tip of a screw in my wound, they removed it, and now another one is showing", EXPOSED_HARDWARE),
    ("something popped out of my back", UNCLEAR_EXPOSURE),
]


FIFTEENTH_ROUND = [
    # A weeping spot or a cut that has come apart is an opening; a metal-like thing in it is the metal.
    ("the weeping spot at the bottom of my incision has a silver edge in it now", EXPOSED_HARDWARE),
    ("a little oozing spot on his scar and there's a grey metal corner in it", EXPOSED_HARDWARE),
    ("the top of my neck wound has come apart and there's a metal edge in it", EXPOSED_HARDWARE),
    ("my incision has come undone at one end and there's something grey in there", EXPOSED_HARDWARE),
    ("there's a weeping spot on my scar over the screws", UNCLEAR_EXPOSURE),
    # Lay names for the implant: the thingy, the back bits.
    ("the thingy in his back is sticking out of the skin", EXPOSED_HARDWARE),
    ("her back bits are poking through, you can see one", EXPOSED_HARDWARE),
    # A shirt lifted or changed to look, an animal story left behind with "anyway", a Spanish
    # "desde hace" that runs up to now, watching as a verb: none of them hides a report.
    ("I lifted her shirt to wash her and there's a screw poking through a scab on her back", EXPOSED_HARDWARE),
    ("took his shirt off and there's metal sticking out of the sore on his back", EXPOSED_HARDWARE),
    (
        "the cat was at the vet all week, anyway last night my wife saw a screw sticking out of the sore on the scar",
        EXPOSED_HARDWARE,
    ),
    ("se le ve el tornillo desde hace dos días, justo donde la operaron", EXPOSED_HARDWARE),
    ("a mi papá se le ve la placa en la herida desde hace una semana", EXPOSED_HARDWARE),
    ("my screw is exposed, what should I watch out for?", EXPOSED_HARDWARE),
    ("does it count as an emergency if my rod is showing through the skin?", EXPOSED_HARDWARE),
    ("my grandad's rod is poking through his skin today", EXPOSED_HARDWARE),
    ("I can see the screw, there's none of the skin left over it", EXPOSED_HARDWARE),
    ("a pin is poking out of my back", EXPOSED_HARDWARE),
    # Red flags: legs that went or would not hold, a formal "loss of sensation", trouble passing
    # urine, not feeling oneself pass it, Spanish legs that do not hold, soiling oneself.
    ("her legs just went from under her in the kitchen", NEURO_RED_FLAG),
    ("my legs wouldn't hold me this morning", NEURO_RED_FLAG),
    ("there's a loss of feeling in my bottom and inner thighs", NEURO_RED_FLAG),
    ("having difficulty passing urine since yesterday", NEURO_RED_FLAG),
    ("I couldn't feel myself weeing earlier", NEURO_RED_FLAG),
    ("las piernas no le sostienen desde anoche", NEURO_RED_FLAG),
    ("no me aguantan las piernas, me caigo", NEURO_RED_FLAG),
    ("I keep pooing myself since the op", NEURO_RED_FLAG),
    # Not reports: a weepy spot with no metal, the thingy asked about, a shirt's own metal, an
    # animal's screw, an old repaired exposure, pain not felt, a PIN, a term asked about, a time that
    # may come, the signs to look for, a nurse's past work, a grandparent long ago, metal looked for
    # and not found.
    ("I've got a weepy spot on my scar, no metal, just a bit of clear fluid", None),
    ("does the thingy in my back set off airport scanners?", None),
    ("the metal button on my shirt is poking out", None),
    ("our dog had surgery on his back and now a screw is sticking out of the skin", None),
    ("se le vio un tornillo hace años, lo operaron y sanó", None),
    ("I couldn't feel any pain when I peed", None),
    ("what's the PIN code for the clinic app?", None),
    ("I reset my pin and still can't see my results", None),
    ("the screws show up on my scan, is that what they call exposed hardware?", None),
    ("what counts as exposed metal?", None),
    ("in case this ever happens, if a screw comes through, do I ring 999?", None),
    ("for future reference, if the rod is showing should I go to A&E?", None),
    ("What does hardware exposure look like? I want to know what to watch for", None),
    ("I used to nurse patients with screws poking out, now I've had my own fusion", None),
    ("my granddad had a rod come through his skin in the 70s", None),
    ("I thought I might see a screw but I looked and there's none, just a red patch", None),
]


SIXTEENTH_ROUND = [
    # What is under a scab or a plaster that came off, "the bit" said to come through, a "hard bit":
    # the implant.
    ("peeled the plaster off and underneath it theres a silver thing", EXPOSED_HARDWARE),
    ("there's a hard bit sticking out of my scar", EXPOSED_HARDWARE),
    ("the bits are poking through on her back", EXPOSED_HARDWARE),
    ("the bit has come through on his scar", EXPOSED_HARDWARE),
    # A warning that it might happen one day, then "now they have": a report.
    ("the nurse warned me the screws may come through at some point, and they have now", EXPOSED_HARDWARE),
    ("my surgeon said the screws could work their way out one day, well now they have", EXPOSED_HARDWARE),
    # The hardware named in one sentence, seen now in the next.
    ("remember the rod they put in my back? now you can see it", EXPOSED_HARDWARE),
    ("the screw in my neck. i can see it now", EXPOSED_HARDWARE),
    # Spanish: something that shines in an opening, a little wound ("heridita"), staff who say it.
    ("tengo un agujerito en la cicatriz y adentro brilla algo", EXPOSED_HARDWARE),
    ("se me abrió la cicatriz y en el fondo brilla algo", EXPOSED_HARDWARE),
    ("mi esposa dice que me ve la barra por una heridita en la espalda", EXPOSED_HARDWARE),
    ("dicen que a mi abuela se le ve el metal de la espalda", EXPOSED_HARDWARE),
    ("they say the rod from his back operation is poking out", EXPOSED_HARDWARE),
    ("my uncle is in a care home and they say his screw is sticking out of his back", EXPOSED_HARDWARE),
    # ...and the new cues do not hide a report.
    ("that makes sense, i can see the rod in my back", EXPOSED_HARDWARE),
    (
        "I can see the outline of something under the scar and now there's a little hole with metal in it",
        EXPOSED_HARDWARE,
    ),
    ("se ve el tornillo, ya no está debajo de la piel", EXPOSED_HARDWARE),
    # Red flags: urine dribbled or leaked, spreading pins and needles in the calves or shins, not
    # knowing one needed to go, walking only by holding the walls or the furniture.
    ("I've leaked urine a few times since yesterday", NEURO_RED_FLAG),
    ("I've dribbled urine twice today without meaning to", NEURO_RED_FLAG),
    ("pins and needles in both calves and it's spreading up", NEURO_RED_FLAG),
    ("wet the chair, no idea I needed to go", NEURO_RED_FLAG),
    ("had no idea I needed the toilet until I'd already gone", NEURO_RED_FLAG),
    ("my mum can't get to the kitchen without holding onto the walls since Sunday", NEURO_RED_FLAG),
    ("she can't get to the toilet without hanging on to the furniture", NEURO_RED_FLAG),
    ("voy al baño agarrándome a las paredes desde ayer", NEURO_RED_FLAG),
    # Not reports: how to word it in a record, compensation, a household pin or nail, hardware seen or
    # felt under skin the message says is closed, seeing as understanding, hearsay in general.
    ("as a nurse, how do I document exposed hardware on a wound chart?", None),
    ("how do I chart exposed hardware in a patient's notes?", None),
    ("Is hardware exposure grounds for a compensation claim?", None),
    ("Is rod exposure something you can sue the hospital for?", None),
    ("I trod on a rusty nail at the allotment and it's out now", None),
    ("a safety pin is poking out of the baby's nappy", None),
    ("I can see the outline of the plate under my skin, but the skin is closed", None),
    ("you can see the shape of my rods now I've lost weight, nothing has broken through", None),
    ("I can see the end of the rod under my skin, nothing's come through", None),
    ("the skin is closed over it but I can see the shape of the screw", None),
    ("se nota el tornillo bajo la piel pero no ha salido", None),
    ("thanks for explaining how the cage works, i can see it now", None),
    ("I didn't make it to the toilet in time, the queue was huge", None),
    ("the scab came off and underneath it is just pink skin", None),
    ("they say screws come out of the skin with age", None),
]

SEVENTEENTH_ROUND = [
    # Peeping, peeking and piercing; the passive "can be seen" in a sore; metal said for sure with an
    # article; the screw touched through a hole.
    ("a bit of the hardware peeps through my scar now", EXPOSED_HARDWARE),
    ("the screw peeks out when I bend over", EXPOSED_HARDWARE),
    ("there's a sharp grey point piercing the skin over my lower back", EXPOSED_HARDWARE),
    ("something metallic can be seen at the bottom of the sore on her back", EXPOSED_HARDWARE),
    ("my son had a look and there's definitely a bit of metal in the tiny hole on my scar", EXPOSED_HARDWARE),
    ("there's a metal end in the small crater at the top of my wound", EXPOSED_HARDWARE),
    ("there's a hole in my scar where the screw can be touched", EXPOSED_HARDWARE),
    # Spanish diminutives and regional words (clavito, varillita, bulón, llaguita, escara,
    # lastimadura), "se aprecia", "se distingue", "se alcanza a ver", touching it with a finger, the
    # implant called a "prótesis", and metal at the bottom in mixed Spanish and English.
    ("le salió una llaguita a mi abuela cerca de la cicatriz y se le ve un clavito", EXPOSED_HARDWARE),
    ("se alcanza a ver la varillita en el fondo de la herida", EXPOSED_HARDWARE),
    ("se le ve un bulón en la lastimadura de la espalda", EXPOSED_HARDWARE),
    ("tengo una escara en la espalda y en el fondo se ve el metal", EXPOSED_HARDWARE),
    ("se aprecian los tornillos en la herida de mi madre", EXPOSED_HARDWARE),
    ("mi mamá tiene una úlcera en la espalda y se le distingue la placa", EXPOSED_HARDWARE),
    ("a mi marido se le está saliendo la prótesis por la herida", EXPOSED_HARDWARE),
    ("puedo tocar la placa con el dedo por un agujerito de la cicatriz", EXPOSED_HARDWARE),
    ("the herida won't close and there's metal at the bottom", EXPOSED_HARDWARE),
    ("la scar no cierra y al fondo hay un tornillo", EXPOSED_HARDWARE),
    # Voice dictation: punctuation said aloud ends a clause, so a "no" before it negates nothing after.
    ("te escribo por voz coma no me puedo agachar bien coma se me ve el tornillo en la herida punto", EXPOSED_HARDWARE),
    ("I cannot twist round comma my wife says there is a rod sticking out of the scar full stop", EXPOSED_HARDWARE),
    # ...and the new cues do not hide a report: a check that found it, metal out that catches on
    # furniture, a long-healed wound that has opened today.
    ("I was checking for redness and found a screw poking out of my scar", EXPOSED_HARDWARE),
    ("the screw sticking out of my back caught on the door frame", EXPOSED_HARDWARE),
    ("my wound has been healed for years but today I can see the rod through a hole", EXPOSED_HARDWARE),
    # Red flags: feeling "no longer" there, strength lost day by day.
    ("I can no longer feel the toilet paper when I wipe", NEURO_RED_FLAG),
    ("since Friday I can no longer feel when I need to pee", NEURO_RED_FLAG),
    ("my legs are getting weaker by the day", NEURO_RED_FLAG),
    ("voy perdiendo fuerza en las piernas desde el lunes", NEURO_RED_FLAG),
    ("cada día me cuesta más mover las piernas", NEURO_RED_FLAG),
    # Not reports: a screw or nail in furniture or a floor, a wound healed since, how a professional
    # should explain it, routine checks, someone called Rod out of theatre, pins in a limb, a long
    # story healed for years, a wound that looks fine, thanks, a definition, "en el fondo" as "really".
    ("a nail is poking out of the floorboard in the bathroom, I have rods in my back", None),
    ("there's a screw poking out of the bed frame, it keeps catching my leg since my fusion", None),
    ("The hole where the rod was showing has fully healed since my washout", None),
    ("As a physio, how do I explain to patients what exposed metalwork looks like?", None),
    ("My dad has rods in his spine, should we be checking his back for screws coming out?", None),
    ("Rod came out of theatre an hour ago, when can he eat?", None),
    ("My husband Rod is out of surgery, when can I see him?", None),
    ("The k-wires in my finger are sticking out, the hand clinic said that's normal", None),
    ("the pins in my granddaughter's hand are poking out, is that normal?", None),
    (
        "Years ago a rod poked through my skin. It was removed in 2016 and has been fine ever since. Is swimming ok?",
        None,
    ),
    ("la herida se ve bien, el tornillo no se nota", None),
    ("gracias, se aprecia la ayuda, el tornillo me sigue doliendo", None),
    ("Exposed hardware is when metal can be seen through the skin", None),
    ("en el fondo hay un problema con mis tornillos, me duelen", None),
]

EIGHTEENTH_ROUND = [
    # A question with the fact after it: "...? Because that's what I've got", "it's happening right now",
    # "es lo que me está pasando"; and a Spanish "si" whose clause is in the present ("si puedo ver").
    (
        "Would it be an emergency if a rod was showing through my scar? Because that's what I've got right now.",
        EXPOSED_HARDWARE,
    ),
    (
        "Is it dangerous if a screw can be seen in a wound? Asking for myself, it's happening right now.",
        EXPOSED_HARDWARE,
    ),
    ("Can a plate show through a neck wound and still be fine? Because that is what I have got.", EXPOSED_HARDWARE),
    ("¿Es peligroso si se ve un tornillo en la herida? Es lo que me está pasando.", EXPOSED_HARDWARE),
    ("¿Es urgente si puedo ver la placa por un agujerito de la cicatriz?", EXPOSED_HARDWARE),
    # A clinician who saw it on a live video call, relayed: the call is no video clip.
    ("The nurse practitioner looked at my back over video and said a rod is exposed. What now?", EXPOSED_HARDWARE),
    ("the PA saw me on video this morning and told me the plate is exposed", EXPOSED_HARDWARE),
    # A clinician's Spanish: dehiscencia, se objetiva, se visualiza, se evidencia.
    ("Soy enfermera, el paciente presenta dehiscencia de la cicatriz y se objetivan los tornillos.", EXPOSED_HARDWARE),
    ("Se visualiza la placa en el fondo de la herida del cuello.", EXPOSED_HARDWARE),
    ("Paciente con herida dehiscente en la zona lumbar, se evidencia el material de osteosíntesis.", EXPOSED_HARDWARE),
    # Spanish carers: what came out, then the wound as it is now; cage, rod and fittings words
    # (jaula, barrita, herraje) and their diminutives.
    ("Mi vecina dice que a su marido le salió un clavo por la espalda y la herida está abierta.", EXPOSED_HARDWARE),
    ("Mi prima me cuenta que le salió la varilla por la cicatriz, está sangrando.", EXPOSED_HARDWARE),
    ("a mi mamá se le ve la jaulita por una herida en el cuello", EXPOSED_HARDWARE),
    ("A mi padre se le ven las barritas por una llaga en la espalda", EXPOSED_HARDWARE),
    ("mi abuelo tiene una llaga en la espalda y se le ven los herrajes", EXPOSED_HARDWARE),
    # In an open wound, at the bottom or deep in a wound, a coin- or button-like thing, a small tear.
    ("hay un alambre en la herida abierta de mi papá", EXPOSED_HARDWARE),
    ("there is a wire in my open wound", EXPOSED_HARDWARE),
    ("it looks like a small washer deep in the wound", EXPOSED_HARDWARE),
    ("there's something like a little button at the bottom of my cut", EXPOSED_HARDWARE),
    ("the skin over my rod got thin and now there's a tiny tear in it, something shiny underneath", EXPOSED_HARDWARE),
    ("my spine is showing through. not the bone, it's the metal bits", EXPOSED_HARDWARE),
    # What the metal that is out catches on or presses into, named after it, is no object's screw.
    ("the rod is poking out and it rubs against my brace", EXPOSED_HARDWARE),
    ("la varilla se sale y se engancha en la faja", EXPOSED_HARDWARE),
    ("the screw sticking out of my back digs into the mattress at night", EXPOSED_HARDWARE),
    # A dream that has since come true, and a figurative nightmare, stay reports.
    ("I dreamt it would come out, and now it has: the screw is poking through my scar", EXPOSED_HARDWARE),
    ("it's been a nightmare week, the screw is poking out of my back", EXPOSED_HARDWARE),
    # Red flags: "not to be able to" in a question that asks about oneself, bursting with nothing
    # coming, Spanish "orines", "sus partes", "le cuesta orinar", legs that "se aflojaron", "fallaron".
    ("is it normal not to be able to wee since my op? I'm bursting and nothing comes out", NEURO_RED_FLAG),
    ("is it normal to not feel anything down there when I wipe since yesterday?", NEURO_RED_FLAG),
    ("se le salen los orines a mi padre sin darse cuenta", NEURO_RED_FLAG),
    ("no siente sus partes y le cuesta orinar desde anoche", NEURO_RED_FLAG),
    ("a mi madre se le aflojaron las piernas y se cayó", NEURO_RED_FLAG),
    ("las piernas me fallaron de golpe esta mañana", NEURO_RED_FLAG),
    # Not reports: a dream or a nightmare, household and hospital furniture, a past exposure on a
    # history form, a leaflet being written, hardware felt under skin said not to be open, weakness
    # from before the operation that is improving, a coin in a bag, a tear on a cheek.
    ("I had a dream my rod was sticking out of my back, is that normal?", None),
    ("In my nightmare the screws were poking through my skin lol", None),
    ("soñé que se me salía la varilla por la cicatriz, me desperté llorando", None),
    ("metal is showing on the grab rail in my bathroom", None),
    ("a screw has come out of the headboard, I have rods in my back", None),
    ("se salió un tornillo de la barandilla de la cama", None),
    ("el herraje del armario está suelto y un tornillo se sale", None),
    ("a screw sticking out of the bed rail catches on my pyjamas", None),
    ("For my intake form: in 2018 a screw came through my scar and it was removed. Nothing since.", None),
    ("Updating my medical history: had exposed hardware in 2017, treated with a flap, all healed.", None),
    ("I'm writing an information leaflet about exposed hardware for our clinic, what should it say?", None),
    ("I can feel the rod under the skin when I press, but it's not open", None),
    ("noto la placa debajo de la piel pero la herida no está abierta", None),
    ("mi pierna débil de antes de la cirugía está mejorando", None),
    ("la debilidad que tenía en la pierna antes de la operación ya ha mejorado", None),
    ("I found a coin at the bottom of my bag, my scar is healing nicely", None),
    ("a tear rolled down my face when I looked at my scar, the screws are fine", None),
    ("is it super rare for rods to come out? asking for me", None),
]

NINETEENTH_ROUND = [
    # A wound that will not close or heal is open, not denied; one of several named before is the subject.
    (
        "I've got a wound that won't close over my rods and as of today one of them is actually visible in it",
        EXPOSED_HARDWARE,
    ),
    ("the wound over my screws never healed and now one of them is showing in it", EXPOSED_HARDWARE),
    ("my wound won't heal, no metal visible though", None),
    # "Could it be normal to..." is "is it normal": a report, unless it asks how things go.
    (
        "Could it be normal to feel a cold smooth metal surface directly under my finger "
        "in the open part of my incision?",
        EXPOSED_HARDWARE,
    ),
    ("Could it be normal that I can see a screw in my wound?", EXPOSED_HARDWARE),
    ("Could it be normal for screws to come through the skin years later?", None),
    # Felt or seen through a gap in the skin or the wound (an opening, not closed skin).
    ("I can feel the end of the rod through a gap in my skin, it's a bit crusty around it", EXPOSED_HARDWARE),
    ("I can feel the screw head through a gap in the wound", EXPOSED_HARDWARE),
    ("there's a gap between the screws on my x-ray", None),
    ("I can feel the rods under my skin, there's no gap anywhere", None),
    # A call for attention at the end ("u there?") makes no question of a report.
    ("screws visible thru opening in surgical wound, u there?", EXPOSED_HARDWARE),
    ("screw showing in my scar, anyone there?", EXPOSED_HARDWARE),
    ("Is it possible for a screw to poke through the skin? anyone there?", None),
    # "Am I imagining it or...?" doubts the eyes, not the event; imagining what may come stays a hypothesis.
    (
        "Am I imagining it or is the screw head visible through the sore on my back? My wife agrees it's there.",
        EXPOSED_HARDWARE,
    ),
    ("Am I imagining things or is that a rod poking out of my scar?", EXPOSED_HARDWARE),
    ("I keep imagining the screw poking out of my back", None),
    ("am i imagining it or could the screw come out one day?", None),
    # What a scab that fell off left to see, the scab named before.
    (
        "ive had a crusty scab on my back for months and today it fell off and theres a gray screw top underneath",
        EXPOSED_HARDWARE,
    ),
    ("the scab on my scar came off this morning and there's a shiny metal bit underneath", EXPOSED_HARDWARE),
    ("my dressing fell off and there's a red mark over the screw", None),
    ("the scab fell off and there is just pink skin underneath", None),
    # A child's word for the implant: a "robot bit" in the back (a toy robot's screw is a toy's).
    (
        "my mum said to type this. theres a robot bit coming out of my back where the doctor fixed it. im 11",
        EXPOSED_HARDWARE,
    ),
    ("there's a robot part sticking out of my back, i'm 9", EXPOSED_HARDWARE),
    ("my son's robot toy has a screw coming out", None),
    # "hw": hardware before or after a word that says how it is, "how" elsewhere.
    ("wound check: hw visible through 5mm defect lower pole, pls advise", EXPOSED_HARDWARE),
    ("exposed hw lower lumbar wound, pls review", EXPOSED_HARDWARE),
    ("hw do i know if the screws are coming through?", None),
    ("hw long until the wound heals?", None),
    # Spanish progressive of seeing, inside "qué hago si" too; a fear of what may come stays one.
    ("¿Qué hago si ya se me está viendo el material de la columna por la piel?", EXPOSED_HARDWARE),
    ("se le está viendo la placa por la herida a mi padre", EXPOSED_HARDWARE),
    ("¿Qué hago si algún día se me sale el tornillo?", None),
    ("me da miedo que se me vea el tornillo algún día", None),
    # The noun phrase "loss of bladder control"; asked about in general, it is a question.
    ("sudden loss of bladder control 2 days after my spinal fusion", NEURO_RED_FLAG),
    ("sudden loss of bowel control since yesterday after my back op", NEURO_RED_FLAG),
    ("Can spinal surgery cause loss of bladder control?", None),
    ("How common is loss of bladder control after a fusion?", None),
    # Spain's colloquial saddle words ("acorchada", "el culo"); pain there, or nothing odd noticed, is none.
    ("Noto acorchada la zona de los genitales y el culo, me operaron de la espalda hace diez días", NEURO_RED_FLAG),
    ("me noto acorchada la entrepierna desde la operación", NEURO_RED_FLAG),
    ("tengo el culo dormido desde ayer, me operaron la semana pasada", NEURO_RED_FLAG),
    ("me duele el culo de estar sentado tanto rato", None),
    ("no noto nada raro en el culo, todo bien", None),
    # Metal in another part of the body, named just after the hardware word; a surface word that names
    # a surgery ("from my back op"). The spinal report beside either still counts.
    (
        "I have a metal plate in my head from a car crash years ago, different from my back op. "
        "Does the spine team need to know?",
        None,
    ),
    ("I have a titanium plate in my jaw, does that matter for my spinal MRI?", None),
    ("the screws from my back surgery are fine", None),
    ("I have screws in my neck from my neck fusion, can I fly?", None),
    ("I have a plate in my arm and the screw in my back is poking out", EXPOSED_HARDWARE),
    ("the screw is sticking out of my back surgery scar", EXPOSED_HARDWARE),
    # Seen on a screen during a procedure, or by the imaging staff: not a phone's screen, nor a wound.
    ("I could see the metal of my rods on the screen during my injection, was that okay?", None),
    ("I could see my screws on the monitor during the nerve block, is that normal?", None),
    ("on my phone screen I can see the screw in the wound", EXPOSED_HARDWARE),
    ("I took a photo, on the screen you can see the screw poking out of my back", EXPOSED_HARDWARE),
    (
        'The X-ray tech said "oh, I can see your hardware" and I panicked - does that mean it\'s coming out?',
        None,
    ),
    ("the radiographer said she could see all my screws clearly", None),
    ("the radiographer said she could see metal in the wound on my back", EXPOSED_HARDWARE),
    # The meaning of the term, asked just after it; a photo of it asked for; an essay on it.
    ("what does exposed hardware mean on my discharge papers under 'complications to watch for'?", None),
    ("What does visible hardware mean on my letter?", None),
    ("what does exposed hardware mean? my screw is poking out of the scar", EXPOSED_HARDWARE),
    ("my hardware is exposed which means I need surgery?", EXPOSED_HARDWARE),
    ("Is there a photo of what exposed spinal hardware looks like so I know what to check for?", None),
    ("Is there a picture of what exposed hardware looks like?", None),
    ("Is there a photo of what exposed hardware looks like? Mine is exposed right now", EXPOSED_HARDWARE),
    (
        "I'm writing an essay on spinal implant complications for school, "
        "can you explain hardware erosion through skin?",
        None,
    ),
    ("I'm writing a dissertation on hardware coming through skin after fusion", None),
    ("I'm writing an essay but the screw is poking out of my back right now", EXPOSED_HARDWARE),
    # A 3D print or model of the spine is a model; a video watched before the writer's own report now is not.
    (
        "The 3D print of my spine they showed me had the screws sticking out of it, is that how it is in my body?",
        None,
    ),
    ("the 3d model of my spine showed screws sticking out, is that normal?", None),
    ("I watched a video and now my screw is poking out of my back", EXPOSED_HARDWARE),
    # A likelihood asked about, "all is well" at present; not "all is well except..." nor a report of now.
    (
        "I should be most obliged if you could tell me whether, at my age of 86, there is any likelihood of my "
        "spinal rods emerging through the skin. At present all is well.",
        None,
    ),
    ("is there any likelihood of the rods coming through the skin as I age?", None),
    ("all is well except the screw poking out of my scar since today", EXPOSED_HARDWARE),
    ("At present all is well, but this morning I saw metal in my scar", EXPOSED_HARDWARE),
    # A screw out of place is a position, not out of the body; a wound that looks better is how it looks.
    ("I have 6 screws and my surgeon said one of them is out of place", None),
    ("the screw is out of place and poking through my skin", EXPOSED_HARDWARE),
    ("la herida de los tornillos se está viendo mejor", None),
    ("la herida de la placa se ve mejor que ayer", None),
    # Fever with chills stays a wound emergency (the triage ladder's sepsis signs).
    ("I've got a fever and chills and the incision is throbbing", WOUND_EMERGENCY),
]

# Each tuning round's generalisations: one row a behaviour, grouped by the round that added it.
ROUNDS = {
    "sixth": SIXTH_ROUND,
    "seventh": SEVENTH_ROUND,
    "eighth": EIGHTH_ROUND,
    "ninth": NINTH_ROUND,
    "tenth": TENTH_ROUND,
    "eleventh": ELEVENTH_ROUND,
    "twelfth": TWELFTH_ROUND,
    "fourteenth": FOURTEENTH_ROUND,
    "fifteenth": FIFTEENTH_ROUND,
    "sixteenth": SIXTEENTH_ROUND,
    "seventeenth": SEVENTEENTH_ROUND,
    "eighteenth": EIGHTEENTH_ROUND,
    "nineteenth": NINETEENTH_ROUND,
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(text, expected, id=f"{name}-{i}")
        for name, rows in ROUNDS.items()
        for i, (text, expected) in enumerate(rows)
    ],
)
def test_rules_that_generalise_from_the_tuning_rounds(
    detector: SafetyDetector, nlp: Language, text: str, expected
) -> None:
    verdict = detector.analyse(nlp.make_doc(text))
    assert verdict.category == expected, verdict.as_dict()
