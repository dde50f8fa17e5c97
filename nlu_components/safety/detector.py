"""Find current emergencies in a message: exposed hardware and neurological red flags.

The detector is rules-as-data (`rules.yml`) over spaCy tokens, in the style of
NegEx / medspaCy ConText: find *mentions*, then drop those whose clause marks
them as negated, hypothetical, historical and resolved, someone else's story,
an imaging finding, or another kind of screw.

    >>> detector.analyse(nlp("no fever, no pain, but the screw is visible")).category
    'exposed_hardware'
    >>> detector.analyse(nlp("can a screw push through the skin?")).category is None
    True
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any, DefaultDict, Dict, FrozenSet, Iterable, List, Sequence, Set, Tuple

from spacy.tokens import Doc

from nlu_components.safety.normalise import (
    CLAUSE_END,
    QUESTION_END,
    SENTENCE_END,
    NormalisedWord,
    Normaliser,
    TokenizerLike,
)
from nlu_components.safety.rules import (
    DEFAULT_RULES_PATH,
    Phrase,
    SafetyRules,
    compile_rules,
    read_rules_file,
    spelling_map,
    typo_correction,
)

INTACT_WINDOW = 4


class Category(str, Enum):
    """What a mention is a mention of."""

    EXPOSED_HARDWARE = "exposed_hardware"
    NEURO_RED_FLAG = "neuro_red_flag"
    UNCLEAR_EXPOSURE = "unclear_exposure"
    # A thing and an opening or seeing word in one sentence: the funnel's floor.
    FLOOR = "floor"
    # A warning-sign finding near a surgery or implant word: the funnel's warning floor.
    WARNING_SIGN = "warning_sign"


EXPOSED_HARDWARE = Category.EXPOSED_HARDWARE
NEURO_RED_FLAG = Category.NEURO_RED_FLAG
UNCLEAR_EXPOSURE = Category.UNCLEAR_EXPOSURE
FLOOR = Category.FLOOR
WARNING_SIGN = Category.WARNING_SIGN


@dataclass(frozen=True)
class Span:
    """Words [start, end) of a message that matched one rule phrase."""

    start: int
    end: int


class PhraseIndex:
    """All rule phrases of one list, indexed by first word for fast lookup."""

    def __init__(self, phrases: Iterable[Phrase]) -> None:
        by_first: DefaultDict[str, List[Phrase]] = defaultdict(list)
        for phrase in phrases:
            by_first[phrase[0]].append(phrase)
        self._by_first = dict(by_first)

    def find(self, words: Sequence[str]) -> List[Span]:
        spans = []
        for i, word in enumerate(words):
            for phrase in self._by_first.get(word, ()):
                if tuple(words[i : i + len(phrase)]) == phrase:
                    spans.append(Span(i, i + len(phrase)))
        return spans


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

    `category` is EXPOSED_HARDWARE, NEURO_RED_FLAG, UNCLEAR_EXPOSURE or None;
    `floor` holds the floor mentions no context cue scoped (the funnel's last net).
    """

    category: Category | None
    evidence: Tuple[Evidence, ...] = ()
    suppressed: Tuple[Evidence, ...] = field(default=())
    floor: Tuple[Evidence, ...] = field(default=())
    warning: Tuple[Evidence, ...] = field(default=())
    # The message says something about a body, a wound or a surgery.
    body_context: bool = False

    @property
    def floor_object(self) -> bool:
        """A floor mention names a metal-like object, not only the wound or the skin."""
        return any(e.rule == "object_and_opening" for e in self.floor)

    def contradicted(self, *categories: Category) -> bool:
        """Whether a mention of one of `categories` was scoped away (negated, old, ...)."""
        return any(e.category in categories for e in self.suppressed)

    @property
    def is_emergency(self) -> bool:
        return self.category in (EXPOSED_HARDWARE, NEURO_RED_FLAG)

    def as_dict(self) -> Dict[str, Any]:
        return {
            "category": self.category,
            "evidence": [e.as_dict() for e in self.evidence],
            "suppressed": [e.as_dict() for e in self.suppressed],
            "floor": [e.as_dict() for e in self.floor],
            "warning": [e.as_dict() for e in self.warning],
            "body_context": self.body_context,
        }


@dataclass(frozen=True)
class _Mention:
    category: Category
    rule: str
    anchors: Tuple[Span, ...]  # the hardware / body word and the exposure / change phrase
    trigger: Span
    trigger_phrase: Phrase


class _Message:
    """A message's normalised words with sentence and clause numbers."""

    def __init__(self, words: List[NormalisedWord], clause_breaks: PhraseIndex) -> None:
        self.words = words
        self.triggers: List[Span] = []  # every exposure phrase, set by the detector
        self._spans: Dict[int, List[Span]] = {}
        self.norms = [w.norm for w in words]
        self.sentence: List[int] = []
        self.clause: List[int] = []
        self.questions: Set[int] = set()  # sentences that end with a question mark
        breaks = {span.start for span in clause_breaks.find(self.norms)}
        sentence = clause = 0
        for i, norm in enumerate(self.norms):
            if norm in (SENTENCE_END, QUESTION_END):
                if norm == QUESTION_END:
                    self.questions.add(sentence)
                sentence += 1
                clause += 1
            elif norm == CLAUSE_END or i in breaks:
                clause += 1
            self.sentence.append(sentence)
            self.clause.append(clause)

    def spans(self, index: "PhraseIndex") -> List[Span]:
        """Where `index`'s phrases occur in this message (looked up once per index)."""
        key = id(index)
        if key not in self._spans:
            self._spans[key] = index.find(self.norms)
        return self._spans[key]

    def sentence_words(self, sentence: int) -> List[str]:
        return [
            n
            for n, s in zip(self.norms, self.sentence, strict=True)
            if s == sentence and n not in (SENTENCE_END, QUESTION_END, CLAUSE_END)
        ]

    def text(self, spans: Iterable[Span], original: str) -> Tuple[str, int, int]:
        spans = list(spans)
        start = self.words[min(s.start for s in spans)].start
        end = self.words[max(s.end for s in spans) - 1].end
        return original[start:end], start, end


def _gap(a: Span, b: Span) -> int:
    """Words between two spans (0 when they touch or overlap)."""
    if a.end <= b.start:
        return b.start - a.end
    if b.end <= a.start:
        return a.start - b.end
    return 0


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _near_in_sentence(m: "_Message", spans: Iterable[Span], at: Span, window: int) -> List[Span]:
    """The spans in `at`'s sentence, not overlapping it, within `window` words of it."""
    return [
        s
        for s in spans
        if m.sentence[s.start] == m.sentence[at.start] and not _overlaps(s, at) and _gap(s, at) <= window
    ]


class SafetyDetector:
    """Decides whether a message reports a current emergency.

    Args:
        rules: the compiled rules (see `SafetyDetector.from_file`).
        normaliser: the spelling normaliser built from the same rules file.
    """

    def __init__(self, rules: SafetyRules, normaliser: Normaliser) -> None:
        self.rules = rules
        self.normaliser = normaliser
        r = rules
        self._hardware = PhraseIndex(r.hardware | r.object_descriptions)
        self._object_descriptions = PhraseIndex(r.object_descriptions)
        self._prepositions = PhraseIndex(r.surface_prepositions)
        self._surfaces = PhraseIndex(r.surfaces)
        self._breakdown = PhraseIndex(r.breakdown_words)
        self._preexisting = PhraseIndex(r.preexisting_cues)
        self._general = PhraseIndex(r.general_cues)
        self._addressing = PhraseIndex(r.addressing_phrases)
        self._uncertain = PhraseIndex(r.uncertain_answers)
        self._strong = PhraseIndex(r.strong_exposure)
        self._visible = PhraseIndex(r.visible_exposure)
        self._intact = PhraseIndex(r.intact_skin)
        self._findings = PhraseIndex(r.skin_findings)
        self._finding_locations = PhraseIndex(r.finding_locations)
        self._opening = PhraseIndex(r.wound_opening)
        self._unclear_objects = PhraseIndex(r.unclear_objects)
        self._clause_breaks = PhraseIndex(r.clause_breaks)
        self._hedges = PhraseIndex(r.hedges)
        self._negation = PhraseIndex(r.negation_cues)
        self._pseudo = PhraseIndex(r.pseudo_negations)
        self._hypothetical = PhraseIndex(r.hypothetical_cues)
        self._past = PhraseIndex(r.past_markers)
        self._resolution = PhraseIndex(r.resolution_cues)
        self._current = PhraseIndex(r.current_cues)
        self._present = PhraseIndex(r.present_markers)
        self._media = PhraseIndex(r.media_cues)
        self._other_people = PhraseIndex(r.other_people_cues)
        self._imaging = PhraseIndex(r.imaging_cues)
        self._examined = PhraseIndex(r.examined_cues)
        self._imaging_applies_to: FrozenSet[Phrase] = r.imaging_applies_to
        self._other_objects = PhraseIndex(r.other_object_cues)
        self._reassertions = PhraseIndex(r.reassertions)
        self._body_context = PhraseIndex(r.funnel_body_context)
        self._warning_findings = PhraseIndex(r.warning_findings)
        self._warning_context = PhraseIndex(r.warning_context)
        self._floor_things = PhraseIndex(r.floor_things | r.hardware | r.object_descriptions | r.unclear_objects)
        self._floor_objects = frozenset(r.floor_objects | r.hardware | r.object_descriptions)
        self._floor_openings = PhraseIndex(r.floor_openings | r.wound_opening | r.strong_exposure | r.visible_exposure)
        self._neuro = [
            (flag.name, PhraseIndex(flag.body), PhraseIndex(flag.change), PhraseIndex(flag.standalone))
            for flag in r.neuro_flags
        ]

    @classmethod
    def from_file(cls, tokenizer: TokenizerLike, path: Any = DEFAULT_RULES_PATH) -> "SafetyDetector":
        """Build a detector from a rules file, tokenising rules with `tokenizer`."""
        return cls.from_mapping(tokenizer, read_rules_file(path), str(path))

    @classmethod
    def from_mapping(cls, tokenizer: TokenizerLike, raw: Dict[str, Any], source: str) -> "SafetyDetector":
        """Build a detector from a parsed rules file (`source` names it in errors)."""
        typos = typo_correction(raw, source)
        normaliser = Normaliser(tokenizer, spelling_map(raw, source), typos.targets, typos.not_typos)
        return cls(compile_rules(raw, normaliser.words, source), normaliser)

    # ------------------------------------------------------------------ public

    def analyse(self, doc: Doc) -> SafetyVerdict:
        """Judge one message (a spaCy Doc of its text)."""
        message = _Message(self.normaliser.doc_words(doc), self._clause_breaks)
        text = doc.text
        kept: List[Evidence] = []
        unclear: List[Evidence] = []
        suppressed: List[Evidence] = []
        floor: List[Evidence] = []
        warning: List[Evidence] = []

        exposed, unclear_mentions = self._exposure_mentions(message)
        mentions = exposed + self._neuro_mentions(message) + unclear_mentions
        mentions += self._floor_mentions(message) + self._warning_mentions(message)
        for mention in mentions:
            reasons = self._context_reasons(message, mention)
            snippet, start, end = message.text(mention.anchors + (mention.trigger,), text)
            evidence = Evidence(mention.category, mention.rule, snippet, start, end, tuple(reasons))
            if mention.category in (FLOOR, WARNING_SIGN):
                if not reasons:
                    (floor if mention.category is FLOOR else warning).append(evidence)
            elif reasons and mention.category is not NEURO_RED_FLAG and set(reasons) <= self.rules.ask_instead:
                # "the surgeon saw the plate last week": it may still be there; ask.
                unclear.append(replace(evidence, category=UNCLEAR_EXPOSURE))
            elif reasons:
                suppressed.append(evidence)
            elif mention.category is UNCLEAR_EXPOSURE:
                unclear.append(evidence)
            else:
                kept.append(evidence)

        kept.extend(self._reasserted(message, suppressed, text))

        category: Category | None = None
        for candidate in (EXPOSED_HARDWARE, NEURO_RED_FLAG):
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
        )

    def is_uncertain_answer(self, doc: Doc) -> bool:
        """ "not sure", "idk", "hmm maybe": nothing but uncertainty (never a "no")."""
        norms = [
            w.norm for w in self.normaliser.doc_words(doc) if w.norm not in (SENTENCE_END, QUESTION_END, CLAUSE_END)
        ]
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

    # ---------------------------------------------------------------- mentions

    def _surface_phrases(self, m: _Message) -> List[Span]:
        """ "out of his skin", "thru the wound": a preposition, <= 2 words, a surface."""
        surfaces = m.spans(self._surfaces)
        spans = []
        for prep in m.spans(self._prepositions):
            for surface in surfaces:
                if 0 <= surface.start - prep.end <= 2 and m.clause[surface.start] == m.clause[prep.start]:
                    spans.append(Span(prep.start, surface.end))
        # "the skin over it is gone"
        for surface in surfaces:
            for broken in m.spans(self._breakdown):
                if 0 <= broken.start - surface.end <= 4 and m.clause[surface.start] == m.clause[broken.start]:
                    spans.append(broken)
        return spans

    def _exposure_mentions(self, m: _Message) -> Tuple[List[_Mention], List[_Mention]]:
        norms = m.norms
        hardware = m.spans(self._hardware)
        unclear_objects = m.spans(self._unclear_objects)
        intact = m.spans(self._intact)
        exposed: List[_Mention] = []
        unclear: List[_Mention] = []
        triggers = (
            [("strong", s) for s in m.spans(self._strong)]
            + [("surface", s) for s in self._surface_phrases(m)]
            + [("visible", s) for s in m.spans(self._visible)]
        )
        m.triggers = [trigger for _, trigger in triggers]
        for kind, trigger in triggers:
            phrase = tuple(norms[trigger.start : trigger.end])
            near = [
                h
                for h in hardware
                if m.sentence[h.start] == m.sentence[trigger.start] and _gap(h, trigger) <= self.rules.window
            ]
            if kind == "visible":
                near = [h for h in near if not self._finding_between(m, trigger, h)]
            if not near and kind != "visible":
                # "do rods ever come out? my dad's is coming out": the hardware
                # word may sit in an earlier sentence.
                near = [h for h in hardware if h.end <= trigger.start]
            if near:
                anchor = min(near, key=lambda h: _gap(h, trigger))
                opened = any(m.sentence[o.start] == m.sentence[trigger.start] for o in m.spans(self._opening))
                skin_intact = not opened and any(
                    _gap(s, trigger) <= INTACT_WINDOW or _gap(s, anchor) <= INTACT_WINDOW for s in intact
                )
                if kind in ("visible", "surface") and skin_intact:
                    unclear.append(_Mention(UNCLEAR_EXPOSURE, "intact_skin", (anchor,), trigger, phrase))
                else:
                    exposed.append(_Mention(EXPOSED_HARDWARE, kind, (anchor,), trigger, phrase))
                continue
            objects = [
                o
                for o in unclear_objects
                if m.sentence[o.start] == m.sentence[trigger.start] and _gap(o, trigger) <= self.rules.window
            ]
            if objects or kind in ("surface", "strong"):
                anchors = tuple(objects[:1])
                unclear.append(_Mention(UNCLEAR_EXPOSURE, "no_hardware_word", anchors, trigger, phrase))
        object_descriptions = m.spans(self._object_descriptions)
        for opening in m.spans(self._opening):
            phrase = tuple(norms[opening.start : opening.end])
            in_sentence = [h for h in hardware + unclear_objects if m.sentence[h.start] == m.sentence[opening.start]]
            for anchor in in_sentence:
                if anchor in object_descriptions:
                    # "the incision opened and there's something shiny in it"
                    exposed.append(_Mention(EXPOSED_HARDWARE, "wound_opened", (anchor,), opening, phrase))
                else:
                    unclear.append(_Mention(UNCLEAR_EXPOSURE, "wound_opened", (anchor,), opening, phrase))
        return exposed, unclear

    def _floor_mentions(self, m: _Message) -> List[_Mention]:
        """A thing (implant, wound, "something shiny") and an opening or seeing word
        in one sentence: the mentions the funnel's floor is made of."""
        things = m.spans(self._floor_things)
        mentions = []
        for opening in m.spans(self._floor_openings):
            near = _near_in_sentence(m, things, opening, self.rules.floor_window)
            if near:
                anchor = min(near, key=lambda t: _gap(t, opening))
                phrase = tuple(m.norms[opening.start : opening.end])
                objects = [t for t in near if tuple(m.norms[t.start : t.end]) in self._floor_objects]
                if objects:  # "a tiny bit of metal", not only "the wound"
                    anchor = min(objects, key=lambda t: _gap(t, opening))
                rule = "object_and_opening" if objects else "wound_and_opening"
                mentions.append(_Mention(FLOOR, rule, (anchor,), opening, phrase))
        return mentions

    def _warning_mentions(self, m: _Message) -> List[_Mention]:
        """A warning-sign finding (a pop, fever, pus, redness) near a surgery or implant word."""
        context = m.spans(self._warning_context)
        mentions = []
        for finding in m.spans(self._warning_findings):
            near = _near_in_sentence(m, context, finding, self.rules.warning_window)
            if near:
                anchor = min(near, key=lambda c: _gap(c, finding))
                phrase = tuple(m.norms[finding.start : finding.end])
                mentions.append(_Mention(WARNING_SIGN, "finding_after_surgery", (anchor,), finding, phrase))
        return mentions

    def _finding_between(self, m: _Message, trigger: Span, hardware: Span) -> bool:
        """ "noticed a new swelling over my hardware": a skin finding, then a
        location word, between the seeing phrase and the hardware word."""
        if hardware.start < trigger.end:
            return False
        findings = [f for f in m.spans(self._findings) if trigger.end <= f.start and f.end <= hardware.start]
        return any(
            f.end <= place.start and place.end <= hardware.start
            for f in findings
            for place in m.spans(self._finding_locations)
        )

    def _neuro_mentions(self, m: _Message) -> List[_Mention]:
        mentions: List[_Mention] = []
        norms = m.norms
        for name, body_index, change_index, standalone_index in self._neuro:
            for span in standalone_index.find(norms):
                mentions.append(_Mention(NEURO_RED_FLAG, name, (), span, tuple(norms[span.start : span.end])))
            bodies = body_index.find(norms)
            for change in change_index.find(norms):
                near = [
                    b
                    for b in bodies
                    if m.sentence[b.start] == m.sentence[change.start]
                    and _gap(b, change) <= self.rules.neuro_window
                    and not _overlaps(b, change)
                ]
                if near:
                    anchor = min(near, key=lambda b: _gap(b, change))
                    mentions.append(
                        _Mention(NEURO_RED_FLAG, name, (anchor,), change, tuple(norms[change.start : change.end]))
                    )
        return mentions

    # ----------------------------------------------------------------- context

    def _context_reasons(self, m: _Message, mention: _Mention) -> List[str]:
        # Imaging and examination cues scope the seeing phrases, and every floor mention.
        seeing = mention.category in (FLOOR, WARNING_SIGN) or mention.trigger_phrase in self._imaging_applies_to
        reasons = []
        if self._is_negated(m, mention):
            reasons.append("negated")
        if self._is_hypothetical(m, mention):
            reasons.append("hypothetical")
        if self._is_historical(m, mention):
            reasons.append("historical")
        weak = mention.category in (FLOOR, WARNING_SIGN)
        if self._is_preexisting(m, mention, weak):
            reasons.append("preexisting")
        if self._is_general_question(m, mention, strict=not weak):
            reasons.append("general_question")
        if self._cue_before_trigger(m, mention, self._media) or (
            seeing and self._in_clause(m, mention.trigger, self._media)
        ):
            reasons.append("media")
        if self._is_other_persons_story(m, mention):
            reasons.append("other_person_past")
        if seeing and self._in_clause(m, mention.trigger, self._imaging):
            reasons.append("imaging")
        if mention.trigger_phrase in self.rules.examined_applies_to and self._cue_before_trigger(
            m, mention, self._examined
        ):
            reasons.append("examined_by_clinician")
        if mention.category is NEURO_RED_FLAG:
            return reasons
        if self._is_other_object(m, mention):
            reasons.append("other_object")
        if seeing and any(0 <= cue.start - mention.trigger.end <= 2 for cue in m.spans(self._examined)):
            reasons.append("visiting_clinician")  # "do i need to see my GP about my metalwork"
        return reasons

    def _is_other_persons_story(self, m: _Message, mention: _Mention) -> bool:
        """ "my coworker's uncle had a screw come out": someone else, in the past,
        unless "now" comes before the mention ("...and now her screw is poking out")."""
        if not self._cue_before_trigger(m, mention, self._other_people):
            return False
        if not self._in_clause(m, mention.trigger, self._past):
            return False
        clause = m.clause[mention.trigger.start]
        return not any(m.clause[c.start] == clause and c.end <= mention.trigger.start for c in m.spans(self._current))

    def _is_general_question(self, m: _Message, mention: _Mention, strict: bool = True) -> bool:
        """ "is exposed hardware always infected", "how often do rods come through the skin?"

        `strict` (the rules' own mentions): "is the screw supposed to be poking out?" names
        a definite screw and is a report. The floors' weaker mentions skip that test: "does
        the wound have to break down first?" is a question about wounds in general."""
        sentence = m.sentence[mention.trigger.start]
        # Personal words inside a way of addressing the assistant do not count: "be honest
        # with me, is metal coming through the skin something that happens a lot?"
        framing = {i for span in m.spans(self._addressing) for i in range(span.start, span.end)}
        personal = self.rules.personal_words
        if any(m.sentence[i] == sentence and n in personal and i not in framing for i, n in enumerate(m.norms)):
            return False
        if any(m.sentence[cue.start] == sentence for cue in m.spans(self._general)):
            return True
        if self._in_clause(m, mention.trigger, self._current):
            return False  # "...and now there's something metal in it??"
        is_question = sentence in m.questions or any(
            m.norms[i] in self.rules.question_starts
            for i in range(len(m.norms))
            if m.sentence[i] == sentence
            and (i == 0 or m.clause[i - 1] != m.clause[i] or m.norms[i - 1] in ("|", "||", "||?"))
        )
        if not is_question:
            return False
        adjective = any(mention.trigger.end == anchor.start for anchor in mention.anchors)  # "exposed hardware"
        if not strict:
            return True
        if not adjective and any(0 <= mention.trigger.start - cue.end <= 2 for cue in m.spans(self._present)):
            return False  # "is it bad that a screw is poking out?" is a report
        if self._asks_in_general(m, sentence, mention):
            return True  # "does the metal come through because the skin gets thin?"
        definite = self.rules.definite_words
        for anchor in mention.anchors:
            before = m.norms[max(0, anchor.start - 2) : anchor.start]
            if any(word in definite for word in before):
                return False
        return True

    def _asks_in_general(self, m: _Message, sentence: int, mention: _Mention) -> bool:
        """A question opened by a generic auxiliary ("does", "can", "why does", "how do")
        with the exposure verb in its base form asks how things go, not what is happening:
        "does the metal come through because the skin gets thin?" (but "is the screw
        poking out?" and "why is the screw showing?" are reports)."""
        words = [i for i in range(len(m.norms)) if m.sentence[i] == sentence and m.norms[i] not in ("|", "||", "||?")]
        opening = [m.norms[i] for i in words[:2]]
        generic = self.rules.generic_auxiliaries
        opens_generic = bool(opening) and (
            opening[0] in generic
            or (opening[0] in self.rules.question_starts and len(opening) > 1 and opening[1] in generic)
        )
        start = mention.trigger.start
        progressive = m.norms[start].endswith("ing") or (start > 0 and m.norms[start - 1] in ("is", "are"))
        return opens_generic and not progressive

    def _is_other_object(self, m: _Message, mention: _Mention) -> bool:
        """A drywall screw, a curtain rod, a screw "sticking out of the wall"."""
        window = self.rules.other_object_window
        sentence = m.sentence[mention.trigger.start]
        about_the_body = any(
            m.norms[i] in self.rules.body_context for i in range(len(m.norms)) if m.sentence[i] == sentence
        )
        for cue in m.spans(self._other_objects):
            if m.sentence[cue.start] != sentence:
                continue
            if not about_the_body:
                return True
            if any(_gap(cue, anchor) <= window for anchor in mention.anchors):
                return True
            if any(
                0 <= cue.start - trigger.end <= window and m.clause[trigger.start] == m.clause[cue.start]
                for trigger in m.triggers
            ):
                return True
        return False

    def _in_clause(self, m: _Message, at: Span, index: PhraseIndex, exclude: Sequence[Span] = ()) -> bool:
        clause = m.clause[at.start]
        return any(
            m.clause[cue.start] == clause and not any(_overlaps(cue, x) for x in exclude) for cue in m.spans(index)
        )

    def _cue_before_trigger(self, m: _Message, mention: _Mention, index: PhraseIndex) -> bool:
        hedges = m.spans(self._hedges)
        clause = m.clause[mention.trigger.start]
        return any(
            m.clause[cue.start] == clause
            and cue.start < mention.trigger.start
            and not any(_overlaps(cue, h) for h in hedges)
            for cue in m.spans(index)
        )

    def _is_negated(self, m: _Message, mention: _Mention) -> bool:
        own = mention.anchors + (mention.trigger,)
        # "no redness" is a pseudo-negation for a screw that is showing, a true one for redness.
        pseudo = () if mention.category is WARNING_SIGN else m.spans(self._pseudo)
        terminators = self.rules.negation_terminators
        for cue in m.spans(self._negation):
            if any(_overlaps(cue, s) for s in own + tuple(pseudo)):
                continue
            for anchor in own:
                if cue.end > anchor.start or anchor.start - cue.end > self.rules.negation_window:
                    continue
                between = range(cue.end, anchor.start)
                if m.clause[cue.start] != m.clause[anchor.start]:
                    continue
                if any(m.norms[i] in terminators for i in between):
                    continue
                return True
        return False

    def _is_preexisting(self, m: _Message, mention: _Mention, weak: bool) -> bool:
        """ "i can feel the rod, it's been like that since the op": there all along.
        A current cue between the mention and the cue keeps it a report: "i can see the
        metal now, it's been like that 2 days"."""
        current = m.spans(self._current)
        sentence = m.sentence[mention.trigger.start]
        clause = m.clause[mention.trigger.start]
        for cue in m.spans(self._preexisting):
            if m.sentence[cue.start] != sentence:
                continue
            if m.clause[cue.start] != clause and not (weak or mention.trigger_phrase in self.rules.visible_exposure):
                continue
            first, last = sorted((mention.trigger.start, cue.start))
            if any(first <= c.start < last for c in current):
                continue
            return True
        return False

    def _is_hypothetical(self, m: _Message, mention: _Mention) -> bool:
        """A cue before the mention, unless "now"/"today" comes between them:
        "i thought it was a pimple and now i can see the screw" is a report."""
        if not self._cue_before_trigger(m, mention, self._hypothetical):
            return False
        hedges = m.spans(self._hedges)
        kept_by = self.rules.hypothetical_kept_by
        cancelling = [c for c in m.spans(self._current) if tuple(m.norms[c.start : c.end]) not in kept_by]
        clause = m.clause[mention.trigger.start]
        for cue in m.spans(self._hypothetical):
            if m.clause[cue.start] != clause or cue.start >= mention.trigger.start:
                continue
            if any(_overlaps(cue, h) for h in hedges):
                continue
            if not any(cue.end <= c.start and c.end <= mention.trigger.start for c in cancelling):
                return True
        return False

    def _is_historical(self, m: _Message, mention: _Mention) -> bool:
        """A past event, near the mention, that the message says was resolved:
        "it broke through in 2019, they fixed it"."""
        own = mention.anchors + (mention.trigger,)
        clause = m.clause[mention.trigger.start]
        if not any(
            m.clause[cue.start] == clause and any(_gap(cue, s) <= 4 for s in own) for cue in m.spans(self._past)
        ):
            return False
        # "healed now" says it is over; the "now" in it is not a current event.
        if self._in_clause(m, mention.trigger, self._current, exclude=m.spans(self._resolution)):
            return False
        if any(0 <= mention.trigger.start - cue.end <= 2 for cue in m.spans(self._present)):
            return False
        negations = m.spans(self._negation)
        for cue in m.spans(self._resolution):
            before = m.norms[max(0, cue.start - 3) : cue.start]
            if any(word in self.rules.future_markers for word in before):
                continue
            if any(0 <= cue.start - n.end <= 3 for n in negations):
                continue
            return True
        return False

    def _reasserted(self, m: _Message, suppressed: List[Evidence], text: str) -> List[Evidence]:
        """A hypothetical exposure followed by "mine just did" is a report."""
        hypothetical = [
            e
            for e in suppressed
            if e.category is EXPOSED_HARDWARE and set(e.context) <= {"hypothetical", "general_question"}
        ]
        if not hypothetical:
            return []
        first_end = min(e.end_char for e in hypothetical)
        for span in m.spans(self._reassertions):
            negated = span.end < len(m.norms) and (m.norms[span.end],) in self.rules.negation_cues
            if m.words[span.start].start >= first_end and not negated:
                snippet, start, end = m.text([span], text)
                return [Evidence(EXPOSED_HARDWARE, "reasserted", snippet, start, end, ())]
        return []
