"""Is the sentence around a mention a question about hardware in general?

"how often do rods come through the skin?" asks how things go; "is it normal that
the screw is poking out?" is a report. Not a ConText modifier (it reads the
whole sentence's form, not a cue's scope), so it has its own module; its word
lists are in `rules.yml` (general_cues, question_starts, definite_words,
generic_auxiliaries, personal_words, addressing_phrases,
question_form.report_cues).
"""

from __future__ import annotations

from typing import FrozenSet, List

from nlu_components.safety.normalise import BOUNDARY_MARKERS
from nlu_components.safety.rules import Phrase, SafetyRules
from nlu_components.safety.text_spans import Mention, Message, PhraseIndex

GENERAL_QUESTION = "general_question"


class QuestionForm:
    def __init__(self, rules: SafetyRules) -> None:
        self.rules = rules
        self._general = PhraseIndex(rules.general_cues)
        self._addressing = PhraseIndex(rules.addressing_phrases)
        self._current = PhraseIndex(rules.current_cues)
        self._present = PhraseIndex(rules.present_markers)
        self._report_cues = PhraseIndex(rules.question_report_cues)

    def is_general_question(self, m: Message, mention: Mention, strict: bool = True) -> bool:
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
        if m.spans(self._report_cues):
            return False  # "is it normal that...?", "...what do I do?": about what is happening
        if any(m.same_clause(cue, mention.trigger) for cue in m.spans(self._current)):
            return False  # "...and now there's something metal in it??"
        if self._answered_with_a_time(m, sentence):
            return False  # "is it normal to not feel the toilet paper when you wipe? started today"
        if not self._is_question(m, sentence):
            return False
        if self._alarmed_statement(m, sentence, mention):
            return False  # "screw poking out of scar?? fused 2yrs ago"
        if not strict:
            return True
        r = self.rules
        adjective = any(  # "exposed hardware", "exposed spinal hardware"
            0 <= anchor.start - mention.trigger.end <= r.question_adjective_gap for anchor in mention.anchors
        )
        if not adjective and any(
            0 <= mention.trigger.start - cue.end <= r.question_present_window for cue in m.spans(self._present)
        ):
            return False  # "is it bad that a screw is poking out?" is a report
        if self._asks_in_general(m, sentence, mention):
            return True  # "does the metal come through because the skin gets thin?"
        definite = self.rules.definite_words
        for anchor in mention.anchors:
            if any(
                word in definite for word in m.norms[max(0, anchor.start - r.question_definite_window) : anchor.start]
            ):
                return False
        return True

    def _answered_with_a_time(self, m: Message, sentence: int) -> bool:
        """The next sentence opens with a current cue ("started today", "since this morning")."""
        following = [i for i in m.sentence_indices(sentence + 1) if m.norms[i] not in BOUNDARY_MARKERS]
        return bool(following) and any(cue.start == following[0] for cue in m.spans(self._current))

    def _is_question(self, m: Message, sentence: int) -> bool:
        """A question mark, or a clause that opens with a question word (but not one that opens
        a statement with its subject left out: "can see the rod")."""
        indices = m.sentence_indices(sentence)
        words = [m.norms[i] for i in indices if m.norms[i] not in BOUNDARY_MARKERS]
        if sentence in m.questions:
            return not self._ends_in_a_tag(words)
        return any(
            m.norms[i] in self.rules.question_starts
            and (i == 0 or m.clause[i - 1] != m.clause[i] or m.norms[i - 1] in BOUNDARY_MARKERS)
            # "can not walk" opens a statement, not a question
            and not (i + 1 < len(m.norms) and m.norms[i + 1] == "not")
            and not self._starts_with(m.norms[i + 1 :], self.rules.question_elided_subject_verbs)
            for i in indices
        )

    def _alarmed_statement(self, m: Message, sentence: int, mention: Mention) -> bool:
        """ "screw poking out of scar??": a question mark after a bare noun and a verb in -ing, with
        no question word or auxiliary to open it, is a statement said with alarm (unless the
        message asks in general elsewhere: "Screws poking out of the skin? How common is that?")."""
        words = [m.norms[i] for i in m.sentence_indices(sentence) if m.norms[i] not in BOUNDARY_MARKERS]
        if not words or words[0] in self.rules.question_starts or words[0] in self.rules.generic_auxiliaries:
            return False
        start = mention.trigger.start
        bare_progressive = m.norms[start].endswith("ing") and not (start > 0 and m.norms[start - 1] in ("is", "are"))
        asks_in_general_elsewhere = bool(m.spans(self._general))  # "...skin? How common is that?"
        following = [m.norms[i] for i in m.sentence_indices(sentence + 1) if m.norms[i] not in BOUNDARY_MARKERS]
        answered_no = bool(following) and following[0] in self.rules.question_answered_no  # "Metal showing? No."
        return sentence in m.questions and bare_progressive and not asks_in_general_elsewhere and not answered_no

    def _ends_in_a_tag(self, words: List[str]) -> bool:
        """ "it's only a little metal showing, not a big deal right?": a statement with a tag."""
        if not words or words[0] in self.rules.question_starts:
            return False
        return any(tuple(words[-len(tag) :]) == tag for tag in self.rules.question_statement_tags)

    @staticmethod
    def _starts_with(words: List[str], phrases: FrozenSet[Phrase]) -> bool:
        return any(tuple(words[: len(p)]) == p for p in phrases)

    def _asks_in_general(self, m: Message, sentence: int, mention: Mention) -> bool:
        """A question opened by a generic auxiliary ("does", "can", "why does", "how do")
        with the exposure verb in its base form asks how things go, not what is happening:
        "does the metal come through because the skin gets thin?" (but "is the screw
        poking out?" and "why is the screw showing?" are reports)."""
        opening = [m.norms[i] for i in m.sentence_indices(sentence) if m.norms[i] not in BOUNDARY_MARKERS][:2]
        generic = self.rules.generic_auxiliaries
        opens_generic = bool(opening) and (
            opening[0] in generic
            or (opening[0] in self.rules.question_starts and len(opening) > 1 and opening[1] in generic)
        )
        start = mention.trigger.start
        progressive = m.norms[start].endswith("ing") or (start > 0 and m.norms[start - 1] in ("is", "are"))
        return opens_generic and not progressive
