"""The editorial rules `make content-check` enforces: one triage ladder, sources that hold up, readable text.

Each rule is shown on a tiny content base written to tmp_path, so a test names the
one thing that breaks it; the last tests check the real base and the report.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from actions.content_base import ContentError, SourceKind, load_content_base
from actions.content_check import as_sentences, grade, main, priority_problems, readability_problems
from actions.content_report import format_table, report_rows
from actions.rendering import render_topic
from actions.triage_ladder import EMERGENCY_NOW, emergency_now_findings, load_triage_ladder
from tests.actions.conftest import CONTENT_DATE, CONTENT_DIR

LADDER: Dict[str, Any] = {
    "levels": {
        "emergency_now": {
            "title": "Emergency now",
            "wording": {"en": "Call {emergency_number} now."},
            "marker": {"en": "{emergency_number}"},
        },
        "same_day": {"title": "Same day", "wording": {"en": "Call your surgeon today."}, "marker": {"en": "today"}},
    },
    "findings": {
        "exposed_metal": {
            "level": "emergency_now",
            "says": "Metal showing through the skin",
            "cues": {"en": ["see metal"]},
            "examples": ["I can see the screw"],
        },
        "fever": {"level": "same_day", "says": "A temperature of 38 °C or higher", "cues": {"en": ["fever"]}},
    },
}
HOSPITAL_PAGE = {
    "title": "When to call",
    "publisher": "A hospital",
    "url": "https://hospital.example.org/when-to-call",
    "kind": "hospital_patient_information",
}


def topic(topic_id: str, **changes: Any) -> Dict[str, Any]:
    data: Dict[str, Any] = {
        "id": topic_id,
        "title": f"About {topic_id}",
        "button_title": topic_id[:20],
        "version": 1,
        "review": {
            "status": "draft",
            "reviewed_by": "pending",
            "reviewed_on": dt.date(2026, 12, 1),
            "review_due": dt.date(2027, 6, 1),
        },
        "answer": "Call your surgeon today if you have a fever.",
        "short_answer": "Call your surgeon today for a fever.",
        "follow_ups": [],
        "triage": {"fever": "same_day"},
        "sources": [dict(HOSPITAL_PAGE)],
    }
    data.update(changes)
    return data


def write_base(directory: Path, topics: List[Dict[str, Any]], **base_changes: Any) -> Path:
    """A content base with `topics` in `directory`; returns the directory."""
    (directory / "topics").mkdir(parents=True)
    base: Dict[str, Any] = {
        "reminder": "General information only. If you can see metal through your skin, call {emergency_number} now.",
        "unavailable_notice": "Sorry.",
        "intent_topics": {"ask_it": topics[0]["id"]},
        "triage_ladder": LADDER,
        "source_policy": {
            "paper_url_prefixes": ["https://doi.org/10.", "https://pubmed.ncbi.nlm.nih.gov/"],
            "denylist": [{"domain": "contentfarm.example", "reason": "content farm"}],
        },
        "readability": {
            "max_grade": 8,
            "max_grade_emergency": 6,
            "emergency_topics": [t["id"] for t in topics if t["id"].startswith("emergency")],
            "languages": ["en"],
        },
    }
    base.update(base_changes)
    (directory / "base.yml").write_text(yaml.safe_dump(base, sort_keys=False, allow_unicode=True))
    for data in topics:
        (directory / "topics" / f"{data['id']}.yml").write_text(yaml.safe_dump(data, sort_keys=False))
    return directory


def refused(directory: Path, message: str) -> ContentError:
    with pytest.raises(ContentError, match=message) as error:
        load_content_base(directory, CONTENT_DATE)
    return error.value


# --- the triage ladder ---


def test_a_tiny_base_that_follows_the_rules_loads(tmp_path: Path) -> None:
    content = load_content_base(write_base(tmp_path, [topic("fever_topic")]), CONTENT_DATE)
    assert content.topics["fever_topic"].triage == {"fever": "same_day"}
    assert [f.id for f in content.ladder.at(EMERGENCY_NOW)] == ["exposed_metal"]


def test_two_topics_that_send_a_finding_to_different_levels_are_refused(tmp_path: Path) -> None:
    urgent = topic(
        "urgent",
        answer="Call {emergency_number} now if you have a fever.",
        short_answer="Fever: call {emergency_number} now.",
        triage={"fever": "emergency_now"},
    )
    error = refused(write_base(tmp_path, [topic("calm"), urgent]), "'fever' goes to different levels")
    assert "emergency_now in urgent" in error.problem and "same_day in calm" in error.problem


def test_a_topic_that_disagrees_with_the_ladder_is_refused(tmp_path: Path) -> None:
    urgent = topic(
        "urgent",
        answer="Call {emergency_number} now if you have a fever.",
        short_answer="Fever: call {emergency_number} now.",
        triage={"fever": "emergency_now"},
    )
    error = refused(write_base(tmp_path, [urgent]), "the triage ladder puts it at 'same_day'")
    assert error.entry == "urgent"


def test_a_finding_the_ladder_does_not_know_is_refused(tmp_path: Path) -> None:
    odd = topic("odd", triage={"fever": "same_day", "glowing_scar": "same_day"})
    refused(write_base(tmp_path, [odd]), "names finding 'glowing_scar', which the triage ladder does not know")


def test_a_finding_mentioned_without_its_level_is_refused(tmp_path: Path) -> None:
    silent = topic("silent", answer="A fever can happen. Call today.", short_answer="Call today.", triage={})
    refused(write_base(tmp_path, [silent]), "mentions 'fever' \\(finding 'fever'\\) but names no level")


def test_a_text_that_never_says_its_level_is_refused(tmp_path: Path) -> None:
    vague = topic("vague", answer="If you have a fever, call someone soon.")
    refused(write_base(tmp_path, [vague]), "its answer never says so \\(no 'today' in it\\)")


def test_cues_match_whole_words_only(tmp_path: Path) -> None:
    # "feverish" is not the cue "fever"; a plural still is.
    calm = topic("calm", answer="Feverishly check it today.", short_answer="Check it today.", triage={})
    load_content_base(write_base(tmp_path, [calm]), CONTENT_DATE)


def test_the_reminder_may_name_only_emergency_findings(tmp_path: Path) -> None:
    base = write_base(tmp_path, [topic("calm")], reminder="If you have a fever, call {emergency_number} now.")
    refused(base, "names 'fever', which is not an 'emergency now' finding")


def test_an_emergency_finding_needs_examples_for_the_safety_tests(tmp_path: Path) -> None:
    ladder = yaml.safe_load(yaml.safe_dump(LADDER))
    del ladder["findings"]["exposed_metal"]["examples"]
    refused(write_base(tmp_path, [topic("calm")], triage_ladder=ladder), "needs example messages")


# --- sources ---


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ({"url": "https://www.contentfarm.example/spine"}, "contentfarm.example is on the source denylist"),
        ({"url": "https://contentfarm.example/spine"}, "content farm"),
        (
            {"kind": "peer_reviewed_paper", "url": "https://journal.example.org/article/123"},
            "is a paper: cite it by its DOI",
        ),
        ({"kind": "blog"}, "'kind' must be one of guideline, national_patient_information"),
    ],
)
def test_a_weak_citation_is_refused(tmp_path: Path, source: Dict[str, str], message: str) -> None:
    data = topic("cited", sources=[dict(HOSPITAL_PAGE), {**HOSPITAL_PAGE, **source}])
    error = refused(write_base(tmp_path, [data]), message)
    assert error.entry == "cited" and "source 2" in error.problem


@pytest.mark.parametrize("url", ["https://doi.org/10.4103/sni.sni_306_17", "https://pubmed.ncbi.nlm.nih.gov/29184720/"])
def test_a_paper_cited_by_doi_or_pubmed_is_accepted(tmp_path: Path, url: str) -> None:
    paper = {"title": "A study", "publisher": "A journal", "url": url, "kind": "peer_reviewed_paper"}
    content = load_content_base(write_base(tmp_path, [topic("cited", sources=[HOSPITAL_PAGE, paper])]), CONTENT_DATE)
    assert content.topics["cited"].sources[1].kind is SourceKind.PEER_REVIEWED_PAPER


def test_a_topic_without_a_guideline_national_or_hospital_source_is_refused(tmp_path: Path) -> None:
    paper = {
        "title": "A study",
        "publisher": "A journal",
        "url": "https://doi.org/10.1/x",
        "kind": "peer_reviewed_paper",
    }
    refused(write_base(tmp_path, [topic("papers_only", sources=[paper])]), "needs at least one guideline, national")


# --- readability ---


def test_list_items_count_as_sentences() -> None:
    assert as_sentences("Call now if:\n- you see metal\n- it leaks") == "Call now if. you see metal. it leaks."


def test_an_answer_over_the_grade_limit_is_reported(tmp_path: Path) -> None:
    dense = (
        "Postoperative instrumentation-associated complications, including implant prominence, dehiscence and "
        "periprosthetic infection, necessitate comprehensive multidisciplinary evaluation today."
    )
    dense_topic = topic("dense", answer=dense, short_answer="Call today.", triage={})
    content = load_content_base(write_base(tmp_path, [dense_topic]), CONTENT_DATE)
    [problem] = readability_problems(content)
    assert "entry 'dense': answer is at Flesch-Kincaid grade" in problem and "the limit is 8" in problem


def test_emergency_instructions_have_the_lower_limit(tmp_path: Path) -> None:
    # About grade 7: fine for an answer, too hard for an emergency instruction.
    text = (
        "Call {emergency_number} now, even if it does not hurt, and tell the emergency nurse that you have "
        "metal implants in your spine."
    )
    assert 6 < grade(text) <= 8
    plain = topic(
        "plain", answer=text, short_answer="Call {emergency_number} now.", triage={"exposed_metal": "emergency_now"}
    )
    emergency = {**plain, "id": "emergency_metal"}
    content = load_content_base(write_base(tmp_path, [plain, emergency]), CONTENT_DATE)
    assert [p.split("'")[1] for p in readability_problems(content)] == ["emergency_metal"]


# --- the real content base ---


def test_the_real_content_base_passes_content_check() -> None:
    assert main(CONTENT_DIR, CONTENT_DATE) == 0


def test_every_emergency_finding_is_exposed_with_example_messages() -> None:
    findings = emergency_now_findings()
    ids = {f.id for f in findings}
    assert {"exposed_metal", "skin_opening_over_hardware", "cannot_pass_urine", "neck_swallowing_breathing"} <= ids
    assert all(f.level == EMERGENCY_NOW and f.examples for f in findings)
    assert findings == load_triage_ladder(CONTENT_DIR).at(EMERGENCY_NOW)


def test_a_safety_reply_in_draft_must_be_marked_for_priority_review(content_copy: Path) -> None:
    path = content_copy / "topics" / "emergency_neurological.yml"
    data = yaml.safe_load(path.read_text())
    del data["review"]["priority_review"]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    [problem] = priority_problems(load_content_base(content_copy, CONTENT_DATE))
    assert "emergency_neurological" in problem and "priority_review" in problem


def test_the_sources_follow_the_instruction_and_the_reminder() -> None:
    content = load_content_base(CONTENT_DIR, CONTENT_DATE)
    exposed = content.topics["emergency_exposed_hardware"]
    for channel in (None, "telegram"):
        text = render_topic(content, exposed, channel=channel).text
        assert (
            text.index("Call {emergency_number} or go to the nearest emergency department now")
            < text.index(content.reminder)
            < text.index("Source:")
        )
    small_screen = render_topic(content, exposed, channel="telegram").text
    assert exposed.sources[0].title not in small_screen  # compact: publisher and link only


def test_the_report_lists_every_topic_with_its_review_and_sources() -> None:
    content = load_content_base(CONTENT_DIR, CONTENT_DATE)
    table = format_table(report_rows(content))
    lines = table.splitlines()
    assert lines[0].split()[:2] == ["topic", "status"]
    assert len(lines) == 2 + len(content.topics)
    for topic_id, entry in content.topics.items():
        [row] = [line for line in lines if line.split()[0] == topic_id]
        assert f"v{entry.version}" in row and entry.review.review_due.isoformat() in row
    [exposed] = [line for line in lines if line.startswith("emergency_exposed_hardware ")]
    assert "draft !" in exposed and "national 1" in exposed and "paper 1" in exposed
