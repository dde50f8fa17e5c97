"""The emergency reply comes first in every dialogue state, with the action server down.

The agent runs in-process with its action endpoint on a closed port, so any
custom action fails: the safety replies are domain responses and must not care.
"""

from __future__ import annotations

import itertools
from typing import List

import pytest

from tests.conftest import emergency_opening

pytestmark = pytest.mark.needs_model

EXPOSED = "screw is poking out of my back right now"
_ids = itertools.count()


@pytest.fixture
def chat(offline_agent, event_loop_for_agent):
    """Send messages as one new user; returns the texts the assistant replied to the last one."""
    sender = f"state-test-{next(_ids)}"

    def send(text: str) -> List[str]:
        replies = event_loop_for_agent.run_until_complete(offline_agent.handle_text(text, sender_id=sender))
        return [r.get("text", "") for r in replies or []]

    return send


WOUND_OPENING = emergency_opening("emergency_wound")
EMERGENCY_OPENINGS = (emergency_opening(), emergency_opening("emergency_neurological"), WOUND_OPENING)
WARNING_OPENING = emergency_opening("warning_signs")


def first_reply_is_emergency(replies: List[str]) -> bool:
    """The exposed-metal, the neurological or the wound emergency reply came first."""
    return bool(replies) and replies[0].startswith(EMERGENCY_OPENINGS)


def test_first_message(chat) -> None:
    assert first_reply_is_emergency(chat(EXPOSED))


def test_fiftieth_message(chat) -> None:
    small_talk = ["hello", "why do screws loosen", "thanks", "how rare is it", "ok"]
    for text in itertools.islice(itertools.cycle(small_talk), 49):
        chat(text)
    assert first_reply_is_emergency(chat(EXPOSED))


def test_after_a_fallback(chat) -> None:
    chat("asdfgh qwerty zxcv")
    assert first_reply_is_emergency(chat(EXPOSED))


@pytest.mark.parametrize("text", ["why do screws get loose", "asdfgh qwerty zxcv"])
def test_without_the_action_server_other_messages_get_an_honest_reply(chat, text: str) -> None:
    replies = chat(text)  # the notice, then the reminder (channels split a reply at blank lines)
    assert replies[0].startswith("Sorry, I can't look up answers right now")
    assert "call your local emergency number now" in " ".join(replies)


def test_mid_form(chat) -> None:
    assert "How should they reach you" in chat("can i talk to a real person please")[0]
    assert first_reply_is_emergency(chat("wait, the screw is sticking out of my skin"))


def test_mid_form_the_emergency_comes_first_and_then_the_form_asks_again(chat) -> None:
    chat("can i talk to a real person please")
    replies = chat("wait, the screw is sticking out of my skin")
    assert first_reply_is_emergency(replies)
    assert "How should they reach you" in replies[-1]
    chat("jo@example.org")  # unvalidated while the action server is down, but kept
    assert first_reply_is_emergency(chat("it's still poking out"))


def test_mid_form_a_possible_exposure_asks_and_a_yes_is_the_emergency(chat) -> None:
    chat("can i talk to a real person please")
    # The intent as a payload: the dialogue state is under test here, not the classifier.
    assert "metal" in chat("/report_possible_exposed_hardware")[0]
    assert first_reply_is_emergency(chat("yes"))


def test_mid_form_a_warning_sign_gets_the_urgent_reply_first(chat) -> None:
    chat("i want to speak to a human")
    replies = chat("there's a red bump over my screw, no metal showing")
    assert replies[0].startswith(WARNING_OPENING)


def test_a_cancelled_handoff_then_an_emergency(chat) -> None:
    chat("i want to speak to a human")
    assert "not flagged" in chat("never mind")[0]
    assert first_reply_is_emergency(chat(EXPOSED))


def test_after_a_completed_handoff_request(chat) -> None:
    chat("i want to speak to a human")
    chat("jo@example.org")
    assert first_reply_is_emergency(chat(EXPOSED))


def test_reported_again_later(chat) -> None:
    assert first_reply_is_emergency(chat(EXPOSED))
    chat("thank you")
    assert first_reply_is_emergency(chat("the metal is still showing through my skin"))


def test_neurological_red_flags(chat) -> None:
    replies = chat("since this morning i cant feel anything when i wipe and my legs are weak")
    assert first_reply_is_emergency(replies)
    assert "nerves" in replies[0]


def test_warning_signs_get_the_urgent_reply(chat) -> None:
    assert chat("there's a red bump over my screw, no metal showing")[0].startswith(WARNING_OPENING)


@pytest.mark.parametrize(
    "text",
    [
        "pus is coming out of my incision and my temperature is 38.5",
        "my scar has come apart at the bottom, no metal that I can see",
        "red streaks are spreading out from my incision",
    ],
)
def test_a_wound_emergency_gets_its_emergency_reply_first(chat, text: str) -> None:
    assert chat(text)[0].startswith(WOUND_OPENING)


def test_a_wound_emergency_mid_form(chat) -> None:
    assert "How should they reach you" in chat("can I talk to a nurse")[0]
    assert chat("there's a small hole in my scar and it keeps leaking")[0].startswith(WOUND_OPENING)


ASK_METAL = "Can you see metal through the skin right now?"


def test_an_unclear_report_gets_the_question_or_the_emergency(chat) -> None:
    # The rules ask; when the classifier is sure it is an emergency, the emergency stands.
    reply = chat("my wound opened up and something white is showing")[0]
    assert reply == ASK_METAL or first_reply_is_emergency([reply])


@pytest.mark.parametrize(
    ("answer", "emergency"),
    [("yes", True), ("i'm not sure", True), ("/nlu_fallback", True), ("what do you mean", True), ("no", False)],
)
def test_the_metal_question_escalates_on_yes_or_on_no_clear_answer(chat, answer: str, emergency: bool) -> None:
    # The safety layer's own intent, sent as a payload so the test does not depend on DIET.
    assert chat("/report_possible_exposed_hardware")[0] == ASK_METAL
    replies = chat(answer)
    assert first_reply_is_emergency(replies) is emergency
    if not emergency:
        assert replies[0].startswith(WARNING_OPENING)


ASK_NEURO = "Is this new, or worse than before"


@pytest.mark.parametrize(
    ("answer", "emergency"),
    [("yes", True), ("not sure", True), ("/nlu_fallback", True), ("it started today", True), ("no", False)],
)
def test_the_new_symptom_question_escalates_on_yes_or_on_no_clear_answer(chat, answer: str, emergency: bool) -> None:
    assert chat("/report_possible_neurological_red_flags")[0].startswith(ASK_NEURO)
    replies = chat(answer)
    assert first_reply_is_emergency(replies) is emergency
    if not emergency:
        assert replies[0].startswith("Thank you for checking")


def test_an_old_improving_symptom_is_asked_about_not_called_an_emergency(chat) -> None:
    reply = chat("the numbness in my leg from before the surgery is slowly getting better")[0]
    assert not first_reply_is_emergency([reply])


def test_emergency_number_follows_the_channel_locale(offline_agent, event_loop_for_agent) -> None:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    from assistant.emergency_numbers import EmergencyNumbers

    output = CollectingOutputChannel()
    # The channel layer turns the locale into the number (assistant/emergency_numbers.py).
    metadata = EmergencyNumbers.from_file().with_number({"locale": "en-GB"})
    message = UserMessage(EXPOSED, output, "locale-test", input_channel="rest", metadata=metadata)
    event_loop_for_agent.run_until_complete(offline_agent.handle_message(message))
    assert "Call 999 or go to the nearest emergency department" in output.messages[0]["text"]


SPANISH_EXPOSED = "se me está saliendo un tornillo por la piel de la espalda"


def first_reply_is_spanish_emergency(replies: List[str]) -> bool:
    return bool(replies) and replies[0].startswith(emergency_opening("emergency_exposed_hardware_es"))


@pytest.mark.parametrize(
    "text",
    [SPANISH_EXPOSED, "veo el metal en la herida de mi mamá", "my dad's tornillo is sticking out de la espalda"],
)
def test_a_report_in_spanish_or_mixed_gets_the_spanish_emergency_reply(chat, text: str) -> None:
    replies = chat(text)
    assert first_reply_is_spanish_emergency(replies), replies
    assert "Fuentes:" in " ".join(replies)


def test_spanish_mid_form_and_after_english(chat) -> None:
    chat("hello")
    assert "How should they reach you" in chat("can i talk to a real person please")[0]
    assert first_reply_is_spanish_emergency(chat(SPANISH_EXPOSED))


def test_an_english_report_after_spanish_small_talk_still_gets_an_emergency_reply(chat) -> None:
    chat("hola, tengo una pregunta sobre mi operación")
    replies = chat(EXPOSED)
    assert first_reply_is_emergency(replies) or first_reply_is_spanish_emergency(replies)
