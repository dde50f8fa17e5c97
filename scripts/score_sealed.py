"""Score a sealed evaluation set once, record its first-run figures, and unseal it.

    python -m scripts.score_sealed --set nlu_sealed_b
        # the newest model in models/ (what `make train` built from this commit)
    python -m scripts.score_sealed --set nlu_sealed_a --seeds 2811 1 2 \
        --without nlu_components.pretrained_featurizer.PretrainedSentenceFeaturizer \
        nlu_components.embedding_intent_classifier.EmbeddingBlendIntentClassifier
        # compare config.yml with and without a component, NLU-only training, each seed
    python -m scripts.score_sealed --set nlu_sealed_d --seeds 2811 7 \
        --variant-configs configs/pipelines/f_blend_half_diet100.yml
        # compare config.yml with other whole pipeline files, each seed

Refuses a set that is not sealed, and a work tree with uncommitted changes: the
figures are recorded against the commit they were measured on. Prints figures
only; the per-message predictions go to results/sealed/<set>.json, for the
tuning that may follow (after which the set is a regression set).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List

from evaluation.git import git
from evaluation.models import latest_model
from evaluation.overlap import training_duplicates, training_texts
from evaluation.paths import RESULTS, ROOT
from evaluation.runs import score_examples
from evaluation.sets import SetKind, SetStatus, load_registry, read_examples, record_first_run, remove_messages
from evaluation.training import load_config, train, with_seed, without_component


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", required=True, dest="set_name")
    parser.add_argument("--seeds", type=int, nargs="*", default=[], help="train config.yml with each DIET seed")
    parser.add_argument(
        "--without", nargs="+", default=[], help="also train each seed without these pipeline components"
    )
    parser.add_argument(
        "--variant-configs", nargs="+", default=[], type=Path, help="also train each seed with these config files"
    )
    args = parser.parse_args()
    if (args.without or args.variant_configs) and not args.seeds:
        sys.exit("error: --without and --variant-configs train models: give --seeds too")

    evaluation_set = next((s for s in load_registry() if s.name == args.set_name), None)
    if evaluation_set is None:
        sys.exit(f"error: no set named {args.set_name} in tests/evaluation_sets.yml")
    if evaluation_set.status is not SetStatus.SEALED:
        sys.exit(f"error: {args.set_name} is {evaluation_set.status.value}; a set is scored as sealed only once")
    if git("status", "--porcelain"):
        sys.exit("error: commit your changes first; first-run figures are recorded against a commit")
    commit = git("rev-parse", "HEAD")
    examples = read_examples(evaluation_set)
    # Lines that are also training lines ("thanks") say nothing about generalisation: left out.
    duplicates = training_duplicates(examples, training_texts()) if evaluation_set.kind is not SetKind.SAFETY else []
    examples = [e for e in examples if e not in duplicates]

    runs: List[Dict[str, Any]] = []
    if not args.seeds:
        model = latest_model()
        runs.append({"variant": "config.yml", "model": model.name, **score_examples(evaluation_set, examples, model)})
    else:
        config = load_config()
        variants = {"config.yml": config}
        if args.without:
            reduced = config
            for component in args.without:
                reduced = without_component(reduced, component)
            short = ", ".join(c.rsplit(".", 1)[-1] for c in args.without)
            variants[f"config.yml without {short}"] = reduced
        for path in args.variant_configs:
            variants[str(path)] = load_config(ROOT / path)
        for seed in args.seeds:
            for name, variant in variants.items():
                with tempfile.TemporaryDirectory(prefix="sealed-") as tmp:
                    model, seconds = train(with_seed(variant, seed), Path(tmp), nlu_only=True)
                    scored = score_examples(evaluation_set, examples, model)
                runs.append({"variant": name, "seed": seed, "train_seconds": round(seconds), **scored})
                print(json.dumps({k: v for k, v in runs[-1].items() if k != "predictions"}), flush=True)

    out = RESULTS / "sealed" / f"{args.set_name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"commit": commit, "runs": runs}, indent=2), encoding="utf-8")
    record: Dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "commit": commit,
        "messages": len(examples),
        "left_out_as_training_lines": len(duplicates),
        "runs": [{k: v for k, v in run.items() if k != "predictions"} for run in runs],
    }
    record_first_run(args.set_name, record)
    if duplicates:
        # make test refuses a readable set that shares a line with the training data: the lines
        # left out of the run go from the file now; the ones scored stay as they were.
        deleted = remove_messages(evaluation_set.path, [d.text for d in duplicates])
        print(f"deleted the {deleted} training-line duplicates from {evaluation_set.path.relative_to(ROOT)}")
    for run in record["runs"]:
        print(json.dumps(run))
    print(f"recorded in tests/evaluation_sets.yml; predictions in {out.relative_to(ROOT)}. Commit the record now.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
