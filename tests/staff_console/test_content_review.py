"""Content review: every topic listed overdue first; a clinician's approval lands in the topic file's
review block (and nowhere else in the file), is audited, and is refused for a changed version."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from starlette.testclient import TestClient

from actions.content_base import ContentError, load_content_base
from evaluation.paths import ROOT
from staff_console.app import Console, create_app
from staff_console.content_review import ReviewConflict, approve, review_rows
from tests.staff_console.helpers import PASSWORD, csrf_of, log_in

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(ROOT / "data" / "content", copy)
    return copy


def set_review_due(content_dir: Path, topic: str, due: str) -> None:
    path = content_dir / "topics" / f"{topic}.yml"
    text = path.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("  review_due:"))
    path.write_text(text.replace(old, f"  review_due: {due}"), encoding="utf-8")


def test_every_topic_is_listed_and_the_overdue_come_first(content_dir: Path) -> None:
    set_review_due(content_dir, "how_rare", "2026-11-01")
    rows = review_rows(content_dir, TODAY)
    assert len(rows) == len(list((content_dir / "topics").glob("*.yml")))
    assert rows[0].topic_id == "how_rare" and rows[0].overdue(TODAY)
    assert not any(row.overdue(TODAY) for row in rows[1:])


def test_an_approval_changes_only_the_review_lines_and_the_base_still_loads(content_dir: Path) -> None:
    path = content_dir / "topics" / "why_screws_loosen.yml"
    before = path.read_text(encoding="utf-8").splitlines()
    version = yaml.safe_load("\n".join(before))["version"]
    approve(content_dir, "why_screws_loosen", version, "dr.osei", TODAY)
    after = path.read_text(encoding="utf-8").splitlines()
    assert len(before) == len(after)
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed and {b.split(":")[0] for _, b in changed} <= {
        "  status",
        "  reviewed_by",
        "  reviewed_on",
        "  review_due",
    }
    topic = load_content_base(content_dir, TODAY).topics["why_screws_loosen"]
    assert topic.review.status == "approved" and topic.review.reviewed_by == "dr.osei"
    assert topic.review.reviewed_on == TODAY and topic.review.review_due == dt.date(2027, 12, 1)


def test_approving_a_version_that_is_no_longer_the_files_is_refused(content_dir: Path) -> None:
    version = review_rows(content_dir, TODAY)[0].version
    topic = review_rows(content_dir, TODAY)[0].topic_id
    with pytest.raises(ReviewConflict, match="read it again"):
        approve(content_dir, topic, version + 1, "dr.osei", TODAY)
    with pytest.raises(ReviewConflict, match="no topic"):
        approve(content_dir, "no_such_topic", 1, "dr.osei", TODAY)


def test_an_approval_the_content_check_refuses_is_put_back(content_dir: Path) -> None:
    path = content_dir / "topics" / "how_rare.yml"
    broken = path.read_text(encoding="utf-8").replace("sources:", "sources_misspelt:")
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ContentError):
        approve(content_dir, "how_rare", yaml.safe_load(broken)["version"], "dr.osei", TODAY)
    assert path.read_text(encoding="utf-8") == broken


@pytest.fixture
def clinician_client(console: Console, content_dir: Path) -> TestClient:
    console.accounts.create("dr.osei", PASSWORD, "clinician")
    console.settings = dataclasses.replace(console.settings, content_dir=content_dir)
    return TestClient(create_app(console), base_url="https://console.test", follow_redirects=False)


def test_a_clinician_approves_in_the_console_and_it_is_audited(
    clinician_client: TestClient, console: Console, content_dir: Path
) -> None:
    log_in(clinician_client, "dr.osei")
    row = next(r for r in review_rows(content_dir, TODAY) if r.topic_id == "how_rare")
    response = clinician_client.post(
        "/content/how_rare/approve", data={"csrf_token": csrf_of(clinician_client), "version": str(row.version)}
    )
    assert response.status_code == 303
    page = clinician_client.get(response.headers["location"]).text
    assert "git diff data/content" in page and "how_rare.yml" in page
    assert "approved" in yaml.safe_load((content_dir / "topics" / "how_rare.yml").read_text())["review"]["status"]
    (entry,) = console.audit.recent(target="how_rare")
    assert (entry.actor, entry.action, entry.detail) == (
        "dr.osei",
        "approve_content",
        f"version {row.version}, how_rare.yml",
    )


def test_a_staff_account_cannot_approve_and_a_stale_page_gets_a_409(
    clinician_client: TestClient, console: Console, content_dir: Path
) -> None:
    log_in(clinician_client, "ann")  # role staff
    token = csrf_of(clinician_client)
    assert (
        clinician_client.post("/content/how_rare/approve", data={"csrf_token": token, "version": "1"}).status_code
        == 403
    )
    clinician_client.cookies.clear()
    log_in(clinician_client, "dr.osei")
    stale = clinician_client.post(
        "/content/how_rare/approve", data={"csrf_token": csrf_of(clinician_client), "version": "999"}
    )
    assert stale.status_code == 409 and "read it again" in stale.text
    assert console.audit.recent(target="how_rare") == []
