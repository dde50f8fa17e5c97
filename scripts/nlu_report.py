"""Print per-intent precision, recall and F1 and the confusion matrix from `rasa test nlu` output.

python scripts/nlu_report.py results/nlu [--summary]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Dict, List

AGGREGATES = ("accuracy", "macro avg", "weighted avg", "micro avg")


def per_intent(report: Dict) -> Dict[str, Dict[str, float]]:
    return {k: v for k, v in report.items() if k not in AGGREGATES and isinstance(v, dict)}


def confusion(errors: List[Dict], intents: List[str]) -> Dict[str, Dict[str, int]]:
    matrix: Dict[str, Dict[str, int]] = {i: {} for i in intents}
    for error in errors:
        actual, predicted = error["intent"], error["intent_prediction"]["name"]
        matrix.setdefault(actual, {})
        matrix[actual][predicted] = matrix[actual].get(predicted, 0) + 1
    return matrix


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("--summary", action="store_true", help="one line: macro F1 and exposed-hardware recall")
    args = parser.parse_args()
    report = json.loads((args.results / "intent_report.json").read_text())
    intents = per_intent(report)
    macro = report["macro avg"]["f1-score"]
    exposed = intents.get("report_exposed_hardware", {}).get("recall", 0.0)
    if args.summary:
        print(f"macro_f1={macro:.3f} accuracy={report['accuracy']:.3f} exposed_recall={exposed:.2f}")
        return 0
    print(f"{'intent':34s} {'prec':>5s} {'rec':>5s} {'f1':>5s} {'n':>4s}")
    for name in sorted(intents):
        v = intents[name]
        print(f"{name:34s} {v['precision']:5.2f} {v['recall']:5.2f} {v['f1-score']:5.2f} {v['support']:4d}")
    print(f"\naccuracy {report['accuracy']:.3f}   macro F1 {macro:.3f}   exposed-hardware recall {exposed:.2f}")
    errors_path = args.results / "intent_errors.json"
    errors = json.loads(errors_path.read_text()) if errors_path.exists() else []
    print("\nConfusions (actual -> predicted: count); the full matrix is intent_confusion_matrix.png:")
    for actual, row in sorted(confusion(errors, sorted(intents)).items()):
        for predicted, count in sorted(row.items(), key=lambda x: -x[1]):
            print(f"  {actual} -> {predicted}: {count}")
    for error in errors:
        print(f"  [{error['intent']} -> {error['intent_prediction']['name']}] {error['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
