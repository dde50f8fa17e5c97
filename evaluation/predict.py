"""Run texts through a trained assistant's NLU (the safety layer included), in process."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, List, Sequence


def load_agent(model: Path) -> Any:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    # Unconfigured, Rasa's structlog prints a debug line with the text of every message parsed.
    configure_structlog(logging.INFO)
    return Agent.load(str(model))


def parse_all(agent: Any, texts: Sequence[str]) -> List[Dict[str, Any]]:
    """The parse result of each text, in order, on a fresh event loop."""

    async def run() -> List[Dict[str, Any]]:
        return [await agent.parse_message(text) for text in texts]

    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(run())
    finally:
        loop.close()


def intents(parses: Sequence[Dict[str, Any]]) -> List[str]:
    return [parse["intent"]["name"] for parse in parses]
