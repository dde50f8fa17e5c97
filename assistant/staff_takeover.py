"""StaffTakeoverPolicy: the bot keeps quiet while a staff member has the conversation, except for safety.

Rasa's own way to hand a conversation to a person, `ConversationPaused`, stops every
prediction, so an emergency typed during the handoff would get no reply (rasa#8119).
Instead the staff console sets the `staff_takeover` slot through Rasa's HTTP API
(staff_console/takeover.py), and this policy, ranked above RulePolicy, predicts
`action_listen` for the user's messages while it is set: the message is kept in the
tracker and shown to staff, and the bot says nothing. It abstains (all zeros) for every
safety report, for the user's answer to one of the bot's own questions ("can you see
metal?" - "yes"), and for "delete my data", so those are answered exactly as at any
other time. A takeover lapses `lapse_after_s` after the last staff event, so a user is
never left talking to nobody because a member of staff forgot to hand back.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.core.policies.policy import Policy, PolicyPrediction, SupportedData
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.takeover_state import takeover_is_active
from contract import BOT_QUESTIONS, STAFF_TAKEOVER_LAPSE_S, STAFF_TAKEOVER_SLOT, TAKEOVER_ANSWERED_INTENTS


def stays_quiet(
    takeover: Any, intent: str | None, last_bot_action: str | None, now: float, lapse_after_s: float
) -> bool:
    """Whether the bot says nothing to this user message because staff have the conversation.

    >>> staff = {"staff": "ann", "since": 1000.0}
    >>> stays_quiet(staff, "ask_how_rare", "action_listen", now=1010.0, lapse_after_s=1800)
    True
    >>> stays_quiet(staff, "report_exposed_hardware", None, now=1010.0, lapse_after_s=1800)
    False
    >>> stays_quiet(staff, "affirm", "utter_ask_metal_visible", now=1010.0, lapse_after_s=1800)
    False
    """
    if not takeover_is_active(takeover, now, lapse_after_s):
        return False
    if intent in TAKEOVER_ANSWERED_INTENTS:
        return False
    return last_bot_action not in BOT_QUESTIONS


def last_bot_action_before_user(tracker: DialogueStateTracker) -> str | None:
    """The bot's last action (other than listening) before the latest user message."""
    seen_user = False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            if seen_user:
                return None
            seen_user = True
        elif seen_user and isinstance(event, ActionExecuted) and event.action_name != ACTION_LISTEN_NAME:
            return event.action_name
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class StaffTakeoverPolicy(Policy):
    """Predicts `action_listen` for a user message while staff have the conversation (see the module)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            # Above RulePolicy (6): a tie at confidence 1.0 goes to the higher priority.
            "priority": 7,
            # Seconds after the last staff event (takeover or reply) when the bot answers again.
            "lapse_after_s": STAFF_TAKEOVER_LAPSE_S,
        }

    @staticmethod
    def supported_data() -> SupportedData:
        return SupportedData.ML_DATA

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        """Nothing to learn: the policy reads the slot the staff console sets."""
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        latest = tracker.latest_message
        if tracker.latest_action_name != ACTION_LISTEN_NAME or latest is None or not tracker.events:
            return self._prediction(probabilities)
        quiet = stays_quiet(
            tracker.get_slot(STAFF_TAKEOVER_SLOT),
            latest.intent.get("name"),
            last_bot_action_before_user(tracker),
            now=float(latest.timestamp or 0.0),
            lapse_after_s=float(self.config["lapse_after_s"]),
        )
        if quiet:
            probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
        return self._prediction(probabilities)
