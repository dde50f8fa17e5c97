"""Score the NLU evaluation sets with the newest model: sealed first-run figures apart from regression figures.

    python -m scripts.nlu_eval

- sealed sets are not read (score one once with `make score-sealed SET=<name>`);
- first-run sets show the figures recorded at their one scoring: the measure;
- regression sets are scored now, with their errors: gates, never a measure.
Writes results/nlu/eval.json.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Dict

from evaluation.models import latest_model
from evaluation.paths import RESULTS
from evaluation.runs import score_examples
from evaluation.scoring import f1_by_intent
from evaluation.sets import SetStatus, nlu_sets

SHOWN = (
    "messages",
    "macro_f1",
    "topic_accuracy",
    "topic_offered",
    "out_of_scope_recognised",
    "urgent_escalated",
    "exposed_recall",
    "false_emergencies",
)


def line(figures: Dict[str, Any]) -> str:
    return "  ".join(f"{key}={figures[key]}" for key in SHOWN if key in figures)


def main() -> int:
    sets = nlu_sets()
    model = latest_model()
    report: Dict[str, Any] = {"model": model.name, "first_run": {}, "regression": {}}
    print("== Sealed, first run (the measure: scored once, before any tuning on the set)")
    for evaluation_set in sets:
        if evaluation_set.status is SetStatus.SEALED:
            print(f"  {evaluation_set.name}: sealed, not yet scored ({evaluation_set.purpose})")
        elif evaluation_set.first_run:
            record = evaluation_set.first_run
            report["first_run"][evaluation_set.name] = record
            since = "; tuned on since, now a regression set" if evaluation_set.status is SetStatus.REGRESSION else ""
            print(
                f"  {evaluation_set.name}: {record['messages']} messages,"
                f" scored {record['date']} on commit {record['commit'][:8]}{since}"
            )
            for run in record["runs"]:
                label = run["variant"] + (f" seed {run['seed']}" if "seed" in run else "")
                print(f"    {label}: {line(run['figures'])}")
    print(f"\n== Regression (tuned on: a gate, not a measure), model {model.name}")
    for evaluation_set in sets:
        if evaluation_set.status is not SetStatus.REGRESSION:
            continue
        scored = score_examples(evaluation_set, evaluation_set.examples(), model)
        report["regression"][evaluation_set.name] = scored
        print(f"  {evaluation_set.name}: {line(scored['figures'])}")
        pairs = [(p["label"], p["got"]) for p in scored["predictions"]]
        weak = {k: round(v, 2) for k, v in sorted(f1_by_intent(pairs).items()) if v < 0.9}
        if weak:
            print(f"    intents under F1 0.90: {weak}")
        for p in scored["predictions"]:
            if p["label"] != p["got"]:
                print(f"    [{p['label']} -> {p['got']}] {p['text']}")
    out = RESULTS / "nlu" / "eval.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
