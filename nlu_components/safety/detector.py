"""Find current emergencies in a message: exposed hardware, neurological red flags and
wound emergencies (an opened wound, pus with a fever, red streaks, signs of sepsis).

Rules as data (`rules.yml`) in the shape of medspaCy's ConText, in three steps:
`mentions.py` finds the mentions, `context.py` scopes each one with the
modifiers the rules file declares (negated, hypothetical, historical, someone
else's story, an imaging finding, another kind of screw...), and
`question_form.py` tells a question about hardware in general from a report.
This module turns what is left into a verdict.

    >>> detector.analyse(nlp("no fever, no pain, but the screw is visible")).category
    'exposed_hardware'
    >>> detector.analyse(nlp("can a screw push through the skin?")).category is None
    True
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Tuple

from spacy.tokens import Doc

from nlu_components.safety.context import ContextScoper, Outcome, compile_modifiers
from nlu_components.safety.mentions import MentionFinder
from nlu_components.safety.normalise import BOUNDARY_MARKERS, Normaliser, TokenizerLike
from nlu_components.safety.question_form import GENERAL_QUESTION, QuestionForm
from nlu_components.safety.rules import (
    DEFAULT_RULES_PATH,
    SafetyRules,
    SafetyRulesError,
    compile_rules,
    read_rules_file,
    spelling_in_context,
    spelling_map,
    typo_correction,
)
from nlu_components.safety.text_spans import Category, Message, PhraseIndex

__all__ = ["Category", "Evidence", "SafetyDetector", "SafetyVerdict"]

EXPOSED_HARDWARE = Category.EXPOSED_HARDWARE
NEURO_RED_FLAG = Category.NEURO_RED_FLAG
WOUND_EMERGENCY = Category.WOUND_EMERGENCY
UNCLEAR_EXPOSURE = Category.UNCLEAR_EXPOSURE
FLOOR = Category.FLOOR
WARNING_SIGN = Category.WARNING_SIGN


@dataclass(frozen=True)
class Evidence:
    """Why the detector decided: which rule, which words, and any context cue."""

    category: Category
    rule: str
    text: str
    start_char: int
    end_char: int
    context: Tuple[str, ...] = ()

    def as_dict(self) -> Dict[str, Any]:
        return {
            "category": self.category.value,
            "rule": f"{self.category.value}/{self.rule}",
            "text": self.text,
            "start": self.start_char,
            "end": self.end_char,
            "context": list(self.context),
        }


@dataclass(frozen=True)
class SafetyVerdict:
    """The detector's decision for one message.

    `category` is EXPOSED_HARDWARE, NEURO_RED_FLAG, WOUND_EMERGENCY, UNCLEAR_EXPOSURE or None
    (the first that applies: a wound emergency goes before the "can you see metal?" question);
    `floor` holds the floor mentions no context cue scoped (the funnel's last net).
    """

    category: Category | None
    evidence: Tuple[Evidence, ...] = ()
    suppressed: Tuple[Evidence, ...] = field(default=())
    floor: Tuple[Evidence, ...] = field(default=())
    warning: Tuple[Evidence, ...] = field(default=())
    # The message says something about a body, a wound or a surgery.
    body_context: bool = False
    # The message is nothing but uncertainty ("not sure", "idk"): never a "no".
    uncertain_answer: bool = False
    # The message says the neurological signs are absent or over ("legs and bladder fine").
    neuro_denied: bool = False

    @property
    def floor_object(self) -> bool:
        """A floor mention names a metal-like object, not only the wound or the skin."""
        return any(e.rule == "object_and_opening" for e in self.floor)

    def contradicted(self, *categories: Category) -> bool:
        """Whether a mention of one of `categories` was scoped away (negated, old, ...)."""
        return any(e.category in categories for e in self.suppressed)

    @property
    def is_emergency(self) -> bool:
        return self.category in (EXPOSED_HARDWARE, NEURO_RED_FLAG, WOUND_EMERGENCY)

    def as_dict(self) -> Dict[str, Any]:
        return {
            "category": self.category,
            "evidence": [e.as_dict() for e in self.evidence],
            "suppressed": [e.as_dict() for e in self.suppressed],
            "floor": [e.as_dict() for e in self.floor],
            "warning": [e.as_dict() for e in self.warning],
            "body_context": self.body_context,
            "uncertain_answer": self.uncertain_answer,
            "neuro_denied": self.neuro_denied,
        }


class SafetyDetector:
    """Decides whether a message reports a current emergency.

    Args:
        rules: the compiled rules (see `SafetyDetector.from_file`).
        normaliser: the spelling normaliser built from the same rules file.
        scoper: the ConText modifiers compiled from the same rules file.
    """

    def __init__(self, rules: SafetyRules, normaliser: Normaliser, scoper: ContextScoper) -> None:
        self.rules = rules
        self.normaliser = normaliser
        self.scoper = scoper
        self.mentions = MentionFinder(rules)
        self.question_form = QuestionForm(rules)
        self._clause_breaks = PhraseIndex(rules.clause_breaks)
        self._uncertain = PhraseIndex(rules.uncertain_answers)
        self._negation = PhraseIndex(rules.negation_cues)
        self._reassertions = PhraseIndex(rules.reassertions)
        self._body_context = PhraseIndex(rules.funnel_body_context)
        self._metal_descriptors = PhraseIndex(rules.metal_descriptors)
        self._recurrences = PhraseIndex(rules.recurrences)
        self._recurrence_pseudo = PhraseIndex(rules.recurrence_pseudo)
        self._neuro_denials = PhraseIndex(rules.neuro_denials)

    @classmethod
    def from_file(cls, tokenizer: TokenizerLike, path: Any = DEFAULT_RULES_PATH) -> "SafetyDetector":
        """Build a detector from a rules file, tokenising rules with `tokenizer`."""
        return cls.from_mapping(tokenizer, read_rules_file(path), str(path))

    @classmethod
    def from_mapping(cls, tokenizer: TokenizerLike, raw: Dict[str, Any], source: str) -> "SafetyDetector":
        """Build a detector from a parsed rules file (`source` names it in errors)."""
        typos = typo_correction(raw, source)
        normaliser = Normaliser(
            tokenizer,
            spelling_map(raw, source),
            typos.targets,
            typos.not_typos,
            spelling_in_context(raw, source),
        )
        rules = compile_rules(raw, normaliser.words, source)
        modifiers = compile_modifiers(raw["context"].get("modifiers"), normaliser.words, source)
        known = {modifier.name for modifier in modifiers} | {GENERAL_QUESTION}
        for key, named in (("reassert_after", rules.reassert_after), ("recurrence.after", rules.recurrence_after)):
            if not named <= known:
                raise SafetyRulesError(f"{source}: '{key}' names no modifier: {sorted(named - known)}")
        return cls(rules, normaliser, ContextScoper(modifiers))

    # ------------------------------------------------------------------ public

    def analyse(self, doc: Doc) -> SafetyVerdict:
        """Judge one message (a spaCy Doc of its text)."""
        message = Message(self.normaliser.doc_words(doc), self._clause_breaks)
        text = doc.text
        kept: List[Evidence] = []
        unclear: List[Evidence] = []
        suppressed: List[Evidence] = []
        floor: List[Evidence] = []
        warning: List[Evidence] = []

        for mention in self.mentions.find(message):
            reasons = self.scoper.reasons(message, mention)
            names = [r.name for r in reasons]
            weak = mention.category in (FLOOR, WARNING_SIGN)
            if self.question_form.is_general_question(message, mention, strict=not weak):
                names.append(GENERAL_QUESTION)
            snippet, start, end = message.text(mention.spans, text)
            evidence = Evidence(mention.category, mention.rule, snippet, start, end, tuple(names))
            if weak:
                if not names:
                    (floor if mention.category is FLOOR else warning).append(evidence)
            elif (
                mention.category not in (NEURO_RED_FLAG, WOUND_EMERGENCY)
                and reasons
                and GENERAL_QUESTION not in names
                and all(r.outcome is Outcome.ASK for r in reasons)
            ):
                # "the surgeon saw the plate last week": it may still be there; ask.
                unclear.append(replace(evidence, category=UNCLEAR_EXPOSURE))
            elif names:
                suppressed.append(evidence)
            elif mention.category is UNCLEAR_EXPOSURE:
                unclear.append(evidence)
            else:
                kept.append(evidence)

        kept.extend(self._reasserted(message, suppressed, text))
        kept.extend(self._recurred(message, suppressed, text))
        kept.extend(self._described_as_metal(message, unclear, suppressed, text))

        category: Category | None = None
        for candidate in (EXPOSED_HARDWARE, NEURO_RED_FLAG, WOUND_EMERGENCY):
            if any(e.category is candidate for e in kept):
                category = candidate
                break
        else:
            category = UNCLEAR_EXPOSURE if unclear else None
        decisive = [e for e in kept if e.category is category] or unclear
        return SafetyVerdict(
            category,
            tuple(decisive if category else ()),
            tuple(suppressed),
            tuple(floor),
            tuple(warning),
            body_context=bool(message.spans(self._body_context)),
            neuro_denied=bool(message.spans(self._neuro_denials)),
            uncertain_answer=self._only_uncertainty([n for n in message.norms if n not in BOUNDARY_MARKERS]),
        )

    def _only_uncertainty(self, norms: List[str]) -> bool:
        spans = self._uncertain.find(norms)
        if not spans:
            return False
        covered = {i for span in spans for i in range(span.start, span.end)}
        return all(i in covered or word in self.rules.filler_words for i, word in enumerate(norms))

    def reply_language(self, doc: Doc) -> str | None:
        """The language whose marker words the message has most of, at least
        `min_markers` distinct ones ("se me sale el tornillo" -> "es"); None for English."""
        typed = {token.lower_ for token in doc}
        counts = {language: len(typed & markers) for language, markers in self.rules.reply_language_markers.items()}
        language, count = max(counts.items(), key=lambda item: item[1], default=(None, 0))
        return language if count >= self.rules.reply_language_min_markers else None

    def _described_as_metal(
        self, m: Message, unclear: List[Evidence], suppressed: List[Evidence], text: str
    ) -> List[Evidence]:
        """ "Something pointy has pushed out through my scar. It's shiny and grey.": an unclear
        exposure in a message that describes the thing as metal (not negated) is exposed metal.
        Not a descriptor inside a mention the context set aside ("how does metal come out? It is
        pushing out, or...?": that metal is the question's)."""
        # Only mentions that named no hardware: one a clinician saw last week is asked about.
        described = [e for e in unclear if e.rule in ("no_hardware_word", "wound_opened")]
        if not described:
            return []
        negations = m.spans(self._negation)
        window = self.rules.metal_descriptor_negation_window
        for span in m.spans(self._metal_descriptors):
            if m.preceded_in_clause(span, negations, window):
                continue  # "not shiny", "no se ve nada de metal"
            first, last = m.words[span.start].start, m.words[span.end - 1].end
            if any(e.start_char <= first and last <= e.end_char for e in suppressed):
                continue
            reach = self.rules.metal_descriptor_window
            if not any(m.word_gap(span, e.start_char, e.end_char) <= reach for e in described):
                continue  # "I tore something playing tennis. ... titanium screws in 2017": another matter
            snippet, start, end = m.text([span], text)
            return [Evidence(EXPOSED_HARDWARE, "described_as_metal", snippet, start, end, ())]
        return []

    def _recurred(self, m: Message, suppressed: List[Evidence], text: str) -> List[Evidence]:
        """An old or resolved exposure followed by "now it's showing again" is a report."""
        old = [e for e in suppressed if e.category is EXPOSED_HARDWARE and set(e.context) & self.rules.recurrence_after]
        if not old:
            return []
        first_end = min(e.end_char for e in old)
        window = self.rules.recurrence_negation_window
        negations = m.spans(self._negation)
        repairs = m.spans(self._recurrence_pseudo)
        for span in m.spans(self._recurrences):
            negated = m.preceded_in_clause(span, negations, window)
            repair = any(p.start <= span.start and span.end <= p.end for p in repairs)
            if m.words[span.start].start >= first_end and not negated and not repair:
                snippet, start, end = m.text([span], text)
                return [Evidence(EXPOSED_HARDWARE, "recurred", snippet, start, end, ())]
        return []

    def _reasserted(self, m: Message, suppressed: List[Evidence], text: str) -> List[Evidence]:
        """A hypothetical exposure followed by "mine just did" is a report."""
        hypothetical = [
            e for e in suppressed if e.category is EXPOSED_HARDWARE and set(e.context) <= self.rules.reassert_after
        ]
        if not hypothetical:
            return []
        first_end = min(e.end_char for e in hypothetical)
        for span in m.spans(self._reassertions):
            following = m.norms[span.end] if span.end < len(m.norms) else None
            negated = following is not None and (
                (following,) in self.rules.negation_cues or following in self.rules.reassertion_not_followed_by
            )
            if m.words[span.start].start >= first_end and not negated:
                snippet, start, end = m.text([span], text)
                return [Evidence(EXPOSED_HARDWARE, "reasserted", snippet, start, end, ())]
        return []
