"""Safety report: recall, false-alarm rate and every miss on the regression safety sets.

    python -m scripts.safety_report                 # the trained model (DIET + safety rules)
    python -m scripts.safety_report --detector-only # the rules alone, no model needed

Per stage of the safety funnel (`nlu_components/safety/funnel.py`), it shows what
the stage caught (emergency reports it raised to the emergency reply or the
clarifying question) and what it raised falsely (other messages it raised).

Sealed sets are not read (`make score-sealed SET=<name>` scores one once).
Writes results/safety/report.json and exits 1 on any missed emergency.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Dict, List, Tuple

from contract import (
    EXPOSED_HARDWARE_INTENT,
    NEURO_RED_FLAG_INTENT,
    POSSIBLE_EXPOSED_HARDWARE_INTENT,
    SAFETY_KEY,
    SAFETY_LABEL_INTENTS,
    WOUND_EMERGENCY_INTENT,
)
from evaluation.models import latest_model
from evaluation.paths import RESULTS
from evaluation.predict import intents, load_agent, parse_all
from evaluation.scoring import safety_scores, stage_counts
from evaluation.sets import regression_safety_examples

DETECTOR_TO_INTENT = {
    "exposed_hardware": EXPOSED_HARDWARE_INTENT,
    "neuro_red_flag": NEURO_RED_FLAG_INTENT,
    "wound_emergency": WOUND_EMERGENCY_INTENT,
    "unclear_exposure": POSSIBLE_EXPOSED_HARDWARE_INTENT,
}


RULE_STAGES = {
    "exposed_hardware": "rules",
    "neuro_red_flag": "rules",
    "wound_emergency": "rules",
    "unclear_exposure": "rules_unclear",
}
Prediction = Tuple[str, str | None]  # (intent, the funnel stage that decided it)


def predict_with_detector(texts: List[str]) -> List[Prediction]:
    import spacy

    from nlu_components.safety.detector import SafetyDetector

    nlp = spacy.blank("en")
    detector = SafetyDetector.from_file(nlp.make_doc)
    predictions: List[Prediction] = []
    for text in texts:
        category = detector.analyse(nlp.make_doc(text)).category
        name = category.value if category else ""
        predictions.append((DETECTOR_TO_INTENT.get(name, "other"), RULE_STAGES.get(name)))
    return predictions


def predict_with_model(texts: List[str]) -> List[Prediction]:
    parses = parse_all(load_agent(latest_model()), texts)
    stages = [(p.get(SAFETY_KEY) or {}).get("stage") for p in parses]
    return list(zip(intents(parses), stages, strict=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detector-only", action="store_true", help="score the rules without the trained model")
    args = parser.parse_args()
    sets = regression_safety_examples()
    everything = [m for messages in sets.values() for m in messages]
    predict = predict_with_detector if args.detector_only else predict_with_model
    predictions = predict([m.text for m in everything])
    predicted = [intent for intent, _ in predictions]

    report: Dict[str, Any] = {"mode": "detector-only" if args.detector_only else "model", "sets": {}}
    start = 0
    for name, messages in sets.items():
        chunk = predicted[start : start + len(messages)]
        report["sets"][name] = safety_scores([m.label for m in messages], chunk)
        start += len(messages)
    report["overall"] = safety_scores([m.label for m in everything], predicted)
    missed = [
        {"label": m.label, "kind": m.kind, "got": p, "text": m.text}
        for m, p in zip(everything, predicted, strict=True)
        if m.label in SAFETY_LABEL_INTENTS and p != SAFETY_LABEL_INTENTS[m.label]
    ]
    alarms = [
        {"label": m.label, "kind": m.kind, "got": p, "text": m.text}
        for m, p in zip(everything, predicted, strict=True)
        if m.label not in SAFETY_LABEL_INTENTS and p in SAFETY_LABEL_INTENTS.values()
    ]
    report["misses"], report["false_alarm_messages"] = missed, alarms
    report["by_stage"] = stage_counts([m.label for m in everything], predictions)

    out = RESULTS / "safety"
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2))

    print(f"Safety report ({report['mode']}, regression sets: gates, not measures); details in {out}/report.json")
    for name, result in list(report["sets"].items()) + [("OVERALL", report["overall"])]:
        print(
            f"  {name:14s} n={result['messages']:4d}  recall exposed={result['recall_exposed_hardware']}"
            f"  neuro={result['recall_neuro_red_flag']}  false alarms={result['false_alarms']}"
            f" ({result['false_alarm_rate']:.2%})  asked={result['asked_clarifying_question']}"
            f"  warnings->urgent={result['warning_signs_as_urgent']}"
        )
    print("  by funnel stage (all sets):")
    for stage, counts in report["by_stage"].items():
        print(f"    {stage:28s} caught {counts['caught']:4d}   raised falsely {counts['raised_falsely']:4d}")
    for miss in missed:
        print(f"  MISS [{miss['kind']}] got {miss['got']}: {miss['text']}")
    for alarm in alarms:
        print(f"  FALSE ALARM [{alarm['kind']}] got {alarm['got']}: {alarm['text']}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
