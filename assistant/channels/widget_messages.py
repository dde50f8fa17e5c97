"""What the web widget receives for one bot reply: its text, its sources as links, its buttons, and
whether it is an emergency to pin as a banner. The same shape live (socket.io) and in the history."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Sequence

from actions.rendering import parse_source_line
from contract import DEFAULT_EMERGENCY_NUMBER, EMERGENCY_RESPONSES, STAFF_REPLY_KEY


def widget_message(
    text: str,
    buttons: List[Dict[str, Any]] | None = None,
    utter_action: str | None = None,
    emergency_number: str = DEFAULT_EMERGENCY_NUMBER,
    from_staff: bool = False,
) -> Dict[str, Any]:
    """{"text", "sources", "review", "buttons", "emergency", "from_staff"} for one reply.

    The source paragraph becomes `sources` ([{"publisher", "title", "url"}]) and `review`; every
    other paragraph stays in `text`, in order. `emergency` is {"number": ..., "tel": ...} for the
    replies in contract.EMERGENCY_RESPONSES (`tel` only when the number is one), else None.
    `from_staff` marks a message a staff member wrote in the console (shown as the support team's).
    """
    paragraphs: List[str] = []
    sources: List[Dict[str, str]] = []
    review = ""
    for paragraph in text.strip().split("\n\n"):
        parsed = parse_source_line(paragraph)
        if parsed is None:
            paragraphs.append(paragraph)
            continue
        cited, review = parsed
        sources.extend({"publisher": s.publisher, "title": s.title, "url": s.url} for s in cited)
    emergency = None
    if utter_action in EMERGENCY_RESPONSES:
        dialable = emergency_number.replace(" ", "")
        emergency = {"number": emergency_number, "tel": dialable if dialable.isdigit() else None}
    return {
        "text": "\n\n".join(paragraphs),
        "sources": sources,
        "review": review,
        "buttons": [{"title": b["title"], "payload": b["payload"]} for b in buttons or []],
        "emergency": emergency,
        "from_staff": from_staff,
    }


def history_messages(events: Sequence[Mapping[str, Any]], emergency_number: str) -> List[Dict[str, Any]]:
    """The user's and the bot's messages of one conversation, oldest first, from its tracker events."""
    shown: List[Dict[str, Any]] = []
    offered: Dict[str, str] = {}  # the last buttons' payload -> title, to show a click as its title
    for event in events:
        text = event.get("text")
        if not text:
            continue
        if event.get("event") == "user":
            shown.append({"sender": "user", "text": offered.get(text, text)})
        elif event.get("event") == "bot":
            data = event.get("data") or {}
            metadata = event.get("metadata") or {}
            message = widget_message(
                text,
                data.get("buttons"),
                metadata.get("utter_action"),
                emergency_number,
                from_staff=bool(metadata.get(STAFF_REPLY_KEY)),
            )
            offered = {b["payload"]: b["title"] for b in message["buttons"]}
            shown.append({"sender": "bot", **message})
    return shown
