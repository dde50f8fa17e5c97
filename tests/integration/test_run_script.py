"""`make run`'s script refuses a taken port with a message that says what to do."""

from __future__ import annotations

import os
import socket
import subprocess

from evaluation.paths import ROOT
from tests.integration.conftest import free_port


def test_a_taken_port_stops_start_up_with_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "RASA_PORT": str(free_port()), "ACTION_PORT": str(free_port()), "WEB_PORT": str(port)}
        result = subprocess.run(["scripts/run.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "make run RASA_PORT=" in result.stderr
