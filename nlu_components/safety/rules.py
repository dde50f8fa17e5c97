"""Load and validate the safety rules file (`rules.yml`).

The file is data a clinician can read; this module turns it into word-tuple
phrases normalised exactly as messages are, so a rule written as "can't see"
matches a message typed "cant see" or "can not see".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, Sequence, Tuple

import yaml

from nlu_components.safety.normalise import ContextSpelling

Phrase = Tuple[str, ...]
Tokenise = Callable[[str], List[str]]

DEFAULT_RULES_PATH = Path(__file__).with_name("rules.yml")


class SafetyRulesError(ValueError):
    """The safety rules file is missing, unreadable or malformed."""


@dataclass(frozen=True)
class FlagRules:
    """Phrases for one red flag (saddle numbness; pus with a fever): a body word and a change
    word close together, or a standalone phrase."""

    name: str
    body: FrozenSet[Phrase]
    change: FrozenSet[Phrase]
    standalone: FrozenSet[Phrase]


@dataclass(frozen=True)
class SafetyRules:
    """Every phrase list of the rules file, normalised to word tuples."""

    window: int
    hardware: FrozenSet[Phrase]
    object_descriptions: FrozenSet[Phrase]
    strong_exposure: FrozenSet[Phrase]
    visible_exposure: FrozenSet[Phrase]
    intact_skin: FrozenSet[Phrase]
    intact_skin_window: int
    closed_skin: FrozenSet[Phrase]
    closed_skin_window: int
    intact_skin_negation_window: int
    finding_before_window: int
    surface_preposition_gap: int
    surface_breakdown_gap: int
    skin_findings: FrozenSet[Phrase]
    finding_locations: FrozenSet[Phrase]
    surface_prepositions: FrozenSet[Phrase]
    surfaces: FrozenSet[Phrase]
    breakdown_words: FrozenSet[Phrase]
    near_hardware_window: int
    near_hardware_targets: FrozenSet[str]
    near_hardware_not: FrozenSet[str]
    pronoun_exposure_window: int
    pronoun_exposure_subjects: FrozenSet[Phrase]
    pronoun_exposure_phrases: FrozenSet[Phrase]
    pronoun_exposure_not_followed_by: FrozenSet[str]
    pronoun_exposure_named_phrases: FrozenSet[Phrase]
    general_cues: FrozenSet[Phrase]
    uncertain_answers: FrozenSet[Phrase]
    filler_words: FrozenSet[str]
    question_starts: FrozenSet[str]
    question_present_window: int
    question_definite_window: int
    question_adjective_gap: int
    question_elided_subject_verbs: FrozenSet[Phrase]
    question_statement_tags: FrozenSet[Phrase]
    question_report_cues: FrozenSet[Phrase]
    question_answered_no: FrozenSet[str]
    definite_words: FrozenSet[str]
    generic_auxiliaries: FrozenSet[str]
    personal_words: FrozenSet[str]
    addressing_phrases: FrozenSet[Phrase]
    wound_opening: FrozenSet[Phrase]
    unclear_objects: FrozenSet[Phrase]
    metal_descriptors: FrozenSet[Phrase]
    metal_descriptor_negation_window: int
    metal_descriptor_window: int
    wound_opening_window: int
    skin_words: FrozenSet[str]
    clause_breaks: FrozenSet[Phrase]
    hedges: FrozenSet[Phrase]
    negation_cues: FrozenSet[Phrase]
    present_markers: FrozenSet[Phrase]
    current_cues: FrozenSet[Phrase]
    reassertions: FrozenSet[Phrase]
    reassert_after: FrozenSet[str]
    reassertion_not_followed_by: FrozenSet[str]
    recurrences: FrozenSet[Phrase]
    recurrence_pseudo: FrozenSet[Phrase]
    recurrence_after: FrozenSet[str]
    recurrence_negation_window: int
    neuro_denials: FrozenSet[Phrase]
    neuro_window: int
    neuro_flags: Tuple[FlagRules, ...]
    # Wound emergencies (the ladder's "emergency now" wound findings): body and change words
    # anywhere in the message within `wound_window` words.
    wound_window: int
    wound_flags: Tuple[FlagRules, ...]
    funnel_body_context: FrozenSet[Phrase]
    floor_window: int
    floor_things: FrozenSet[Phrase]
    floor_objects: FrozenSet[Phrase]
    floor_openings: FrozenSet[Phrase]
    warning_window: int
    warning_findings: FrozenSet[Phrase]
    warning_context: FrozenSet[Phrase]
    reply_language_min_markers: int
    reply_language_markers: Mapping[str, FrozenSet[str]]


def read_rules_file(path: Path = DEFAULT_RULES_PATH) -> Dict[str, Any]:
    """Read the raw rules mapping, failing with the file's name."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SafetyRulesError(f"{path}: cannot read safety rules: {error}") from error
    if not isinstance(raw, dict):
        raise SafetyRulesError(f"{path}: expected a mapping at the top level")
    return raw


def compile_rules(raw: Mapping[str, Any], tokenise: Tokenise, source: str = "rules.yml") -> SafetyRules:
    """Turn the raw rules mapping into normalised phrases.

    Args:
        raw: the parsed rules file.
        tokenise: splits and normalises text exactly as messages are (see
            `normalise.Normaliser.words`), so rules and messages line up.
        source: the file name used in error messages.
    """

    def get(path: str) -> Any:
        node: Any = raw
        for key in path.split("."):
            if not isinstance(node, Mapping) or key not in node:
                raise SafetyRulesError(f"{source}: missing key '{path}'")
            node = node[key]
        return node

    def phrases(path: str) -> FrozenSet[Phrase]:
        values = get(path)
        if not isinstance(values, list) or not values:
            raise SafetyRulesError(f"{source}: '{path}' must be a non-empty list")
        compiled = set()
        for value in values:
            if not isinstance(value, str):
                # YAML reads a bare no/yes/on/off as a boolean: quote such words.
                raise SafetyRulesError(f"{source}: '{path}' entry {value!r} is not text; quote it")
            words = tuple(tokenise(value))
            if not words:
                raise SafetyRulesError(f"{source}: '{path}' has an empty entry {value!r}")
            compiled.add(words)
        return frozenset(compiled)

    def words(path: str) -> FrozenSet[str]:
        return frozenset(word for phrase in phrases(path) for word in phrase)

    def names(path: str) -> FrozenSet[str]:
        """Names of context reasons, as written (not normalised like phrases)."""
        values = get(path)
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            raise SafetyRulesError(f"{source}: '{path}' must be a non-empty list of names")
        return frozenset(values)

    def number(path: str) -> int:
        value = get(path)
        if not isinstance(value, int) or value < 1:
            raise SafetyRulesError(f"{source}: '{path}' must be a positive integer")
        return value

    def flags(section: str) -> List[FlagRules]:
        raw_flags = get(section)
        if not isinstance(raw_flags, Mapping):
            raise SafetyRulesError(f"{source}: '{section}' must be a mapping of flags")
        return [
            FlagRules(
                name=name,
                body=phrases(f"{section}.{name}.body"),
                change=phrases(f"{section}.{name}.change"),
                standalone=phrases(f"{section}.{name}.standalone"),
            )
            for name in sorted(key for key in raw_flags if key != "window")
        ]

    neuro_flags = flags("neurological_red_flags")
    wound_flags = flags("wound_emergencies")

    markers_raw = get("reply_languages.markers")
    if not isinstance(markers_raw, Mapping) or not all(
        isinstance(words, list) and words and all(isinstance(w, str) for w in words) for words in markers_raw.values()
    ):
        raise SafetyRulesError(f"{source}: 'reply_languages.markers' must map language codes to lists of words")

    return SafetyRules(
        window=number("window"),
        hardware=phrases("hardware"),
        object_descriptions=phrases("object_descriptions"),
        strong_exposure=phrases("exposure_phrases.strong"),
        visible_exposure=phrases("exposure_phrases.visible"),
        intact_skin=phrases("intact_skin"),
        intact_skin_window=number("intact_skin_window"),
        closed_skin=phrases("closed_skin"),
        closed_skin_window=number("closed_skin_window"),
        intact_skin_negation_window=number("intact_skin_negation_window"),
        finding_before_window=number("finding_at_hardware.before_window"),
        surface_preposition_gap=number("surface_exposure.preposition_gap"),
        surface_breakdown_gap=number("surface_exposure.breakdown_gap"),
        skin_findings=phrases("finding_at_hardware.findings"),
        finding_locations=phrases("finding_at_hardware.locations"),
        surface_prepositions=phrases("surface_exposure.prepositions"),
        surfaces=phrases("surface_exposure.surfaces"),
        breakdown_words=phrases("surface_exposure.breakdown"),
        near_hardware_window=number("near_hardware.window"),
        near_hardware_targets=names("near_hardware.targets"),
        near_hardware_not=names("near_hardware.not_hardware"),
        pronoun_exposure_window=number("pronoun_exposure.window"),
        pronoun_exposure_subjects=phrases("pronoun_exposure.subjects"),
        pronoun_exposure_phrases=phrases("pronoun_exposure.phrases"),
        pronoun_exposure_not_followed_by=words("pronoun_exposure.not_followed_by"),
        pronoun_exposure_named_phrases=phrases("pronoun_exposure.with_hardware_named"),
        general_cues=phrases("general_cues"),
        uncertain_answers=phrases("uncertain_answers"),
        filler_words=words("filler"),
        question_starts=words("question_starts"),
        question_present_window=number("question_form.present_window"),
        question_definite_window=number("question_form.definite_window"),
        question_adjective_gap=number("question_form.adjective_gap"),
        question_elided_subject_verbs=phrases("question_form.elided_subject_verbs"),
        question_statement_tags=phrases("question_form.statement_tags"),
        question_report_cues=phrases("question_form.report_cues"),
        question_answered_no=words("question_form.answered_no"),
        definite_words=words("definite_words"),
        generic_auxiliaries=words("generic_auxiliaries"),
        personal_words=words("personal_words"),
        addressing_phrases=phrases("addressing_phrases"),
        wound_opening=phrases("wound_opening"),
        unclear_objects=phrases("unclear_objects"),
        metal_descriptors=phrases("metal_descriptors"),
        metal_descriptor_negation_window=number("metal_descriptor_negation_window"),
        metal_descriptor_window=number("metal_descriptor_window"),
        wound_opening_window=number("wound_opening_window"),
        skin_words=frozenset(tokenise("skin wound")),
        clause_breaks=phrases("clause_breaks"),
        hedges=phrases("hedges"),
        negation_cues=phrases("context.shared.negation"),
        present_markers=phrases("context.shared.present_markers"),
        current_cues=phrases("context.shared.current"),
        reassertions=phrases("reassertions"),
        reassert_after=names("reassert_after"),
        reassertion_not_followed_by=words("reassertion_not_followed_by"),
        recurrences=phrases("recurrence.cues"),
        recurrence_pseudo=phrases("recurrence.pseudo"),
        recurrence_after=names("recurrence.after"),
        recurrence_negation_window=number("recurrence.negation_window"),
        neuro_denials=phrases("neurological_red_flags_denied"),
        neuro_window=number("neurological_red_flags.window"),
        neuro_flags=tuple(neuro_flags),
        wound_window=number("wound_emergencies.window"),
        wound_flags=tuple(wound_flags),
        funnel_body_context=phrases("funnel.body_context"),
        floor_window=number("funnel.floor.window"),
        floor_things=phrases("funnel.floor.things"),
        floor_objects=phrases("funnel.floor.objects"),
        floor_openings=phrases("funnel.floor.openings"),
        warning_window=number("funnel.warning.window"),
        warning_findings=phrases("funnel.warning.findings"),
        warning_context=phrases("funnel.warning.context"),
        reply_language_min_markers=number("reply_languages.min_markers"),
        reply_language_markers={
            str(language): frozenset(w.lower() for w in words) for language, words in markers_raw.items()
        },
    )


@dataclass(frozen=True)
class TypoCorrection:
    """Key words caught one typo away, and real words never corrected to them."""

    targets: Tuple[str, ...]
    not_typos: FrozenSet[str]


def typo_correction(raw: Mapping[str, Any], source: str = "rules.yml") -> TypoCorrection:
    """The rules file's `typo_correction` section."""
    section = raw.get("typo_correction")
    if not isinstance(section, Mapping):
        raise SafetyRulesError(f"{source}: missing key 'typo_correction'")
    lists = {}
    for key in ("targets", "not_typos"):
        values = section.get(key)
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            raise SafetyRulesError(f"{source}: 'typo_correction.{key}' must be a list of words")
        lists[key] = [v.strip().lower() for v in values]
    return TypoCorrection(tuple(lists["targets"]), frozenset(lists["not_typos"]))


def spelling_in_context(raw: Mapping[str, Any], source: str = "rules.yml") -> Tuple[ContextSpelling, ...]:
    """The rules file's `spelling_in_context` list (optional): typed words spelt as another word
    only next to certain words ("hw visible" is hardware, "hw do" is how)."""
    entries = raw.get("spelling_in_context") or []
    if not isinstance(entries, list):
        raise SafetyRulesError(f"{source}: 'spelling_in_context' must be a list")
    rules = []
    for position, entry in enumerate(entries):
        where = f"{source}: spelling_in_context[{position}]"
        if (
            not isinstance(entry, Mapping)
            or not isinstance(entry.get("word"), str)
            or not isinstance(entry.get("as"), str)
        ):
            raise SafetyRulesError(f"{where}: needs a `word` and an `as`")
        unknown = set(entry) - {"word", "as", "before", "after"}
        if unknown:
            raise SafetyRulesError(f"{where}: unknown keys {sorted(unknown)}")
        lists = {}
        for key in ("before", "after"):
            values = entry.get(key) or []
            if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
                raise SafetyRulesError(f"{where}: '{key}' must be a list of words")
            lists[key] = frozenset(v.strip().lower() for v in values)
        if not lists["before"] and not lists["after"]:
            raise SafetyRulesError(f"{where}: needs `before` or `after` words")
        rules.append(
            ContextSpelling(entry["word"].strip().lower(), entry["as"].strip().lower(), lists["before"], lists["after"])
        )
    return tuple(rules)


def spelling_map(raw: Mapping[str, Any], source: str = "rules.yml") -> Dict[str, str]:
    """Return {misspelling or lay word: the word the rules use}."""
    spelling = raw.get("spelling")
    if not isinstance(spelling, Mapping):
        raise SafetyRulesError(f"{source}: missing key 'spelling'")
    mapping: Dict[str, str] = {}
    for canonical, variants in spelling.items():
        if not isinstance(variants, Sequence) or isinstance(variants, str):
            raise SafetyRulesError(f"{source}: 'spelling.{canonical}' must be a list")
        for variant in variants:
            mapping[str(variant).lower()] = str(canonical).lower()
    return mapping
