"""The server's model parses one message before it takes requests."""

from __future__ import annotations

from typing import Any, List

from assistant.rasa_server import WARM_UP_TEXT, warming_up


class FakeAgent:
    def __init__(self, ready: bool = True) -> None:
        self.ready = ready
        self.parsed: List[str] = []

    def is_ready(self) -> bool:
        return self.ready

    async def parse_message(self, text: str) -> dict:
        self.parsed.append(text)
        return {}


async def test_the_loaded_agent_parses_one_message_before_serving() -> None:
    agent = FakeAgent()

    async def load(*args: Any, **kwargs: Any) -> FakeAgent:
        return agent

    assert await warming_up(load)("model", app=None) is agent
    assert agent.parsed == [WARM_UP_TEXT]


async def test_an_agent_without_a_model_is_not_warmed_up() -> None:
    agent = FakeAgent(ready=False)

    async def load(*args: Any, **kwargs: Any) -> FakeAgent:
        return agent

    await warming_up(load)()
    assert agent.parsed == []
