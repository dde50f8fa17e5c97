"""The safety replies and the "cannot answer now" reply kept in domain.yml, rendered from the content base.

They are domain responses so they work even when the action server is down;
their text still comes from data/content (`make sync-domain` writes them,
`make content-check` and a test fail when domain.yml is out of date).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Dict, List

from actions.content_base import ContentBase, load_content_base
from actions.rendering import SHORT_ANSWER_CHANNELS, render_topic

# Domain response -> content topic.
SAFETY_RESPONSES = {
    "utter_emergency_exposed_hardware": "emergency_exposed_hardware",
    "utter_emergency_neurological": "emergency_neurological",
    "utter_emergency_wound": "emergency_wound",
    "utter_urgent_warning_signs": "warning_signs",
}


# The slot the safety layer fills with the language of the message (nlu_components/safety_override.py);
# a translated safety reply is a variation with a condition on it.
REPLY_LANGUAGE_SLOT = "reply_language"

# Sent when the action server cannot answer: the notice, then the reminder with the emergency instruction.
UNAVAILABLE_RESPONSE = "utter_cannot_answer_now"


def rendered_responses(content_dir: Path, today: dt.date) -> Dict[str, List[Dict[str, Any]]]:
    """Each safety response's variations (the full text, then a short one per small-screen channel),
    and the cannot-answer-now reply."""
    content = load_content_base(content_dir, today)
    responses: Dict[str, List[Dict[str, Any]]] = {
        UNAVAILABLE_RESPONSE: [{"text": f"{content.unavailable_notice}\n\n{content.reminder}"}]
    }
    for response, topic_id in SAFETY_RESPONSES.items():
        variations = topic_variations(content, topic_id)
        for language, translated_id in sorted(content.translations.get(topic_id, {}).items()):
            condition = [{"type": "slot", "name": REPLY_LANGUAGE_SLOT, "value": language}]
            variations += [{"condition": condition, **v} for v in topic_variations(content, translated_id)]
        responses[response] = variations
    return responses


def topic_variations(content: ContentBase, topic_id: str) -> List[Dict[str, Any]]:
    """A topic's full text, then a short one per small-screen channel."""
    topic = content.topics[topic_id]
    full = render_topic(content, topic, channel=None)
    variations: List[Dict[str, Any]] = [{"text": full.text}]
    for channel in sorted(SHORT_ANSWER_CHANNELS):
        short = render_topic(content, topic, channel=channel)
        variations.append({"text": short.text, "channel": channel})
    if full.buttons:
        for variation in variations:
            variation["buttons"] = [escaped(b) for b in full.buttons]
    return variations


def escaped(button: Dict[str, str]) -> Dict[str, str]:
    """Domain responses are str.format-interpolated: double the braces of entity payloads."""
    return {**button, "payload": button["payload"].replace("{", "{{").replace("}", "}}")}


def plain(value: Any) -> Any:
    """ruamel's commented maps and lists as plain dicts and lists, for comparison."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
