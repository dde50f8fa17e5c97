"""The whole assistant as `make run` starts it (action server, Rasa server, web page, staff console), on free ports.

Used by the integration tests and by `make benchmark`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Mapping, Tuple

from evaluation.paths import ROOT


class AssistantStartError(RuntimeError):
    """scripts/run.sh exited or did not report it was running in time; the message has its log's tail."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningAssistant:
    process: subprocess.Popen
    rasa_url: str
    web_url: str
    tracker_db: Path
    log: Path
    action_port: int
    log_dir: Path
    console_url: str
    staff_database_url: str
    api_token_file: Path

    @property
    def triage_url(self) -> str:
        """The triage record's database: the tracker store's."""
        return f"sqlite:///{self.tracker_db}"

    def action_server_pid(self) -> int | None:
        """The pid of the running action server process (supervisord starts a new one after a crash)."""
        return pid_of("-m actions", f"--port {self.action_port}")

    def stop(self) -> int:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.returncode


def pid_of(*markers: str) -> int | None:
    """The first process whose command line contains every marker, or None."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if all(marker in command for marker in markers):
            return int(entry.name)
    return None


def scaled_environment(database: str, replica_ports: Tuple[int, int], lock_db: int, socketio_db: int) -> Dict[str, str]:
    """What scripts/run.sh needs to start the scaled-out set-up on its own database, Redis databases,
    RabbitMQ queue and replica ports, beside other copies on the same services."""
    return {
        "DEPLOYMENT": "scaled",
        "RASA_PORT_A": str(replica_ports[0]),
        "RASA_PORT_B": str(replica_ports[1]),
        "POSTGRES_DB": database,
        "REDIS_LOCK_DB": str(lock_db),
        "SOCKETIO_REDIS_URL": f"redis://127.0.0.1:6379/{socketio_db}",
        "RABBITMQ_QUEUE": f"{database}_events",
        "RABBITMQ_EXCHANGE": f"{database}_exchange",
    }


def start_assistant(
    data_dir: Path, timeout: float = 240, extra_env: Mapping[str, str] | None = None
) -> RunningAssistant:
    """scripts/run.sh on free ports, with `extra_env` (a platform's secrets, say) added to its environment."""
    ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "WEB_PORT": free_port(), "STAFF_PORT": free_port()}
    env = {
        **os.environ,
        **(extra_env or {}),
        **{k: str(v) for k, v in ports.items()},
        "TRACKER_DB": str(data_dir / "conversations.db"),
        "WIDGET_SESSION_KEY_FILE": str(data_dir / "widget-session.key"),
        "REST_SENDER_KEY_FILE": str(data_dir / "rest-sender.key"),
        "STAFF_DATABASE_URL": f"sqlite:///{data_dir / 'staff.db'}",
        "RASA_AUTH_TOKEN_FILE": str(data_dir / "rasa-api.token"),
        # Each running copy has its own supervisord socket and logs.
        "LOG_DIR": str(data_dir / f"logs-{ports['RASA_PORT']}"),
        "RUN_DIR": str(data_dir / f"run-{ports['RASA_PORT']}"),
    }
    log = data_dir / f"run-{ports['RASA_PORT']}.log"
    log_dir = data_dir / f"logs-{ports['RASA_PORT']}"
    process = subprocess.Popen(
        ["scripts/run.sh"], cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )
    assistant = RunningAssistant(
        process,
        f"http://127.0.0.1:{ports['RASA_PORT']}",
        f"http://127.0.0.1:{ports['WEB_PORT']}",
        data_dir / "conversations.db",
        log,
        ports["ACTION_PORT"],
        log_dir,
        f"http://127.0.0.1:{ports['STAFF_PORT']}",
        f"sqlite:///{data_dir / 'staff.db'}",
        data_dir / "rasa-api.token",
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssistantStartError(f"make run's script exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        if "The assistant is running" in log.read_text():
            return assistant
        time.sleep(1)
    assistant.stop()
    raise AssistantStartError(f"the assistant did not start within {timeout} s:\n{log.read_text()[-3000:]}")
