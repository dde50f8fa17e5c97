"""How much the NLU scores move with DIET's random seed alone.

    python -m scripts.nlu_seed_sweep --seeds 1 2 3

Trains the whole assistant (as `make train` does) once per seed with config.yml,
changing only DIETClassifier's `random_seed`, scores each model on the regression
NLU sets the way tests/nlu/test_heldout.py does, and writes results/nlu/seed_sweep.json.
The seed in config.yml is not chosen from these figures: picking the seed that
scores best on a set would tune the model to that set.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List

from evaluation.paths import RESULTS
from evaluation.predict import intents, load_agent, parse_all
from evaluation.scoring import macro_f1
from evaluation.sets import SetStatus, nlu_sets
from evaluation.training import load_config, train, with_seed


def macro_f1_by_set(model: Path) -> Dict[str, float]:
    agent = load_agent(model)
    scores = {}
    for evaluation_set in nlu_sets():
        if evaluation_set.status is not SetStatus.REGRESSION:
            continue
        examples = evaluation_set.examples()
        guesses = intents(parse_all(agent, [e.text for e in examples]))
        scores[evaluation_set.name] = round(macro_f1([(e.label, g) for e, g in zip(examples, guesses, strict=True)]), 4)
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", required=True)
    args = parser.parse_args()
    runs: List[Dict[str, Any]] = []
    for seed in args.seeds:
        with tempfile.TemporaryDirectory(prefix=f"seed{seed}-") as tmp:
            model, seconds = train(with_seed(load_config(), seed), Path(tmp))
            scores = macro_f1_by_set(model)
        runs.append({"seed": seed, "train_seconds": round(seconds), **scores})
        print(json.dumps(runs[-1]), flush=True)
    names = [k for k in runs[0] if k not in ("seed", "train_seconds")]
    summary = {
        name: {
            "mean": round(statistics.mean(r[name] for r in runs), 4),
            "min": min(r[name] for r in runs),
            "max": max(r[name] for r in runs),
        }
        for name in names
    }
    out = RESULTS / "nlu" / "seed_sweep.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"runs": runs, "summary": summary}, indent=2), encoding="utf-8")
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
