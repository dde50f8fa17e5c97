"""The whole assistant as `make run` starts it: action server, Rasa server, web page."""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from evaluation.running import AssistantStartError, RunningAssistant, free_port, start_assistant

__all__ = ["RunningAssistant", "free_port", "get", "start"]


def start(data_dir: Path, timeout: float = 240) -> RunningAssistant:
    """start_assistant, failing the test (with the log's tail) when it does not come up."""
    try:
        return start_assistant(data_dir, timeout)
    except AssistantStartError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def assistant_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("assistant-data")


@pytest.fixture(scope="session")
def running_assistant(model_path: Path, assistant_data_dir: Path) -> Iterator[RunningAssistant]:
    assistant = start(assistant_data_dir)
    yield assistant
    assistant.stop()


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()
