"""The recall-first funnel: which stage of the safety layer decides a message's intent.

Stages, from the most to the least certain (the first that applies decides):

- `rules`: the rules found a current report of exposed hardware, a neurological
  red flag or a wound emergency: the emergency reply, whatever the classifier said;
- `rules_doubted`: the rules found a current exposure, but the learned stage gives the
  message almost no chance of being one (a furniture screw, a leaflet about exposed
  hardware): the bot asks "can you see metal?" instead of sounding the alarm;
- `learned`: the learned stage (`safety/learned.py`, character n-grams trained on the
  labelled safety sets) is confident of a current exposure or neurological report the
  rules did not find: the emergency reply (a higher bar when the rules read a mention
  as negated, hypothetical, old or resolved);
- `rules_context`: the classifier says emergency but the rules read the mention as
  negated, hypothetical, old or resolved: the bot asks rather than guess;
- `rules_unclear`: the rules found a possible exposure (an opening with something in
  it, a poking-out with no hardware word): the bot asks;
- `classifier_on_a_warning`: the classifier says exposed metal, but all the rules found is a
  warning-sign finding ("a click in my back and a new pain"), no metal-like thing and no
  opening: the bot asks "can you see metal?" (a no gets the warning-signs reply);
- `classifier_doubted`: a classifier emergency the learned stage gives almost no chance:
  the bot asks;
- `classifier`: a classifier emergency the rules neither saw nor contradicted stands
  when the message says something about a body, a wound or a surgery;
  `classifier_without_context`: with nothing of the kind ("Rod Stewart's band",
  "screw it") the bot asks instead of sounding the alarm;
- `learned_unsure`: the learned stage leans towards a report, short of confident, and the
  classifier took the message for out-of-scope, the fallback or an information answer:
  the clarifying question;
- `semantic_net`: most of the message's nearest training lines, in the pretrained
  sentence space, are emergency reports, close enough (`safety/semantic_net.py`), the
  rules saw no negated, hypothetical or resolved mention, and the classifier took it
  for out-of-scope, the fallback or an information answer: the clarifying question;
- `floor`: the message names the implant, the wound or a metal-like thing together
  with an opening, breaking or seeing word, unscoped by any context cue: it may not
  end in out-of-scope, the fallback or an information answer; it gets the question
  (over a warning-signs reply too when the thing is metal-like, not just the wound);
- `warning_floor`: a warning-sign finding (a pop, fever, pus, spreading redness) near a
  surgery or implant word, unscoped by any context cue, in a message the classifier
  took for out-of-scope, the fallback or an information answer: the warning-signs reply;
- `uncertain_answer`: "not sure" is never a "no" to "can you see metal?".

Pure functions over plain values, so every branch is testable without Rasa.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import AbstractSet, Any, Mapping

from nlu_components.safety.detector import Category
from nlu_components.safety.learned import Likelihood


class Stage(str, Enum):
    """The funnel stage that decided (its value goes into the `safety` evidence)."""

    RULES = "rules"
    RULES_DOUBTED = "rules_doubted"
    LEARNED = "learned"
    RULES_CONTEXT = "rules_context"
    RULES_UNCLEAR = "rules_unclear"
    CLASSIFIER_ON_A_WARNING = "classifier_on_a_warning"
    CLASSIFIER_DOUBTED = "classifier_doubted"
    CLASSIFIER = "classifier"
    CLASSIFIER_WITHOUT_CONTEXT = "classifier_without_context"
    LEARNED_UNSURE = "learned_unsure"
    SEMANTIC_NET = "semantic_net"
    FLOOR = "floor"
    WARNING_FLOOR = "warning_floor"
    UNCERTAIN_ANSWER = "uncertain_answer"


@dataclass(frozen=True)
class Intents:
    """The intent names the funnel sets (from the component's config)."""

    exposed: str
    neuro: str
    wound: str
    unclear_exposed: str
    unclear_neuro: str
    fallback: str
    warning: str
    # Intents a floor hit may not end in: out-of-scope, the fallback, information answers.
    floor_replaced: AbstractSet[str]
    # Intents already at warning-sign level or above (the semantic net leaves them).
    escalating: AbstractSet[str]


@dataclass(frozen=True)
class Signals:
    """What the earlier layers said about one message."""

    classified: str | None
    rules_category: Category | None
    rules_contradict_exposed: bool  # a negated / hypothetical / old exposure mention
    rules_contradict_neuro: bool  # a negated / old neurological mention
    body_context: bool  # the message says something about a body, a wound or a surgery
    near_emergency: str | None  # the emergency intent whose bank the message is close to
    floor: bool
    floor_object: bool  # a floor hit names a metal-like object ("a tiny bit of what looks like titanium")
    warning: bool  # an unscoped warning-sign finding after surgery
    uncertain_answer: bool
    learned: Likelihood | None = None  # the learned stage's probabilities (None: the model has no such stage)

    @classmethod
    def from_rules(
        cls,
        rules_category: Category | None,
        contradict_exposed: bool = False,
        contradict_neuro: bool = False,
        classified: str | None = None,
        learned: Likelihood | None = None,
    ) -> "Signals":
        """What the rules (and the learned stage, when given) said, with every other layer silent."""
        return cls(
            classified=classified,
            rules_category=rules_category,
            rules_contradict_exposed=contradict_exposed,
            rules_contradict_neuro=contradict_neuro,
            body_context=False,
            near_emergency=None,
            floor=False,
            floor_object=False,
            warning=False,
            uncertain_answer=False,
            learned=learned,
        )


@dataclass(frozen=True)
class LearnedThresholds:
    """Where the learned stage's probabilities decide (from the component's config; chosen by
    leaving each sealed safety set out of the training in turn: README, "The learned stage")."""

    emergency: float = 0.7  # the emergency reply, no context cue scoping the mention away
    emergency_scoped: float = 0.8  # the same when the rules read the mention as negated, old, ...
    ask: float = 0.5  # the clarifying question over an information answer or out-of-scope
    doubt: float = 0.1  # below it, a rules or classifier exposure gets the question instead

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "LearnedThresholds":
        """The thresholds a SafetyOverrideClassifier's config sets (`learned_emergency`, ...), else the defaults."""
        defaults = cls()
        return cls(
            emergency=float(config.get("learned_emergency", defaults.emergency)),
            emergency_scoped=float(config.get("learned_emergency_scoped", defaults.emergency_scoped)),
            ask=float(config.get("learned_ask", defaults.ask)),
            doubt=float(config.get("learned_doubt", defaults.doubt)),
        )


@dataclass(frozen=True)
class Decision:
    """The intent to set (None: keep the classifier's) and the stage that decided."""

    intent: str | None
    stage: Stage | None


def decide(
    signals: Signals,
    intents: Intents,
    clarifying_for: Mapping[str, str],
    thresholds: LearnedThresholds = LearnedThresholds(),
) -> Decision:
    """Run the funnel for one message.

    Args:
        signals: what the rules, the classifier, the learned stage and the semantic net said.
        intents: the intent names to set.
        clarifying_for: {emergency intent: its clarifying-question intent}.
        thresholds: where the learned stage's probabilities decide.
    """
    classified = signals.classified
    learned = signals.learned
    doubted = learned is not None and learned.exposed < thresholds.doubt
    if signals.rules_category == Category.EXPOSED_HARDWARE:
        if doubted:
            return Decision(intents.unclear_exposed, Stage.RULES_DOUBTED)
        return Decision(intents.exposed, Stage.RULES)
    if signals.rules_category == Category.NEURO_RED_FLAG:
        return Decision(intents.neuro, Stage.RULES)
    confident = _learned_emergency(signals, intents, thresholds)
    if confident is not None:
        return Decision(confident, Stage.LEARNED)
    if signals.rules_category == Category.WOUND_EMERGENCY and classified not in (intents.exposed, intents.neuro):
        # The classifier's exposed or neurological emergency, if it has one, says more.
        return Decision(intents.wound, Stage.RULES)
    if classified == intents.exposed and signals.rules_contradict_exposed:
        return Decision(intents.unclear_exposed, Stage.RULES_CONTEXT)
    if signals.rules_category == Category.UNCLEAR_EXPOSURE and classified != intents.exposed:
        return Decision(intents.unclear_exposed, Stage.RULES_UNCLEAR)
    if classified == intents.neuro and signals.rules_contradict_neuro:
        return Decision(intents.unclear_neuro, Stage.RULES_CONTEXT)
    if classified == intents.exposed and signals.rules_category is None and signals.warning and not signals.floor:
        return Decision(intents.unclear_exposed, Stage.CLASSIFIER_ON_A_WARNING)
    if classified is not None and classified in clarifying_for:
        if doubted and classified == intents.exposed:
            return Decision(clarifying_for[classified], Stage.CLASSIFIER_DOUBTED)
        if signals.body_context or signals.rules_category == Category.UNCLEAR_EXPOSURE:
            return Decision(None, Stage.CLASSIFIER)
        return Decision(clarifying_for[classified], Stage.CLASSIFIER_WITHOUT_CONTEXT)
    replaceable = classified is None or classified in intents.floor_replaced
    leaning = _learned_leaning(signals, intents, thresholds)
    if leaning is not None and replaceable:
        return Decision(clarifying_for[leaning], Stage.LEARNED_UNSURE)
    near = signals.near_emergency
    if near and replaceable:
        contradicted = signals.rules_contradict_exposed if near == intents.exposed else signals.rules_contradict_neuro
        if not contradicted:
            return Decision(clarifying_for[near], Stage.SEMANTIC_NET)
    if signals.floor and (replaceable or (signals.floor_object and classified == intents.warning)):
        return Decision(intents.unclear_exposed, Stage.FLOOR)
    if signals.warning and replaceable:
        return Decision(intents.warning, Stage.WARNING_FLOOR)
    if signals.rules_category is None and signals.uncertain_answer:
        return Decision(intents.fallback, Stage.UNCERTAIN_ANSWER)
    return Decision(None, None)


def _learned_emergency(signals: Signals, intents: Intents, thresholds: LearnedThresholds) -> str | None:
    """The emergency intent the learned stage is confident of, if any. An opened wound in which
    the rules scoped exposure away keeps its wound-emergency reply."""
    learned = signals.learned
    if learned is None:
        return None
    if signals.rules_category == Category.WOUND_EMERGENCY and signals.rules_contradict_exposed:
        return None
    exposed_bar = thresholds.emergency_scoped if signals.rules_contradict_exposed else thresholds.emergency
    if learned.exposed >= exposed_bar:
        return intents.exposed
    neuro_bar = thresholds.emergency_scoped if signals.rules_contradict_neuro else thresholds.emergency
    if learned.neuro >= neuro_bar:
        return intents.neuro
    return None


def _learned_leaning(signals: Signals, intents: Intents, thresholds: LearnedThresholds) -> str | None:
    """The emergency intent the learned stage leans towards, short of confident, where the
    rules saw no negated, hypothetical or old mention of it."""
    learned = signals.learned
    if learned is None:
        return None
    if learned.exposed >= thresholds.ask and not signals.rules_contradict_exposed:
        return intents.exposed
    if learned.neuro >= thresholds.ask and not signals.rules_contradict_neuro:
        return intents.neuro
    return None
