"""Train a variant of the assistant's config into a folder (for seed sweeps and sealed comparisons)."""

from __future__ import annotations

import copy
import os
import subprocess
import time
from pathlib import Path
from typing import Any, Dict, Tuple

import yaml

from evaluation.paths import ROOT

TRAINING_DATA = ["data/nlu", "data/rules", "data/stories"]
DIET_COMPONENTS = ("DIETClassifier", "nlu_components.fast_loading_diet.FastLoadingDIETClassifier")


def load_config(path: Path = ROOT / "config.yml") -> Dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def with_seed(config: Dict[str, Any], seed: int) -> Dict[str, Any]:
    """A copy of `config` whose one DIET classifier (Rasa's or its fast-loading subclass) has `random_seed: seed`."""
    variant = copy.deepcopy(config)
    diet = [c for c in variant["pipeline"] if c["name"] in DIET_COMPONENTS]
    if len(diet) != 1:
        raise ValueError("the config must have exactly one DIETClassifier")
    diet[0]["random_seed"] = seed
    return variant


def without_component(config: Dict[str, Any], name: str) -> Dict[str, Any]:
    """A copy of `config` without the pipeline component `name` (which must be there)."""
    variant = copy.deepcopy(config)
    kept = [c for c in variant["pipeline"] if c["name"] != name]
    if len(kept) == len(variant["pipeline"]):
        raise ValueError(f"the config has no component {name}")
    variant["pipeline"] = kept
    return variant


def train(config: Dict[str, Any], out: Path, nlu_only: bool = False) -> Tuple[Path, float]:
    """Train `config` into `out/model.tar.gz`; returns the model's path and the seconds it took."""
    out.mkdir(parents=True, exist_ok=True)
    config_path = out / "config.yml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    command = [str(ROOT / ".venv/bin/rasa"), "train"]
    command += ["nlu", "--nlu", "data/nlu"] if nlu_only else ["--data", *TRAINING_DATA, "--domain", "domain.yml"]
    command += ["--config", str(config_path), "--out", str(out), "--fixed-model-name", "model", "--quiet"]
    started = time.monotonic()
    subprocess.run(
        command,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false"},
    )
    return out / "model.tar.gz", time.monotonic() - started
