"""The gate that starts safety concerns at once while other messages take turns."""

from __future__ import annotations

import asyncio
import functools
from typing import List

import pytest
import spacy
from rasa.core.channels.channel import UserMessage

from assistant.emergency_first import EmergencyFirstGate
from nlu_components.safety.detector import SafetyDetector


def flagged(text: str) -> bool:
    return "screw" in text


async def test_a_flagged_message_starts_while_the_others_fill_every_turn() -> None:
    gate = EmergencyFirstGate(flagged, limit=2, hold_s=10)
    started: List[str] = []
    release = asyncio.Event()

    async def handle(text: str) -> str:
        started.append(text)
        await release.wait()
        return text

    texts = [f"question {n}" for n in range(5)]
    questions = [asyncio.ensure_future(gate.run(text, functools.partial(handle, text))) for text in texts]
    await asyncio.sleep(0.01)
    assert started == ["question 0", "question 1"]  # two turns, the rest wait
    emergency = asyncio.ensure_future(gate.run("the screw is out", lambda: handle("the screw is out")))
    await asyncio.sleep(0.01)
    assert started[-1] == "the screw is out"  # it did not wait for a turn
    release.set()
    assert await emergency == "the screw is out"
    assert await asyncio.gather(*questions) == texts
    assert started[3:] == ["question 2", "question 3", "question 4"]  # the others in the order they came


async def test_a_message_that_takes_long_gives_its_turn_back_after_the_hold_time() -> None:
    gate = EmergencyFirstGate(flagged, limit=1, hold_s=0.05)
    hung = asyncio.Event()

    async def waits_on_a_hung_action_server() -> str:
        await hung.wait()
        return "late"

    async def answer() -> str:
        return "answered"

    slow = asyncio.ensure_future(gate.run("question", waits_on_a_hung_action_server))
    await asyncio.sleep(0.01)
    assert await asyncio.wait_for(gate.run("next question", answer), timeout=0.5) == "answered"
    hung.set()
    assert await slow == "late"  # it went on without its turn


async def test_a_message_the_rules_cannot_read_goes_first() -> None:
    def broken(text: str) -> bool:
        raise RuntimeError("a rule failed")

    gate = EmergencyFirstGate(broken, limit=1)
    assert gate.goes_first("anything")
    assert not gate.goes_first("") and not gate.goes_first(None)


async def test_a_failed_handling_gives_its_turn_back() -> None:
    gate = EmergencyFirstGate(flagged, limit=1)

    async def fail() -> None:
        raise ValueError("handling failed")

    with pytest.raises(ValueError):
        await gate.run("question", fail)

    async def answer() -> str:
        return "answered"

    assert await asyncio.wait_for(gate.run("next question", answer), timeout=1) == "answered"


def test_the_project_rules_flag_reports_and_leave_questions() -> None:
    nlp = spacy.blank("en")
    gate = EmergencyFirstGate.from_rules(nlp, SafetyDetector.from_file(nlp.make_doc))
    assert gate.goes_first("the screw is poking out through the skin on my back")
    assert gate.goes_first("my legs went numb and I can't pee since this morning")
    assert not gate.goes_first("why do spinal screws come loose")


def test_a_limit_below_one_or_no_hold_time_is_refused() -> None:
    with pytest.raises(ValueError):
        EmergencyFirstGate(flagged, limit=0)
    with pytest.raises(ValueError):
        EmergencyFirstGate(flagged, hold_s=0)


async def test_the_server_hands_every_channel_message_to_the_agent_through_the_gate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import rasa.core.agent

    from assistant.rasa_server import install_emergency_first_gate

    handled: List[str] = []
    release = asyncio.Event()

    async def handle_message(agent: object, message: UserMessage) -> None:
        handled.append(message.text)
        if message.text == "question":
            await release.wait()

    monkeypatch.setattr(rasa.core.agent.Agent, "handle_message", handle_message)
    install_emergency_first_gate(EmergencyFirstGate(flagged, limit=1, hold_s=10))
    agent = object.__new__(rasa.core.agent.Agent)
    question = asyncio.ensure_future(agent.handle_message(UserMessage("question")))
    waiting = asyncio.ensure_future(agent.handle_message(UserMessage("another question")))
    await asyncio.sleep(0.01)  # the first question is being handled, the second waits for its turn
    await asyncio.wait_for(agent.handle_message(UserMessage("my screw is out")), timeout=1)
    assert handled == ["question", "my screw is out"]  # the report went past the waiting question
    release.set()
    await asyncio.gather(question, waiting)
    assert handled[-1] == "another question"
