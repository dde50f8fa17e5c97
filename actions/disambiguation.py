"""ActionClarifyTopic: a low-confidence message between two topics gets "Did you mean…" with both.

The FallbackClassifier turns a message into `nlu_fallback` when DIET's top
intent is below its threshold or too close to the runner-up. When the two
intents DIET ranked highest are both information topics ("who is at risk" vs
"why do screws loosen"), guessing one would answer the wrong question half the
time; offering both costs one tap.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Sequence

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.content_reload import ReloadingContentBase
from actions.rendering import topic_button
from contract import FALLBACK_INTENT, TOPIC_QUESTION_INTENTS

# The two candidates together must carry at least this much of DIET's confidence;
# below it the message is more likely about something else and gets the fallback reply.
MIN_COMBINED_CONFIDENCE = 0.5


def topics_to_offer(
    intent_ranking: Sequence[Mapping[str, Any]], min_combined_confidence: float = MIN_COMBINED_CONFIDENCE
) -> List[str]:
    """The two topic intents to offer, best first, or [] when the top two are not both topics.

    >>> topics_to_offer([{"name": "ask_risk_factors", "confidence": 0.4},
    ...                  {"name": "ask_why_screws_loosen", "confidence": 0.38}])
    ['ask_risk_factors', 'ask_why_screws_loosen']
    """
    ranked = [r for r in intent_ranking if r.get("name") != FALLBACK_INTENT][:2]
    if len(ranked) < 2 or not all(r.get("name") in TOPIC_QUESTION_INTENTS for r in ranked):
        return []
    if sum(float(r.get("confidence") or 0.0) for r in ranked) < min_combined_confidence:
        return []
    return [str(r["name"]) for r in ranked]


class ActionClarifyTopic(Action):
    """Offers the two likeliest topics as buttons, or sends the fallback reply.

    Args:
        content: the content base, passed in, for the topics' button titles.
    """

    def __init__(self, content: ReloadingContentBase) -> None:
        self._content = content

    def name(self) -> str:
        return "action_clarify_topic"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        content = self._content.get()
        ranking = tracker.latest_message.get("intent_ranking") or []
        topics = [content.topic_for_intent(intent) for intent in topics_to_offer(ranking)]
        servable = [topic for topic in topics if topic is not None and content.servable(topic)]
        if len(servable) == 2:
            dispatcher.utter_message(
                response="utter_did_you_mean", buttons=[topic_button(topic, long_title=True) for topic in servable]
            )
        else:
            dispatcher.utter_message(response="utter_default")
        return []
