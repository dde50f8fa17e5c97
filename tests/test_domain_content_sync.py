"""The safety replies in domain.yml are the content base's text, rendered."""

from __future__ import annotations

from rasa.shared.core.domain import Domain

from actions.domain_responses import SAFETY_RESPONSES, rendered_responses
from evaluation.paths import ROOT
from tests.actions.conftest import CONTENT_DATE


def test_domain_safety_replies_match_the_content_base() -> None:
    domain = Domain.load(str(ROOT / "domain.yml"))
    expected = rendered_responses(ROOT / "data" / "content", CONTENT_DATE)
    assert set(SAFETY_RESPONSES) < set(expected)
    for name in expected:
        actual = [
            {k: v for k, v in variation.items() if k in ("text", "channel", "buttons", "condition")}
            for variation in domain.responses[name]
        ]
        assert actual == expected[name], f"{name} is out of date: run `make sync-domain`"


def test_the_emergency_reply_needs_no_action_server() -> None:
    domain = Domain.load(str(ROOT / "domain.yml"))
    for name in ("utter_emergency_exposed_hardware", "utter_emergency_neurological"):
        assert name in domain.responses
        assert name not in domain.as_dict()["actions"]  # a response, not a custom action
