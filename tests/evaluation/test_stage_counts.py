"""The per-stage table of the safety report and of sealed safety scoring."""

from __future__ import annotations

from evaluation.scoring import stage_counts


def test_each_stage_counts_what_it_caught_and_what_it_raised_falsely() -> None:
    labels = ["exposed_hardware", "exposed_hardware", "neuro_red_flag", "other", "other", "other"]
    predictions = [
        ("report_exposed_hardware", "rules"),
        ("report_possible_exposed_hardware", "semantic_net"),
        ("report_neurological_red_flags", None),  # a classifier decision with no stage named
        ("report_possible_exposed_hardware", "floor"),
        ("ask_how_rare", None),
        ("report_exposed_hardware", "rules"),
    ]
    assert stage_counts(labels, predictions) == {
        "classifier": {"caught": 1, "raised_falsely": 0},
        "floor": {"caught": 0, "raised_falsely": 1},
        "rules": {"caught": 1, "raised_falsely": 1},
        "semantic_net": {"caught": 1, "raised_falsely": 0},
    }
