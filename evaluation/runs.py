"""Score an evaluation set with a trained model: the figures, and the per-message predictions."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List

from actions.disambiguation import topics_to_offer
from evaluation.predict import load_agent, parse_all
from evaluation.scoring import nlu_scores, safety_scores, stage_counts
from evaluation.sets import EvaluationSet, Example, SetKind


def score_examples(evaluation_set: EvaluationSet, examples: List[Example], model: Path) -> Dict[str, Any]:
    """{"figures": ..., "predictions": [...]} for `examples` of `evaluation_set` through `model`."""
    parses = parse_all(load_agent(model), [e.text for e in examples])
    predicted = [p["intent"]["name"] for p in parses]
    stages = [(p.get("safety") or {}).get("stage") for p in parses]
    labels = [e.label for e in examples]
    if evaluation_set.kind is SetKind.SAFETY:
        figures = safety_scores(labels, predicted)
        figures["by_stage"] = stage_counts(labels, list(zip(predicted, stages, strict=True)))
        by_language: Dict[str, List[int]] = defaultdict(list)
        for index, example in enumerate(examples):
            by_language[example.language].append(index)
        if len(by_language) > 1:
            figures["by_language"] = {
                language: safety_scores([labels[i] for i in rows], [predicted[i] for i in rows])
                for language, rows in sorted(by_language.items())
            }
    else:
        offered = [topics_to_offer(p.get("intent_ranking") or []) for p in parses]
        figures = nlu_scores(list(zip(labels, predicted, strict=True)), offered)
    predictions = [
        {
            "text": e.text,
            "label": e.label,
            "kind": e.kind,
            "got": g,
            "safety": (p.get("safety") or {}).get("category"),
            "stage": stage,
        }
        for e, g, p, stage in zip(examples, predicted, parses, stages, strict=True)
    ]
    return {"figures": figures, "predictions": predictions}
