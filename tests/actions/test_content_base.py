"""The content base: every topic served from the files, and every validation failure named."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest
import yaml

from actions.content_base import ContentError, load_content_base
from actions.content_reload import ReloadingContentBase
from tests.actions.conftest import CONTENT_DATE, CONTENT_DIR, on_content_date

CONTENT = load_content_base(CONTENT_DIR, CONTENT_DATE)


def edit_topic(directory: Path, topic_id: str, change) -> Path:
    path = directory / "topics" / f"{topic_id}.yml"
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_every_intent_maps_to_a_topic_with_sources() -> None:
    for intent, topic_id in CONTENT.intent_topics.items():
        topic = CONTENT.topics[topic_id]
        assert topic.sources, intent
        assert all(source.url.startswith("https://") for source in topic.sources)


def test_the_issue_topics_all_exist() -> None:
    expected = {
        "surgery_hardware",
        "why_hardware_hidden",
        "risk_factors",
        "why_screws_loosen",
        "how_protrusion_happens",
        "protrusion_treatment",
        "how_rare",
        "prevention_followup",
        "emergency_exposed_hardware",
        "warning_signs",
        "disclaimer",
        "out_of_scope",
        "handoff",
    }
    assert expected <= set(CONTENT.topics)


def test_emergency_texts_keep_the_number_placeholder() -> None:
    for topic_id in ("emergency_exposed_hardware", "emergency_neurological"):
        assert "{emergency_number}" in CONTENT.topics[topic_id].answer


def test_the_reminder_carries_the_emergency_instruction() -> None:
    assert "{emergency_number}" in CONTENT.reminder
    assert "\n" not in CONTENT.reminder


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(sources=[]), "needs at least one source"),
        (lambda d: d["sources"][0].pop("url"), "source 1 is missing \\['url'\\]"),
        (lambda d: d["sources"][0].update(url="http://example.org"), "needs an https:// URL"),
        (lambda d: d["review"].update(review_due=dt.date(2020, 1, 1)), "review was due on 2020-01-01"),
        (lambda d: d["review"].update(status="maybe"), "review status must be one of"),
        (lambda d: d.update(follow_ups=["no_such_topic"]), "follow-up 'no_such_topic' is not a topic"),
        (lambda d: d.update(short_answer="x" * 400), "'short_answer' is 400 characters"),
        (lambda d: d.pop("title"), "the topic is missing \\['title'\\]"),
    ],
)
def test_a_broken_topic_is_refused_with_its_file_and_entry(content_copy: Path, change, message: str) -> None:
    path = edit_topic(content_copy, "risk_factors", change)
    with pytest.raises(ContentError, match=message) as error:
        load_content_base(content_copy, CONTENT_DATE)
    assert error.value.path == path
    assert error.value.entry == "risk_factors"
    assert "risk_factors" in str(error.value) and str(path) in str(error.value)


def test_a_duplicate_id_is_refused(content_copy: Path) -> None:
    original = (content_copy / "topics" / "how_rare.yml").read_text()
    (content_copy / "topics" / "how_rare_copy.yml").write_text(original)
    with pytest.raises(ContentError, match="id must equal the file name|duplicate id"):
        load_content_base(content_copy, CONTENT_DATE)


def test_an_intent_mapped_to_an_unknown_topic_is_refused(content_copy: Path) -> None:
    base = content_copy / "base.yml"
    base.write_text(base.read_text().replace("ask_how_rare: how_rare", "ask_how_rare: how_often"))
    with pytest.raises(ContentError, match="entry 'ask_how_rare': maps to unknown topic 'how_often'"):
        load_content_base(content_copy, CONTENT_DATE)


def test_malformed_yaml_names_the_file(content_copy: Path) -> None:
    path = content_copy / "topics" / "how_rare.yml"
    path.write_text("id: how_rare\nanswer: [unclosed\n")
    with pytest.raises(ContentError, match="how_rare.yml: entry 'how_rare': cannot read the file"):
        load_content_base(content_copy, CONTENT_DATE)


def _touch_later(path: Path) -> None:
    later = time.time() + 5
    os.utime(path, (later, later))


def test_an_edit_is_served_without_a_restart(content_copy: Path) -> None:
    served = ReloadingContentBase(content_copy, on_content_date)
    path = edit_topic(content_copy, "how_rare", lambda d: d.update(answer="Edited answer."))
    _touch_later(path)
    assert served.get().topics["how_rare"].answer == "Edited answer."
    assert served.last_error is None


def test_a_broken_edit_keeps_the_last_good_content_serving(content_copy: Path) -> None:
    served = ReloadingContentBase(content_copy, on_content_date)
    good_answer = served.get().topics["how_rare"].answer
    path = edit_topic(content_copy, "how_rare", lambda d: d.update(sources=[]))
    _touch_later(path)
    assert served.get().topics["how_rare"].answer == good_answer
    assert served.last_error is not None and "needs at least one source" in str(served.last_error)


def test_content_check_warns_30_days_before_a_review_falls_due_and_fails_after(capsys) -> None:
    from actions.content_check import main

    earliest_due = min(t.review.review_due for t in CONTENT.topics.values())
    assert main(CONTENT_DIR, earliest_due - dt.timedelta(days=31)) == 0
    assert "warning" not in capsys.readouterr().err
    assert main(CONTENT_DIR, earliest_due - dt.timedelta(days=30)) == 0
    assert "review due" in capsys.readouterr().err
    assert main(CONTENT_DIR, earliest_due + dt.timedelta(days=1)) == 1
    assert "review was due" in capsys.readouterr().err


def test_neighbouring_topics_offer_each_other(content_copy: Path) -> None:
    for first, second in (("risk_factors", "why_screws_loosen"), ("how_rare", "protrusion_treatment")):
        assert second in CONTENT.topics[first].follow_ups and first in CONTENT.topics[second].follow_ups
    path = content_copy / "topics" / "how_rare.yml"
    data = yaml.safe_load(path.read_text())
    data["follow_ups"] = ["risk_factors"]
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ContentError, match="must offer its neighbour 'protrusion_treatment'"):
        load_content_base(content_copy, CONTENT_DATE)


def test_the_spanish_emergency_reply_is_a_translation_with_its_own_sources_and_review() -> None:
    spanish = CONTENT.topics[CONTENT.translations["emergency_exposed_hardware"]["es"]]
    assert spanish.language == "es"
    assert "{emergency_number}" in spanish.answer
    assert spanish.sources and spanish.review.status in ("draft", "approved")
    assert "{emergency_number}" in CONTENT.locale("es").reminder


def test_a_translation_in_the_wrong_language_is_refused(content_copy: Path) -> None:
    edit_topic(content_copy, "emergency_exposed_hardware_es", lambda data: data.update(language="fr"))
    with pytest.raises(ContentError, match="language 'fr' has no entry|is not written in 'es'"):
        load_content_base(content_copy, CONTENT_DATE)


def test_a_translation_of_an_unknown_topic_is_refused(content_copy: Path) -> None:
    base = content_copy / "base.yml"
    base.write_text(base.read_text().replace("es: emergency_exposed_hardware_es", "es: emergencia"))
    with pytest.raises(ContentError, match="'emergencia' is not a topic"):
        load_content_base(content_copy, CONTENT_DATE)


def test_a_spanish_reply_is_rendered_with_spanish_labels() -> None:
    from actions.rendering import render_topic

    text = render_topic(CONTENT, CONTENT.topics["emergency_exposed_hardware_es"], emergency_number="112").text
    assert text.startswith("Esto es una urgencia médica")
    assert "Fuentes:" in text and "pendiente de revisión clínica" in text and "(112)" in text
