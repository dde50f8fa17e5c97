"""Scope a mention's context: ConText (Harkema et al., J Biomed Inform 2009,
doi:10.1016/j.jbi.2009.05.002) as data, in the shape medspaCy's ConText uses.

Each modifier in `rules.yml` (`context.modifiers`) declares its cues, where a cue
must sit relative to the mention (direction, scope, window), the words that end
its scope (terminators), phrases that contain a cue but are not one (pseudo),
which mentions it applies to, what cancels it, what else it needs, and its
outcome: a mention a modifier scopes is dropped, or (outcome `ask`) asked about.
Nothing here names a modifier: the names are the data's.

    negated: "no metal showing"            direction forward,  window 5, clause
    imaging: "the x-ray shows the screw"   applies to seeing phrases only
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable, FrozenSet, List, Mapping, Sequence, Tuple

from nlu_components.safety.rules import Phrase, SafetyRulesError
from nlu_components.safety.text_spans import Category, Mention, Message, PhraseIndex, Span, gap, overlaps

Tokenise = Callable[[str], List[str]]


class Direction(str, Enum):
    FORWARD = "forward"  # the cue comes before what it modifies: "no screw showing"
    BACKWARD = "backward"  # after it: "the screw showing ... on the x-ray"
    BIDIRECTIONAL = "bidirectional"


class Scope(str, Enum):
    CLAUSE = "clause"  # ends at punctuation and at the `clause_breaks` words
    SENTENCE = "sentence"
    MESSAGE = "message"


class Target(str, Enum):
    TRIGGER = "trigger"  # the exposure / change phrase
    ANCHORS = "anchors"  # the hardware / body word
    MENTION = "mention"  # either
    ANY_TRIGGER = "any_trigger"  # any exposure phrase in the message ("poking out the back of my braces")


class Placement(str, Enum):
    """Where a cancelling cue sits."""

    BETWEEN = "between"  # between the modifier's cue and the target
    BEFORE_TARGET = "before_target"  # before the target, in scope
    IN_SCOPE = "in_scope"  # anywhere in scope


class Outcome(str, Enum):
    DROP = "drop"
    ASK = "ask"


@dataclass(frozen=True)
class Cancel:
    """Cues that undo the modifier: "i thought it was a pimple and *now* i can see the screw"."""

    cues: PhraseIndex
    placement: Placement
    window: int | None = None
    scope: Scope | None = None  # the modifier's own scope unless given
    unless_inside: PhraseIndex | None = None  # "healed now": a "now" inside a resolution cue
    # Cues that stay inside what the modifier says: "what would it look like if my rod
    # *started* coming out?" is still a hypothesis.
    excluding: FrozenSet[Phrase] = frozenset()


@dataclass(frozen=True)
class Requirement:
    """Cues that must also be present ("historical" needs a resolution: "they fixed it")."""

    cues: PhraseIndex
    scope: Scope
    # Not when one of these comes just before it: "will be fixed", "not healed".
    not_after: Tuple[Tuple[PhraseIndex, int], ...] = ()


@dataclass(frozen=True)
class Modifier:
    """One ConText rule."""

    name: str
    cues: PhraseIndex
    direction: Direction
    scope: Scope
    target: Target = Target.TRIGGER
    window: int | None = None
    terminators: FrozenSet[str] = frozenset()
    pseudo: Tuple[PhraseIndex, ...] = ()
    categories: FrozenSet[Category] | None = None  # None: every category
    triggers: FrozenSet[Phrase] | None = None  # or a mention whose trigger is one of these
    except_triggers: FrozenSet[Phrase] = frozenset()  # never a mention whose trigger is one of these
    cancelled_by: Tuple[Cancel, ...] = ()
    requires: Tuple[Requirement, ...] = ()
    absent: Tuple[Tuple[PhraseIndex, Scope], ...] = ()  # applies only when these are not in scope
    outcome: Outcome = Outcome.DROP
    # A cue inside the mention's own words does not count ("no" in a phrase like "no longer").
    ignore_cues_inside_mention: bool = False

    def applies_to(self, mention: Mention) -> bool:
        if mention.trigger_phrase in self.except_triggers:
            return False
        if self.categories is None and self.triggers is None:
            return True
        return (self.categories is not None and mention.category in self.categories) or (
            self.triggers is not None and mention.trigger_phrase in self.triggers
        )


@dataclass(frozen=True)
class ContextReason:
    name: str
    outcome: Outcome


def _in_scope(m: Message, scope: Scope, a: Span, b: Span) -> bool:
    if scope is Scope.CLAUSE:
        return m.same_clause(a, b)
    if scope is Scope.SENTENCE:
        return m.same_sentence(a, b)
    return True


def _placed(direction: Direction, cue: Span, target: Span, window: int | None) -> bool:
    """Whether `cue` sits on the modifier's side of `target`, within `window` words.
    A forward cue may run into the target ("could poke out" before "poke out")."""
    if direction is Direction.FORWARD:
        if cue.start >= target.start:
            return False
        distance = max(0, target.start - cue.end)
    elif direction is Direction.BACKWARD:
        distance = cue.start - target.end
    else:
        distance = gap(cue, target)
    return distance >= 0 and (window is None or distance <= window)


class ContextScoper:
    """Applies the modifiers, in file order, to one mention at a time."""

    def __init__(self, modifiers: Sequence[Modifier]) -> None:
        self.modifiers = tuple(modifiers)

    def reasons(self, m: Message, mention: Mention) -> List[ContextReason]:
        found: List[ContextReason] = []
        for modifier in self.modifiers:
            if not modifier.applies_to(mention) or any(r.name == modifier.name for r in found):
                continue
            if self._modifies(m, mention, modifier):
                found.append(ContextReason(modifier.name, modifier.outcome))
        return found

    def _targets(self, m: Message, mention: Mention, target: Target) -> Tuple[Span, ...]:
        if target is Target.ANY_TRIGGER:
            return tuple(m.triggers)
        if target is Target.TRIGGER:
            return (mention.trigger,)
        if target is Target.ANCHORS:
            return mention.anchors
        return mention.spans

    def _modifies(self, m: Message, mention: Mention, modifier: Modifier) -> bool:
        trigger = mention.trigger
        for absent, scope in modifier.absent:
            if any(_in_scope(m, scope, cue, trigger) for cue in m.spans(absent)):
                return False
        if not all(self._required(m, trigger, requirement) for requirement in modifier.requires):
            return False
        pseudo = [p for index in modifier.pseudo for p in m.spans(index)]
        for cue in m.spans(modifier.cues):
            if any(overlaps(cue, p) for p in pseudo):
                continue
            if modifier.ignore_cues_inside_mention and any(overlaps(cue, s) for s in mention.spans):
                continue
            for target in self._targets(m, mention, modifier.target):
                if not _in_scope(m, modifier.scope, cue, target):
                    continue
                if not _placed(modifier.direction, cue, target, modifier.window):
                    continue
                if self._terminated(m, cue, target, modifier.terminators):
                    continue
                if any(self._cancels(m, modifier, cancel, cue, trigger) for cancel in modifier.cancelled_by):
                    continue
                return True
        return False

    @staticmethod
    def _terminated(m: Message, cue: Span, target: Span, terminators: FrozenSet[str]) -> bool:
        first, last = sorted((cue, target), key=lambda s: s.start)
        return any(m.norms[i] in terminators for i in range(first.end, last.start))

    @staticmethod
    def _required(m: Message, trigger: Span, requirement: Requirement) -> bool:
        for cue in m.spans(requirement.cues):
            if not _in_scope(m, requirement.scope, cue, trigger):
                continue
            if any(
                0 <= cue.start - before.end <= window
                for index, window in requirement.not_after
                for before in m.spans(index)
            ):
                continue
            return True
        return False

    @staticmethod
    def _cancels(m: Message, modifier: Modifier, cancel: Cancel, cue: Span, trigger: Span) -> bool:
        scope = cancel.scope or modifier.scope
        inside = m.spans(cancel.unless_inside) if cancel.unless_inside is not None else []
        first, last = sorted((cue, trigger), key=lambda s: s.start)
        for c in m.spans(cancel.cues):
            if any(overlaps(c, r) for r in inside) or overlaps(c, cue) or m.phrase(c) in cancel.excluding:
                continue
            if cancel.placement is Placement.BETWEEN:
                placed = first.end <= c.start and c.end <= last.start
            elif cancel.placement is Placement.BEFORE_TARGET:
                placed = _placed(Direction.FORWARD, c, trigger, cancel.window) and _in_scope(m, scope, c, trigger)
            else:
                placed = _in_scope(m, scope, c, trigger)
            if placed:
                return True
        return False


# -------------------------------------------------------------- reading the rules


def compile_modifiers(raw: Any, tokenise: Tokenise, source: str = "rules.yml") -> Tuple[Modifier, ...]:
    """Read `context.modifiers`: a list of mappings, one per ConText rule."""
    if not isinstance(raw, list) or not raw:
        raise SafetyRulesError(f"{source}: 'context.modifiers' must be a non-empty list")
    return tuple(_modifier(entry, position, tokenise, source) for position, entry in enumerate(raw))


def _modifier(entry: Any, position: int, tokenise: Tokenise, source: str) -> Modifier:
    where = f"{source}: context.modifiers[{position}]"
    if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
        raise SafetyRulesError(f"{where}: needs a `name`")
    where = f"{where} ({entry['name']})"
    known = {
        "name", "cues", "direction", "scope", "target", "window", "terminators", "pseudo",
        "categories", "triggers", "cancelled_by", "requires", "absent", "outcome",
        "ignore_cues_inside_mention", "except_triggers",
    }  # fmt: skip
    unknown = set(entry) - known
    if unknown:
        raise SafetyRulesError(f"{where}: unknown keys {sorted(unknown)}")

    def phrases(value: Any, key: str) -> FrozenSet[Phrase]:
        if not isinstance(value, list) or not value:
            raise SafetyRulesError(f"{where}: '{key}' must be a non-empty list")
        compiled = set()
        # A shared list may sit inside a cue list as a YAML alias: [*animals, earrings].
        flat = [v for item in value for v in (item if isinstance(item, list) else [item])]
        for item in flat:
            if not isinstance(item, str) or not tokenise(item):
                raise SafetyRulesError(f"{where}: '{key}' entry {item!r} is not text; quote it")
            compiled.add(tuple(tokenise(item)))
        return frozenset(compiled)

    def index(value: Any, key: str) -> PhraseIndex:
        return PhraseIndex(phrases(value, key))

    def choice(enum: Any, value: Any, key: str, default: Any = None) -> Any:
        if value is None and default is not None:
            return default
        try:
            return enum(value)
        except ValueError:
            options = ", ".join(e.value for e in enum)
            raise SafetyRulesError(f"{where}: '{key}' must be one of {options}, not {value!r}") from None

    def window(value: Any, key: str) -> int | None:
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise SafetyRulesError(f"{where}: '{key}' must be a whole number of words")
        return value

    def mapping_list(value: Any, key: str) -> List[Mapping[str, Any]]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, Mapping) and "cues" in v for v in value):
            raise SafetyRulesError(f"{where}: '{key}' must be a list of mappings with `cues`")
        return value

    categories = None
    if "categories" in entry:
        categories = frozenset(choice(Category, c, "categories") for c in entry["categories"])
    pseudo_lists = entry.get("pseudo") or []
    if pseudo_lists and not isinstance(pseudo_lists[0], list):
        pseudo_lists = [pseudo_lists]
    return Modifier(
        name=entry["name"],
        cues=index(entry.get("cues"), "cues"),
        direction=choice(Direction, entry.get("direction"), "direction"),
        scope=choice(Scope, entry.get("scope"), "scope"),
        target=choice(Target, entry.get("target"), "target", Target.TRIGGER),
        window=window(entry.get("window"), "window"),
        terminators=frozenset(w for p in phrases(entry["terminators"], "terminators") for w in p)
        if "terminators" in entry
        else frozenset(),
        pseudo=tuple(index(p, "pseudo") for p in pseudo_lists),
        categories=categories,
        triggers=phrases(entry["triggers"], "triggers") if "triggers" in entry else None,
        except_triggers=phrases(entry["except_triggers"], "except_triggers")
        if "except_triggers" in entry
        else frozenset(),
        cancelled_by=tuple(
            Cancel(
                cues=index(c["cues"], "cancelled_by.cues"),
                placement=choice(Placement, c.get("placement"), "cancelled_by.placement"),
                window=window(c.get("window"), "cancelled_by.window"),
                scope=choice(Scope, c["scope"], "cancelled_by.scope") if "scope" in c else None,
                unless_inside=index(c["unless_inside"], "cancelled_by.unless_inside") if "unless_inside" in c else None,
                excluding=phrases(c["excluding"], "cancelled_by.excluding") if "excluding" in c else frozenset(),
            )
            for c in mapping_list(entry.get("cancelled_by"), "cancelled_by")
        ),
        requires=tuple(
            Requirement(
                cues=index(r["cues"], "requires.cues"),
                scope=choice(Scope, r.get("scope"), "requires.scope"),
                not_after=tuple(
                    (index(n["cues"], "requires.not_after.cues"), window(n.get("window"), "not_after.window") or 0)
                    for n in mapping_list(r.get("not_after"), "requires.not_after")
                ),
            )
            for r in mapping_list(entry.get("requires"), "requires")
        ),
        absent=tuple(
            (index(a["cues"], "absent.cues"), choice(Scope, a.get("scope"), "absent.scope"))
            for a in mapping_list(entry.get("absent"), "absent")
        ),
        outcome=choice(Outcome, entry.get("outcome"), "outcome", Outcome.DROP),
        ignore_cues_inside_mention=bool(entry.get("ignore_cues_inside_mention", False)),
    )
