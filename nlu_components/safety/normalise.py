"""Spelling and lay-word normalisation on top of spaCy's tokenizer.

spaCy's English tokenizer already splits contractions and gives them norms
("can't" -> "can" "not", "dont" -> "do" "not"). On top of that, each word is
mapped through the rules file's spelling table ("scew" -> "screw", "thru" ->
"through") and, failing that, to a key safety word one typo away (then through the
table too: "implnt" -> "implant" -> "hardware"). A few typed words are spelt as
another word only next to certain words (`ContextSpelling`): "hw" is "how" in
"hw do screws come out", and "hardware" in "hw visible through 5mm defect".

    >>> normaliser.words("the scew is pokin thru my skn")
    ['the', 'screw', 'is', 'poking', 'through', 'my', 'skin']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Mapping, Protocol, Sequence

from spacy.tokens import Doc

SENTENCE_END = "||"
QUESTION_END = "||?"
CLAUSE_END = "|"
BOUNDARY_MARKERS = (SENTENCE_END, QUESTION_END, CLAUSE_END)


@dataclass(frozen=True)
class NormalisedWord:
    """One word of a message: its normalised form and where it came from."""

    norm: str
    start: int
    end: int


def within_edits(word: str, target: str, limit: int) -> bool:
    """Optimal-string-alignment distance <= `limit` (insert, delete, substitute, swap)."""
    if abs(len(word) - len(target)) > limit:
        return False
    previous2: List[int] = []
    previous = list(range(len(target) + 1))
    for i in range(1, len(word) + 1):
        row = [i] + [0] * len(target)
        for j in range(1, len(target) + 1):
            cost = 0 if word[i - 1] == target[j - 1] else 1
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and word[i - 1] == target[j - 2] and word[i - 2] == target[j - 1]:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) > limit:
            return False
        previous2, previous = previous, row
    return previous[-1] <= limit


@dataclass(frozen=True)
class ContextSpelling:
    """A typed word spelt `as_word` when the word after it is one of `before` or the word
    before it one of `after` (compared after normalisation); otherwise the spelling table's."""

    word: str
    as_word: str
    before: FrozenSet[str] = frozenset()
    after: FrozenSet[str] = frozenset()


class TokenizerLike(Protocol):
    """Anything that turns text into a spaCy Doc (a Tokenizer or `nlp.make_doc`)."""

    def __call__(self, text: str) -> Doc: ...


class Normaliser:
    """Turns text or a spaCy Doc into normalised words.

    Args:
        tokenizer: spaCy's tokenizer (or `nlp.make_doc`).
        spelling: {misspelling or lay word: the rule word} from the rules file.
        fuzzy_targets: key safety words also caught one typo away.
        not_typos: real words one typo away from a key word, never corrected.
        in_context: typed words spelt otherwise next to certain words.
    """

    def __init__(
        self,
        tokenizer: "TokenizerLike",
        spelling: Mapping[str, str],
        fuzzy_targets: Sequence[str] = (),
        not_typos: FrozenSet[str] = frozenset(),
        in_context: Sequence[ContextSpelling] = (),
    ) -> None:
        self._tokenizer = tokenizer
        self._spelling: Dict[str, str] = dict(spelling)
        self._fuzzy_targets = tuple(fuzzy_targets)
        self._not_typos = not_typos
        self._known: FrozenSet[str] = frozenset(spelling.values()) | frozenset(self._fuzzy_targets)
        self._in_context: Dict[str, ContextSpelling] = {
            rule.word: ContextSpelling(
                rule.word,
                self.normalise_word(rule.as_word, rule.as_word),
                frozenset(self.normalise_word(w, w) for w in rule.before),
                frozenset(self.normalise_word(w, w) for w in rule.after),
            )
            for rule in in_context
        }

    def normalise_word(self, text: str, norm: str) -> str:
        """Return the rule word for one token."""
        lowered = text.lower().strip("'’")
        if lowered in self._spelling:
            return self._spelling[lowered]
        norm = norm.lower()
        if norm in self._spelling:
            return self._spelling[norm]
        if norm in self._known or len(norm) < 5 or norm in self._not_typos or not norm.isalpha():
            return norm
        for target in self._fuzzy_targets:
            if within_edits(norm, target, 1):
                return self._spelling.get(target, target)
        return norm

    def doc_words(self, doc: Doc) -> List[NormalisedWord]:
        """Normalised words of a Doc.

        Sentence-ending punctuation and line breaks become SENTENCE_END ("||"),
        other punctuation CLAUSE_END ("|"), so the detector can scope its rules.
        The text is tokenised in lower case: spaCy's contractions are case-sensitive, so
        "MY LEGS WONT HOLD ME UP" would keep "WONT" whole where the rules split "wont".
        Offsets stay those of the original text (lower-casing that changes a length is skipped).
        """
        lowered = doc.text.lower()
        if lowered != doc.text and len(lowered) == len(doc.text):
            doc = self._tokenizer(lowered)
        words: List[NormalisedWord] = []
        typed: Dict[int, str] = {}  # index in `words` -> the typed word, for the words spelt in context
        for token in doc:
            end = token.idx + len(token)
            if token.is_space or not token.text.strip():
                if "\n" in token.text:
                    words.append(NormalisedWord(SENTENCE_END, token.idx, end))
                continue
            if token.text in {"¿", "¡"}:  # opens a Spanish question or exclamation: a new sentence
                words.append(NormalisedWord(SENTENCE_END, token.idx, end))
                continue
            if token.text.strip(".!?") == "" and token.text not in {"...", "…"}:
                marker = QUESTION_END if "?" in token.text else SENTENCE_END
                words.append(NormalisedWord(marker, token.idx, end))
                continue
            if token.text in {"-", "‐"} and not token.whitespace_ and token.i > 0 and not doc[token.i - 1].whitespace_:
                continue  # a hyphen inside a word ("x-ray", "re-opened") joins, it does not end a clause
            if token.text in {"'", '"', "‘", "’", "“", "”", "`"}:
                continue  # quotes mark a phrase ("what 'exposed hardware' means"), not a clause
            if token.is_punct or token.text in {"...", "…", "--"}:
                words.append(NormalisedWord(CLAUSE_END, token.idx, end))
                continue
            if token.text.lower() in self._in_context:
                typed[len(words)] = token.text.lower()
            words.append(
                NormalisedWord(
                    self.normalise_word(token.text, token.norm_),
                    token.idx,
                    token.idx + len(token),
                )
            )
        return self._spelt_in_context(words, typed)

    def _spelt_in_context(self, words: List[NormalisedWord], typed: Mapping[int, str]) -> List[NormalisedWord]:
        """ "hw visible" -> "hardware visible": the words next to it decide (not across punctuation)."""
        if not typed:
            return words
        spelt = list(words)
        for i, text in typed.items():
            rule = self._in_context[text]
            following = words[i + 1].norm if i + 1 < len(words) else None
            preceding = words[i - 1].norm if i > 0 else None
            if following in rule.before or preceding in rule.after:
                spelt[i] = NormalisedWord(rule.as_word, words[i].start, words[i].end)
        return spelt

    def words(self, text: str) -> List[str]:
        """Normalised words of a text (punctuation dropped): used for rule phrases."""
        return [
            w.norm
            for w in self.doc_words(self._tokenizer(text))
            if w.norm not in (SENTENCE_END, QUESTION_END, CLAUSE_END)
        ]
