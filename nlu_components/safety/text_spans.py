"""A message as the safety rules see it: normalised words, sentences, clauses, spans.

Shared by the mention finder (`mentions.py`) and the context scoper (`context.py`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import Enum
from typing import DefaultDict, Dict, Iterable, List, Sequence, Set, Tuple

from nlu_components.safety.normalise import CLAUSE_END, QUESTION_END, SENTENCE_END, NormalisedWord
from nlu_components.safety.rules import Phrase


class Category(str, Enum):
    """What a mention is a mention of."""

    EXPOSED_HARDWARE = "exposed_hardware"
    NEURO_RED_FLAG = "neuro_red_flag"
    # An "emergency now" wound finding with no metal seen: an opened wound or a leaking hole
    # over the hardware, pus with a fever, red streaks, shivering or confusion with a fever.
    WOUND_EMERGENCY = "wound_emergency"
    UNCLEAR_EXPOSURE = "unclear_exposure"
    # A thing and an opening or seeing word in one sentence: the funnel's floor.
    FLOOR = "floor"
    # A warning-sign finding near a surgery or implant word: the funnel's warning floor.
    WARNING_SIGN = "warning_sign"


@dataclass(frozen=True)
class Span:
    """Words [start, end) of a message that matched one rule phrase."""

    start: int
    end: int


def gap(a: Span, b: Span) -> int:
    """Words between two spans (0 when they touch or overlap)."""
    if a.end <= b.start:
        return b.start - a.end
    if b.end <= a.start:
        return a.start - b.end
    return 0


def overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def nearest(spans: Iterable[Span], at: Span) -> Span:
    """The span closest to `at` (the first of equals)."""
    return min(spans, key=lambda s: gap(s, at))


class PhraseIndex:
    """All rule phrases of one list, indexed by first word for fast lookup."""

    def __init__(self, phrases: Iterable[Phrase]) -> None:
        by_first: DefaultDict[str, List[Phrase]] = defaultdict(list)
        # Longest first, then alphabetical: the same spans in the same order on every run.
        for phrase in sorted(phrases, key=lambda p: (-len(p), p)):
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
class Mention:
    """A finding in a message, before context: what it is and which words say it."""

    category: Category
    rule: str
    anchors: Tuple[Span, ...]  # the hardware / body word
    trigger: Span  # the exposure / change phrase
    trigger_phrase: Phrase

    @property
    def spans(self) -> Tuple[Span, ...]:
        return self.anchors + (self.trigger,)


class Message:
    """A message's normalised words with sentence and clause numbers."""

    def __init__(self, words: List[NormalisedWord], clause_breaks: PhraseIndex) -> None:
        self.words = words
        self.triggers: List[Span] = []  # every exposure phrase, set by the mention finder
        # Keyed by the index object itself (not its id(), which a short-lived index can reuse).
        self._spans: Dict[PhraseIndex, List[Span]] = {}
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

    def spans(self, index: PhraseIndex) -> List[Span]:
        """Where `index`'s phrases occur in this message (looked up once per index)."""
        if index not in self._spans:
            self._spans[index] = index.find(self.norms)
        return self._spans[index]

    def phrase(self, span: Span) -> Phrase:
        return tuple(self.norms[span.start : span.end])

    def same_sentence(self, a: Span, b: Span) -> bool:
        return self.sentence[a.start] == self.sentence[b.start]

    def same_clause(self, a: Span, b: Span) -> bool:
        return self.clause[a.start] == self.clause[b.start]

    def near_in_message(self, spans: Iterable[Span], at: Span, window: int) -> List[Span]:
        """The spans, in any sentence, not overlapping `at`, within `window` words of it."""
        return [s for s in spans if not overlaps(s, at) and gap(s, at) <= window]

    def near_in_sentence(self, spans: Iterable[Span], at: Span, window: int) -> List[Span]:
        """The spans in `at`'s sentence, not overlapping it, within `window` words of it."""
        return [s for s in spans if self.same_sentence(s, at) and not overlaps(s, at) and gap(s, at) <= window]

    def preceded_in_clause(self, at: Span, spans: Iterable[Span], window: int) -> bool:
        """Whether one of `spans` ends at most `window` words before `at`, in its clause
        ("no se ve nada de metal": a negation three words before the descriptor)."""
        return any(0 <= at.start - s.end <= window and self.same_clause(s, at) for s in spans)

    def word_gap(self, at: Span, start_char: int, end_char: int) -> int:
        """Words between `at` and the words of the text from `start_char` to `end_char`
        (evidence is kept as characters)."""
        inside = [i for i, w in enumerate(self.words) if w.start < end_char and w.end > start_char]
        if not inside:
            return len(self.words)
        return gap(at, Span(inside[0], inside[-1] + 1))

    def sentence_indices(self, sentence: int) -> List[int]:
        return [i for i, s in enumerate(self.sentence) if s == sentence]

    def text(self, spans: Iterable[Span], original: str) -> Tuple[str, int, int]:
        spans = list(spans)
        start = self.words[min(s.start for s in spans)].start
        end = self.words[max(s.end for s in spans) - 1].end
        return original[start:end], start, end
