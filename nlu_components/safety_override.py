"""Rasa NLU component: the safety layer that overrides the intent classifier.

Runs last in the pipeline. A recall-first funnel (`safety/funnel.py`) decides:
the rules first (a current report of exposed hardware, a neurological red flag or
a wound emergency becomes the emergency intent with confidence 1.0, whatever the classifier said),
then the classifier's own emergencies, then a semantic net (the nearest training
lines in the pretrained sentence space), then a floor for messages that name the
implant or wound with an opening or seeing word, and a warning floor for warning
signs the classifier missed.
The classifier's result stays in `safety.classifier_intent`, the stage that
decided in `safety.stage`, and the ranking is untouched, so staff analytics can
see both.

The rules file is read and validated when the component is created for training,
copied into the model, and read back from the model when it loads: a model
carries the rules it was trained and tested with, and a broken rules file fails
at training or load time, never on a user's first message.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Dict, List

import numpy as np
import spacy
import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from contract import (
    DATA_DELETION_INTENT,
    ESCALATING_INTENTS,
    EXPOSED_HARDWARE_INTENT,
    FALLBACK_INTENT,
    NEURO_RED_FLAG_INTENT,
    OUT_OF_SCOPE_INTENT,
    POSSIBLE_EXPOSED_HARDWARE_INTENT,
    POSSIBLE_NEURO_RED_FLAG_INTENT,
    SAFETY_KEY,
    TOPIC_QUESTION_INTENTS,
    WARNING_SIGNS_INTENT,
    WOUND_EMERGENCY_INTENT,
)
from evaluation.sets import RegistryError, SetStatus, regression_safety_examples, safety_sets
from nlu_components.pretrained_featurizer import PRETRAINED_ALIAS
from nlu_components.safety.detector import EXPOSED_HARDWARE, NEURO_RED_FLAG, UNCLEAR_EXPOSURE, SafetyDetector
from nlu_components.safety.funnel import Intents, LearnedThresholds, Signals, decide
from nlu_components.safety.learned import STORAGE_FORMAT, LearnedStage
from nlu_components.safety.rules import DEFAULT_RULES_PATH, SafetyRulesError, read_rules_file
from nlu_components.safety.semantic_net import SemanticNet

METADATA_KEY = "metadata"
# Set by the channel layer from the channel's locale (assistant/emergency_numbers.py).
EMERGENCY_NUMBER_METADATA_KEY = "emergency_number"
RULES_FILE = "rules.yml"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=True,
)
class SafetyOverrideClassifier(GraphComponent):
    """Sets the emergency intents through the safety funnel, over any classifier."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            # Rules file read at training time; None means the one in nlu_components/safety/.
            "rules_path": None,
            # Language of the spaCy tokenizer the rules and messages are split with.
            "language": "en",
            # Intent set when metal is reported visible through the skin now.
            "exposed_intent": EXPOSED_HARDWARE_INTENT,
            # Intent set for new leg weakness, saddle numbness, bladder/bowel loss.
            "neuro_intent": NEURO_RED_FLAG_INTENT,
            # Intent set for an opened wound, pus with a fever, red streaks, shivering with a fever.
            "wound_intent": WOUND_EMERGENCY_INTENT,
            # Intent set when exposure is possible but unclear: the bot asks first.
            "unclear_intent": POSSIBLE_EXPOSED_HARDWARE_INTENT,
            # Intent set when a neurological symptom may be old, resolved or negated:
            # the bot asks whether it is new or worse.
            "unclear_neuro_intent": POSSIBLE_NEURO_RED_FLAG_INTENT,
            # Intent set by the warning floor (a warning sign the classifier missed).
            "warning_intent": WARNING_SIGNS_INTENT,
            # Intent for answers that are only uncertainty ("not sure", "idk").
            "uncertain_intent": FALLBACK_INTENT,
            # Entity carrying the emergency number for the channel's locale.
            "emergency_number_entity": "emergency_number",
            # Entity carrying the language of a message that is not in English ("es"):
            # the domain's reply_language slot, which picks translated safety replies.
            "reply_language_entity": "reply_language",
            # The `alias` of the featurizer whose sentence vector the semantic net reads
            # (no such features: no semantic net).
            "featurizer": PRETRAINED_ALIAS,
            # Share of the training lines of non-escalating intents allowed to come as
            # close to an emergency bank as the semantic net's threshold.
            "semantic_net_false_alarm_budget": 0.01,
            # The net fires only when most of this many nearest training lines are one
            # emergency intent's.
            "semantic_net_neighbours": 3,
            # The register of evaluation sets whose regression safety sets train the learned
            # stage (`safety/learned.py`); sealed and first-run sets are never read. None: no
            # learned stage.
            "learned_stage_register": None,
            # Where the learned stage's probabilities decide (`safety/funnel.py`, LearnedThresholds).
            "learned_emergency": LearnedThresholds.emergency,
            "learned_emergency_scoped": LearnedThresholds.emergency_scoped,
            "learned_ask": LearnedThresholds.ask,
            "learned_doubt": LearnedThresholds.doubt,
        }

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        rules_text: str,
        semantic_net: SemanticNet | None = None,
        learned: LearnedStage | None = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._rules_text = rules_text
        self._semantic_net = semantic_net
        self._learned = learned
        self._thresholds = LearnedThresholds.from_config(config)
        self._nlp = spacy.blank(config["language"])
        self._detector = self._build_detector(rules_text, config.get("rules_path") or str(DEFAULT_RULES_PATH))
        self._intents = Intents(
            exposed=config["exposed_intent"],
            neuro=config["neuro_intent"],
            wound=config["wound_intent"],
            unclear_exposed=config["unclear_intent"],
            unclear_neuro=config["unclear_neuro_intent"],
            fallback=config["uncertain_intent"],
            warning=config["warning_intent"],
            floor_replaced=frozenset({OUT_OF_SCOPE_INTENT, FALLBACK_INTENT, DATA_DELETION_INTENT})
            | TOPIC_QUESTION_INTENTS,
            escalating=ESCALATING_INTENTS,
        )
        self._clarifying_for = {
            config["exposed_intent"]: config["unclear_intent"],
            config["neuro_intent"]: config["unclear_neuro_intent"],
        }

    def _build_detector(self, rules_text: str, source: str) -> SafetyDetector:
        try:
            raw = yaml.safe_load(rules_text)
        except yaml.YAMLError as error:
            raise SafetyRulesError(f"{source}: cannot read safety rules: {error}") from error
        if not isinstance(raw, dict):
            raise SafetyRulesError(f"{source}: expected a mapping at the top level")
        return SafetyDetector.from_mapping(self._nlp.make_doc, raw, source)

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyOverrideClassifier":
        """Read and validate the rules file now (a broken file stops the training)."""
        path = Path(config["rules_path"]) if config.get("rules_path") else DEFAULT_RULES_PATH
        read_rules_file(path)  # readable and a mapping, or SafetyRulesError naming the file
        return cls(config, model_storage, resource, path.read_text(encoding="utf-8"))

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SafetyOverrideClassifier":
        """The rules, the semantic net and the learned stage the model was trained with (the rules
        validated here)."""
        with model_storage.read_from(resource) as directory:
            rules_text = (directory / RULES_FILE).read_text(encoding="utf-8")
            semantic_net = SemanticNet.load(directory)
            learned = LearnedStage.load(directory)
        return cls(config, model_storage, resource, rules_text, semantic_net, learned)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> str | None:
        """The rules file's content, the learned stage's storage format and training sets: editing
        `rules.yml`, the stage's features or a regression safety set retrains this component, so
        a model never carries older rules or an older learned stage from Rasa's training cache."""
        path = Path(config["rules_path"]) if config.get("rules_path") else DEFAULT_RULES_PATH
        digest = hashlib.sha256(f"learned stage format {STORAGE_FORMAT}".encode())
        try:
            digest.update(path.read_bytes())
            for source in learned_stage_sources(config):
                digest.update(str(source).encode() + b"\0" + source.read_bytes())
        except (OSError, RegistryError):
            return None  # create() or train() then fails with the file's name
        return digest.hexdigest()

    @staticmethod
    def required_packages() -> List[str]:
        return ["spacy"]

    def _sentence_vector(self, message: Message) -> np.ndarray | None:
        _, sentence = message.get_dense_features(TEXT, [self._config["featurizer"]])
        return None if sentence is None else np.asarray(sentence.features).reshape(-1)

    def train(self, training_data: TrainingData) -> Resource:
        """Store the rules and the semantic net (every training line's sentence vector) in the model."""
        rows = []
        for example in training_data.intent_examples:
            vector = self._sentence_vector(example) if example.get(TEXT) else None
            if vector is not None:
                rows.append((vector, str(example.get(INTENT))))
        if rows:
            self._semantic_net = SemanticNet.fit(
                rows,
                [self._config["exposed_intent"], self._config["neuro_intent"]],
                ESCALATING_INTENTS,
                self._config["semantic_net_false_alarm_budget"],
                self._config["semantic_net_neighbours"],
            )
        register = self._config.get("learned_stage_register")
        if register:
            examples = [(e.text, e.label) for sets in regression_safety_examples(Path(register)).values() for e in sets]
            # The training data's topic questions are the everyday traffic the stage must not alarm
            # on ("what are the screws in my back for?"); the safety sets have fewer of them.
            examples += [
                (str(example.get(TEXT)), "not_emergency")
                for example in training_data.intent_examples
                if example.get(INTENT) in TOPIC_QUESTION_INTENTS and example.get(TEXT)
            ]
            self._learned = LearnedStage.fit([text for text, _ in examples], [label for _, label in examples])
        with self._model_storage.write_to(self._resource) as directory:
            (directory / RULES_FILE).write_text(self._rules_text, encoding="utf-8")
            if self._semantic_net is not None:
                self._semantic_net.save(directory)
            if self._learned is not None:
                self._learned.save(directory)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        """Judge each message and set its intent from the funnel."""
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            doc = self._nlp.make_doc(text)
            self._apply(message, doc)
            self._add_emergency_number(message)
            self._add_reply_language(message, doc)
        return messages

    def _apply(self, message: Message, doc: Any) -> None:
        detector = self._detector
        verdict = detector.analyse(doc)
        classified = message.get(INTENT) or {}
        near, similarity = (None, None)
        vector = self._sentence_vector(message)
        if self._semantic_net is not None and vector is not None:
            near, similarity = self._semantic_net.near(vector)
        learned = self._learned.likelihood(doc.text) if self._learned is not None else None
        signals = Signals(
            classified=classified.get("name"),
            rules_category=verdict.category,
            rules_contradict_exposed=verdict.contradicted(EXPOSED_HARDWARE, UNCLEAR_EXPOSURE),
            rules_contradict_neuro=verdict.contradicted(NEURO_RED_FLAG) or verdict.neuro_denied,
            body_context=verdict.body_context,
            near_emergency=near,
            floor=bool(verdict.floor),
            floor_object=verdict.floor_object,
            warning=bool(verdict.warning),
            uncertain_answer=verdict.uncertain_answer,
            learned=learned,
        )
        decision = decide(signals, self._intents, self._clarifying_for, self._thresholds)
        safety = verdict.as_dict()
        safety["classifier_intent"] = classified
        safety["stage"] = decision.stage.value if decision.stage else None
        safety["semantic_similarity"] = None if similarity is None else round(similarity, 4)
        safety["learned"] = None if learned is None else learned.as_dict()
        safety["overridden"] = decision.intent is not None and decision.intent != classified.get("name")
        message.set(SAFETY_KEY, safety, add_to_output=True)
        if decision.intent is not None:
            message.set(INTENT, {"name": decision.intent, "confidence": 1.0}, add_to_output=True)

    def _add_reply_language(self, message: Message, doc: Any) -> None:
        language = self._detector.reply_language(doc)
        if language is not None:
            self._add_entity(message, self._config["reply_language_entity"], language)

    def _add_entity(self, message: Message, name: str, value: str) -> None:
        entity = {"entity": name, "value": value, "extractor": self.__class__.__name__, "start": 0, "end": 0}
        message.set(ENTITIES, message.get(ENTITIES, []) + [entity], add_to_output=True)

    def _add_emergency_number(self, message: Message) -> None:
        """The channel layer resolves the locale to a number (assistant/emergency_numbers.py) and
        passes it in the metadata; it becomes an entity, so the emergency_number slot fills."""
        metadata = message.get(METADATA_KEY)
        number = metadata.get(EMERGENCY_NUMBER_METADATA_KEY) if isinstance(metadata, dict) else None
        if isinstance(number, str) and number.strip():
            self._add_entity(message, self._config["emergency_number_entity"], number.strip())


def learned_stage_sources(config: Dict[str, Any]) -> List[Path]:
    """The files the learned stage is trained from: the register and its regression safety sets."""
    register = config.get("learned_stage_register")
    if not register:
        return []
    path = Path(register)
    sets = [s for s in safety_sets(path) if s.status is SetStatus.REGRESSION]
    return [path] + sorted(s.path for s in sets)
