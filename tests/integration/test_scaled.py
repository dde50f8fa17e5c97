"""The scaled-out set-up as `make run-scaled` starts it: two Rasa replicas behind nginx, conversations
in the machine's PostgreSQL, the conversation lock in its Redis, every event through its RabbitMQ
into the staff analytics' feed.

One sender's burst spread over both replicas is answered one message at a time, in order, each
once; `kill -9` of one replica under load loses no acknowledged message or reply, and its
conversations go on through the other.
"""

from __future__ import annotations

import json
import os
import re
import signal
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from evaluation.rest_client import SenderBook, timed_message
from evaluation.running import RunningAssistant, free_port, pid_of, scaled_environment
from tests.fakes.postgres import connect, throwaway_database
from tests.fakes.rabbitmq import delete_queue
from tests.integration.conftest import start

pytestmark = pytest.mark.needs_model

# A message every 0.75 s per person: brisk typing, and within the channels' per-sender rate limit
# (20 at once, then 30 a minute), so every refusal counted below is the kill's.
PACE_S = 0.75


class Scaled:
    def __init__(self, assistant: RunningAssistant, database: str, replica_ports: Tuple[int, int]) -> None:
        self.assistant = assistant
        self.database = database
        self.replica_ports = replica_ports
        # A named person's REST conversation, opened through the balancer on first use: its token is
        # issued by one replica and must be good on the other.
        self.conversations = SenderBook(assistant.rasa_url)

    def send(self, name: str, text: str, timeout: float = 30) -> Tuple[int, List[Dict[str, Any]]]:
        _, status, answer = timed_message(self.assistant.rasa_url, self.conversations(name), text, timeout=timeout)
        return status, answer if status == 200 else []

    def events(self, name: str) -> List[Dict[str, Any]]:
        sender = self.conversations(name).sender
        with connect(self.database) as connection:
            with connection.cursor() as cursor:
                cursor.execute("SELECT data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
                return [json.loads(row[0]) for row in cursor.fetchall()]

    def analytics_feed(self, name: str) -> List[str]:
        """The message ids the event feed stored for `name`'s conversation (RabbitMQ → staff_console.event_feed)."""
        sender = self.conversations(name).sender
        with connect(self.database) as connection:
            with connection.cursor() as cursor:
                cursor.execute("SELECT to_regclass('analytics_user_messages')")
                if cursor.fetchone()[0] is None:
                    return []
                cursor.execute("SELECT message_id FROM analytics_user_messages WHERE sender_id = %s", (sender,))
                return [row[0] for row in cursor.fetchall()]

    def replicas_used(self, since_line: int = 0) -> List[str]:
        lines = (self.assistant.log_dir / "balancer-access.log").read_text().splitlines()[since_line:]
        return [m.group(1) for line in lines if (m := re.search(r'" \d{3} ([\d.:, ]+) ', line))]

    def replica_pid(self, port: int) -> int | None:
        return pid_of("assistant.rasa_server", f"--port {port}")


@pytest.fixture(scope="module")
def scaled(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scaled]:
    with throwaway_database("scaled", create=False) as database:  # the start-up check creates it
        yield from _scaled_stack(model_path, tmp_path_factory, database)


def _scaled_stack(model_path: Path, tmp_path_factory: pytest.TempPathFactory, database: str) -> Iterator[Scaled]:
    replica_ports = (free_port(), free_port())
    data_dir = tmp_path_factory.mktemp("scaled")
    env = scaled_environment(database, replica_ports, lock_db=13, socketio_db=12)
    assistant = start(data_dir, timeout=360, extra_env=env)
    yield Scaled(assistant, database, replica_ports)
    assistant.stop()
    delete_queue(env["RABBITMQ_QUEUE"], env["RABBITMQ_EXCHANGE"])


def user_turns(events: List[Dict[str, Any]]) -> List[str]:
    return [event["text"] for event in events if event["event"] == "user"]


def assert_turns_not_interleaved(events: List[Dict[str, Any]]) -> None:
    """Every user message's turn ends (action_listen) before the next user message is logged."""
    listening = True
    for event in events:
        if event["event"] == "user":
            assert listening, "a message was logged while the previous one was still being answered"
            listening = False
        elif event["event"] == "action" and event.get("name") == "action_listen":
            listening = True


def test_one_senders_burst_across_two_replicas_is_answered_once_each_in_order(scaled: Scaled) -> None:
    sender = f"burst-{uuid.uuid4().hex[:6]}"
    texts = [f"question {n}: why do screws loosen" for n in range(10)]
    with ThreadPoolExecutor(max_workers=len(texts)) as pool:
        answers = list(pool.map(lambda text: scaled.send(sender, text), texts))

    assert [status for status, _ in answers] == [200] * len(texts)
    assert all(replies for _, replies in answers)
    events = scaled.events(sender)
    assert sorted(user_turns(events)) == sorted(texts)  # each message stored once
    assert_turns_not_interleaved(events)
    used = {address.rsplit(":", 1)[1] for address in scaled.replicas_used()}
    assert {str(port) for port in scaled.replica_ports} <= used  # both replicas took part
    # Both replicas published each message to RabbitMQ, and the staff analytics' feed has each once.
    message_ids = [e["message_id"] for e in events if e["event"] == "user"]
    deadline = time.monotonic() + 20
    while sorted(scaled.analytics_feed(sender)) != sorted(message_ids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sorted(scaled.analytics_feed(sender)) == sorted(message_ids)


def test_killing_one_replica_under_load_loses_no_acknowledged_message(scaled: Scaled) -> None:
    senders = [f"load-{n}-{uuid.uuid4().hex[:4]}" for n in range(3)]
    acknowledged: Dict[str, List[str]] = {sender: [] for sender in senders}
    for sender in senders:
        scaled.conversations(sender)  # opened while both replicas are up
    failed: List[Tuple[str, str, int]] = []
    stop = threading.Event()
    killed_at: List[float] = []
    after_kill: List[int] = []

    def talk(sender: str) -> None:
        n = 0
        while not stop.is_set():
            text = f"message {n}: how rare is it for a screw to come through the skin"
            status, replies = scaled.send(sender, text)
            if status == 200 and replies:
                acknowledged[sender].append(text)
                if killed_at:
                    after_kill.append(status)
            else:
                failed.append((sender, text, status))
            n += 1
            time.sleep(PACE_S)

    threads = [threading.Thread(target=talk, args=(sender,)) for sender in senders]
    for thread in threads:
        thread.start()
    time.sleep(3)
    victim = scaled.replica_pid(scaled.replica_ports[0])
    assert victim is not None
    os.kill(victim, signal.SIGKILL)
    killed_at.append(time.monotonic())
    time.sleep(8)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    assert len(failed) <= len(senders), f"more than the messages in flight at the kill failed: {failed}"
    assert len(after_kill) >= 2 * len(senders)  # the conversations went on through the other replica
    for sender in senders:
        events = scaled.events(sender)
        stored = user_turns(events)
        for text in acknowledged[sender]:
            assert stored.count(text) == 1, f"acknowledged message missing or doubled: {text}"
        bot_replies = sum(1 for event in events if event["event"] == "bot")
        assert bot_replies >= len(acknowledged[sender])
        assert_turns_not_interleaved(events)
