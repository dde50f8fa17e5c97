"""The evaluation register keeps sealed sets unread and records a first run once; the scorers count right."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from evaluation.scoring import nlu_scores, safety_scores
from evaluation.sets import RegistryError, SetStatus, load_registry, record_first_run, remove_messages

REGISTER = """\
# comment kept
sets:
  - name: old
    kind: labelled
    path: {old}
    status: regression
    written_by: someone
  - name: fresh
    kind: labelled
    path: {fresh}
    status: sealed
    written_by: a helper
"""


@pytest.fixture
def register(tmp_path: Path) -> Path:
    for name in ("old", "fresh"):
        messages = [{"text": f"{name} message", "label": "greet"}]
        (tmp_path / f"{name}.yml").write_text(yaml.safe_dump({"messages": messages}))
    path = tmp_path / "register.yml"
    path.write_text(REGISTER.format(old=tmp_path / "old.yml", fresh=tmp_path / "fresh.yml"))
    return path


def test_the_repository_register_loads_and_names_real_files() -> None:
    sets = load_registry()
    assert {s.name for s in sets} >= {"heldout", "blind_nlu", "safety_set", "nlu_sealed_a", "nlu_sealed_b"}
    assert all(s.path.is_file() for s in sets)


def test_a_first_run_record_names_its_commit() -> None:
    for evaluation_set in load_registry():
        if evaluation_set.status is SetStatus.FIRST_RUN:
            assert evaluation_set.first_run and len(evaluation_set.first_run["commit"]) == 40


def test_a_sealed_set_refuses_to_be_read(register: Path) -> None:
    sealed = next(s for s in load_registry(register) if s.name == "fresh")
    with pytest.raises(RegistryError, match="sealed"):
        sealed.examples()


def test_a_regression_set_reads(register: Path) -> None:
    old = next(s for s in load_registry(register) if s.name == "old")
    assert [(e.text, e.label) for e in old.examples()] == [("old message", "greet")]


def test_recording_a_first_run_unseals_once_and_keeps_the_comments(register: Path) -> None:
    record_first_run("fresh", {"date": "2026-12-01", "commit": "a" * 40, "runs": []}, register)
    fresh = next(s for s in load_registry(register) if s.name == "fresh")
    assert fresh.status is SetStatus.FIRST_RUN and fresh.first_run == {
        "date": "2026-12-01",
        "commit": "a" * 40,
        "runs": [],
    }
    assert register.read_text().startswith("# comment kept")
    with pytest.raises(RegistryError, match="only once"):
        record_first_run("fresh", {"date": "2026-12-02"}, register)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "register.yml"
    path.write_text("sets:\n  - {name: x, kind: labelled, path: nowhere.yml, status: sealed, written_by: y}\n")
    with pytest.raises(RegistryError, match="set x: no file"):
        load_registry(path)


def test_nlu_scores_follow_the_definitions() -> None:
    pairs = [
        ("ask_how_rare", "ask_how_rare"),
        ("ask_risk_factors", "nlu_fallback"),  # offered in "Did you mean"
        ("out_of_scope", "nlu_fallback"),
        ("report_warning_signs", "report_possible_exposed_hardware"),  # escalated via the question
        ("report_neurological_red_flags", "ask_prevention_followup"),  # missed
        ("report_exposed_hardware", "report_exposed_hardware"),
        ("greet", "report_exposed_hardware"),  # a false emergency
    ]
    offered = [[], ["ask_risk_factors", "ask_why_screws_loosen"], [], [], [], [], []]
    scores = nlu_scores(pairs, offered)
    assert scores["topic_accuracy"] == 0.5 and scores["topic_offered"] == 1.0
    assert scores["out_of_scope_recognised"] == 1.0
    assert scores["urgent_escalated"] == 0.5 and scores["urgent_via_question"] == 1
    assert scores["exposed_recall"] == 1.0 and scores["false_emergencies"] == 1


def test_safety_scores_count_recall_false_alarms_and_questions() -> None:
    labels = ["exposed_hardware", "exposed_hardware", "not_emergency", "not_emergency", "warning_signs"]
    predicted = [
        "report_exposed_hardware",
        "report_possible_exposed_hardware",
        "report_exposed_hardware",
        "ask_how_rare",
        "report_warning_signs",
    ]
    scores = safety_scores(labels, predicted)
    assert scores["recall_exposed_hardware"] == 0.5 and scores["missed_exposed_hardware"] == 1
    assert scores["false_alarms"] == 1 and scores["false_alarm_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert scores["asked_clarifying_question"] == 1 and scores["warning_signs_as_urgent"] == 1.0


def test_a_warning_sign_sent_to_the_wound_emergency_is_an_alarm_shown_apart() -> None:
    scores = safety_scores(["warning_signs", "not_emergency"], ["report_wound_emergency", "ask_how_rare"])
    assert scores["false_alarms"] == 1 and scores["warning_signs_to_wound_emergency"] == 1
    assert scores["warning_signs_as_urgent"] == 1.0 and scores["wound_emergencies"] == 1


def test_training_duplicates_are_found_after_light_normalisation() -> None:
    from evaluation.overlap import normalise_text, training_duplicates
    from evaluation.sets import Example

    training = frozenset({normalise_text("Thanks!"), normalise_text("is hardware protrusion common")})
    examples = [
        Example("thanks", "thank"),
        Example("Is hardware protrusion COMMON?", "ask_how_rare"),
        Example("hi", "greet"),
    ]
    assert [e.text for e in training_duplicates(examples, training)] == ["thanks", "Is hardware protrusion COMMON?"]


def test_removing_messages_keeps_the_rest_of_the_file_as_written(tmp_path: Path) -> None:
    path = tmp_path / "set.yml"
    path.write_text(
        "version: 1\n"
        "# a comment\n"
        "messages:\n"
        '  - text: "thanks"\n'
        "    label: thank\n"
        '  - text: "why do screws loosen?"\n'
        "    label: ask_why_screws_loosen\n"
        "    voice: sms\n",
        encoding="utf-8",
    )
    assert remove_messages(path, ["thanks"]) == 1
    assert path.read_text(encoding="utf-8") == (
        "version: 1\n"
        "# a comment\n"
        "messages:\n"
        '  - text: "why do screws loosen?"\n'
        "    label: ask_why_screws_loosen\n"
        "    voice: sms\n"
    )


def test_removing_messages_from_a_list_written_without_indentation(tmp_path: Path) -> None:
    path = tmp_path / "set.yml"
    path.write_text(
        "messages:\n- text: thanks\n  label: thank\n- text: why do screws loosen?\n  label: ask_why_screws_loosen\n",
        encoding="utf-8",
    )
    assert remove_messages(path, ["thanks"]) == 1
    assert (
        path.read_text(encoding="utf-8") == "messages:\n- text: why do screws loosen?\n  label: ask_why_screws_loosen\n"
    )
