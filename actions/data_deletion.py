""" "Delete my data": the user's request, kept until it is carried out.

The action cannot delete the conversation itself: the Rasa server saves the turn's events after
the action returns, and its SQL tracker store would write the whole tracker back into an emptied
table. So the action writes a request to `deletion_requests` (in the tracker store's database,
beside the triage record) and the staff console's deletion job (`staff_console/deletions.py`)
deletes the conversation once the turn is saved, and records it in the audit log.
"""

from __future__ import annotations

from typing import Any, Dict, List

import sqlalchemy as sa
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.triage import TriageLog, metadata, now_iso

deletion_requests = sa.Table(
    "deletion_requests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_id", sa.String(255), nullable=False),
    sa.Column("requested_at", sa.String(40), nullable=False),
    sa.Column("done_at", sa.String(40)),
)


def request_deletion(log: TriageLog, sender_id: str) -> None:
    metadata.create_all(log.engine, tables=[deletion_requests])
    with log.engine.begin() as connection:
        connection.execute(deletion_requests.insert().values(sender_id=sender_id, requested_at=now_iso()))


class ActionForgetConversation(Action):
    """Asks for the conversation to be deleted, and says so."""

    def __init__(self, log: TriageLog) -> None:
        self._log = log

    def name(self) -> str:
        return "action_forget_conversation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        request_deletion(self._log, tracker.sender_id)
        dispatcher.utter_message(response="utter_data_deletion_requested")
        return []
