"""The action server's reply is checked as Rasa checks it, with a validator built once."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from assistant.action_response import action_result_validator, validate_action_result

VALID = {"events": [{"event": "slot", "name": "handoff_contact", "value": None}], "responses": [{"text": "hi"}]}


def test_a_well_formed_reply_passes_and_the_validator_is_built_once() -> None:
    action = RemoteAction("action_answer_topic", None)
    assert validate_action_result(action, VALID) is True
    assert action_result_validator() is action_result_validator()


@pytest.mark.parametrize(
    "reply",
    [{"events": "not a list"}, {"responses": [1]}, {"events": [{"event": "slot"}]}],
    ids=["events-not-a-list", "response-not-an-object", "slot-without-name"],
)
def test_a_malformed_reply_fails_as_it_does_in_rasa(reply: dict) -> None:
    action = RemoteAction("action_answer_topic", None)
    with pytest.raises(ValidationError) as ours:
        validate_action_result(action, reply)
    with pytest.raises(ValidationError) as rasas:
        action._validate_action_result(reply)
    assert ours.value.message == rasas.value.message
