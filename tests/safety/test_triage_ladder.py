"""The safety layer escalates every finding the content's triage ladder puts at "emergency now".

The ladder (data/content/base.yml `triage_ladder`) is the clinical source of truth; its example
messages are checked against the detector here, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any, List

import pytest
from spacy.language import Language

from actions.triage_ladder import emergency_now_findings
from nlu_components.safety.detector import SafetyDetector
from nlu_components.safety.text_spans import Category

ESCALATED = {Category.EXPOSED_HARDWARE, Category.NEURO_RED_FLAG, Category.WOUND_EMERGENCY}


def _cases() -> List[Any]:
    return [
        pytest.param(finding.id, example, id=f"{finding.id}:{example[:40]}")
        for finding in emergency_now_findings()
        for example in finding.examples
    ]


def test_the_ladder_has_emergency_findings_with_examples() -> None:
    findings = emergency_now_findings()
    assert {"exposed_metal", "new_leg_weakness", "cannot_pass_urine"} <= {f.id for f in findings}
    assert all(f.examples for f in findings)


@pytest.mark.parametrize(("finding", "example"), _cases())
def test_every_emergency_now_example_is_escalated(
    detector: SafetyDetector, nlp: Language, finding: str, example: str
) -> None:
    verdict = detector.analyse(nlp.make_doc(example))
    assert verdict.category in ESCALATED, (finding, verdict.as_dict())
