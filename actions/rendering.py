"""Turn a content topic into the reply a channel shows.

The same rendering feeds the custom action and the three safety replies kept in
`domain.yml` (see scripts/sync_domain_responses.py), so both always match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List

from actions.content_base import ContentBase, Locale, Topic

# Channels whose clients draw buttons; others get the choices as numbered text.
BUTTON_CHANNELS = frozenset({"rest", "socketio", "telegram", "slack", "facebook", "cmdline", "rasa"})
# Channels with small screens get the short answer.
SHORT_ANSWER_CHANNELS = frozenset({"telegram", "facebook", "slack"})


@dataclass(frozen=True)
class RenderedAnswer:
    text: str
    buttons: List[Dict[str, str]]


def source_line(topic: Topic, locale: Locale, compact: bool = False) -> str:
    """'Source: Publisher, "Title" (url); ... Reviewed 2026-11-25 by editorial team.', in `locale`'s words.

    `compact` (small screens) leaves out the titles: 'Source: Publisher (url); ...'.
    """
    if compact:
        cited = "; ".join(f"{s.publisher} ({s.url})" for s in topic.sources)
    else:
        cited = "; ".join(f'{s.publisher}, "{s.title}" ({s.url})' for s in topic.sources)
    written = topic.review.reviewed_on.isoformat()
    if topic.review.status == "approved":
        review = locale.reviewed_note.format(reviewed_on=written, reviewed_by=topic.review.reviewed_by)
    else:
        review = locale.draft_note.format(version=topic.version, written=written)
    return f"{locale.source_label}: {cited}. {review}"


# One cited source as source_line() writes it: 'Publisher, "Title" (https://...)'.
_CITED_SOURCE = re.compile(r'(?:^|; )(?P<publisher>[^";]+?), "(?P<title>[^"]+)" \((?P<url>https://[^\s)]+)\)')


@dataclass(frozen=True)
class CitedSource:
    publisher: str
    title: str
    url: str


def parse_source_line(paragraph: str) -> tuple[List[CitedSource], str] | None:
    """source_line()'s full form read back: (the sources, the review note), or None for any other paragraph.

    Channels that draw sources as links (the web widget) use it, so the line is written in one place.
    """
    label, separator, cited = paragraph.partition(": ")
    if not separator or " " in label.strip() or not cited:
        return None
    sources: List[CitedSource] = []
    end = 0
    for match in _CITED_SOURCE.finditer(cited):
        if match.start() != end:
            return None
        sources.append(CitedSource(match["publisher"].strip(), match["title"], match["url"]))
        end = match.end()
    if not sources or not cited[end:].startswith(". "):
        return None
    return sources, cited[end + 2 :].strip()


def topic_button(topic: Topic, long_title: bool = False) -> Dict[str, str]:
    """A quick reply that asks for `topic`; its payload never triggers a report intent."""
    payload = '/ask_topic{"topic": "' + topic.id + '"}'
    return {"title": topic.title if long_title else topic.button_title, "payload": payload}


def follow_up_buttons(content: ContentBase, topic: Topic) -> List[Dict[str, str]]:
    """Quick replies to related topics."""
    return [topic_button(content.topics[topic_id]) for topic_id in topic.follow_ups]


def numbered_choices(buttons: List[Dict[str, str]]) -> str:
    lines = [f"{number}. {button['title']}" for number, button in enumerate(buttons, start=1)]
    return "You can also ask about:\n" + "\n".join(lines)


def render_topic(
    content: ContentBase,
    topic: Topic,
    channel: str | None = None,
    emergency_number: str = "{emergency_number}",
) -> RenderedAnswer:
    """The full reply: answer, reminder, source line, and follow-up choices.

    The instruction and the reminder come first; the sources follow them, never
    before (on a small screen they are compact).
    """
    small_screen = channel in SHORT_ANSWER_CHANNELS
    body = topic.short_answer if small_screen else topic.answer
    locale = content.locale(topic.language)
    parts = [body.strip(), locale.reminder, source_line(topic, locale, compact=small_screen)]
    buttons = follow_up_buttons(content, topic)
    if buttons and channel is not None and channel not in BUTTON_CHANNELS:
        parts.append(numbered_choices(buttons))
        buttons = []
    text = "\n\n".join(parts).replace("{emergency_number}", emergency_number)
    return RenderedAnswer(text=text, buttons=buttons)
