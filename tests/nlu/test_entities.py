"""Entities the trained model extracts: implant part, body site, time since surgery."""

from __future__ import annotations

from typing import Dict, List

import pytest

pytestmark = pytest.mark.needs_model


@pytest.fixture(scope="module")
def entities(offline_agent, event_loop_for_agent):
    def extract(text: str) -> Dict[str, List[str]]:
        parsed = event_loop_for_agent.run_until_complete(offline_agent.parse_message(text))
        found: Dict[str, List[str]] = {}
        for entity in parsed["entities"]:
            found.setdefault(entity["entity"], []).append(entity["value"])
        return found

    return extract


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("is the screw in my lower back loose", "implant_part", "screw"),
        ("my rods were put in 2 years ago", "implant_part", "rods"),
        ("there is a bump on my lower back", "body_site", "lower back"),
        ("had my fusion 3 weeks ago and the scar is red", "time_since_surgery", "3 weeks ago"),
        ("my mum had her op back in 2015, do the rods stay in", "time_since_surgery", "in 2015"),
        ("im 6 months post op and the skin over my screw is shiny", "time_since_surgery", "6 months"),
    ],
)
def test_entities_are_extracted(entities, text: str, entity: str, value: str) -> None:
    assert value in entities(text).get(entity, [])
