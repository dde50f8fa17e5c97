"""`make profile`'s breakdown: each part's share of py-spy's samples, counted on every frame of a stack."""

from __future__ import annotations

from pathlib import Path

from scripts.profile_server import breakdown, read_raw

HANDLE = "handle_message (rasa/core/processor.py:1)"
PARSE = "parse_message (rasa/core/processor.py:2)"
DIET = "process (rasa/nlu/classifiers/diet_classifier.py:3)"
SAVE = "save (rasa/core/tracker_store.py:4)"


def test_a_sample_counts_for_every_part_on_its_stack(tmp_path: Path) -> None:
    raw = tmp_path / "raw.txt"
    raw.write_text(
        f"process 1:python;{HANDLE};{PARSE};{DIET} 6\n"
        f"process 1:python;{HANDLE};{SAVE} 3\n"
        "process 1:python;<module> (sanic/server.py:9) 1\n"
        "not a stack line\n"
    )
    stacks = read_raw(raw)
    assert sum(stacks.values()) == 10
    shares = breakdown(stacks)
    assert shares["message handling (all of it)"] == 90.0
    assert shares["NLU: parse the message"] == 60.0 and shares["  DIET classifier"] == 60.0
    assert shares["tracker store: save the conversation"] == 30.0
    assert shares["conversation lock"] == 0.0
