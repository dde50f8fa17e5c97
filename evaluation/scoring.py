"""Scorers for the NLU and safety sets: the figures `make nlu-eval`, `make safety-report` and the tests use."""

from __future__ import annotations

from collections import Counter
from typing import Any, Dict, List, Sequence, Tuple

from contract import (
    CLARIFYING_QUESTION_INTENTS,
    EMERGENCY_INTENTS,
    ESCALATING_INTENTS,
    EXPOSED_HARDWARE_INTENT,
    FALLBACK_INTENT,
    NEURO_RED_FLAG_INTENT,
    OUT_OF_SCOPE_INTENT,
    SAFETY_LABEL_INTENTS,
    TOPIC_QUESTION_INTENTS,
    WARNING_SIGNS_INTENT,
    WOUND_EMERGENCY_INTENT,
)

Pairs = Sequence[Tuple[str, str]]  # (gold intent, predicted intent)


def f1_by_intent(pairs: Pairs) -> Dict[str, float]:
    """F1 for each gold intent, as `rasa test nlu` reports it (labels = gold intents)."""
    true_pos: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    actual: Counter[str] = Counter()
    for gold, guess in pairs:
        actual[gold] += 1
        predicted[guess] += 1
        if gold == guess:
            true_pos[gold] += 1
    scores = {}
    for intent in actual:
        precision = true_pos[intent] / predicted[intent] if predicted[intent] else 0.0
        recall = true_pos[intent] / actual[intent]
        scores[intent] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return scores


def macro_f1(pairs: Pairs) -> float:
    scores = f1_by_intent(pairs)
    return sum(scores.values()) / len(scores) if scores else 0.0


def _share(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def nlu_scores(pairs: Pairs, offered: Sequence[Sequence[str]] | None = None) -> Dict[str, Any]:
    """The figures the sealed-set process reports for an NLU set.

    - topic_accuracy: information questions given their own topic;
    - topic_offered: ... or offered it in "Did you mean" (`offered[i]` lists the topic intents offered);
    - out_of_scope_recognised: out-of-scope messages given out_of_scope or the fallback reply;
    - urgent_escalated: warning-sign and neurological reports given a reply at warning-sign level or
      above (a clarifying question that escalates counts; its count is shown);
    - exposed_recall: exposed-metal reports given the emergency reply itself;
    - false_emergencies: other messages given an emergency reply.
    """
    offered = offered or [[] for _ in pairs]
    topics = [(i, g, p) for i, (g, p) in enumerate(pairs) if g in TOPIC_QUESTION_INTENTS]
    oos = [p for g, p in pairs if g == OUT_OF_SCOPE_INTENT]
    urgent = [p for g, p in pairs if g in (WARNING_SIGNS_INTENT, NEURO_RED_FLAG_INTENT)]
    exposed = [p for g, p in pairs if g == EXPOSED_HARDWARE_INTENT]
    others = [p for g, p in pairs if g not in ESCALATING_INTENTS]
    return {
        "messages": len(pairs),
        "accuracy": _share(sum(g == p for g, p in pairs), len(pairs)),
        "macro_f1": round(macro_f1(pairs), 4),
        "topic_questions": len(topics),
        "topic_accuracy": _share(sum(g == p for _, g, p in topics), len(topics)),
        "topic_offered": _share(sum(g == p or g in offered[i] for i, g, p in topics), len(topics)),
        "out_of_scope": len(oos),
        "out_of_scope_recognised": _share(sum(p in (OUT_OF_SCOPE_INTENT, FALLBACK_INTENT) for p in oos), len(oos)),
        "urgent_or_neuro": len(urgent),
        "urgent_escalated": _share(sum(p in ESCALATING_INTENTS for p in urgent), len(urgent)),
        "urgent_via_question": sum(p in CLARIFYING_QUESTION_INTENTS for p in urgent),
        "exposed": len(exposed),
        "exposed_recall": _share(sum(p == EXPOSED_HARDWARE_INTENT for p in exposed), len(exposed)),
        "false_emergencies": sum(p in EMERGENCY_INTENTS for p in others),
    }


def safety_scores(labels: Sequence[str], predicted: Sequence[str]) -> Dict[str, Any]:
    """Recall per emergency label, false-alarm rate, clarifying questions, warning signs kept urgent."""
    pairs = list(zip(labels, predicted, strict=True))
    result: Dict[str, Any] = {"messages": len(pairs), "by_label": dict(Counter(labels))}
    for label, intent in SAFETY_LABEL_INTENTS.items():
        rows = [p for g, p in pairs if g == label]
        result[f"recall_{label}"] = _share(sum(p == intent for p in rows), len(rows))
        result[f"missed_{label}"] = sum(p != intent for p in rows)
    negatives = [p for g, p in pairs if g not in SAFETY_LABEL_INTENTS]
    result["false_alarms"] = sum(p in EMERGENCY_INTENTS for p in negatives)
    result["false_alarm_rate"] = _share(result["false_alarms"], len(negatives))
    # Of those, the warning signs the wound-emergency rules sent to the emergency department (the
    # triage ladder puts an opened wound, pus with a fever and red streaks there; a set's writer may
    # have labelled them warning signs): counted in false_alarms, and shown apart.
    result["warning_signs_to_wound_emergency"] = sum(
        p == WOUND_EMERGENCY_INTENT for g, p in pairs if g == "warning_signs"
    )
    result["asked_clarifying_question"] = sum(p in CLARIFYING_QUESTION_INTENTS for p in predicted)
    warnings = [p for g, p in pairs if g == "warning_signs"]
    # A warning sign that got the wound-emergency reply was sent higher, not lower.
    urgent = (WARNING_SIGNS_INTENT, WOUND_EMERGENCY_INTENT)
    result["warning_signs_as_urgent"] = _share(sum(p in urgent for p in warnings), len(warnings))
    result["wound_emergencies"] = sum(p == WOUND_EMERGENCY_INTENT for p in predicted)
    return result


def misses(labels: Sequence[str], predicted: Sequence[str], texts: Sequence[str]) -> List[Dict[str, str]]:
    """Every message whose predicted intent is not its label (for reports of regression sets only)."""
    return [{"label": g, "got": p, "text": t} for g, p, t in zip(labels, predicted, texts, strict=True) if g != p]


def stage_counts(labels: List[str], predictions: Sequence[Tuple[str, str | None]]) -> Dict[str, Dict[str, int]]:
    """{stage: {"caught": emergency reports it raised, "raised_falsely": other messages it raised}}."""
    raised = EMERGENCY_INTENTS | CLARIFYING_QUESTION_INTENTS
    caught: Counter = Counter()
    false: Counter = Counter()
    for label, (intent, stage) in zip(labels, predictions, strict=True):
        if intent not in raised:
            continue
        (caught if label in SAFETY_LABEL_INTENTS else false)[stage or "classifier"] += 1
    return {stage: {"caught": caught[stage], "raised_falsely": false[stage]} for stage in sorted(caught | false)}
