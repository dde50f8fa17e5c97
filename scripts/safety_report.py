"""Safety report: recall, false-alarm rate and every miss on the labelled safety sets.

    python scripts/safety_report.py                 # the trained model (DIET + safety rules)
    python scripts/safety_report.py --detector-only # the rules alone, no model needed

Writes results/safety/report.json and exits 1 on any missed emergency.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EMERGENCY_INTENTS = {"exposed_hardware": "report_exposed_hardware", "neuro_red_flag": "report_neurological_red_flags"}
# The safety layer's "ask first" intents: the assistant asks one question before deciding.
CLARIFYING_QUESTION_INTENTS = {"report_possible_exposed_hardware", "report_possible_neurological_red_flags"}
DETECTOR_TO_INTENT = {
    **{k: v for k, v in EMERGENCY_INTENTS.items()},
    "unclear_exposure": "report_possible_exposed_hardware",
}


def load_sets() -> Dict[str, List[Dict]]:
    return {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
        for path in sorted((ROOT / "tests" / "safety").glob("*_set*.yml"))
    }


def predict_with_detector(texts: List[str]) -> List[str]:
    import spacy

    from nlu_components.safety.detector import SafetyDetector

    nlp = spacy.blank("en")
    detector = SafetyDetector.from_file(nlp.make_doc)
    out = []
    for text in texts:
        category = detector.analyse(nlp.make_doc(text)).category
        out.append(DETECTOR_TO_INTENT.get(category or "", "other"))
    return out


def predict_with_model(texts: List[str]) -> List[str]:
    from rasa.core.agent import Agent

    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        sys.exit("error: no trained model in models/; run `make train`.")
    agent = Agent.load(str(models[-1]))

    async def parse_all() -> List[str]:
        return [(await agent.parse_message(text))["intent"]["name"] for text in texts]

    return asyncio.new_event_loop().run_until_complete(parse_all())


def score(messages: List[Dict], predicted: List[str]) -> Dict:
    result: Dict = {"messages": len(messages), "by_label": dict(Counter(m["expect"] for m in messages))}
    for label, intent in EMERGENCY_INTENTS.items():
        rows = [(m, p) for m, p in zip(messages, predicted, strict=True) if m["expect"] == label]
        hits = sum(p == intent for _, p in rows)
        result[f"recall_{label}"] = hits / len(rows) if rows else None
        result[f"misses_{label}"] = [{"text": m["text"], "kind": m["kind"], "got": p} for m, p in rows if p != intent]
    negatives = [(m, p) for m, p in zip(messages, predicted, strict=True) if m["expect"] not in EMERGENCY_INTENTS]
    alarms = [{"text": m["text"], "kind": m["kind"], "got": p} for m, p in negatives if p in EMERGENCY_INTENTS.values()]
    result["false_alarm_rate"] = len(alarms) / len(negatives) if negatives else None
    result["false_alarms"] = alarms
    asked = [m["text"] for m, p in zip(messages, predicted, strict=True) if p in CLARIFYING_QUESTION_INTENTS]
    result["asked_clarifying_question"] = len(asked)
    warnings = [(m, p) for m, p in zip(messages, predicted, strict=True) if m["expect"] == "warning_signs"]
    if warnings:
        result["warning_signs_as_urgent"] = sum(p == "report_warning_signs" for _, p in warnings) / len(warnings)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detector-only", action="store_true", help="score the rules without the trained model")
    args = parser.parse_args()
    sets = load_sets()
    everything = [m for messages in sets.values() for m in messages]
    predict = predict_with_detector if args.detector_only else predict_with_model
    predicted = predict([m["text"] for m in everything])

    report: Dict = {"mode": "detector-only" if args.detector_only else "model", "sets": {}}
    start = 0
    for name, messages in sets.items():
        report["sets"][name] = score(messages, predicted[start : start + len(messages)])
        start += len(messages)
    report["overall"] = score(everything, predicted)

    out = ROOT / "results" / "safety"
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2))

    print(f"Safety report ({report['mode']}); details in results/safety/report.json")
    for name, result in list(report["sets"].items()) + [("OVERALL", report["overall"])]:
        print(
            f"  {name:14s} n={result['messages']:4d}  recall exposed={result['recall_exposed_hardware']:.3f}"
            f"  neuro={result['recall_neuro_red_flag']:.3f}  false alarms={result['false_alarm_rate']:.3%}"
            f"  asked={result['asked_clarifying_question']}"
            f"  warnings->urgent={result.get('warning_signs_as_urgent', 0):.2f}"
        )
    overall = report["overall"]
    misses = overall["misses_exposed_hardware"] + overall["misses_neuro_red_flag"]
    for miss in misses:
        print(f"  MISS [{miss['kind']}] got {miss['got']}: {miss['text']}")
    for alarm in overall["false_alarms"]:
        print(f"  FALSE ALARM [{alarm['kind']}] got {alarm['got']}: {alarm['text']}")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
