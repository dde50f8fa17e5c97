"""`make audit` says plainly when no audit was done, instead of pip-audit's "No known vulnerabilities
found" over packages it could not look up; and the set-up's pip is the pinned one."""

from __future__ import annotations

import importlib.metadata
import json
import stat
from pathlib import Path

import pytest

from evaluation.paths import ROOT
from scripts.audit import (
    EXIT_CLEAN,
    EXIT_FAILED,
    EXIT_NO_AUDIT,
    EXIT_PARTIAL,
    EXIT_VULNERABLE,
    describe,
    main,
    read_report,
)

# What pip-audit printed on the build machines, where its PyPI service answers nothing usable.
NOTHING_FOUND = {
    "dependencies": [
        {"name": "aiohttp", "skip_reason": "Dependency not found on PyPI and could not be audited: aiohttp (3.9.5)"},
        {"name": "rasa", "skip_reason": "Dependency not found on PyPI and could not be audited: rasa (3.6.21)"},
    ],
    "fixes": [],
}
ONE_VULNERABLE = {
    "dependencies": [
        {"name": "rasa", "version": "3.6.21", "vulns": []},
        {
            "name": "aiohttp",
            "version": "3.9.5",
            "vulns": [{"id": "GHSA-7gpw-8wmc-pm8g", "aliases": ["CVE-2024-52304"], "fix_versions": ["3.10.11"]}],
        },
    ]
}


def test_every_package_skipped_is_no_audit_however_pip_audit_words_it() -> None:
    result = read_report("pypi", NOTHING_FOUND)
    assert result.exit_status() == EXIT_NO_AUDIT
    assert "every package was skipped" in "\n".join(describe(result))


def test_a_vulnerable_pin_is_reported_with_its_advisory_and_fix() -> None:
    result = read_report("pypi", ONE_VULNERABLE)
    assert result.exit_status() == EXIT_VULNERABLE
    assert "aiohttp 3.9.5: GHSA-7gpw-8wmc-pm8g (CVE-2024-52304); fixed in 3.10.11" in "\n".join(describe(result))


def test_clean_only_when_every_package_was_checked() -> None:
    clean = {"dependencies": [{"name": "rasa", "version": "3.6.21", "vulns": []}]}
    assert read_report("osv", clean).exit_status() == EXIT_CLEAN
    partly = {"dependencies": clean["dependencies"] + NOTHING_FOUND["dependencies"][:1]}
    assert read_report("osv", partly).exit_status() == EXIT_PARTIAL


def fake_pip_audit(tmp_path: Path, stdout: str, stderr: str, status: int) -> Path:
    script = tmp_path / "pip-audit"
    script.write_text(f"#!/bin/sh\ncat <<'EOF'\n{stdout}\nEOF\ncat >&2 <<'EOF'\n{stderr}\nEOF\nexit {status}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_unreachable_services_end_in_a_plain_no_audit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    error = "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev'): Max retries exceeded"
    status = main(["--pip-audit", str(fake_pip_audit(tmp_path, "", error, 1)), "--root", str(ROOT)])
    out = capsys.readouterr()
    assert status == EXIT_NO_AUDIT
    assert "could not reach the advisory service" in out.out and "NO AUDIT WAS DONE" in out.err


def test_a_service_that_skips_everything_also_ends_in_no_audit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = fake_pip_audit(tmp_path, json.dumps(NOTHING_FOUND), "No known vulnerabilities found", 0)
    assert main(["--pip-audit", str(script), "--root", str(ROOT)]) == EXIT_NO_AUDIT
    assert "NO AUDIT WAS DONE" in capsys.readouterr().err


def test_the_venv_runs_the_pinned_pip() -> None:
    pins = [line for line in (ROOT / "requirements-pip.txt").read_text().splitlines() if line.startswith("pip==")]
    assert pins == [f"pip=={importlib.metadata.version('pip')}"]


def test_pip_audit_failing_for_another_reason_is_reported_as_that(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = fake_pip_audit(tmp_path, "", "ERROR:pip_audit._cli:requirement absl-py==1.4.0 does not contain a hash", 1)
    assert main(["--pip-audit", str(script), "--root", str(ROOT)]) == EXIT_FAILED
    assert "pip-audit failed" in capsys.readouterr().out
