"""Find the mentions in a message, before any context: exposed hardware, unclear
exposure, neurological red flags, wound emergencies, and the funnel's floor and
warning mentions.

A mention is an anchor (a hardware or body word) and a trigger (an exposure or
change phrase) close together; `context.py` then decides whether the message
says it is happening now.
"""

from __future__ import annotations

from typing import Callable, FrozenSet, List, Tuple

from nlu_components.safety.normalise import within_edits
from nlu_components.safety.rules import FlagRules, Phrase, SafetyRules
from nlu_components.safety.text_spans import Category, Mention, Message, PhraseIndex, Span, gap, nearest


class MentionFinder:
    """Every mention the rules' phrase lists find in a message."""

    def __init__(self, rules: SafetyRules) -> None:
        r = rules
        self.rules = rules
        self._hardware = PhraseIndex(r.hardware | r.object_descriptions)
        self._object_descriptions = PhraseIndex(r.object_descriptions)
        self._prepositions = PhraseIndex(r.surface_prepositions)
        self._surfaces = PhraseIndex(r.surfaces)
        self._breakdown = PhraseIndex(r.breakdown_words)
        self._strong = PhraseIndex(r.strong_exposure)
        self._visible = PhraseIndex(r.visible_exposure)
        self._intact = PhraseIndex(r.intact_skin)
        self._closed = PhraseIndex(r.closed_skin)
        self._negation = PhraseIndex(r.negation_cues)
        self._findings = PhraseIndex(r.skin_findings)
        self._finding_locations = PhraseIndex(r.finding_locations)
        self._opening = PhraseIndex(r.wound_opening)
        self._unclear_objects = PhraseIndex(r.unclear_objects)
        self._pronoun_subjects = PhraseIndex(r.pronoun_exposure_subjects)
        self._warning_findings = PhraseIndex(r.warning_findings)
        self._warning_context = PhraseIndex(r.warning_context)
        self._floor_things = PhraseIndex(r.floor_things | r.hardware | r.object_descriptions | r.unclear_objects)
        self._floor_objects = frozenset(r.floor_objects | r.hardware | r.object_descriptions)
        self._floor_openings = PhraseIndex(r.floor_openings | r.wound_opening | r.strong_exposure | r.visible_exposure)
        self._neuro = [_IndexedFlag(flag) for flag in r.neuro_flags]
        self._wound = [_IndexedFlag(flag) for flag in r.wound_flags]

    def find(self, m: Message) -> List[Mention]:
        exposed, unclear = self._exposure_mentions(m)
        neuro = self._flag_mentions(
            m, Category.NEURO_RED_FLAG, self._neuro, self.rules.neuro_window, m.near_in_sentence
        )
        wound = self._flag_mentions(
            m, Category.WOUND_EMERGENCY, self._wound, self.rules.wound_window, m.near_in_message
        )
        return exposed + neuro + wound + unclear + self._floor_mentions(m) + self._warning_mentions(m)

    def _surface_phrases(self, m: Message, broken_skin: List[Span]) -> List[Span]:
        """ "out of his skin", "thru the wound": a preposition, a few words, a surface."""
        surfaces = m.spans(self._surfaces)
        spans = []
        for prep in m.spans(self._prepositions):
            for surface in surfaces:
                if 0 <= surface.start - prep.end <= self.rules.surface_preposition_gap and m.same_clause(surface, prep):
                    spans.append(Span(prep.start, surface.end))
        return spans + broken_skin

    def _broken_skin(self, m: Message) -> List[Span]:
        """ "the skin over it is gone", "where the skin's gone": a surface word, then a breakdown word."""
        spans = []
        for surface in m.spans(self._surfaces):
            for broken in self._unnegated(m, self._breakdown):  # not "the skin isnt broken"
                if 0 <= broken.start - surface.end <= self.rules.surface_breakdown_gap and m.same_clause(
                    surface, broken
                ):
                    spans.append(broken)
        return spans

    def _exposure_mentions(self, m: Message) -> Tuple[List[Mention], List[Mention]]:
        hardware = m.spans(self._hardware)
        unclear_objects = m.spans(self._unclear_objects)
        intact = self._unnegated(m, self._intact)
        closed = self._unnegated(m, self._closed)
        broken_skin = self._broken_skin(m)
        # An opening said not to be there ("pero no está abierto", "it's not open") opens nothing.
        openings = self._unnegated(m, self._opening) + broken_skin
        exposed: List[Mention] = []
        unclear: List[Mention] = []
        triggers = (
            [("strong", s) for s in m.spans(self._strong)]
            + [("surface", s) for s in self._surface_phrases(m, broken_skin)]
            + [("visible", s) for s in m.spans(self._visible)]
        )
        m.triggers = [trigger for _, trigger in triggers]
        for kind, trigger in triggers:
            phrase = m.phrase(trigger)
            near = [h for h in hardware if m.same_sentence(h, trigger) and gap(h, trigger) <= self.rules.window]
            # "noticed a new swelling over my hardware", "me salió un bulto encima de los tornillos"
            near = [h for h in near if not self._finding_between(m, trigger, h)]
            if not near and kind != "visible" and m.sentence[trigger.start] not in m.questions:
                # "do rods ever come out? my dad's is coming out": the hardware word may sit in an
                # earlier sentence; not in a question ("...from the skin? It is pushing out, or?").
                near = [h for h in hardware if h.end <= trigger.start]
            if near:
                anchor = nearest(near, trigger)
                # An opening or broken skin in the sentence outweighs a word for intact skin.
                opened = any(m.same_sentence(o, trigger) for o in openings)
                window = self.rules.intact_skin_window
                reach = self.rules.closed_skin_window
                # Only in the phrase's own sentence: "the surgery isn't open till Monday. There is
                # a pin showing through the skin" says nothing about the skin.
                closed_here = [s for s in closed if m.same_sentence(s, trigger)]
                intact_here = [s for s in intact if m.same_sentence(s, trigger)]
                near_closed = any(gap(s, trigger) <= reach or gap(s, anchor) <= reach for s in closed_here)
                near_intact = any(gap(s, trigger) <= window or gap(s, anchor) <= window for s in intact_here)
                if not opened and (near_closed or (kind in ("visible", "surface") and near_intact)):
                    unclear.append(Mention(Category.UNCLEAR_EXPOSURE, "intact_skin", (anchor,), trigger, phrase))
                else:
                    exposed.append(Mention(Category.EXPOSED_HARDWARE, kind, (anchor,), trigger, phrase))
                continue
            # A seeing phrase needs a skin or wound word in its sentence: "theres a scru showin in my incison".
            on_surface = kind != "visible" or any(m.same_sentence(s, trigger) for s in m.spans(self._surfaces))
            misheard = self._near_hardware_word(m, trigger) if on_surface else None
            if misheard is not None:
                exposed.append(Mention(Category.EXPOSED_HARDWARE, "near_hardware_word", (misheard,), trigger, phrase))
                continue
            pronoun = self._pronoun_subject(m, trigger, self.rules.pronoun_exposure_phrases)
            if pronoun is not None:
                exposed.append(Mention(Category.EXPOSED_HARDWARE, "pronoun_exposed", (pronoun,), trigger, phrase))
                continue
            # "it's been showing for a month. [...] the screw bit.": the hardware named in another sentence.
            if hardware and self._pronoun_subject(m, trigger, self.rules.pronoun_exposure_named_phrases):
                anchor = nearest(hardware, trigger)
                exposed.append(Mention(Category.EXPOSED_HARDWARE, "pronoun_hardware_named", (anchor,), trigger, phrase))
                continue
            objects = [
                o for o in unclear_objects if m.same_sentence(o, trigger) and gap(o, trigger) <= self.rules.window
            ]
            if objects or kind in ("surface", "strong"):
                unclear.append(
                    Mention(Category.UNCLEAR_EXPOSURE, "no_hardware_word", tuple(objects[:1]), trigger, phrase)
                )
        object_descriptions = m.spans(self._object_descriptions)
        for opening in m.spans(self._opening):
            phrase = m.phrase(opening)
            near = m.near_in_sentence(hardware + unclear_objects, opening, self.rules.wound_opening_window)
            for anchor in near:
                if anchor in object_descriptions:
                    # "the incision opened and there's something shiny in it"
                    exposed.append(Mention(Category.EXPOSED_HARDWARE, "wound_opened", (anchor,), opening, phrase))
                else:
                    unclear.append(Mention(Category.UNCLEAR_EXPOSURE, "wound_opened", (anchor,), opening, phrase))
        return exposed, unclear

    def _near_hardware_word(self, m: Message, trigger: Span) -> Span | None:
        """ "the rot in my back is poking out": the nearest word before the exposure phrase, in its
        clause, that is one edit from a short hardware word or two from a longer one."""
        first = max(0, trigger.start - self.rules.near_hardware_window)
        for i in range(trigger.start - 1, first - 1, -1):
            word = m.norms[i]
            if not m.same_clause(Span(i, i + 1), trigger):
                return None
            if len(word) < 3 or not word.isalpha() or word in self.rules.near_hardware_not:
                continue
            if any(within_edits(word, t, 1 if len(t) <= 4 else 2) for t in self.rules.near_hardware_targets):
                return Span(i, i + 1)
        return None

    def _pronoun_subject(self, m: Message, trigger: Span, phrases: FrozenSet[Phrase]) -> Span | None:
        """ "it's just a little exposed": a pronoun subject shortly before one of `phrases`, in its clause."""
        r = self.rules
        if m.phrase(trigger) not in phrases:
            return None
        if trigger.end < len(m.norms) and m.norms[trigger.end] in r.pronoun_exposure_not_followed_by:
            return None
        subjects = [
            s
            for s in m.spans(self._pronoun_subjects)
            if 0 <= trigger.start - s.end <= r.pronoun_exposure_window and m.same_clause(s, trigger)
        ]
        return nearest(subjects, trigger) if subjects else None

    def _unnegated(self, m: Message, index: PhraseIndex) -> List[Span]:
        """The skin or opening words no negation comes just before: "it's not under the skin
        anymore" says the skin is not intact, "no está abierto" that nothing has opened."""
        negations = m.spans(self._negation)
        window = self.rules.intact_skin_negation_window
        return [s for s in m.spans(index) if not any(0 <= s.start - n.end <= window for n in negations)]

    def _floor_mentions(self, m: Message) -> List[Mention]:
        """A thing (implant, wound, "something shiny") and an opening or seeing word
        in one sentence: the mentions the funnel's floor is made of."""
        things = m.spans(self._floor_things)
        mentions = []
        for opening in m.spans(self._floor_openings):
            near = m.near_in_sentence(things, opening, self.rules.floor_window)
            if near:
                anchor = nearest(near, opening)
                objects = [t for t in near if m.phrase(t) in self._floor_objects]
                if objects:  # "a tiny bit of metal", not only "the wound"
                    anchor = nearest(objects, opening)
                rule = "object_and_opening" if objects else "wound_and_opening"
                mentions.append(Mention(Category.FLOOR, rule, (anchor,), opening, m.phrase(opening)))
        return mentions

    def _warning_mentions(self, m: Message) -> List[Mention]:
        """A warning-sign finding (a pop, fever, pus, redness) near a surgery or implant word."""
        context = m.spans(self._warning_context)
        mentions = []
        for finding in m.spans(self._warning_findings):
            near = m.near_in_sentence(context, finding, self.rules.warning_window)
            if near:
                anchor = nearest(near, finding)
                mentions.append(
                    Mention(Category.WARNING_SIGN, "finding_after_surgery", (anchor,), finding, m.phrase(finding))
                )
        return mentions

    def _finding_between(self, m: Message, trigger: Span, hardware: Span) -> bool:
        """ "noticed a new swelling over my hardware": a skin finding, then a
        location word, between the seeing phrase and the hardware word."""
        if hardware.start < trigger.end:
            return False
        # The finding may also come just before the phrase: "a tiny hole in my scar over the screws".
        findings = [
            f
            for f in m.spans(self._findings)
            if f.end <= hardware.start
            and (trigger.end <= f.start or 0 <= trigger.start - f.end <= self.rules.finding_before_window)
        ]
        return any(
            f.end <= place.start and trigger.end <= place.start and place.end <= hardware.start
            for f in findings
            for place in m.spans(self._finding_locations)
        )

    @staticmethod
    def _flag_mentions(
        m: Message,
        category: Category,
        flags: List["_IndexedFlag"],
        window: int,
        near: Callable[[List[Span], Span, int], List[Span]],
    ) -> List[Mention]:
        """Each flag's standalone phrases, and its body and change words within `window`
        (`near` says where: the same sentence, or anywhere in the message)."""
        mentions: List[Mention] = []
        for flag in flags:
            for span in m.spans(flag.standalone):
                mentions.append(Mention(category, flag.name, (), span, m.phrase(span)))
            bodies = m.spans(flag.body)
            for change in m.spans(flag.change):
                close = near(bodies, change, window)
                if close:
                    anchor = nearest(close, change)
                    mentions.append(Mention(category, flag.name, (anchor,), change, m.phrase(change)))
        return mentions


class _IndexedFlag:
    """One red flag's phrase lists, indexed for lookup."""

    def __init__(self, flag: FlagRules) -> None:
        self.name = flag.name
        self.body = PhraseIndex(flag.body)
        self.change = PhraseIndex(flag.change)
        self.standalone = PhraseIndex(flag.standalone)
