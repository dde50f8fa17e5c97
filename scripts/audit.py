"""Known vulnerabilities in the pinned packages (`make audit`; not part of `make test`).

    python -m scripts.audit --pip-audit .build/audit-venv/bin/pip-audit

Runs pip-audit over constraints.txt and requirements-nodeps.txt, first against PyPI's advisory
service, then OSV's. pip-audit reports "No known vulnerabilities found" and exits 0 even when it
could look up none of the packages (each one "not found on PyPI": what these build machines get),
so this reads its JSON and says plainly how many packages were really checked.

Each requirements file is audited on its own (requirements-nodeps.txt carries hashes, and pip-audit
then wants hashes on every line it reads together with it).

Exit status: 0 every package checked and none vulnerable; 1 vulnerabilities found; 2 pip-audit
failed for another reason (its message is printed); 3 the advisory services could not be reached or
checked nothing (no audit was done); 4 some packages unchecked.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Sequence

REQUIREMENTS = ("constraints.txt", "requirements-nodeps.txt")
SERVICES = ("pypi", "osv")
EXIT_CLEAN, EXIT_VULNERABLE, EXIT_FAILED, EXIT_NO_AUDIT, EXIT_PARTIAL = 0, 1, 2, 3, 4
CONNECTION_SIGNS = ("ConnectionError", "NameResolutionError", "Max retries exceeded", "Temporary failure")


@dataclass
class Finding:
    package: str
    version: str
    advisory: str
    aliases: List[str]
    fixed_in: List[str]


@dataclass
class AuditResult:
    service: str
    checked: List[str] = field(default_factory=list)
    unchecked: Dict[str, str] = field(default_factory=dict)  # package -> pip-audit's reason
    findings: List[Finding] = field(default_factory=list)
    unreachable: str | None = None  # why the service could not be asked at all
    failed: str | None = None  # pip-audit's own error, when it is not about reaching the service

    @property
    def audited_anything(self) -> bool:
        return self.unreachable is None and self.failed is None and bool(self.checked)

    def merged(self, other: "AuditResult") -> "AuditResult":
        return AuditResult(
            self.service,
            self.checked + other.checked,
            {**self.unchecked, **other.unchecked},
            self.findings + other.findings,
            self.unreachable or other.unreachable,
            self.failed or other.failed,
        )

    def exit_status(self) -> int:
        if self.failed:
            return EXIT_FAILED
        if not self.audited_anything:
            return EXIT_NO_AUDIT
        if self.findings:
            return EXIT_VULNERABLE
        return EXIT_PARTIAL if self.unchecked else EXIT_CLEAN


def read_report(service: str, report: Dict[str, Any]) -> AuditResult:
    """pip-audit's JSON (`-f json`) as what was checked, what was not, and what was found."""
    result = AuditResult(service)
    for dependency in report.get("dependencies", []):
        name = dependency.get("name", "?")
        if "skip_reason" in dependency:
            result.unchecked[name] = dependency["skip_reason"]
            continue
        result.checked.append(name)
        for vuln in dependency.get("vulns", []):
            result.findings.append(
                Finding(
                    name,
                    dependency.get("version", "?"),
                    vuln["id"],
                    vuln.get("aliases", []),
                    vuln.get("fix_versions", []),
                )
            )
    return result


def run_pip_audit(pip_audit: Path, service: str, root: Path) -> AuditResult:
    result = AuditResult(service)
    for requirements in REQUIREMENTS:
        result = result.merged(audit_file(pip_audit, service, root / requirements))
    return result


def audit_file(pip_audit: Path, service: str, requirements: Path) -> AuditResult:
    command = [str(pip_audit), "-s", service, "-f", "json", "--disable-pip", "--progress-spinner", "off"]
    command += ["-r", str(requirements)]
    if "--hash=" not in requirements.read_text():
        command.append("--no-deps")  # every line is pinned; pip-audit needs no resolver for them
    completed = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if any(sign in completed.stderr for sign in CONNECTION_SIGNS):
        lines = [line for line in completed.stderr.splitlines() if any(s in line for s in CONNECTION_SIGNS)]
        return AuditResult(service, unreachable=lines[-1].strip()[:300] if lines else "connection failed")
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError:
        error = (completed.stderr.strip().splitlines() or ["no report and no message"])[-1][:300]
        return AuditResult(service, failed=f"{requirements.name}: {error}")
    return read_report(service, report)


def describe(result: AuditResult) -> List[str]:
    if result.failed:
        return [f"{result.service}: pip-audit failed: {result.failed}"]
    if result.unreachable:
        return [f"{result.service}: could not reach the advisory service ({result.unreachable})."]
    lines = [f"{result.service}: {len(result.checked)} packages checked, {len(result.unchecked)} not checked."]
    if not result.checked and result.unchecked:
        example = next(iter(result.unchecked.values()))
        lines.append(f'  every package was skipped, e.g. "{example}": the service answered nothing usable.')
    for finding in result.findings:
        aliases = f" ({', '.join(finding.aliases)})" if finding.aliases else ""
        fixed = ", ".join(finding.fixed_in) or "no fix released"
        lines.append(f"  {finding.package} {finding.version}: {finding.advisory}{aliases}; fixed in {fixed}")
    if result.checked and result.unchecked:
        lines.append(f"  not checked: {', '.join(sorted(result.unchecked))}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pip-audit", type=Path, required=True)
    parser.add_argument("--root", type=Path, default=Path("."))
    args = parser.parse_args(argv)
    for service in SERVICES:
        result = run_pip_audit(args.pip_audit, service, args.root)
        print("\n".join(describe(result)))
        if result.audited_anything or result.failed:
            return result.exit_status()
    print(
        "NO AUDIT WAS DONE: neither PyPI's nor OSV's advisory service could be used from this machine.\n"
        "Run `make audit` where https://pypi.org and https://api.osv.dev are reachable. The advisories\n"
        "published for the pinned versions at the last review are in README.md, Security.",
        file=sys.stderr,
    )
    return EXIT_NO_AUDIT


if __name__ == "__main__":
    sys.exit(main())
