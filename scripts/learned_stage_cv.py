"""What the learned stage adds on a set it never saw: each sealed safety set left out in turn.

For each of the newest `--sets` sealed safety sets that had a first run, this script
1. runs the rules as they were at that first run (a git worktree of the set's first-run
   commit, in a subprocess) over the set: the rules had not been tuned on it then;
2. fits the learned stage on every other regression safety set and the training data's
   topic questions, as training does, and scores the left-out set;
3. runs both through the funnel (`nlu_components/safety/funnel.py`, with the thresholds
   of config.yml) and counts exposed-metal and neurological reports that get their
   emergency reply, and false alarms, with the rules alone and with the learned stage.
The trained classifier and the later stages are left out: this isolates the rules and
the learned stage. `python -m scripts.learned_stage_cv [--sets 6] [--sweep]` (about 5 minutes;
`--sweep` also tries a grid of thresholds on the same runs, which is tuning, not a measure).
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, List, Tuple

from nlu_components.safety.detector import Category
from nlu_components.safety.funnel import Intents, LearnedThresholds, Signals, decide
from nlu_components.safety.learned import LearnedStage, Likelihood

ROOT = Path(__file__).resolve().parents[1]
EMERGENCY_LABELS = ("exposed_hardware", "neuro_red_flag")


def verdicts_at(worktree: Path, set_path: Path) -> List[Dict[str, Any]]:
    """The rules' reading of each message of `set_path`, with the detector of `worktree`."""
    program = f"""
import json, sys, yaml, spacy
from pathlib import Path
sys.path.insert(0, {str(worktree)!r})
from nlu_components.safety.detector import SafetyDetector, Category
nlp = spacy.blank("en")
detector = SafetyDetector.from_file(nlp.make_doc, Path({str(worktree)!r}) / "nlu_components/safety/rules.yml")
out = []
for m in yaml.safe_load(open({str(set_path)!r}, encoding="utf-8"))["messages"]:
    v = detector.analyse(nlp.make_doc(m["text"]))
    out.append({{"text": m["text"], "label": m["expect"], "category": v.category.value if v.category else None,
                "contradict_exposed": v.contradicted(Category.EXPOSED_HARDWARE, Category.UNCLEAR_EXPOSURE),
                "contradict_neuro": v.contradicted(Category.NEURO_RED_FLAG) or v.neuro_denied}})
json.dump(out, sys.stdout)
"""
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=worktree)
    return json.loads(done.stdout)


def _count(scored: List[Tuple[Dict[str, Any], Likelihood]], thresholds: LearnedThresholds | None) -> Dict[str, int]:
    """Reports caught and false alarms through the funnel (`thresholds` None: without the learned stage)."""
    intents = Intents("E", "N", "W", "askE", "askN", "fallback", "warning", frozenset(), frozenset())
    clarifying = {"E": "askE", "N": "askN"}
    counts: Counter = Counter()
    for verdict, likelihood in scored:
        signals = Signals.from_rules(
            Category(verdict["category"]) if verdict["category"] else None,
            verdict["contradict_exposed"],
            verdict["contradict_neuro"],
            learned=likelihood if thresholds is not None else None,
        )
        intent = decide(signals, intents, clarifying, thresholds or LearnedThresholds()).intent
        label = verdict["label"]
        key = label if label in EMERGENCY_LABELS else "negative"
        counts[key] += 1
        if label == "exposed_hardware" and intent == "E" or label == "neuro_red_flag" and intent in ("E", "N"):
            counts[f"{key} caught"] += 1
        if key == "negative" and intent in ("E", "N"):
            counts["false alarms"] += 1
    return counts


def _summary(counts: Dict[str, int]) -> str:
    exposed = counts["exposed_hardware caught"], counts["exposed_hardware"]
    neuro = counts["neuro_red_flag caught"], counts["neuro_red_flag"]
    alarms, negatives = counts["false alarms"], counts["negative"]
    return (
        f"exposed {exposed[0]}/{exposed[1]} ({exposed[0] / exposed[1]:.3f})  "
        f"neuro {neuro[0]}/{neuro[1]} ({neuro[0] / neuro[1]:.3f})  "
        f"false alarms {alarms}/{negatives} ({alarms / negatives:.2%})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", type=int, default=6, help="how many of the newest first-run sealed sets")
    parser.add_argument("--sweep", action="store_true", help="also try a grid of learned-stage thresholds")
    args = parser.parse_args()

    import yaml
    from rasa.shared.nlu.training_data.loading import load_data

    from contract import TOPIC_QUESTION_INTENTS
    from evaluation.sets import SetStatus, regression_safety_examples, safety_sets

    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    (safety,) = [c for c in config["pipeline"] if c["name"].endswith("SafetyOverrideClassifier")]
    thresholds = LearnedThresholds.from_config(safety)
    topic_questions = [
        (str(m.get("text")), "not_emergency")
        for m in load_data(str(ROOT / "data" / "nlu")).intent_examples
        if m.get("intent") in TOPIC_QUESTION_INTENTS
    ]
    regression = regression_safety_examples()
    held_out = [
        s
        for s in safety_sets()
        if s.first_run and s.status is SetStatus.REGRESSION and s.name.startswith("safety_sealed")
    ][-args.sets :]
    scored: List[Tuple[Dict[str, Any], Likelihood]] = []
    for evaluation_set in held_out:
        commit = (evaluation_set.first_run or {})["commit"]
        with tempfile.TemporaryDirectory() as scratch:
            worktree = Path(scratch) / "tree"
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(worktree), commit], check=True
            )
            try:
                verdicts = verdicts_at(worktree, evaluation_set.path)
            finally:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)], check=True)
        training = [(e.text, e.label) for name, sets in regression.items() if name != evaluation_set.name for e in sets]
        stage = LearnedStage.fit(
            [t for t, _ in training + topic_questions], [label for _, label in training + topic_questions]
        )
        scored += [(v, stage.likelihood(v["text"])) for v in verdicts]
        print(f"{evaluation_set.name} (rules of {commit[:7]}) done")
    print(f"thresholds of config.yml: {thresholds}")
    print(f"{'rules alone':40s} {_summary(_count(scored, None))}")
    print(f"{'rules and learned stage':40s} {_summary(_count(scored, thresholds))}")
    if args.sweep:
        print("sweep (tuning on these runs: not a sealed measure):")
        for emergency, doubt in itertools.product((0.6, 0.7, 0.8, 0.9), (0.05, 0.1, 0.2, 0.3, 0.4)):
            tried = replace(thresholds, emergency=emergency, emergency_scoped=max(emergency, 0.8), doubt=doubt)
            print(f"  emergency {emergency:.2f} doubt {doubt:.2f}{'':14s} {_summary(_count(scored, tried))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
