"""How much the NLU scores move with DIET's random seed alone.

    python scripts/nlu_seed_sweep.py --seeds 1 2 3

Trains the whole assistant (as `make train` does) once per seed with config.yml,
changing only DIETClassifier's `random_seed`, scores each model on the evaluation
splits the way tests/nlu/test_heldout.py does, and writes results/nlu/seed_sweep.json.
The seed in config.yml is not chosen from these figures: picking the seed that
scores best on a split would tune the model to that split.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.nlu.test_heldout import MACRO_F1_GATES, f1_by_intent  # noqa: E402

TRAINING_DATA = ["data/nlu", "data/rules", "data/stories"]


def config_with_seed(seed: int) -> Dict:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    diet = [c for c in config["pipeline"] if c["name"] == "DIETClassifier"]
    if len(diet) != 1:
        raise SystemExit("config.yml must have exactly one DIETClassifier")
    diet[0]["random_seed"] = seed
    return config


def train(config: Dict, out: Path) -> float:
    config_path = out / "config.yml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    started = time.monotonic()
    subprocess.run(
        [str(ROOT / ".venv/bin/rasa"), "train", "--data", *TRAINING_DATA, "--config", str(config_path)]
        + ["--domain", "domain.yml", "--out", str(out), "--fixed-model-name", "model", "--quiet"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(ROOT)},
    )
    return time.monotonic() - started


async def macro_f1_by_split(model: Path) -> Dict[str, float]:
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data

    agent = Agent.load(str(model))
    scores = {}
    for split in MACRO_F1_GATES:
        pairs = [
            (e.get("intent"), (await agent.parse_message(e.get("text")))["intent"]["name"])
            for e in load_data(str(split)).training_examples
        ]
        by_intent = f1_by_intent(pairs)
        scores[split.stem] = round(sum(by_intent.values()) / len(by_intent), 4)
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", required=True)
    args = parser.parse_args()
    runs: List[Dict] = []
    for seed in args.seeds:
        with tempfile.TemporaryDirectory(prefix=f"seed{seed}-") as tmp:
            seconds = train(config_with_seed(seed), Path(tmp))
            scores = asyncio.run(macro_f1_by_split(Path(tmp) / "model.tar.gz"))
        runs.append({"seed": seed, "train_seconds": round(seconds), **scores})
        print(json.dumps(runs[-1]), flush=True)
    summary = {
        split.stem: {
            "mean": round(statistics.mean(r[split.stem] for r in runs), 4),
            "min": min(r[split.stem] for r in runs),
            "max": max(r[split.stem] for r in runs),
        }
        for split in MACRO_F1_GATES
    }
    out = ROOT / "results" / "nlu" / "seed_sweep.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"runs": runs, "summary": summary}, indent=2), encoding="utf-8")
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
