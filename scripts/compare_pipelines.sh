#!/usr/bin/env bash
# Train each candidate NLU pipeline in configs/pipelines/ and score it on both evaluation splits.
# The safety layer is left out of the candidates so the classifiers are compared alone.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH=. TF_CPP_MIN_LOG_LEVEL=3
out=results/compare
mkdir -p "$out"
for config in configs/pipelines/*.yml; do
  name=$(basename "$config" .yml)
  echo "==> $name"
  start=$(date +%s)
  .venv/bin/rasa train nlu --nlu data/nlu --config "$config" --out "$out/$name" --quiet >/dev/null
  echo "train_seconds=$(( $(date +%s) - start ))" > "$out/$name/timing.txt"
  for split_file in tests/nlu/*.yml; do  # every evaluation split, as `make nlu-eval`
    split=$(basename "$split_file" .yml)
    .venv/bin/rasa test nlu --model "$out/$name" --nlu "$split_file" --out "$out/$name/$split" --quiet >/dev/null
    echo "$split: $(.venv/bin/python scripts/nlu_report.py "$out/$name/$split" --summary)"
  done
  cat "$out/$name/timing.txt"
done
